"""Sitoo's error body ``{"statuscode": n, "errortext": "..."}`` for every refusal, core ones included."""

from __future__ import annotations

import json

from flask import Response

from mocks.core import errors as core
from mocks.core import validation as v
from mocks.core.errors import ApiError

_CORE_TEXT = {
    core.NOT_FOUND: "Resource not found. The url is invalid.",
    core.METHOD_NOT_ALLOWED: "Method not allowed for this resource.",
}


def error_body(err: ApiError) -> dict[str, object]:
    """The JSON body Sitoo sends for ``err``."""
    return {"statuscode": err.status, "errortext": _CORE_TEXT.get(err.code, err.message)}


def bad(message: str, path: str | None = None) -> ApiError:
    """A Sitoo 400 (invalid syntax, missing argument or invalid request)."""
    return ApiError(400, "INVALID_REQUEST", message, path=path)


def not_found(what: str) -> ApiError:
    """A Sitoo 404 for a resource that does not exist."""
    return ApiError(404, "NOT_FOUND", f"{what} not found.")


def unauthorized(message: str = "Unauthorized. Authorization failed.") -> ApiError:
    """Sitoo's 401."""
    return ApiError(401, "UNAUTHORIZED", message)


def invalid_seed(message: str) -> ApiError:
    """A control-plane seed the POS cannot build (400 INVALID_SEED)."""
    return ApiError(400, "INVALID_SEED", message)


def render_error(err: ApiError) -> Response:
    """Render any ApiError (ours or the core's generic ones) in Sitoo's shape."""
    response = Response(json.dumps(error_body(err)), status=err.status, content_type="application/json")
    if err.status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="Sitoo API"'
    return response


#: Sitoo's wording of validation refusals (POS names fields without nesting: ``{field}`` is the key).
_INVALID = {
    v.REQUIRED: "Missing required field '{field}'.",
    v.UNKNOWN_FIELD: "Invalid field '{key}' for {what}.",
    v.NOT_STRING: "Field '{field}' must be a string.",
    v.NUL: "Field '{field}' must not contain NUL characters.",
    v.NOT_TEXT: "Field '{field}' is not valid Unicode text.",
    v.LENGTH: "Field '{field}' must be {min_len} to {max_len} characters long.",
    v.PATTERN: "Field '{field}' has an invalid format.",
    v.NOT_INTEGER: "Field '{field}' must be an integer.",
    v.RANGE: "Field '{field}' must be between {minimum} and {maximum}.",
    v.NOT_BOOLEAN: "Field '{field}' must be a boolean.",
    v.NOT_ARRAY: "Field '{field}' must be an array.",
    v.TOO_MANY: "Field '{field}' holds {count} entries; at most {max_items} are allowed.",
    v.TOO_FEW: "Field '{field}' must hold at least {min_items} entries.",
    v.NOT_OBJECT: "'{field}' must be an object.",
}


def invalid(exc: v.Invalid) -> ApiError:
    """A validation refusal as Sitoo's 400 (an unknown field is named by its key alone)."""
    path = exc.params["key"] if exc.reason == v.UNKNOWN_FIELD else exc.field
    return bad(exc.message(_INVALID), path)


def throttle_error() -> ApiError:
    """Sitoo's 429 Too Many Requests."""
    return ApiError(429, "TOO_MANY_REQUESTS", "Too Many Requests.", headers={"Retry-After": "1"})
