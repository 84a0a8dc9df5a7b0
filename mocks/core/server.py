"""Serving emulators: one gunicorn master binding every emulator's port, dispatching by local port.

One master means one PID to stop and one import at start-up (``erpsim up`` is ready in well under
1.5 s); the gthread worker gives each request its own thread. ``workers`` > 1 shares the store and
the governance slots (file locks or PostgreSQL advisory locks) between processes; ``erpsim up`` then sets
``config.shared``, which keeps the fault plan, the journal and the TBA nonces in the store, so the workers
behave as one (ARCHITECTURE.md, "Choices").
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

from .app import Emulator
from .errors import TOO_LARGE, ApiError

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class PortDispatcher:
    """Routes each request to the emulator whose port the connection arrived on."""

    def __init__(self, apps: dict[int, Flask]) -> None:
        self.apps = apps
        self.only = next(iter(apps.values())) if len(apps) == 1 else None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.only is not None:
            return self.only(environ, start_response)
        sock = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
        port = sock.getsockname()[1] if sock is not None else int(environ.get("SERVER_PORT", 0))
        app = self.apps.get(port)
        if app is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"no emulator on this port"]
        return app(environ, start_response)


#: Requests gunicorn refuses while parsing: (status, reason phrase, message), answered in the system's own body.
_PARSE_REFUSALS: dict[type[Exception], tuple[int, str, str]] = {
    LimitRequestLine: (414, "URI Too Long", "The request line is too long."),
    LimitRequestHeaders: (431, "Request Header Fields Too Large", "The request headers are too large."),
}


class ErpsimWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker, refusing an over-long request line or headers in the emulator's error body
    (gunicorn's own answer is an HTML page no client of these APIs expects)."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: Exception) -> None:
        """Answer parse refusals as the emulator on that port would; anything else as gunicorn does."""
        refusal = next((v for k, v in _PARSE_REFUSALS.items() if isinstance(exc, k)), None)
        dispatcher = getattr(self, "wsgi", None)
        if refusal is None or not isinstance(dispatcher, PortDispatcher):
            super().handle_error(req, client, addr, exc)
            return
        app = dispatcher.apps.get(client.getsockname()[1]) or dispatcher.only
        if app is None:
            super().handle_error(req, client, addr, exc)
            return
        try:
            status, reason, message = refusal
            response = app.extensions["erpsim_render_refusal"](ApiError(status, TOO_LARGE, message))
            body = response.get_data()
            head = [f"HTTP/1.1 {status} {reason}", "Connection: close", f"Content-Length: {len(body)}"]
            head += [
                f"{k}: {v}"
                for k, v in response.headers.items()
                if k.lower() not in ("content-length", "connection")
            ]
            self.log.warning("refused a request from %s: %s", addr[0] if addr else "?", message)
            util.write_nonblock(client, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        except Exception:  # noqa: BLE001 - fall back to gunicorn's own page rather than no answer
            super().handle_error(req, client, addr, exc)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: WSGIApp, options: dict[str, Any]) -> None:
        self._app = app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        return self._app


def serve(
    apps: dict[int, Flask],
    *,
    host: str = "127.0.0.1",
    workers: int = 1,
    threads: int = 16,
    on_ready: Callable[[], None] | None = None,
    on_stop: Callable[[], None] | None = None,
    log_level: str = "warning",
) -> None:
    """Serve ``apps`` (port -> app) until SIGINT/SIGTERM; blocks (``on_stop`` runs in the master at the end)."""
    emulators: list[Emulator] = [a.extensions["erpsim"] for a in apps.values()]
    for emu in emulators:
        emu.store.dispose()  # no pooled connection may cross the fork
    # Everything built so far (apps, OpenAPI documents, record types) lives as long as the workers: move it out
    # of the collector's reach, so a worker's first full collection does not walk (and copy) the whole
    # inherited heap while its first request waits.
    gc.collect()
    gc.freeze()

    def _post_fork(_server: Any, _worker: Any) -> None:
        for emu in emulators:
            emu.store.dispose()
            emu.start_background()

    def _when_ready(_server: Any) -> None:
        if on_ready:
            on_ready()

    def _on_exit(_server: Any) -> None:
        if on_stop:
            on_stop()

    options = {
        "bind": [f"{host}:{port}" for port in apps],
        "workers": workers,
        "worker_class": ErpsimWorker,
        "threads": threads,
        "preload_app": True,
        "post_fork": _post_fork,
        "when_ready": _when_ready,
        "on_exit": _on_exit,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": log_level,
        "graceful_timeout": 3,
        "timeout": 600,
        "keepalive": 30,
        "backlog": 2048,
    }
    try:
        _Gunicorn(PortDispatcher(apps), options).run()
    except KeyboardInterrupt:
        pass
    finally:
        sys.stdout.flush()
