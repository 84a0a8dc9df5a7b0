"""Concurrency slots (NetSuite's per-account limit, BILL's per-devKey limit) that hold across processes.

Slots are taken without waiting: the request over the limit is refused, as the real services do.
Backends: PostgreSQL advisory locks when the store is PostgreSQL (workers on several hosts),
``flock`` on slot files otherwise (workers on one host), plus a thread lock per slot because
``flock`` does not exclude threads of one process from each other.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text


class SlotLimiter:
    """At most ``limit`` holders per key at once, across every process sharing the backend."""

    def __init__(self, name: str, *, data_dir: Path | None = None, engine: Engine | None = None) -> None:
        self.name = name
        self.engine = engine
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self._local: dict[tuple[str, int], threading.Lock] = {}
        self._fds: dict[tuple[str, int], int] = {}
        self._guard = threading.Lock()
        self._pid = os.getpid()

    def _slot_lock(self, key: str, slot: int) -> threading.Lock:
        with self._guard:
            if self._pid != os.getpid():  # forked: file descriptors must not be shared with the parent
                self._fds.clear()
                self._local.clear()
                self._pid = os.getpid()
            return self._local.setdefault((key, slot), threading.Lock())

    def _fd(self, key: str, slot: int) -> int:
        fd = self._fds.get((key, slot))
        if fd is None:
            assert self.data_dir is not None
            folder = self.data_dir / "slots"
            folder.mkdir(parents=True, exist_ok=True)
            safe = hashlib.sha1(f"{self.name}:{key}".encode()).hexdigest()[:16]
            fd = os.open(folder / f"{safe}.{slot}", os.O_RDWR | os.O_CREAT, 0o600)
            self._fds[(key, slot)] = fd
        return fd

    def _pg_key(self, key: str) -> int:
        return int.from_bytes(hashlib.sha1(f"{self.name}:{key}".encode()).digest()[:4], "big", signed=True)

    @contextmanager
    def slot(self, key: str, limit: int) -> Iterator[bool]:
        """Yield True holding one of ``limit`` slots for ``key``, or False when all are taken."""
        for n in range(max(0, limit)):
            local = self._slot_lock(key, n)
            if not local.acquire(blocking=False):
                continue
            try:
                release = self._acquire_shared(key, n)
                if release is None:
                    continue
                try:
                    yield True
                finally:
                    release()
                return
            finally:
                local.release()
        yield False

    def _acquire_shared(self, key: str, n: int) -> Any:
        if self.engine is not None:
            conn = self.engine.connect()
            got = conn.execute(
                text("SELECT pg_try_advisory_lock(:k, :n)"), {"k": self._pg_key(key), "n": n}
            ).scalar()
            if not got:
                conn.close()
                return None

            def _release_pg() -> None:
                conn.execute(text("SELECT pg_advisory_unlock(:k, :n)"), {"k": self._pg_key(key), "n": n})
                conn.commit()
                conn.close()

            return _release_pg
        if self.data_dir is None:
            return lambda: None
        fd = self._fd(key, n)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        return lambda: fcntl.flock(fd, fcntl.LOCK_UN)
