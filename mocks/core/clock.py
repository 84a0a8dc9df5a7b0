"""Virtual business time. Every business date an emulator writes comes from here, never from the OS."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Float, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .store import CoreBase, Store


class ClockRow(CoreBase):
    """The single clock row: virtual instant at a real instant, and how fast it runs (0 = frozen)."""

    __tablename__ = "erpsim_clock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    virtual_at: Mapped[str] = mapped_column(String(40))
    real_at: Mapped[float] = mapped_column(Float)
    rate: Mapped[float] = mapped_column(Float, default=0.0)


_SELECT_CLOCK = select(ClockRow.__table__).where(ClockRow.__table__.c.id == 1)


def parse_instant(value: str) -> datetime:
    """Parse an ISO-8601 instant (a date alone means midnight UTC); naive values are UTC."""
    value = value.strip().replace("Z", "+00:00")
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


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

    def now(self, session: Session | None = None) -> datetime:
        """The current virtual instant (UTC)."""
        # Core, not the ORM: business code reads the clock on every write request.
        if session is None:
            with self.store.read() as s:
                row = s.execute(_SELECT_CLOCK).first()
        else:
            row = session.connection().execute(_SELECT_CLOCK).first()
        if row is None:
            return self.start
        base = parse_instant(row.virtual_at)
        if row.rate:
            base += timedelta(seconds=(time.time() - row.real_at) * row.rate)
        return base

    def today(self, session: Session | None = None) -> date:
        """The current virtual date (UTC)."""
        return self.now(session).date()

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
