"""Virtual business time. Every business date an emulator writes comes from here, never from the OS."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Float, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import fastsql
from .store import CoreBase, Store


class ClockRow(CoreBase):
    """The single clock row: virtual instant at a real instant, and how fast it runs (0 = frozen)."""

    __tablename__ = "erpsim_clock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    virtual_at: Mapped[str] = mapped_column(String(40))
    real_at: Mapped[float] = mapped_column(Float)
    rate: Mapped[float] = mapped_column(Float, default=0.0)


_SELECT_CLOCK = select(ClockRow.virtual_at, ClockRow.real_at, ClockRow.rate).where(ClockRow.id == 1)


def parse_instant(value: str) -> datetime:
    """Parse an ISO-8601 instant (a date alone means midnight UTC); naive values are UTC."""
    value = value.strip().replace("Z", "+00:00")
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def virtual_instant(virtual_at: str, real_at: float, rate: float) -> datetime:
    """The virtual instant now of a clock that read ``virtual_at`` at the real instant ``real_at`` and runs at
    ``rate`` (0: frozen): the one formula every reader of the clock uses."""
    base = parse_instant(virtual_at)
    if rate:
        base += timedelta(seconds=(time.time() - real_at) * rate)
    return base


class Clock:
    """Reads and moves the virtual clock kept in the store (shared by every worker process)."""

    def __init__(self, store: Store, start: str) -> None:
        self.store = store
        self.start = parse_instant(start)

    def _row(self, session: Session) -> ClockRow:
        row = session.get(ClockRow, 1)
        if row is None:
            row = ClockRow(id=1, virtual_at=self.start.isoformat(), real_at=time.time(), rate=0.0)
            session.add(row)
            session.flush()
        return row

    def now(self, db: Session | Connection | None = None) -> datetime:
        """The current virtual instant (UTC), read in ``db``'s transaction (an ORM session or a Core
        connection) when given."""
        # One precompiled statement on the DBAPI cursor: business code reads the clock on every write request.
        if db is None:
            with self.store.read() as s:
                row = fastsql.first(s.connection(), _SELECT_CLOCK)
        else:
            row = fastsql.first(db.connection() if isinstance(db, Session) else db, _SELECT_CLOCK)
        return self.start if row is None else virtual_instant(*row)

    def today(self, db: Session | Connection | None = None) -> date:
        """The current virtual date (UTC)."""
        return self.now(db).date()

    def set(self, instant: datetime, rate: float | None = None) -> datetime:
        """Jump to ``instant``; ``rate`` 0 freezes the clock, 1 runs it at wall speed."""
        with self.store.write() as session:
            row = self._row(session)
            row.virtual_at = instant.astimezone(UTC).isoformat()
            row.real_at = time.time()
            if rate is not None:
                row.rate = rate
        return self.now()

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward (never backward) by ``seconds``."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        return self.set(self.now() + timedelta(seconds=seconds))

    def reset(self) -> None:
        """Back to the configured start, frozen."""
        self.set(self.start, rate=0.0)

    def describe(self) -> dict[str, Any]:
        """The clock as JSON: now, today and rate."""
        now = self.now()
        with self.store.read() as s:
            row = s.get(ClockRow, 1)
        return {"now": now.isoformat(), "today": now.date().isoformat(), "rate": row.rate if row else 0.0}
