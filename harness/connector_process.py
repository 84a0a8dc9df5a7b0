"""Connector processes: what one is, signalling its process group, and a ``passes = "stdin"`` process."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .forkserver import ForkedProcess

#: a connector process: started by the harness, or forked from a fork server (``preload``)
Proc = subprocess.Popen[bytes] | ForkedProcess


def kill_group(proc: Proc, sig: int) -> None:
    """Signal the process group the connector leads (it was started in its own session)."""
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


#: the line a ``passes = "stdin"`` connector prints when a pass is over, with its status
PASS_DONE = re.compile(rb"^erpsim-pass: (-?\d+)\s*$")


@dataclass
class ServedProcess:
    """A ``passes = "stdin"`` connector process: its output goes to a log, done lines to a queue."""

    proc: Proc
    log_path: Path
    done: queue.Queue[int | None]
    reader: threading.Thread
    written: list[int]  # bytes logged so far (one slot, updated by the reader)
    pass_offset: int = 0

    @classmethod
    def start(cls, spawn: Callable[[Any], Proc], log_path: Path) -> ServedProcess:
        """Spawn it (stdout piped through a reader thread into ``log_path``)."""
        proc = spawn(subprocess.PIPE)
        done: queue.Queue[int | None] = queue.Queue()
        written = [0]

        def read() -> None:
            assert proc.stdout is not None
            with proc.stdout, open(log_path, "wb") as log:  # the pipe is closed at the end of the output
                for line in proc.stdout:
                    log.write(line)
                    log.flush()
                    written[0] += len(line)
                    match = PASS_DONE.match(line)
                    if match:
                        done.put(int(match.group(1)))
            done.put(None)  # end of output: the process is gone

        reader = threading.Thread(target=read, name="erpsim-connector-output", daemon=True)
        reader.start()
        return cls(proc, log_path, done, reader, written)

    def alive(self) -> bool:
        """True while the process runs."""
        return self.proc.poll() is None

    def run_pass(self, timeout: float) -> tuple[int | None, str]:
        """Ask for one pass and wait for its done line: (status, message); status None = no answer."""
        self.pass_offset = self.written[0]
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(b"sync\n")
            self.proc.stdin.flush()
        except OSError:
            pass  # it exited: the reader reports the end of its output below
        try:
            status = self.done.get(timeout=timeout)
        except queue.Empty:
            return None, f"the connector did not finish the pass within {timeout:g} s (killed)"
        if status is None:
            code = self.proc.wait()
            return None, f"the connector exited with {code} instead of finishing the pass"
        return status, "" if status == 0 else f"the pass ended with status {status}"

    def output_since_pass(self, limit: int = 4000) -> str:
        """What the process printed since the current pass was asked for (its tail)."""
        self.reader.join(0.0)
        try:
            with open(self.log_path, "rb") as log:
                log.seek(max(self.pass_offset, self.written[0] - limit))
                return log.read(limit).decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, kill: bool = False) -> int | None:
        """Close its stdin (it must exit); SIGKILL with ``kill`` or after 10 s."""
        if not kill and self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            if kill:
                raise subprocess.TimeoutExpired(self.proc.args, 0)
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            kill_group(self.proc, signal.SIGKILL)
            self.proc.wait()
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        self.reader.join(10)
        return self.proc.returncode
