"""The WMS error body and the refusals the WMS raises.

Every vendor-API error is ``{"status": <http status>, "errorCode": "...", "message": "..."}`` plus, where
useful, ``field`` (the offending input) and context such as ``existingOrderId`` or ``currentStatus``.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response

from mocks.core import errors as core
from mocks.core import validation as v
from mocks.core.errors import ApiError

INVALID_REQUEST = "INVALID_REQUEST"
UNAUTHORIZED = "UNAUTHORIZED"
NOT_FOUND = "NOT_FOUND"
RATE_LIMITED = "RATE_LIMITED"
RETRY_AFTER_SECONDS = 60

_CORE_CODES = {
    core.BAD_JSON: "INVALID_JSON",
    core.BAD_CONTENT_TYPE: "UNSUPPORTED_MEDIA_TYPE",
    core.NOT_FOUND: NOT_FOUND,
    core.METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
    core.TOO_LARGE: "PAYLOAD_TOO_LARGE",
    core.INTERNAL: "INTERNAL_ERROR",
    core.INJECTED: "SERVICE_ERROR",
    core.THROTTLED: RATE_LIMITED,
}
_CORE_MESSAGES = {
    core.NOT_FOUND: "No resource matches this URL.",
}


def error_body(err: ApiError) -> dict[str, Any]:
    """The WMS's JSON error body for ``err``."""
    body: dict[str, Any] = {
        "status": err.status,
        "errorCode": _CORE_CODES.get(err.code, err.code),
        "message": _CORE_MESSAGES.get(err.code, err.message),
    }
    if err.path:
        body["field"] = err.path
    body.update(err.extra)
    return body


def render_error(err: ApiError) -> Response:
    """Render ``err`` as the WMS answers it."""
    return Response(
        json.dumps(error_body(err), separators=(",", ":")), status=err.status, content_type="application/json"
    )


#: Validation refusals the WMS words otherwise than the house wording (``mocks.core.validation.MESSAGES``).
_INVALID = {v.LENGTH: "'{field}' is longer than {max_len} characters."}


def invalid(exc: v.Invalid) -> ApiError:
    """A validation refusal as the WMS's 400 naming the field (``UNKNOWN_FIELD`` for a field it does not know)."""
    code = "UNKNOWN_FIELD" if exc.reason == v.UNKNOWN_FIELD else INVALID_REQUEST
    return bad_request(exc.message(_INVALID), exc.field, code=code)


def throttle_error() -> ApiError:
    """The WMS's 429: 150 requests per minute per API key, retry after 60 s."""
    return ApiError(
        429,
        RATE_LIMITED,
        "Too many requests: the limit is 150 requests per minute per API key.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        extra={"retryAfterSeconds": RETRY_AFTER_SECONDS},
    )


def bad_request(
    message: str, field: str | None = None, code: str = INVALID_REQUEST, **extra: Any
) -> ApiError:
    """A 400 naming the offending field."""
    return ApiError(400, code, message, path=field, extra=extra)


def not_found(what: str, ident: Any) -> ApiError:
    """A 404 for an unknown (or another client's) resource."""
    return ApiError(404, NOT_FOUND, f"{what} {ident} was not found.")


def unauthorized(message: str) -> ApiError:
    """The WMS's 401: no API key, or one no client holds."""
    return ApiError(401, UNAUTHORIZED, message)


def no_such(code: str, message: str, field: str) -> ApiError:
    """A 404 for a record an act/ body (or a stock adjustment) names that does not exist (``ORDER_NOT_FOUND``...)."""
    return ApiError(404, code, message, path=field)


def conflict(code: str, message: str, **extra: Any) -> ApiError:
    """A 409: the resource's state does not allow the change."""
    return ApiError(409, code, message, extra=extra)


def duplicate(code: str, message: str, field: str, **extra: Any) -> ApiError:
    """A 422: a natural key (client reference, SKU, PO reference) is already taken."""
    return ApiError(422, code, message, path=field, extra=extra)
