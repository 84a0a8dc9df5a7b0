"""Fixtures for the AP (BILL v3) emulator tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.mocks import driver
from tests.mocks.driver import Driver

V3 = "/connect/v3"
DEV_KEY = "erpsim-ap-devkey-0001"
LOGIN = {
    "username": "ap-admin@erpsim.test",
    "password": "erpsim-ap-password",
    "organizationId": "00802ERPSIMORG000001",
    "devKey": DEV_KEY,
}
TRUST = {"rememberMeId": "erpsim-ap-remember-me-0001", "device": "erpsim-device"}
BANK = {"type": "BANK_ACCOUNT", "id": "bac02000000000000001"}


def make_app(folder: Path, db_url: str | None = None, **settings: Any) -> Flask:
    """An AP app on ``db_url`` (default: a fresh SQLite file in ``folder``) with these settings."""
    return driver.make_app("ap", folder, db_url, **settings)


def login(client: FlaskClient, trusted: bool = True) -> dict[str, str]:
    """Log in and return the devKey + sessionId headers."""
    r = client.post(f"{V3}/login", json={**LOGIN, **(TRUST if trusted else {})})
    assert r.status_code == 200, r.get_json()
    return {"devKey": DEV_KEY, "sessionId": r.get_json()["sessionId"]}


def err(r: Any) -> tuple[int, str, str]:
    """(status, BDC code, message) of a BILL error response, checking its shape."""
    body = r.get_json()
    assert isinstance(body, list) and len(body) == 1, body
    e = body[0]
    assert set(e) == {"timestamp", "code", "severity", "category", "message"} and e["severity"] == "ERROR"
    return r.status_code, e["code"], e["message"]


class ApDriver(Driver):
    """Logs in (a trusted device unless ``trusted=False``) and calls the API with its devKey and session."""

    prefix = V3

    def __init__(self, app: Flask, trusted: bool = True) -> None:
        super().__init__(app)
        self.session = login(self.client, trusted)

    def login(self, trusted: bool = True) -> None:
        """Log in again (the session ended); later calls use the new session."""
        self.session = login(self.client, trusted)

    def sign(self, method: str, path: str) -> tuple[str, dict[str, str]]:
        """The devKey and sessionId headers."""
        return path, dict(self.session)

    # ---- BILL's records --------------------------------------------------------------------------------
    def vendor(self, name: str = "Acme Supplies", **kw: Any) -> dict[str, Any]:
        """Create a business vendor; its JSON."""
        return self.ok("POST", "/vendors", {"name": name, "accountType": "BUSINESS", **kw})

    def coa(self, name: str = "6000 Office", number: str = "6000") -> str:
        """Create an expense chart-of-accounts entry; its id."""
        return str(
            self.ok(
                "POST",
                "/classifications/chart-of-accounts",
                {"name": name, "account": {"number": number, "type": "EXPENSE"}},
            )["id"]
        )

    def bill(
        self, vendor_id: str, number: str = "INV-1", amounts: tuple[float, ...] = (100.0,), **kw: Any
    ) -> dict[str, Any]:
        """Create a bill of these line amounts; its JSON."""
        body = {
            "vendorId": vendor_id,
            "dueDate": "2026-02-04",
            "invoice": {"invoiceNumber": number, "invoiceDate": "2026-01-05"},
            "billLineItems": [{"amount": a, "description": f"line {i}"} for i, a in enumerate(amounts)],
            **kw,
        }
        return self.ok("POST", "/bills", body)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """A fresh AP app."""
    return make_app(tmp_path)


@pytest.fixture
def api(app: Flask) -> ApDriver:
    """A trusted, logged-in API client."""
    return ApDriver(app)


@pytest.fixture
def app_factory(tmp_path: Path) -> Callable[..., Flask]:
    """Build an app with settings."""
    return lambda **settings: make_app(tmp_path, **settings)
