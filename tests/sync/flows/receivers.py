"""The daemon's webhook receiver on a loopback port, without its polling loop (the test runs the passes)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sync.daemon import Daemon
from sync.engine import Engine


@contextmanager
def receiver(engine: Engine) -> Iterator[Daemon]:
    """Subscribe the engine to the systems' webhooks and receive them until the block ends."""
    daemon = Daemon(engine)
    thread = threading.Thread(target=daemon.server.serve_forever, daemon=True)
    thread.start()
    try:
        daemon.subscribe()
        yield daemon
    finally:
        daemon.server.shutdown()
        daemon.server.server_close()
        thread.join(5)
