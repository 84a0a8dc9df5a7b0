"""The engine's durable state: cursors, id map, outbox, webhook inbox, stock deltas and the exception queue.

Everything the engine must not forget across a crash lives here, written in the same transaction as the
cursor that produced it, so a restart resumes without loss. Writes to other systems carry natural keys, so
re-doing the outbox item a crash interrupted cannot duplicate anything.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


class Base(DeclarativeBase):
    """Declarative base of the engine's tables."""


class Cursor(Base):
    """How far a flow has read a source (a timestamp, an id, a sequence)."""

    __tablename__ = "sync_cursors"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class IdMapping(Base):
    """A record's id in another system, keyed by (system, kind, key)."""

    __tablename__ = "sync_idmap"
    system: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    target: Mapped[str] = mapped_column(String(200))
    data: Mapped[str] = mapped_column(Text, default="{}")


class OutboxItem(Base):
    """One unit of work to write to a system, identified by its natural key."""

    __tablename__ = "sync_outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    flow: Mapped[str] = mapped_column(String(60), index=True)
    key: Mapped[str] = mapped_column(String(250), unique=True)
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)  # pending | done | parked
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))


class InboxEvent(Base):
    """A webhook event already received (dedupe by the sender's event id)."""

    __tablename__ = "sync_inbox"
    system: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[str] = mapped_column(String(40))


class StockDelta(Base):
    """One stock movement to bring into NetSuite (coalesced per item and location into adjustment batches)."""

    __tablename__ = "sync_stock_deltas"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_key: Mapped[str] = mapped_column(String(250), unique=True)
    item: Mapped[str] = mapped_column(String(100), index=True)
    location: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[float] = mapped_column(Float)
    occurred_at: Mapped[str] = mapped_column(String(40))
    observed_at: Mapped[float] = mapped_column(Float, default=0.0)
    batch: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)


class ExceptionEntry(Base):
    """A failure the engine cannot fix by retrying, parked for a person, with the system's own error body."""

    __tablename__ = "sync_exceptions"
    __table_args__ = (UniqueConstraint("key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(250))
    category: Mapped[str] = mapped_column(String(40), index=True)
    flow: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(Text)
    records: Mapped[str] = mapped_column(Text, default="{}")
    error: Mapped[str] = mapped_column(Text, default="{}")
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[str] = mapped_column(String(40))
    resolved: Mapped[int] = mapped_column(Integer, default=0)


# Exception categories the engine uses (a flow may add its own; these are the documented ones).
CATEGORIES = (
    "sku_mismatch",
    "unknown_sku",
    "rejected_order",
    "cancel_after_release",
    "closed_period",
    "validation_error",
    "unknown_customer",
    "unknown_location",
    "duplicate_customer",
    "quarantined_lot",
    "recalled_lot",
    "money_mismatch",
    "drift",
    "rejected_posting",
    "unsupported_currency",
    "wms_hold",
)


def now_iso() -> str:
    """Wall-clock UTC timestamp for the engine's own bookkeeping."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class ParkedException:
    """An exception-queue entry as the CLI and the harness see it."""

    id: int
    category: str
    flow: str
    summary: str
    records: dict[str, Any]
    error: Any
    occurrences: int
    created_at: str

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `erpsim sync exceptions --json`."""
        return {
            "id": self.id,
            "category": self.category,
            "flow": self.flow,
            "summary": self.summary,
            "records": self.records,
            "error": self.error,
            "occurrences": self.occurrences,
            "created_at": self.created_at,
        }


class StateStore:
    """Transactions over the engine's tables (SQLite in the state folder by default, any SQLAlchemy URL)."""

    def __init__(self, url: str, queue_file: Path | None = None, *, volatile_outbox: bool = False) -> None:
        # the no-durable-outbox mutant: new work is marked seen at once and its payload kept in this process only
        self.volatile_outbox = volatile_outbox
        self._memory: dict[str, dict[str, dict[str, Any]]] = {}
        #: where the open exception queue is mirrored as a JSON array after every change (None: nowhere)
        self.queue_file = queue_file
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._lock = threading.RLock()  # SQLite has one writer: queue ours instead of sleeping in busy waits

    @contextmanager
    def tx(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with self._lock, self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    # --- cursors -------------------------------------------------------------------------------------------
    def cursor(self, name: str, default: str = "") -> str:
        """The stored value of a cursor, or ``default``."""
        with self.tx() as s:
            row = s.get(Cursor, name)
            return row.value if row else default

    def set_cursor(self, s: Session, name: str, value: str) -> None:
        """Move a cursor inside the caller's transaction (with the work it produced)."""
        row = s.get(Cursor, name)
        if row:
            row.value = value
        else:
            s.add(Cursor(name=name, value=value))

    # --- id map --------------------------------------------------------------------------------------------
    def mapped(self, system: str, kind: str, key: str) -> str | None:
        """The id a record has in ``system``, if the engine has seen it."""
        with self.tx() as s:
            row = s.get(IdMapping, (system, kind, key))
            return row.target if row else None

    def mapping_data(self, system: str, kind: str, key: str) -> dict[str, Any] | None:
        """The data stored with a mapping (e.g. the last synced hash), or None."""
        with self.tx() as s:
            row = s.get(IdMapping, (system, kind, key))
            return json.loads(row.data) if row else None

    def set_mapping(
        self,
        system: str,
        kind: str,
        key: str,
        target: str,
        data: dict[str, Any] | None = None,
        session: Session | None = None,
    ) -> None:
        """Remember (or update) the id of a record in ``system``."""

        def _write(s: Session) -> None:
            row = s.get(IdMapping, (system, kind, key))
            payload = json.dumps(data or {}, sort_keys=True)
            if row:
                row.target, row.data = target, payload
            else:
                s.add(IdMapping(system=system, kind=kind, key=key, target=target, data=payload))

        if session is not None:
            _write(session)
        else:
            with self.tx() as s:
                _write(s)

    def forget_mapping(self, system: str, kind: str, key: str, session: Session | None = None) -> None:
        """Drop a mapping (e.g. an order leaving the engine's watch list)."""
        stmt = delete(IdMapping).where(
            IdMapping.system == system, IdMapping.kind == kind, IdMapping.key == key
        )
        if session is not None:
            session.execute(stmt)
        else:
            with self.tx() as s:
                s.execute(stmt)

    def mapping_rows(self, system: str, kind: str) -> dict[str, tuple[str, dict[str, Any]]]:
        """Every mapping of a kind with its data: key -> (target, data)."""
        with self.tx() as s:
            rows = s.scalars(select(IdMapping).where(IdMapping.system == system, IdMapping.kind == kind))
            return {r.key: (r.target, json.loads(r.data)) for r in rows}

    def mappings(self, system: str, kind: str) -> dict[str, str]:
        """Every mapping of a kind: key -> target."""
        with self.tx() as s:
            rows = s.scalars(select(IdMapping).where(IdMapping.system == system, IdMapping.kind == kind))
            return {r.key: r.target for r in rows}

    # --- outbox --------------------------------------------------------------------------------------------
    def enqueue(self, s: Session, flow: str, key: str, payload: dict[str, Any]) -> bool:
        """Add work under its natural key inside the caller's transaction; False when the key is known."""
        if s.scalar(select(OutboxItem.id).where(OutboxItem.key == key)) is not None:
            return False
        stamp = now_iso()
        s.add(
            OutboxItem(
                flow=flow,
                key=key,
                payload=json.dumps(payload, sort_keys=True),
                status=self._new_work(flow, key, payload),
                created_at=stamp,
                updated_at=stamp,
            )
        )
        s.flush()
        return True

    def _new_work(self, flow: str, key: str, payload: dict[str, Any]) -> str:
        """The status new work is stored with: pending, or (no-durable-outbox) done with the payload in memory."""
        if not self.volatile_outbox:
            return "pending"
        with self._lock:
            self._memory.setdefault(flow, {})[key] = payload
        return "done"

    def requeue(self, s: Session, flow: str, key: str, payload: dict[str, Any]) -> None:
        """Queue work under its natural key inside the caller's transaction, replacing an older payload."""
        row = s.scalar(select(OutboxItem).where(OutboxItem.key == key))
        if row is None:
            self.enqueue(s, flow, key, payload)
            return
        row.payload, row.updated_at = json.dumps(payload, sort_keys=True), now_iso()
        row.status = self._new_work(flow, key, payload)

    def work_of(self, flow: str) -> dict[str, tuple[str, dict[str, Any]]]:
        """Every outbox item of a flow, whatever its status: key -> (status, payload)."""
        with self.tx() as s:
            rows = s.execute(
                select(OutboxItem.key, OutboxItem.status, OutboxItem.payload).where(OutboxItem.flow == flow)
            ).all()
            return {key: (status, json.loads(payload)) for key, status, payload in rows}

    def pending(self, flow: str, limit: int = 10_000) -> list[tuple[str, dict[str, Any]]]:
        """Pending work of a flow, oldest first: (key, payload)."""
        with self.tx() as s:
            rows = s.execute(
                select(OutboxItem.key, OutboxItem.payload)
                .where(OutboxItem.flow == flow, OutboxItem.status == "pending")
                .order_by(OutboxItem.id)
                .limit(limit)
            ).all()
            out = [(key, json.loads(payload)) for key, payload in rows]
        if self.volatile_outbox:
            with self._lock:
                out += [
                    (key, payload)
                    for key, payload in self._memory.get(flow, {}).items()
                    if key not in {k for k, _ in out}
                ]
        return out

    def outbox_status(self, key: str) -> str | None:
        """The status of the work under ``key`` (pending, done, parked), or None."""
        with self.tx() as s:
            return s.scalar(select(OutboxItem.status).where(OutboxItem.key == key))

    def finish(
        self,
        key: str,
        status: str = "done",
        result: dict[str, Any] | None = None,
        *,
        resolve: tuple[str, ...] = (),
    ) -> None:
        """Mark work done (or parked) with what it produced; ``resolve``: exceptions it resolves, same transaction."""
        if self.volatile_outbox:
            with self._lock:
                for memory in self._memory.values():
                    memory.pop(key, None)
        with self.tx() as s:
            s.execute(
                update(OutboxItem)
                .where(OutboxItem.key == key)
                .values(
                    status=status,
                    result=json.dumps(result or {}, sort_keys=True),
                    updated_at=now_iso(),
                    attempts=OutboxItem.attempts + 1,
                )
            )
            resolved = (
                s.execute(
                    update(ExceptionEntry)
                    .where(ExceptionEntry.key.in_(resolve), ExceptionEntry.resolved == 0)
                    .values(resolved=1)
                ).rowcount  # type: ignore[attr-defined]
                if resolve
                else 0
            )
        if resolved:
            self.write_queue_file()

    def reopen(self, key: str, payload: dict[str, Any]) -> None:
        """Put finished work back in the queue with a new payload (the source changed)."""
        with self.tx() as s:
            flow = s.scalar(select(OutboxItem.flow).where(OutboxItem.key == key))
            if flow is None:
                return
            s.execute(
                update(OutboxItem)
                .where(OutboxItem.key == key)
                .values(
                    status=self._new_work(flow, key, payload),
                    payload=json.dumps(payload, sort_keys=True),
                    updated_at=now_iso(),
                )
            )

    def result(self, key: str) -> dict[str, Any] | None:
        """What finished work produced, or None."""
        with self.tx() as s:
            raw = s.scalar(select(OutboxItem.result).where(OutboxItem.key == key))
            return json.loads(raw) if raw else None

    # --- webhook inbox -------------------------------------------------------------------------------------
    def first_delivery(self, s: Session, system: str, event_id: str) -> bool:
        """Record an event id inside the caller's transaction; False when it was already received."""
        try:
            with s.begin_nested():
                s.add(InboxEvent(system=system, event_id=event_id, received_at=now_iso()))
        except IntegrityError:
            return False
        return True

    # --- stock deltas --------------------------------------------------------------------------------------
    def add_delta(
        self,
        s: Session,
        source_key: str,
        item: str,
        location: str,
        quantity: float,
        occurred_at: str,
        observed_at: float = 0.0,
    ) -> bool:
        """Record one stock movement under its source key; False when that movement is already known."""
        if s.scalar(select(StockDelta.id).where(StockDelta.source_key == source_key)) is not None:
            return False
        s.add(
            StockDelta(
                source_key=source_key,
                item=item,
                location=location,
                quantity=quantity,
                occurred_at=occurred_at,
                observed_at=observed_at,
            )
        )
        return True

    def unbatched_deltas(self, limit: int = 100_000) -> list[StockDelta]:
        """Movements not yet assigned to an adjustment batch, oldest first."""
        with self.tx() as s:
            return list(
                s.scalars(
                    select(StockDelta).where(StockDelta.batch.is_(None)).order_by(StockDelta.id).limit(limit)
                )
            )

    def assign_batch(self, s: Session, delta_ids: list[int], batch: str) -> None:
        """Assign movements to a batch inside the caller's transaction."""
        for start in range(0, len(delta_ids), 500):
            s.execute(
                update(StockDelta)
                .where(StockDelta.id.in_(delta_ids[start : start + 500]))
                .values(batch=batch)
            )

    def deltas_of(self, batch: str) -> list[StockDelta]:
        """The movements of a batch."""
        with self.tx() as s:
            return list(s.scalars(select(StockDelta).where(StockDelta.batch == batch)))

    # --- exception queue -----------------------------------------------------------------------------------
    def park(
        self,
        *,
        key: str,
        category: str,
        flow: str,
        summary: str,
        records: dict[str, Any] | None = None,
        error: Any = None,
    ) -> bool:
        """Put a failure in the exception queue once per key (again = one more occurrence); True when new."""
        with self.tx() as s:
            row = s.scalar(select(ExceptionEntry).where(ExceptionEntry.key == key))
            if row is not None:
                row.occurrences += 1
                row.summary, row.error = summary, json.dumps(error, default=str)
                new = False
            else:
                s.add(
                    ExceptionEntry(
                        key=key,
                        category=category,
                        flow=flow,
                        summary=summary,
                        records=json.dumps(records or {}, sort_keys=True, default=str),
                        error=json.dumps(error, default=str),
                        created_at=now_iso(),
                    )
                )
                new = True
        self.write_queue_file()
        return new

    def exceptions(self, category: str | None = None) -> list[ParkedException]:
        """The exception queue, oldest first."""
        with self.tx() as s:
            stmt = select(ExceptionEntry).where(ExceptionEntry.resolved == 0).order_by(ExceptionEntry.id)
            if category:
                stmt = stmt.where(ExceptionEntry.category == category)
            return [
                ParkedException(
                    r.id,
                    r.category,
                    r.flow,
                    r.summary,
                    json.loads(r.records),
                    json.loads(r.error),
                    r.occurrences,
                    r.created_at,
                )
                for r in s.scalars(stmt)
            ]

    def resolve_exception(self, key: str) -> None:
        """Mark an exception resolved (the engine fixed it on a later pass)."""
        with self.tx() as s:
            changed = s.execute(
                update(ExceptionEntry)
                .where(ExceptionEntry.key == key, ExceptionEntry.resolved == 0)
                .values(resolved=1)
            ).rowcount  # type: ignore[attr-defined]
        if (
            changed
        ):  # the mirror changes only with the queue (every post resolves keys that are mostly not there)
            self.write_queue_file()

    def write_queue_file(self) -> None:
        """Mirror the open exception queue to ``queue_file`` (whole file replaced: readers never see half)."""
        if self.queue_file is None:
            return
        with self._lock:  # one writer at a time, so the last change is the last file written
            data = json.dumps([e.as_dict() for e in self.exceptions()], indent=1, sort_keys=True)
            self.queue_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.queue_file.with_name(f".{self.queue_file.name}.{os.getpid()}.tmp")
            tmp.write_text(data, encoding="utf-8")
            os.replace(tmp, self.queue_file)

    def counts(self) -> dict[str, int]:
        """Row counts per table (for the pass summary)."""
        with self.tx() as s:
            return {
                "outbox_pending": s.scalar(
                    select(func.count()).select_from(OutboxItem).where(OutboxItem.status == "pending")
                )
                or 0,
                "exceptions": s.scalar(
                    select(func.count()).select_from(ExceptionEntry).where(ExceptionEntry.resolved == 0)
                )
                or 0,
                "stock_unbatched": s.scalar(
                    select(func.count()).select_from(StockDelta).where(StockDelta.batch.is_(None))
                )
                or 0,
            }

    def clear_all(self) -> None:
        """Forget everything (tests only)."""
        with self.tx() as s:
            for table in (Cursor, IdMapping, OutboxItem, InboxEvent, StockDelta, ExceptionEntry):
                s.execute(delete(table))
        self.write_queue_file()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL is durable against a process crash (SIGKILL)
    cur.close()
