"""Route helpers: paging parameters and path ids."""

from __future__ import annotations

from mocks.core.http import query_int

from ..domain.common import MAX_ID
from ..errors import not_found

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 50


def paging() -> tuple[int, int]:
    """``page`` (from 1) and ``pageSize`` (1..500, default 50) query parameters."""
    return (query_int("page", 1, minimum=1, maximum=1_000_000),
            query_int("pageSize", DEFAULT_PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE))


def path_id(value: int, what: str) -> int:
    """A path id within 64 bits (anything larger cannot exist: 404)."""
    if value > MAX_ID:
        raise not_found(what, value)
    return value
