"""Request helpers shared by every emulator's routes: JSON bodies, ints, booleans."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request

from .errors import BAD_CONTENT_TYPE, BAD_JSON, ApiError


def json_body(*, required: bool = True, expect: type | tuple[type, ...] = dict,
              content_types: tuple[str, ...] = ("application/json",)) -> Any:
    """The request's JSON body, refusing wrong content types and malformed or non-object JSON."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise ApiError(400, BAD_JSON, "The request body is empty; a JSON document is required.")
        return {} if expect is dict else None
    mimetype = (request.mimetype or "").lower()
    if mimetype and not any(mimetype == ct or mimetype.endswith("+json") for ct in content_types):
        raise ApiError(415, BAD_CONTENT_TYPE, f"Unsupported content type '{request.mimetype}'.")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, BAD_JSON, f"Malformed JSON: {exc}") from None
    if not isinstance(body, expect):
        want = "an object" if expect is dict else "an array" if expect is list else "JSON"
        raise ApiError(400, BAD_JSON, f"The request body must be {want}.")
    return body


def query_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None,
              code: str = "INVALID_PARAMETER") -> int:
    """An integer query parameter within bounds, or a 400 naming the parameter."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, code, f"Query parameter '{name}' must be an integer.", path=name) from None
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ApiError(400, code, f"Query parameter '{name}' must be {bound}.", path=name)
    return value


def query_bool(name: str, default: bool = False) -> bool:
    """A boolean query parameter (true/false/T/F/1/0)."""
    raw = request.args.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in ("true", "t", "1", "yes")


def json_response(body: Any, status: int = 200, content_type: str = "application/json",
                  headers: dict[str, str] | None = None) -> Response:
    """A compact JSON response."""
    data = json.dumps(body, separators=(",", ":"), default=str)
    return Response(data, status=status, content_type=content_type, headers=headers)
