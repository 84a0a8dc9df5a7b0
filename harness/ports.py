"""Free loopback ports for the servers erpsim starts (the harness's worlds, load runs, benchmarks, tests)."""

from __future__ import annotations

import os
import random
import socket
import time
from pathlib import Path


def _below_ephemeral() -> tuple[int, int]:
    """Ports the kernel never hands out as ephemeral ones (below ``ip_local_port_range``).

    A port from the ephemeral range (what binding port 0 gives) can be taken by any loopback client connection
    between the probe here and the server's bind; below it, only another explicit bind can take it.
    """
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    return max(1024, low - 12000), low - 1


def free_port_run(count: int = 1) -> int:
    """The first of ``count`` consecutive free ports below the ephemeral range, picked at random (so that
    processes choosing at the same time do not pick the same run) and probed."""
    lo, hi = _below_ephemeral()
    rng = random.Random(os.getpid() * 1_000_003 + time.monotonic_ns())
    for _ in range(200):
        base = rng.randrange(lo, hi - count + 1)
        probes: list[socket.socket] = []
        try:
            for k in range(count):
                probe = socket.socket()
                probes.append(probe)
                probe.bind(("127.0.0.1", base + k))
            return base
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    raise RuntimeError(f"no run of {count} free loopback ports below {hi + 1}")


def free_port() -> int:
    """One free loopback port below the ephemeral range."""
    return free_port_run(1)
