"""Run precompiled Core statements on the hottest paths with as little per-statement work as possible.

Any emulator's hot path may use it (the POS sale, the clock read of every write); the statements must be Core
(no ORM session state is flushed first) and run inside a transaction of ``conn``.

On SQLite each statement is compiled once to its SQL text and executed straight on the DBAPI cursor
of the SQLAlchemy connection (inside the same transaction), which is several times cheaper than
``Connection.execute``; on other databases it falls back to ``Connection.execute``. The statements
are module-level constants, so the cache key is the statement's identity plus the parameter names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.sql import Executable
from sqlalchemy.sql.elements import ClauseElement

_DIALECT = SQLiteDialect_pysqlite(paramstyle="qmark")
_COMPILED: dict[tuple[int, tuple[str, ...]], tuple[str, tuple[str, ...], dict[str, Any]]] = {}


def _sql(stmt: Executable, keys: tuple[str, ...]) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """SQL text, positional parameter names and the statement's own literal values (``x == 1``)."""
    key = (id(stmt), keys)
    hit = _COMPILED.get(key)
    if hit is None:
        assert isinstance(stmt, ClauseElement)
        compiled = stmt.compile(dialect=_DIALECT, column_keys=list(keys))
        names = tuple(getattr(compiled, "positiontup", None) or ())
        hit = (compiled.string, names, {k: v for k, v in compiled.params.items() if k not in keys})
        _COMPILED[key] = hit
    return hit


def _cursor(conn: Connection) -> Any:
    return conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]


def rows(conn: Connection, stmt: Executable, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """Execute and fetch every row as a plain tuple."""
    params = params or {}
    if conn.dialect.name != "sqlite":
        return [tuple(r) for r in conn.execute(stmt, params)]
    sql, names, fixed = _sql(stmt, tuple(params))
    if fixed:
        params = {**fixed, **params}
    cur = _cursor(conn)
    try:
        return cur.execute(sql, [params[n] for n in names]).fetchall()  # type: ignore[no-any-return]
    finally:
        cur.close()


def first(conn: Connection, stmt: Executable, params: dict[str, Any] | None = None) -> tuple[Any, ...] | None:
    """Execute and fetch the first row (or None)."""
    result = rows(conn, stmt, params)
    return result[0] if result else None


def many(conn: Connection, stmt: Executable, params: Sequence[dict[str, Any]]) -> None:
    """Execute once per parameter set (all sets have the same keys)."""
    if not params:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(stmt, list(params))
        return
    sql, names, fixed = _sql(stmt, tuple(params[0]))
    if fixed:
        params = [{**fixed, **p} for p in params]
    cur = _cursor(conn)
    try:
        cur.executemany(sql, [[p[n] for n in names] for p in params])
    finally:
        cur.close()
