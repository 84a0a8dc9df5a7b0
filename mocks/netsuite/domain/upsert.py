"""Atomic ``INSERT ... ON CONFLICT DO UPDATE SET col = col + :delta RETURNING col`` for counters and stock.

The statements are built once per (dialect, table, column) with bound parameters: they sit on the hot path
of every sale, fulfilment and document number.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.orm import Session

_CACHE: dict[tuple[str, str, str, tuple[str, ...], bool], Any] = {}


def _statement(
    dialect: str,
    table: Any,
    column: str,
    keys: tuple[str, ...],
    extra: tuple[str, ...],
    returning: bool = True,
) -> Any:
    cache_key = (dialect, table.name, column, keys + extra, returning)
    stmt = _CACHE.get(cache_key)
    if stmt is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        values: dict[str, Any] = (
            {k: bindparam(k) for k in keys} | {column: bindparam("delta")} | {e: bindparam(e) for e in extra}
        )
        set_: dict[str, Any] = {column: table.c[column] + bindparam("delta")} | {
            e: bindparam(e) for e in extra
        }
        stmt = insert(table).values(values).on_conflict_do_update(index_elements=list(keys), set_=set_)
        if returning:
            stmt = stmt.returning(table.c[column])
        _CACHE[cache_key] = stmt
    return stmt


def add(
    session: Session,
    table: Any,
    keys: dict[str, Any],
    column: str,
    delta: float,
    extra: dict[str, Any] | None = None,
) -> Any:
    """Add ``delta`` to ``column`` of the row with ``keys`` (created at ``delta``); returns the new value."""
    extra = extra or {}
    stmt = _statement(session.get_bind().dialect.name, table, column, tuple(keys), tuple(extra))
    # The session's connection, not Session.execute: a Core statement skips the ORM's execution path.
    return session.connection().execute(stmt, {**keys, **extra, "delta": delta}).scalar_one()


def add_many(
    session: Session,
    table: Any,
    keys: tuple[str, ...],
    column: str,
    rows: list[dict[str, Any]],
    extra: tuple[str, ...] = (),
) -> None:
    """``add`` for many rows in one executemany, applied in order (each row: its keys, ``delta``, ``extra``).

    Returns nothing (an executemany returns no row per parameter set): callers read the new values back.
    """
    if rows:
        stmt = _statement(session.get_bind().dialect.name, table, column, keys, extra, returning=False)
        session.connection().execute(stmt, rows)
