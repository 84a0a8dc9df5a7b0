"""QMS test fixtures: an app on a tmp SQLite file, its driver (the API with the bearer key), world builders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from mocks.qms.services import DEFAULT_API_KEY
from tests.mocks import driver
from tests.mocks.driver import Driver

AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
API = "/api/v1"


class QmsDriver(Driver):
    """Calls the QMS API with its bearer key."""

    prefix = API

    def sign(self, method: str, path: str) -> tuple[str, dict[str, str]]:
        """The bearer key header."""
        return path, dict(AUTH)

    def deliveries(self) -> list[dict[str, Any]]:
        """The webhook deliveries, in the shape the tests compare."""
        return [
            {
                "event": d["event"],
                "eventId": d["eventId"],
                "status": d["status"],
                "subscription": d["subscriptionId"],
                "payload": d["payload"],
            }
            for d in self.webhooks()["deliveries"]
        ]

    # ---- world builders (through the public API) ----------------------------------------------
    def item(self, sku: str, kind: str = "RAW_MATERIAL", netsuite_id: str | None = None) -> dict[str, Any]:
        body = {
            "sku": sku,
            "name": sku.title(),
            "type": kind,
            "uom": "kg" if kind == "RAW_MATERIAL" else "ea",
        }
        if netsuite_id:
            body["netsuiteId"] = netsuite_id
        r = self.api("POST", "/items", body)
        assert r.status_code == 201, r.get_json()
        return dict(r.get_json())

    def po(self, netsuite_id: str, lines: list[tuple[int, float]], number: str = "PO1") -> dict[str, Any]:
        r = self.api(
            "POST",
            "/purchase-orders",
            {
                "netsuiteId": netsuite_id,
                "number": number,
                "vendor": "Acme",
                "lines": [{"itemId": i, "quantity": q} for i, q in lines],
            },
        )
        assert r.status_code == 201, r.get_json()
        return dict(r.get_json())

    def receive(self, po_id: int, lines: list[tuple[int, float]]) -> dict[str, Any]:
        r = self.api(
            "POST",
            f"/purchase-orders/{po_id}/receipts",
            {"lines": [{"line": ln, "quantity": q} for ln, q in lines]},
        )
        assert r.status_code == 201, r.get_json()
        return dict(r.get_json())

    def released_lot(self, item_id: int, qty: float, ns: str) -> dict[str, Any]:
        po = self.po(ns, [(item_id, qty)], number=f"PO-{ns}")
        lot = self.receive(po["id"], [(1, qty)])["lots"][0]
        r = self.api("POST", f"/lots/{lot['id']}/inspection", {"result": "PASS", "inspector": "qa"})
        assert r.status_code == 200, r.get_json()
        return dict(r.get_json())


def make_app(folder: Path, db_url: str | None = None, **settings: Any) -> Flask:
    """A QMS app on ``db_url`` (default: a fresh SQLite file in ``folder``)."""
    return driver.make_app("qms", folder, db_url, **settings)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """A fresh QMS."""
    return make_app(tmp_path)


@pytest.fixture
def api(app: Flask) -> QmsDriver:
    """The driver of the fresh QMS."""
    return QmsDriver(app)


def err(r: Any) -> tuple[int, dict[str, Any]]:
    """(status, body) of a response, for exact assertions."""
    return r.status_code, r.get_json()
