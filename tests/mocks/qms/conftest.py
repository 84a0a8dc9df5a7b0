"""QMS test fixtures: an app on a tmp SQLite file, an API client with the bearer key, small world builders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mocks.core.config import EmulatorConfig
from mocks.qms import create_app
from mocks.qms.services import DEFAULT_API_KEY
from tests.conftest import ADMIN

AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
API = "/api/v1"


class Api:
    """A thin client: every call carries the API key; ``.act`` drives the control plane."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.c: FlaskClient = app.test_client()

    def get(self, path: str, **kw: Any) -> Any:
        return self.c.get(API + path, headers=AUTH, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.c.post(API + path, json=json, headers=AUTH, **kw)

    def patch(self, path: str, json: Any = None) -> Any:
        return self.c.patch(API + path, json=json, headers=AUTH)

    def delete(self, path: str) -> Any:
        return self.c.delete(API + path, headers=AUTH)

    def act(self, name: str, body: dict[str, Any] | None = None) -> Any:
        return self.c.post(f"/__erpsim/act/{name}", json=body or {}, headers=ADMIN)

    def state(self, *tables: str) -> dict[str, list[dict[str, Any]]]:
        dump: dict[str, list[dict[str, Any]]] = self.c.get("/__erpsim/state", headers=ADMIN).get_json()
        return {t: dump[t] for t in tables} if tables else dump

    def deliveries(self) -> list[dict[str, Any]]:
        rows = self.c.get("/__erpsim/webhooks", headers=ADMIN).get_json()["deliveries"]
        return [
            {
                "event": d["event"],
                "eventId": d["eventId"],
                "status": d["status"],
                "subscription": d["subscriptionId"],
                "payload": d["payload"],
            }
            for d in rows
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
        r = self.post("/items", body)
        assert r.status_code == 201, r.get_json()
        return dict(r.get_json())

    def po(self, netsuite_id: str, lines: list[tuple[int, float]], number: str = "PO1") -> dict[str, Any]:
        r = self.post(
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
        r = self.post(
            f"/purchase-orders/{po_id}/receipts", {"lines": [{"line": ln, "quantity": q} for ln, q in lines]}
        )
        assert r.status_code == 201, r.get_json()
        return dict(r.get_json())

    def released_lot(self, item_id: int, qty: float, ns: str) -> dict[str, Any]:
        po = self.po(ns, [(item_id, qty)], number=f"PO-{ns}")
        lot = self.receive(po["id"], [(1, qty)])["lots"][0]
        r = self.post(f"/lots/{lot['id']}/inspection", {"result": "PASS", "inspector": "qa"})
        assert r.status_code == 200, r.get_json()
        return dict(r.get_json())


def make_app(tmp_path: Path, **settings: Any) -> Flask:
    """A QMS app on a fresh SQLite file."""
    cfg = EmulatorConfig(
        system="qms", db_url=f"sqlite:///{tmp_path / 'qms.db'}", data_dir=tmp_path, settings=settings
    )
    return create_app(cfg)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(app)


def err(r: Any) -> tuple[int, dict[str, Any]]:
    """(status, body) of a response, for exact assertions."""
    return r.status_code, r.get_json()
