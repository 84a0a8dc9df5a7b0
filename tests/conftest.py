"""Shared fixtures: admin headers, thread servers and the PostgreSQL switch."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

ADMIN = {"X-Erpsim-Admin-Token": "erpsim-admin"}
PG_URL = os.environ.get("ERPSIM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def pg_available() -> bool:
    """True when the PostgreSQL server of the dev/CI machine answers."""
    try:
        import psycopg

        with psycopg.connect(PG_URL.replace("postgresql://", "postgresql://", 1), connect_timeout=2):
            return True
    except Exception:
        return False


@pytest.fixture
def admin() -> dict[str, str]:
    """Headers carrying the control-plane admin token."""
    return dict(ADMIN)


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A fresh database URL: a SQLite file (and PostgreSQL where a test module asks for it)."""
    yield f"sqlite:///{tmp_path / 'erpsim.db'}"


def pg_schema_url() -> str:
    """A PostgreSQL URL; each test run's emulators get their own schema through the system name."""
    return PG_URL


def unique_system_suffix() -> str:
    """A short random suffix so PostgreSQL schemas of parallel tests never collide."""
    return uuid.uuid4().hex[:8]


class ThreadServer:
    """A real HTTP server on a free loopback port, in a thread (sockets needed for reset faults)."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Shut the server down and free the port."""
        self.server.shutdown()
        self.thread.join(5)
        self.server.server_close()


@pytest.fixture
def serve_app() -> Iterator[Any]:
    """Call with an app to serve it on a thread server; stopped at teardown."""
    servers: list[ThreadServer] = []

    def _serve(app: Flask) -> ThreadServer:
        srv = ThreadServer(app)
        servers.append(srv)
        return srv

    yield _serve
    for srv in servers:
        srv.stop()


class WebhookReceiver:
    """A real HTTP endpoint on loopback that records every webhook POST (headers, raw body)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.fail_first = 0
        self.ok_status = 204
        self.fail_status = 500
        receiver = self

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append((dict(self.headers), body))
                if receiver.fail_first > 0:
                    receiver.fail_first -= 1
                    self.send_response(receiver.fail_status)
                else:
                    self.send_response(receiver.ok_status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        """The receiver's URL with ``path``."""
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def stop(self) -> None:
        """Shut the receiver down."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A webhook receiver for the test; stopped at teardown."""
    rec = WebhookReceiver()
    yield rec
    rec.stop()
