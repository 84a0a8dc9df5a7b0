"""CPU used by the run's processes (and their children), sampled from /proc: who was busy, who was the limit."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from .context import Sink

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def tree_cpu_seconds(pid: int) -> float:
    """utime + stime of a process and all its descendants, in seconds (0 when it is gone)."""
    total, todo, seen = 0.0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICKS
        todo += _children(p)
    return total


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages."""
    return os.getloadavg()


class CpuSampler:
    """A thread writing each named process tree's CPU seconds (cumulative) once a second to ``cpu-*.jsonl``."""

    def __init__(self, run_dir: Path) -> None:
        self.sink = Sink(run_dir, "cpu")
        self.pids: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, name: str, pid: int) -> None:
        """Start sampling a process tree under ``name``."""
        self.pids[name] = pid

    def start(self) -> None:
        """Begin sampling."""
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            row = {name: round(tree_cpu_seconds(pid), 2) for name, pid in list(self.pids.items())}
            self.sink.write(t=time.time(), load1=os.getloadavg()[0], **row)

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join(5)
