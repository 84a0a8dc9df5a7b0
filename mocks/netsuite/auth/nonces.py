"""TBA nonces: each (consumer, token, nonce) is accepted once while its timestamp is inside the window.

In memory for one process (no write per request), or in ``ns_nonces`` when several workers share the store.
"""

from __future__ import annotations

import threading
from typing import Protocol

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from mocks.core.app import Emulator

from ..models import NsNonce


class NonceStore(Protocol):
    """Remembers (consumer, token, nonce) until the nonce's timestamp leaves the window."""

    def check_and_add(self, key: tuple[str, str, str], timestamp: int, now: float) -> bool:
        """True when the nonce is fresh (and is now remembered), False on a replay."""
        ...

    def clear(self) -> None:
        """Forget every nonce."""
        ...


class MemoryNonceStore:
    """Per-process nonce set: no DB write per request (one worker process only)."""

    def __init__(self, window: int) -> None:
        self.window = window
        self._seen: dict[tuple[str, str, str], float] = {}
        self._lock = threading.Lock()
        self._next_purge = 0.0

    def check_and_add(self, key: tuple[str, str, str], timestamp: int, now: float) -> bool:
        """True when the nonce is fresh (and is now remembered), False on a replay."""
        with self._lock:
            if now >= self._next_purge:
                self._seen = {k: exp for k, exp in self._seen.items() if exp > now}
                self._next_purge = now + 30
            expires = self._seen.get(key)
            if expires is not None and expires > now:
                return False
            # A nonce can come back only once its timestamp is outside the window anyway.
            self._seen[key] = timestamp + self.window + 1
            return True

    def clear(self) -> None:
        """Forget every nonce."""
        with self._lock:
            self._seen.clear()


class DbNonceStore:
    """Nonces in ``ns_nonces``, shared by every worker process on the same store."""

    def __init__(self, emu: Emulator, window: int) -> None:
        self.emu = emu
        self.window = window
        self._next_purge = 0.0

    def check_and_add(self, key: tuple[str, str, str], timestamp: int, now: float) -> bool:
        """True when the nonce is fresh (and is now remembered), False on a replay."""
        consumer, token, nonce = key
        try:
            with self.emu.store.write() as s:
                if now >= self._next_purge:
                    self._next_purge = now + 30
                    s.execute(delete(NsNonce).where(NsNonce.timestamp < int(now) - 2 * self.window))
                row = s.get(NsNonce, key)
                if row is not None:
                    if row.timestamp + self.window >= now:
                        return False
                    row.timestamp = timestamp
                else:
                    s.add(NsNonce(consumer_key=consumer, token_id=token, nonce=nonce, timestamp=timestamp))
        except IntegrityError:
            return False  # another worker inserted the same nonce concurrently: a replay
        return True

    def clear(self) -> None:
        """Forget every nonce."""
        with self.emu.store.write() as s:
            s.execute(delete(NsNonce))
