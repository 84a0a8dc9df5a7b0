"""Fixtures for the POS emulator tests: a fresh SQLite file per test, auth headers, a seeded world."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.mocks import driver
from tests.mocks.driver import Driver

AUTH = {"Authorization": "Basic " + base64.b64encode(b"10020-140:erpsim-pos-10020").decode()}
BASE = "/v2/accounts/10020"
SITE = f"{BASE}/sites/1"


def make_app(folder: Path, db_url: str | None = None, **settings: Any) -> Flask:
    """A POS app on ``db_url`` (default: a fresh SQLite file in ``folder``)."""
    return driver.make_app("pos", folder, db_url, **settings)


class PosDriver(Driver):
    """Calls the POS API with HTTP basic auth (API id and password); paths are absolute (``BASE``, ``SITE``)."""

    def sign(self, method: str, path: str) -> tuple[str, dict[str, str]]:
        """The basic auth header."""
        return path, dict(AUTH)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """An empty POS."""
    return make_app(tmp_path)


@pytest.fixture
def pos(app: Flask) -> PosDriver:
    """The driver of the empty POS."""
    return PosDriver(app)


@pytest.fixture
def world(pos: PosDriver) -> dict[str, Any]:
    """Two stores, three products with known prices and stock, one customer."""
    records = {
        "stores": [
            {"name": "Camden", "externalid": "CAM", "city": "London"},
            {"name": "Leeds", "externalid": "LDS", "city": "Leeds"},
        ],
        "products": [
            {"sku": "TEE-1", "title": "Tee", "moneyprice": "10.00", "vatvalue": 20},
            {"sku": "MUG-1", "title": "Mug", "moneyprice": "5.00", "vatvalue": 20},
            {"sku": "BOOK-1", "title": "Book", "moneyprice": "8.00", "vatvalue": 0},
        ],
        "stock": [
            {"warehouseid": 1, "sku": "TEE-1", "quantity": "10"},
            {"warehouseid": 1, "sku": "MUG-1", "quantity": "5"},
            {"warehouseid": 1, "sku": "BOOK-1", "quantity": "3"},
            {"warehouseid": 3, "sku": "TEE-1", "quantity": "4"},
        ],
        "users": [{"email": "ann@example.com", "namefirst": "Ann", "namelast": "Lee"}],
    }
    return dict(pos.seed({"records": records}))


def stock_of(pos: PosDriver, warehouseid: int, sku: str) -> str:
    """The decimaltotal of a sku in a warehouse, through the API ("0.000" if no row)."""
    items = pos.ok("GET", f"{SITE}/warehouses/{warehouseid}/warehouseitems.json?sku={sku}")["items"]
    return str(items[0]["decimaltotal"]) if items else "0.000"


def sale(register: str, externalid: str | None = "S1", **extra: Any) -> dict[str, Any]:
    """A closed sale of 2 tees (one line discounted by 2.00) and 1 mug paid by card and cash."""
    body: dict[str, Any] = {
        "registerid": register,
        "orderitems": [
            {"orderitemtype": 10, "sku": "TEE-1", "quantity": 2},
            {"orderitemtype": 30, "moneyrowdiscount": "2.00"},
            {"orderitemtype": 10, "sku": "MUG-1", "quantity": 1},
        ],
        "payments": [{"name": "Card", "moneyamount": "24.00"}, {"name": "Cash", "moneyamount": "4.00"}],
    }
    if externalid is not None:
        body["externalid"] = externalid
    body.update(extra)
    return body
