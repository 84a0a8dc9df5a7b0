"""Apps that module-level test code (schemathesis schemas) refers to, built on first use, not at import.

Collecting the suite then builds no emulator, and each app's folder is removed when the run ends.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import Flask


class LazyApp:
    """Stands for the Flask app ``build(folder)`` returns; builds it the first time it is used."""

    def __init__(
        self, build: Callable[[Path], Flask], prefix: str, ready: Callable[[], Any] | None = None
    ) -> None:
        self._build = build
        self._prefix = prefix
        self._ready = ready  # runs once the app exists (it may use this object)
        self._app: Flask | None = None
        self._lock = threading.RLock()

    def get(self) -> Flask:
        """The app (built now if needed, in a temporary folder removed at exit)."""
        if self._app is None:
            with self._lock:
                if self._app is None:
                    folder = tempfile.mkdtemp(prefix=self._prefix)
                    atexit.register(shutil.rmtree, folder, True)
                    self._app = self._build(Path(folder))
                    if self._ready is not None:
                        self._ready()
        return self._app

    @property
    def emu(self) -> Any:
        """The app's Emulator."""
        return self.get().extensions["erpsim"]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return self.get()(environ, start_response)
