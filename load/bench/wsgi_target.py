"""One emulator as a plain WSGI callable, for serving it with another WSGI server (Granian) in benchmarks.

``ERPSIM_BENCH_SYSTEM`` names the system; its config comes from the usual ``ERPSIM_*`` variables. Granian
spawns its workers (no fork after a preload, unlike gunicorn), so each worker builds the app itself; a file
lock makes the first one create the schema before the others open it (two at once: "database is locked").
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from harness.systems import system_module
from mocks.core.config import EmulatorConfig

_system = os.environ.get("ERPSIM_BENCH_SYSTEM", "netsuite")
_config = EmulatorConfig.from_env(_system)
_config.data_dir.mkdir(parents=True, exist_ok=True)
with (Path(_config.data_dir) / f".{_system}-init.lock").open("w") as _lock:
    fcntl.flock(_lock, fcntl.LOCK_EX)
    app = system_module(_system).create_app(_config)
