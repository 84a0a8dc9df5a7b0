"""Shared fixtures and constants: the admin headers, thread servers and the PostgreSQL switch."""

from __future__ import annotations

import functools
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

#: Fixtures shared beyond one folder: a real ``erpsim up`` process (``running_up``).
pytest_plugins = ["tests.harness.running"]

ADMIN = {"X-Erpsim-Admin-Token": "erpsim-admin"}
#: The PostgreSQL server the tests may use; each test gets a database of its own on it (never its data).
PG_SERVER_URL = os.environ.get("ERPSIM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
#: Databases created by the tests start with this, so a leftover of a killed run is easy to spot and drop.
PG_TEST_PREFIX = "erpsim_test_"


@functools.cache
def pg_available() -> bool:
    """True when the PostgreSQL server of the dev/CI machine answers (asked once per run)."""
    try:
        import psycopg

        with psycopg.connect(PG_SERVER_URL, connect_timeout=2):
            return True
    except Exception:
        return False


@contextmanager
def pg_test_database() -> Iterator[str]:
    """Create an empty, randomly named database on the test server; drop it (and its connections) after."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"{PG_TEST_PREFIX}{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_SERVER_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_SERVER_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(PG_SERVER_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL database of this test alone: created empty, dropped (with its connections) afterwards.

    Several engineers and CI can run the suite against one server at once: names are random and nothing
    is shared (schemas, sequences and advisory locks all live inside the database).
    """
    if not pg_available():
        pytest.skip(f"PostgreSQL not reachable at {PG_SERVER_URL} (set ERPSIM_TEST_PG)")
    with pg_test_database() as url:
        yield url


class ThreadServer:
    """A real HTTP server on a free loopback port, in a thread (sockets needed for reset faults)."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
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
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
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
