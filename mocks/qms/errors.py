"""The QMS's own error body: ``{"statusCode", "name", "code", "message", "details"?}`` (Katana-style)."""

from __future__ import annotations

import json
from typing import Any

from flask import Response

from mocks.core import errors as E
from mocks.core import validation as v
from mocks.core.errors import ApiError

NAMES = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    409: "ConflictError",
    413: "PayloadTooLargeError",
    415: "UnsupportedMediaTypeError",
    422: "UnprocessableEntityError",
    429: "TooManyRequestsError",
    500: "InternalServerError",
    502: "BadGatewayError",
    503: "ServiceUnavailableError",
    504: "GatewayTimeoutError",
}
#: The core's generic conditions in the QMS's vocabulary.
CODES = {
    E.BAD_JSON: "INVALID_JSON",
    E.BAD_CONTENT_TYPE: "UNSUPPORTED_MEDIA_TYPE",
    E.NOT_FOUND: "NOT_FOUND",
    E.METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
    E.TOO_LARGE: "PAYLOAD_TOO_LARGE",
    E.INTERNAL: "INTERNAL_ERROR",
    E.THROTTLED: "RATE_LIMITED",
    E.INJECTED: "SERVICE_ERROR",
}
RATE_LIMIT = 60


def error_body(err: ApiError) -> dict[str, Any]:
    """The JSON body of one refusal."""
    body: dict[str, Any] = {
        "statusCode": err.status,
        "name": NAMES.get(err.status, "ServerError" if err.status >= 500 else "ClientError"),
        "code": CODES.get(err.code, err.code),
        "message": err.message,
    }
    details = dict(err.extra)
    if err.path:
        details["field"] = err.path
    if details:
        body["details"] = details
    return body


def render_error(err: ApiError) -> Response:
    """Render any ApiError (the QMS's own or the core's generic ones) as the QMS error body."""
    return Response(
        json.dumps(error_body(err), separators=(",", ":")), status=err.status, content_type="application/json"
    )


def not_found(kind: str, key: Any, within: str = "") -> ApiError:
    """The QMS's 404 for a missing resource in the path (``within``: " on shipment 3")."""
    return ApiError(404, "NOT_FOUND", f"{kind} {key} was not found{within}.", extra={"resource": kind})


def no_match(what: str, field: str, ref: Any) -> ApiError:
    """The 404 of an act/ body naming a record (by id or natural key) that does not exist."""
    return ApiError(404, "NOT_FOUND", f"No {what} matches {field}={ref!r}.")


def conflict(code: str, message: str, **details: Any) -> ApiError:
    """A 409: the request is valid but the current state forbids it."""
    return ApiError(409, code, message, extra=details)


def invalid_state(kind: str, key: Any, status: str, action: str, **details: Any) -> ApiError:
    """The 409 every state-transition guard raises, naming the current state."""
    return ApiError(
        409,
        "INVALID_STATE",
        f"{kind} {key} is {status}; cannot {action}.",
        extra={"resource": kind, "id": key, "status": status, **details},
    )


def unknown_ref(kind: str, field: str, key: Any) -> ApiError:
    """A 422: the body names something that does not exist."""
    return ApiError(
        422,
        "UNKNOWN_REFERENCE",
        f"{kind} {key!r} (in '{field}') does not exist.",
        path=field,
        extra={"resource": kind},
    )


def unprocessable(code: str, message: str, field: str | None = None, **details: Any) -> ApiError:
    """A 422: the request is well formed but names something that cannot be used here."""
    return ApiError(422, code, message, path=field, extra=details)


def unauthorized(message: str) -> ApiError:
    """The QMS's 401 (no, or a wrong, API key)."""
    return ApiError(401, "UNAUTHORIZED", message)


def validation_error(field: str | None, message: str) -> ApiError:
    """The QMS's 400 for one bad field."""
    return ApiError(400, "VALIDATION_ERROR", message, path=field)


#: Validation refusals the QMS words otherwise than the house wording (``mocks.core.validation.MESSAGES``).
_INVALID = {
    v.DATE_VALUE: "'{field}' must be a valid date (YYYY-MM-DD).",
    v.NOT_ARRAY: "'{field}' must be an array of objects.",  # the only arrays the QMS core-parses hold objects
    v.TOO_FEW: "'{field}' must have {min_items} to {max_items} entries.",
    v.TOO_MANY: "'{field}' must have {min_items} to {max_items} entries.",
}


def invalid(exc: v.Invalid) -> ApiError:
    """A validation refusal as the QMS's 400 VALIDATION_ERROR naming the field."""
    return validation_error(exc.field, exc.message(_INVALID))


def throttle_error() -> ApiError:
    """The QMS's 429: 60 requests per 60 seconds, with Retry-After and X-Ratelimit-* headers."""
    return ApiError(
        429,
        "RATE_LIMITED",
        f"Too many requests: the limit is {RATE_LIMIT} per 60 seconds.",
        headers={"Retry-After": "60", "X-Ratelimit-Limit": str(RATE_LIMIT), "X-Ratelimit-Remaining": "0"},
    )
