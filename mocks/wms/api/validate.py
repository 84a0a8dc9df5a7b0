"""Input validation shared by the routes and the act/ actions: every refusal is a WMS 400 naming the field."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from flask import request

from mocks.core.clock import parse_instant
from mocks.core.errors import ApiError

from ..domain.common import ISO2, MAX_ID, MAX_QTY, stamp
from ..errors import bad_request

SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+/-]{0,63}$")
REF_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,49}$")
BARCODE_RE = re.compile(r"^[A-Za-z0-9-]{1,64}$")
URL_RE = re.compile(r"^https?://[^\s]+$")
_MISSING = object()


def _name(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def known_fields(body: dict[str, Any], allowed: set[str] | frozenset[str], where: str = "") -> None:
    """Refuse fields the WMS does not know (a typo must not be silently ignored)."""
    for key in body:
        if key not in allowed:
            raise bad_request(f"Unknown field '{_name(where, key)}'.", _name(where, key), code="UNKNOWN_FIELD")


def text_value(value: Any, field: str, *, max_len: int, pattern: re.Pattern[str] | None = None) -> str:
    """A string value: no NUL, valid Unicode, non-blank, bounded, matching ``pattern``."""
    if not isinstance(value, str):
        raise bad_request(f"'{field}' must be a string.", field)
    if "\x00" in value:
        raise bad_request(f"'{field}' must not contain NUL characters.", field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise bad_request(f"'{field}' is not valid Unicode text.", field) from None
    if not value.strip():
        raise bad_request(f"'{field}' must not be blank.", field)
    if len(value) > max_len:
        raise bad_request(f"'{field}' is longer than {max_len} characters.", field)
    if pattern is not None and not pattern.match(value):
        raise bad_request(f"'{field}' has an invalid format (expected {pattern.pattern}).", field)
    return value


def req_str(body: dict[str, Any], name: str, *, max_len: int, pattern: re.Pattern[str] | None = None,
            where: str = "", code: str | None = None) -> str:
    """A required string field."""
    value = body.get(name)
    if value is None:
        field = _name(where, name)
        raise bad_request(f"'{field}' is required.", field, **({"code": code} if code else {}))
    return text_value(value, _name(where, name), max_len=max_len, pattern=pattern)


def opt_str(body: dict[str, Any], name: str, *, max_len: int, pattern: re.Pattern[str] | None = None,
            where: str = "") -> str | None:
    """An optional (nullable) string field."""
    value = body.get(name)
    return None if value is None else text_value(value, _name(where, name), max_len=max_len, pattern=pattern)


def int_value(value: Any, field: str, *, minimum: int, maximum: int) -> int:
    """An integer (integral floats such as 5.0 accepted; booleans refused) within bounds."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_request(f"'{field}' must be an integer.", field)
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise bad_request(f"'{field}' must be an integer.", field)
        value = int(value)
    if value < minimum or value > maximum:
        raise bad_request(f"'{field}' must be between {minimum} and {maximum}.", field)
    return value


def req_int(body: dict[str, Any], name: str, *, minimum: int, maximum: int, where: str = "") -> int:
    """A required integer field."""
    value = body.get(name)
    if value is None:
        raise bad_request(f"'{_name(where, name)}' is required.", _name(where, name))
    return int_value(value, _name(where, name), minimum=minimum, maximum=maximum)


def opt_int(body: dict[str, Any], name: str, *, minimum: int, maximum: int, where: str = "") -> int | None:
    """An optional (nullable) integer field."""
    value = body.get(name)
    return None if value is None else int_value(value, _name(where, name), minimum=minimum, maximum=maximum)


def opt_number(body: dict[str, Any], name: str, *, maximum: float, where: str = "") -> float | None:
    """An optional non-negative finite number."""
    value = body.get(name)
    if value is None:
        return None
    field = _name(where, name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise bad_request(f"'{field}' must be a number.", field)
    if value < 0 or value > maximum:
        raise bad_request(f"'{field}' must be between 0 and {maximum}.", field)
    return float(value)


def enum_value(value: Any, field: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        raise bad_request(f"'{field}' must be one of {', '.join(allowed)}.", field)
    return value


def obj(value: Any, field: str) -> dict[str, Any]:
    """A JSON object."""
    if not isinstance(value, dict):
        raise bad_request(f"'{field}' must be an object.", field)
    return value


def array(value: Any, field: str, *, min_items: int, max_items: int) -> list[Any]:
    """A JSON array with bounded length."""
    if not isinstance(value, list):
        raise bad_request(f"'{field}' must be an array.", field)
    if not min_items <= len(value) <= max_items:
        raise bad_request(f"'{field}' must have between {min_items} and {max_items} items.", field)
    return value


def iso_date(value: Any, field: str) -> str:
    """A calendar date YYYY-MM-DD."""
    text = text_value(value, field, max_len=10)
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise bad_request(f"'{field}' must be a date (YYYY-MM-DD).", field)


def country(value: Any, field: str) -> str:
    """An ISO 3166-1 alpha-2 country code (case-insensitive, returned upper-case)."""
    if not isinstance(value, str) or value.upper() not in ISO2:
        raise bad_request(f"'{field}' must be an ISO 3166-1 alpha-2 country code such as GB.", field,
                          code="INVALID_COUNTRY")
    return value.upper()


def ref_value(value: Any, field: str) -> int | str:
    """An act/ reference to a record: its id (integer) or its natural key (string)."""
    if isinstance(value, str):
        return text_value(value, field, max_len=64)
    return int_value(value, field, minimum=1, maximum=MAX_ID)


def qty(value: Any, field: str, minimum: int = 1) -> int:
    """A line quantity."""
    return int_value(value, field, minimum=minimum, maximum=MAX_QTY)


def query_str(name: str, *, max_len: int = 200) -> str | None:
    """An optional string query parameter."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        return text_value(raw, name, max_len=max_len)
    except ApiError:
        raise bad_request(f"Query parameter '{name}' is invalid.", name, code="INVALID_PARAMETER") from None


def query_since() -> str | None:
    """``updatedSince`` as a stamp comparable with the stored timestamps (inclusive)."""
    raw = query_str("updatedSince", max_len=40)
    if raw is None:
        return None
    try:
        return stamp(parse_instant(raw))
    except (ValueError, OverflowError):
        raise bad_request("Query parameter 'updatedSince' must be an ISO-8601 instant such as "
                          "2026-01-05T09:00:00Z.", "updatedSince", code="INVALID_PARAMETER") from None


def query_enum(name: str, allowed: tuple[str, ...]) -> str | None:
    """An optional enumerated query parameter."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw not in allowed:
        raise bad_request(f"Query parameter '{name}' must be one of {', '.join(allowed)}.", name,
                          code="INVALID_PARAMETER")
    return raw


def present(body: dict[str, Any], name: str) -> bool:
    """True when ``name`` is in the body (even as null)."""
    return body.get(name, _MISSING) is not _MISSING
