"""Fixtures for the AP (BILL v3) emulator tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mocks.ap import create_app
from mocks.core.config import EmulatorConfig
from tests.conftest import ADMIN

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


def make_app(tmp_path: Path, **settings: Any) -> Flask:
    """An AP app on a fresh SQLite file with optional settings."""
    cfg = EmulatorConfig(
        system="ap", db_url=f"sqlite:///{tmp_path / 'ap.db'}", data_dir=tmp_path, settings=settings
    )
    return create_app(cfg)


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


class Api:
    """A logged-in client with small helpers."""

    def __init__(self, app: Flask, trusted: bool = True) -> None:
        self.app = app
        self.c = app.test_client()
        self.h = login(self.c, trusted)

    def get(self, path: str) -> Any:
        return self.c.get(V3 + path, headers=self.h)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.c.post(V3 + path, json=body, headers={**self.h, **kw.pop("headers", {})}, **kw)

    def patch(self, path: str, body: Any) -> Any:
        return self.c.patch(V3 + path, json=body, headers=self.h)

    def act(self, name: str, body: dict[str, Any] | None = None) -> Any:
        return self.c.post(f"/__erpsim/act/{name}", json=body or {}, headers=ADMIN)

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        return self.c.open(f"/__erpsim/{path}", method=method, json=body, headers=ADMIN)

    def ok(self, r: Any) -> Any:
        assert r.status_code == 200, r.get_json()
        return r.get_json()

    def vendor(self, name: str = "Acme Supplies", **kw: Any) -> dict[str, Any]:
        return self.ok(self.post("/vendors", {"name": name, "accountType": "BUSINESS", **kw}))

    def coa(self, name: str = "6000 Office", number: str = "6000") -> str:
        return str(
            self.ok(
                self.post(
                    "/classifications/chart-of-accounts",
                    {"name": name, "account": {"number": number, "type": "EXPENSE"}},
                )
            )["id"]
        )

    def bill(
        self, vendor_id: str, number: str = "INV-1", amounts: tuple[float, ...] = (100.0,), **kw: Any
    ) -> dict[str, Any]:
        body = {
            "vendorId": vendor_id,
            "dueDate": "2026-02-04",
            "invoice": {"invoiceNumber": number, "invoiceDate": "2026-01-05"},
            "billLineItems": [{"amount": a, "description": f"line {i}"} for i, a in enumerate(amounts)],
            **kw,
        }
        return self.ok(self.post("/bills", body))


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """A fresh AP app."""
    return make_app(tmp_path)


@pytest.fixture
def api(app: Flask) -> Api:
    """A trusted, logged-in API client."""
    return Api(app)


@pytest.fixture
def app_factory(tmp_path: Path) -> Callable[..., Flask]:
    """Build an app with settings."""
    return lambda **settings: make_app(tmp_path, **settings)
