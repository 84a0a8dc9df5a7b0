"""Route helpers: paging, path ids and query parameters (each refusal a WMS 400 naming the parameter)."""

from __future__ import annotations

from flask import request

from mocks.core import validation as v
from mocks.core.clock import parse_instant
from mocks.core.http import query_int

from ..domain.common import MAX_ID, stamp
from ..errors import bad_request, not_found

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


def paging() -> tuple[int, int]:
    """``page`` (from 1) and ``pageSize`` (1..500, default 50) query parameters."""
    return (
        query_int("page", 1, minimum=1, maximum=1_000_000),
        query_int("pageSize", DEFAULT_PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE),
    )


def path_id(value: int, what: str) -> int:
    """A path id within 64 bits (anything larger cannot exist: 404)."""
    if value > MAX_ID:
        raise not_found(what, value)
    return value


def query_str(name: str, *, max_len: int = 200) -> str | None:
    """An optional string query parameter."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        return v.text(raw, name, max_len=max_len, blank=False)
    except v.Invalid:
        raise bad_request(f"Query parameter '{name}' is invalid.", name, code="INVALID_PARAMETER") from None


def query_since() -> str | None:
    """``updatedSince`` as a stamp comparable with the stored timestamps (inclusive)."""
    raw = query_str("updatedSince", max_len=40)
    if raw is None:
        return None
    try:
        return stamp(parse_instant(raw))
    except (ValueError, OverflowError):
        raise bad_request(
            "Query parameter 'updatedSince' must be an ISO-8601 instant such as 2026-01-05T09:00:00Z.",
            "updatedSince",
            code="INVALID_PARAMETER",
        ) from None


def query_enum(name: str, allowed: tuple[str, ...]) -> str | None:
    """An optional enumerated query parameter."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw not in allowed:
        raise bad_request(
            f"Query parameter '{name}' must be one of {', '.join(allowed)}.", name, code="INVALID_PARAMETER"
        )
    return raw
