"""A bounded journal of the vendor-API requests an emulator served: in memory, or in the store.

In the store (``--workers`` > 1) every worker process appends to one journal, so a client sees every
request whichever process served it. Entries can carry bounded request and response bodies.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import uuid
from collections import deque
from typing import Any

from sqlalchemy import Integer, Table, Text, delete, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from .store import MACHINERY_TABLES, CoreBase, Store


class JournalRow(CoreBase):
    """One journal entry of the shared journal."""

    __tablename__ = "erpsim_journal"
    __table_args__ = {"sqlite_autoincrement": True}  # sequence numbers never go back, even after trimming
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry: Mapped[str] = mapped_column(Text)


_ROWS: Table = JournalRow.__table__  # type: ignore[assignment]
MACHINERY_TABLES.add(_ROWS.name)
#: Trim the shared journal to its size every this many appends (one DELETE instead of one per request).
_TRIM_EVERY = 64


class JournalFilter:
    """Which entries a reader wants: method, path (regular expression), status (exact or class ``4xx``),
    and a time window on ``at`` (ISO-8601 strings compare in time order)."""

    def __init__(
        self,
        method: str | None = None,
        path: str | None = None,
        status: str | None = None,
        after: str | None = None,
        before: str | None = None,
    ) -> None:
        self.method = method.upper() if method else None
        self.path = re.compile(path) if path else None
        self.status = status
        self.after = after
        self.before = before

    def accepts(self, entry: dict[str, Any]) -> bool:
        """True when ``entry`` passes every condition given."""
        if self.method and entry.get("method") != self.method:
            return False
        if self.path is not None and not self.path.search(str(entry.get("path", ""))):
            return False
        if self.status:
            code = str(entry.get("status", ""))
            if self.status.lower().endswith("xx"):
                if not code.startswith(self.status[0]):
                    return False
            elif code != self.status:
                return False
        at = str(entry.get("at", ""))
        if self.after and at <= self.after:
            return False
        return not (self.before and at >= self.before)


class Journal:
    """Request entries with a monotonically increasing sequence number, at most ``size`` of them."""

    def __init__(self, size: int, store: Store | None = None) -> None:
        self.size = size
        self.store = store
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self._appends = 0
        self._last_seq = 0
        self._floor = 0  # memory: numbers handed out before the last clear belong to the forgotten world

    @property
    def shared(self) -> bool:
        """True when the journal lives in the store (several worker processes)."""
        return self.store is not None

    def next_seq(self) -> int | None:
        """Reserve the next sequence number (memory); None in the store, which numbers entries itself."""
        if self.store is not None:
            return None
        with self._lock:
            self._last_seq = next(self._seq)
            return self._last_seq

    def request_id(self, seq: int | None) -> str:
        """The id of a request without one of its own: ``erpsim-<seq>``, or unique across processes."""
        return f"erpsim-{seq}" if seq is not None else f"erpsim-{uuid.uuid4().hex[:16]}"

    @property
    def last_seq(self) -> int:
        """The highest sequence number handed out so far."""
        if self.store is None:
            return self._last_seq
        with self.store.read() as session:
            return int(session.execute(select(func.max(_ROWS.c.seq))).scalar() or 0)

    def add(self, entry: dict[str, Any]) -> None:
        """Append one finished request (its ``seq`` is set here when the store numbers it)."""
        if self.store is None:
            with self._lock:
                # a request that began before a reset (a hung one finishing late) is not the new world's
                if entry.get("seq") is None or int(entry["seq"]) > self._floor:
                    self._entries.append(entry)
            return
        body = {k: v for k, v in entry.items() if k != "seq"}
        with self.store.write() as session:
            seq = int(
                session.execute(
                    insert(_ROWS).values(entry=json.dumps(body, default=str)).returning(_ROWS.c.seq)
                ).scalar_one()
            )
            with self._lock:
                self._appends += 1
                trim = self._appends % _TRIM_EVERY == 0
            if trim:
                session.execute(delete(_ROWS).where(_ROWS.c.seq <= seq - self.size))
        entry["seq"] = seq

    def entries(
        self, since: int = 0, limit: int | None = None, where: JournalFilter | None = None
    ) -> list[dict[str, Any]]:
        """Entries with ``seq`` greater than ``since`` that pass ``where``, oldest first."""
        if self.store is None:
            items = [e for e in list(self._entries) if e["seq"] > since]
        else:
            with self.store.read() as session:
                rows = session.execute(
                    select(_ROWS.c.seq, _ROWS.c.entry)
                    .where(_ROWS.c.seq > since)
                    .order_by(_ROWS.c.seq.desc())
                    .limit(self.size)
                ).all()
            items = [{"seq": int(seq), **json.loads(raw)} for seq, raw in reversed(rows)]
        if where is not None:
            items = [e for e in items if where.accepts(e)]
        return items[:limit] if limit else items

    def clear(self) -> None:
        """Forget every entry (sequence numbers keep increasing)."""
        if self.store is None:
            with self._lock:
                self._entries.clear()
                self._floor = self._last_seq
            return
        with self.store.write() as session:
            session.execute(delete(_ROWS))

    def __len__(self) -> int:
        if self.store is None:
            return len(self._entries)
        with self.store.read() as session:
            return int(session.execute(select(func.count()).select_from(_ROWS)).scalar() or 0)
