"""Sitoo's error body ``{"statuscode": n, "errortext": "..."}`` for every refusal, core ones included."""

from __future__ import annotations

import json

from flask import Response

from mocks.core import errors as core
from mocks.core.errors import ApiError

_CORE_TEXT = {
    core.NOT_FOUND: "Resource not found. The url is invalid.",
    core.METHOD_NOT_ALLOWED: "Method not allowed for this resource.",
}


def error_body(err: ApiError) -> dict[str, object]:
    """The JSON body Sitoo sends for ``err``."""
    return {"statuscode": err.status, "errortext": _CORE_TEXT.get(err.code, err.message)}


def render_error(err: ApiError) -> Response:
    """Render any ApiError (ours or the core's generic ones) in Sitoo's shape."""
    response = Response(json.dumps(error_body(err)), status=err.status, content_type="application/json")
    if err.status == 401:
        response.headers["WWW-Authenticate"] = 'Basic realm="Sitoo API"'
    return response


def throttle_error() -> ApiError:
    """Sitoo's 429 Too Many Requests."""
    return ApiError(429, "TOO_MANY_REQUESTS", "Too Many Requests.", headers={"Retry-After": "1"})
