"""The SQLAlchemy store every emulator keeps its state in (SQLite file by default, any URL works)."""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    MetaData,
    Table,
    create_engine,
    delete,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import StaticPool


class CoreBase(DeclarativeBase):
    """Declarative base of the tables every emulator has (clock, webhooks, kv)."""


class WorldGeneration(CoreBase):
    """One row counting resets and seeds: a process trusts its caches only while this number stays put.

    It lives in the store (not in process memory) because gunicorn workers share the store but not memory:
    a reset served by one worker must make every other worker drop what it cached from the old world.
    """

    __tablename__ = "erpsim_generation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


_GENERATION: Table = WorldGeneration.__table__  # type: ignore[assignment]
#: Tables of the machinery (world generation, shared fault plan and journal), not of the world: a state
#: dump leaves them out unless they are named.
MACHINERY_TABLES: set[str] = {_GENERATION.name}


def _sqlite_engine(url: str) -> Engine:
    if url in ("sqlite://", "sqlite:///:memory:"):
        # One shared connection: the only way an in-memory DB is visible to every thread.
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        path = url.split("sqlite:///", 1)[-1]
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20, max_overflow=20
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy (not pysqlite) emit BEGIN so writers can take the lock up front.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if not url.endswith(":memory:") and url != "sqlite://":
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # BEGIN IMMEDIATE serialises writers at the start, so read-modify-write never loses an update. Sent on
        # the driver's connection: SQLAlchemy's own execution path would cost more than the statement.
        conn.connection.dbapi_connection.execute(
            "BEGIN IMMEDIATE" if conn.get_execution_options().get("erpsim_write") else "BEGIN"
        )

    return engine


def make_engine(url: str, schema: str | None = None) -> Engine:
    """Create an engine for ``url``; on PostgreSQL each system lives in its own schema."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    # A bounded connect timeout: an unreachable server is an error in seconds, not a hang.
    engine = create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args={"connect_timeout": 10}
    )
    if schema:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        engine = engine.execution_options(schema_translate_map={None: schema})
    return engine


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


class Store:
    """One emulator's database: engine, sessions, reset and a JSON dump of every table."""

    def __init__(self, url: str, system: str, metadatas: Sequence[MetaData]) -> None:
        self.url = url
        self.system = system
        self.is_postgres = url.startswith("postgresql")
        self.is_sqlite = url.startswith("sqlite")
        self.engine = make_engine(url, schema=system if self.is_postgres else None)
        self._write_engine = self.engine.execution_options(erpsim_write=True)
        self.metadatas = list(metadatas)
        # SQLite admits one writer at a time; queueing writers of this process on a lock is far
        # cheaper than SQLite's busy handler, which sleeps with growing back-off.
        self._write_lock = threading.RLock() if self.is_sqlite else None
        self._local = threading.local()
        # "sqlite://" (no path) is in memory too: no file to lock
        path = url.split("sqlite:///", 1)[1] if self.is_sqlite and "sqlite:///" in url else ""
        # Writers of other processes (gunicorn workers) queue on a file lock, which wakes them the moment
        # it is free, instead of SQLite's busy handler, which polls with growing sleeps.
        self._lock_path = f"{path}-writelock" if path and path != ":memory:" else None
        self._lock_fd: int | None = None
        self._lock_pid = 0

    def create_all(self) -> None:
        """Create every table that does not exist yet (idempotent; state survives restarts)."""
        for md in self.metadatas:
            md.create_all(self.engine)
        _GENERATION.create(self.engine, checkfirst=True)  # also for a store built without CoreBase
        try:
            with self.write() as session:
                if session.execute(select(_GENERATION.c.id).where(_GENERATION.c.id == 1)).first() is None:
                    session.execute(insert(_GENERATION).values(id=1, value=0))
        except IntegrityError:
            pass  # another process created it at the same moment

    @property
    def tables(self) -> list[Any]:
        """All tables of this store, parents before children."""
        out = []
        for md in self.metadatas:
            out.extend(md.sorted_tables)
        return out

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reads; closed at the end, never commits (inside ``atomic()``: its session)."""
        atomic = getattr(self._local, "atomic", None)
        if atomic is not None:
            yield atomic
            return
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold this store's writer lock (SQLite: threads of this process, then other processes)."""
        lock = self._write_lock
        if lock is None:
            yield
            return
        with lock:
            fd = self._file_lock_fd()
            if fd is None:
                yield
                return
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def _file_lock_fd(self) -> int | None:
        if self._lock_path is None:
            return None
        if self._lock_fd is None or self._lock_pid != os.getpid():  # a forked worker opens its own
            self._lock_fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            self._lock_pid = os.getpid()
        return self._lock_fd

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: all or nothing; SQLite takes its write lock at BEGIN.

        Nested in another write of the same thread (or in ``atomic()``) it is a savepoint of that one:
        a second connection would wait forever on the first one's SQLite lock.
        """
        outer = getattr(self._local, "session", None)
        if outer is not None:
            with outer.begin_nested():
                yield outer
            return
        with self.write_lock(), Session(self._write_engine, expire_on_commit=False) as session:
            self._local.session = session
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                self._local.session = None

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A write transaction on a Core connection, for code that runs Core statements only (``fastsql`` on the
        hottest paths): the same writer queue and BEGIN IMMEDIATE as ``write()``, without an ORM session.

        Nested in a ``write()`` (or ``atomic()``) of this thread it is a savepoint of that one.
        """
        outer = getattr(self._local, "session", None)
        if outer is not None:
            with outer.begin_nested():
                yield outer.connection()
            return
        with self.write_lock(), self._write_engine.begin() as conn:
            yield conn

    @contextmanager
    def atomic(self) -> Iterator[Session]:
        """One transaction for everything this thread reads and writes through the store inside it.

        For multi-step operations built from functions that each open their own write (a control-plane
        seed): a failure anywhere leaves nothing behind. Code inside must not use other connections.
        """
        if getattr(self._local, "atomic", None) is not None:
            raise RuntimeError("store.atomic() does not nest")
        with self.write() as session:
            self._local.atomic = session
            try:
                yield session
            finally:
                self._local.atomic = None

    def in_atomic(self) -> bool:
        """True inside ``atomic()`` on this thread."""
        return getattr(self._local, "atomic", None) is not None

    def reset(self, keep: Sequence[str] = ()) -> None:
        """Delete every row of every table (children first) except the tables named in ``keep``.

        The world generation moves in the same transaction, so no process can read the new world and
        still trust a cache of the old one.
        """
        keep = (*keep, _GENERATION.name)
        with self.write() as session:
            for table in reversed(self.tables):
                if table.name not in keep:
                    session.execute(delete(table))
            self.bump_generation(session)
            if self.is_postgres:
                # Ids start at 1 again, as they do on a fresh SQLite file: runs stay identical.
                for table in self.tables:
                    pk = list(table.primary_key.columns)
                    if table.name in keep or len(pk) != 1 or not pk[0].autoincrement:
                        continue
                    session.execute(
                        text(
                            "SELECT setval(pg_get_serial_sequence(:t, :c), 1, false) "
                            "WHERE pg_get_serial_sequence(:t, :c) IS NOT NULL"
                        ),
                        {"t": f'"{self.system}"."{table.name}"', "c": pk[0].name},
                    )

    def bump_generation(self, session: Session | None = None) -> None:
        """Start a new world generation (reset, seed): every process's caches become stale."""
        if session is None:
            with self.write() as own:
                self.bump_generation(own)
            return
        session.execute(
            update(_GENERATION).where(_GENERATION.c.id == 1).values(value=_GENERATION.c.value + 1)
        )

    def generation(self) -> int:
        """The current world generation (one cheap statement on this thread's own connection)."""
        rows = self.fast_query(f"SELECT value FROM {self.table_name(_GENERATION.name)} WHERE id = 1", ())
        return int(rows[0][0]) if rows else 0

    def dump(self, tables: Sequence[str] | None = None) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table (or the named ones) as JSON-ready dicts, ordered by primary key."""
        out: dict[str, list[dict[str, Any]]] = {}
        with self.read() as session:
            for table in self.tables:
                # Machinery is not world state: dumped only when asked for by name.
                skip = table.name not in tables if tables is not None else table.name in MACHINERY_TABLES
                if skip:
                    continue
                rows = session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
                out[table.name] = [{k: _jsonable(v) for k, v in row.items()} for row in rows]
        return out

    def table_name(self, name: str) -> str:
        """A table's name as raw SQL must spell it (schema-qualified on PostgreSQL)."""
        return f'"{self.system}"."{name}"' if self.is_postgres else name

    def fast_query(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Run one read-only statement on this thread's own DBAPI connection (``?`` placeholders).

        For the few hottest reads only: it skips the ORM and the pool, which cost more than the query.
        """
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = self.engine.raw_connection()
            self._local.conn, self._local.pid = conn, os.getpid()
        cur = conn.cursor()
        try:
            cur.execute(sql.replace("?", "%s") if self.is_postgres else sql, params)
            rows = cur.fetchall()
        finally:
            cur.close()
        if self.is_postgres:
            conn.rollback()  # end the implicit read transaction: the next read sees fresh commits
        return [tuple(r) for r in rows]

    def dispose(self) -> None:
        """Close pooled connections (before a fork, or at shutdown)."""
        self._local = threading.local()
        self.engine.dispose()


def dumps(value: Any) -> str:
    """Compact JSON used for JSON-in-text columns."""
    return json.dumps(value, separators=(",", ":"), default=_jsonable)
