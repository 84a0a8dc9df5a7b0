"""A bounded, in-process journal of the vendor-API requests an emulator served."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from typing import Any


class Journal:
    """Ring buffer of request entries with a monotonically increasing sequence number."""

    def __init__(self, size: int) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self.last_seq = 0

    def next_seq(self) -> int:
        """Reserve the next sequence number (also used as the generated request id)."""
        with self._lock:
            self.last_seq = next(self._seq)
            return self.last_seq

    def add(self, entry: dict[str, Any]) -> None:
        """Append one finished request."""
        self._entries.append(entry)

    def entries(self, since: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        """Entries with ``seq`` greater than ``since``, oldest first."""
        items = [e for e in list(self._entries) if e["seq"] > since]
        return items[:limit] if limit else items

    def clear(self) -> None:
        """Forget every entry (sequence numbers keep increasing)."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
