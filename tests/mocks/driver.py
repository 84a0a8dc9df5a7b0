"""One way for a test to drive an emulator in-process: its vendor API and its control plane.

Every system's conftest subclasses ``Driver`` and adds only how its clients authenticate (``sign``) and the
prefix its API paths share; the calls themselves have the same names and results everywhere:

* ``api(method, path, body)`` -> the response (``ok(...)``: the JSON body, after asserting the status);
* ``control(method, path, body)`` -> a raw control-plane response; ``reset``, ``seed``, ``act``, ``state``,
  ``journal``, ``faults``, ``clock``, ``webhooks`` and ``deliver`` -> their JSON, after asserting the status.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from harness.systems import system_module
from mocks.core.app import Emulator
from mocks.core.config import EmulatorConfig
from tests.conftest import ADMIN


def make_app(system: str, folder: Path, db_url: str | None = None, **settings: Any) -> Flask:
    """An app of ``system`` on ``db_url`` (default: a fresh SQLite file in ``folder``) with these settings."""
    cfg = EmulatorConfig(
        system=system,
        db_url=db_url or f"sqlite:///{folder / f'{system}.db'}",
        data_dir=folder,
        settings=settings,
    )
    app: Flask = system_module(system).create_app(cfg)
    return app


class Driver:
    """Drives one app through its WSGI test client: the vendor API as the system's client calls it, and the
    control plane with the admin token."""

    #: what every vendor API path given to ``api`` is relative to
    prefix: ClassVar[str] = ""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.emu: Emulator = app.extensions["erpsim"]
        self.client: FlaskClient = app.test_client()

    # ---- the vendor API ------------------------------------------------------------------------------
    def sign(self, method: str, path: str) -> tuple[str, dict[str, str]]:
        """The path to send and the headers that authenticate the call (each system adds its own auth)."""
        return path, {}

    def api(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        auth: bool = True,
        prefix: str | None = None,
        **kw: Any,
    ) -> TestResponse:
        """Call ``prefix + path`` with the system's auth (``auth=False``: none; ``headers`` win over it).

        ``body`` is sent as JSON unless it is a string or bytes (then as it is, as JSON unless ``content_type``
        or a Content-Type header says otherwise); ``prefix`` replaces the class's for one call (another API
        root of the same system); ``kw`` goes to the Werkzeug client (``query_string``...).
        """
        path = (self.prefix if prefix is None else prefix) + path
        sent: dict[str, str] = {}
        if auth:
            path, sent = self.sign(method, path)
        sent = {**sent, **(headers or {})}
        data = body if body is None or isinstance(body, str | bytes) else json.dumps(body)
        if (
            data is not None
            and "content_type" not in kw
            and not any(k.lower() == "content-type" for k in sent)
        ):
            sent["Content-Type"] = "application/json"
        return self.client.open(path, method=method, data=data, headers=sent, **kw)

    def ok(self, method: str, path: str, body: Any = None, status: int = 200, **kw: Any) -> Any:
        """Call the vendor API, assert the status and return the JSON body."""
        r = self.api(method, path, body, **kw)
        assert r.status_code == status, (r.status_code, r.get_data(as_text=True))
        return r.get_json()

    # ---- the control plane ---------------------------------------------------------------------------
    def control(self, method: str, path: str, body: Any = None, **kw: Any) -> TestResponse:
        """Call ``/__erpsim/<path>`` with the admin token; the raw response."""
        return self.client.open(f"/__erpsim/{path}", method=method, json=body, headers=ADMIN, **kw)

    def _control_ok(self, method: str, path: str, body: Any = None, status: int = 200, **kw: Any) -> Any:
        r = self.control(method, path, body, **kw)
        assert r.status_code == status, (r.status_code, r.get_data(as_text=True))
        return r.get_json()

    def reset(self, body: dict[str, Any] | None = None, status: int = 200) -> Any:
        """A new world (``body``: what to seed in it, or {"empty": true})."""
        return self._control_ok("POST", "reset", body, status)

    def seed(self, body: dict[str, Any], status: int = 200) -> Any:
        """Add seed data (faker counts or explicit records); returns what was seeded."""
        return self._control_ok("POST", "seed", body, status)

    def act(self, name: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
        """Perform a control-plane action (what the system's people do) and return its JSON."""
        return self._control_ok("POST", f"act/{name}", body or {}, status)

    def state(self, *tables: str) -> dict[str, Any]:
        """The state dump (only ``tables`` when named)."""
        query = {"tables": ",".join(tables)} if tables else None
        dump: dict[str, Any] = self._control_ok("GET", "state", query_string=query)
        return {t: dump[t] for t in tables} if tables else dump

    def journal(self, **query: Any) -> Any:
        """Journal entries (filters: since, limit, method, path, status, after, before)."""
        return self._control_ok("GET", "journal", query_string=query)

    def faults(self, plan: dict[str, Any], status: int = 200) -> Any:
        """Replace the fault plan ({"seed": n, "rules": [...]} or one rule); returns the plan."""
        return self._control_ok("PUT", "faults", plan, status)

    def clock(self, move: dict[str, Any] | None = None, status: int = 200) -> Any:
        """The virtual clock, after moving it ({"set": iso} / {"advance": ...} / {"rate": r}) when asked."""
        if move is None:
            return self._control_ok("GET", "clock")
        return self._control_ok("POST", "clock", move, status)

    def webhooks(self) -> Any:
        """Subscriptions and deliveries."""
        return self._control_ok("GET", "webhooks")

    def deliver(self) -> Any:
        """Send every pending webhook delivery now."""
        return self._control_ok("POST", "webhooks/deliver")
