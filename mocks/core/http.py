"""Request helpers shared by every emulator's routes: JSON bodies, ints, booleans."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response, request

from .errors import BAD_CONTENT_TYPE, BAD_JSON, ApiError

#: Deeper documents are refused: no real payload nests this far, and deep ones exhaust recursion later on.
MAX_JSON_DEPTH = 64
#: What a lone surrogate looks like in a raw body: a JSON escape, or its (invalid) UTF-8 bytes.
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_json_tree(body: Any, raw: bytes) -> None:
    """Refuse nesting deeper than MAX_JSON_DEPTH and strings with lone surrogates (not Unicode text).

    Both are checked without recursion, and only when the raw bytes make them possible.
    """
    deep = raw.count(b"{") + raw.count(b"[") > MAX_JSON_DEPTH
    surrogates = _SURROGATE.search(raw) is not None
    if not (deep or surrogates):
        return
    if not surrogates:
        _check_depth(body)
        return
    stack: list[tuple[Any, int, str]] = [(body, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, dict):
            if depth > MAX_JSON_DEPTH:
                raise ApiError(
                    400, BAD_JSON, f"The JSON document is nested deeper than {MAX_JSON_DEPTH} levels."
                )
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                if surrogates and not _is_text(key):
                    raise ApiError(400, BAD_JSON, "A JSON name is not valid Unicode text (a lone surrogate).")
                stack.append((item, depth + 1, where))
        elif isinstance(value, list):
            if depth > MAX_JSON_DEPTH:
                raise ApiError(
                    400, BAD_JSON, f"The JSON document is nested deeper than {MAX_JSON_DEPTH} levels."
                )
            stack.extend((item, depth + 1, f"{path}[{i}]") for i, item in enumerate(value))
        elif surrogates and isinstance(value, str) and not _is_text(value):
            raise ApiError(
                400,
                BAD_JSON,
                f"'{path or 'body'}' is not valid Unicode text (a lone surrogate).",
                path=path or None,
            )


def _check_depth(body: Any) -> None:
    """The nesting check alone (no paths: its error names none), for large bodies without surrogates."""
    level: list[Any] = [body]
    depth = 1
    while level:
        below: list[Any] = []
        for value in level:
            if isinstance(value, dict):
                below.extend(v for v in value.values() if isinstance(v, dict | list))
            elif isinstance(value, list):
                below.extend(v for v in value if isinstance(v, dict | list))
        if below and depth >= MAX_JSON_DEPTH:
            raise ApiError(400, BAD_JSON, f"The JSON document is nested deeper than {MAX_JSON_DEPTH} levels.")
        level = below
        depth += 1


def json_body(
    *,
    required: bool = True,
    expect: type | tuple[type, ...] = dict,
    content_types: tuple[str, ...] = ("application/json",),
) -> Any:
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
    except RecursionError:
        raise ApiError(
            400, BAD_JSON, f"The JSON document is nested deeper than {MAX_JSON_DEPTH} levels."
        ) from None
    check_json_tree(body, raw)
    if not isinstance(body, expect):
        want = "an object" if expect is dict else "an array" if expect is list else "JSON"
        raise ApiError(400, BAD_JSON, f"The request body must be {want}.")
    return body


def query_int(
    name: str, default: int, *, minimum: int = 0, maximum: int | None = None, code: str = "INVALID_PARAMETER"
) -> int:
    """An integer query parameter within bounds, or a 400 naming the parameter."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    digits = raw[1:] if raw[:1] in "+-" else raw
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
        raise ApiError(400, code, f"Query parameter '{name}' must be an integer.", path=name)
    value = int(raw)
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


def json_response(
    body: Any,
    status: int = 200,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Response:
    """A compact JSON response."""
    data = json.dumps(body, separators=(",", ":"), default=str)
    return Response(data, status=status, content_type=content_type, headers=headers)
