"""WMS test fixtures: an app on a fresh SQLite file and a small driver for the API, act/ and state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from mocks.core.config import EmulatorConfig
from mocks.wms import create_app
from tests.conftest import ADMIN

KEY = {"X-API-Key": "wms-test-key"}
SHIP_TO = {
    "name": "Ada Lovelace",
    "address1": "1 High Street",
    "city": "Manchester",
    "postcode": "M1 1AA",
    "country": "GB",
}


def make_app(db_url: str, data_dir: Path, **settings: Any) -> Flask:
    """A WMS app on ``db_url``."""
    return create_app(EmulatorConfig(system="wms", db_url=db_url, data_dir=data_dir, settings=settings))


class Wms:
    """Drives one WMS app in-process: vendor API, control plane and state."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.emu = app.extensions["erpsim"]
        self.c = app.test_client()

    def api(
        self, method: str, path: str, body: Any = None, key: str | None = "wms-test-key", **kw: Any
    ) -> Any:
        """Call /api/v1<path>; returns the response."""
        headers = {"X-API-Key": key} if key is not None else {}
        headers.update(kw.pop("headers", {}))
        return self.c.open(f"/api/v1{path}", method=method, json=body, headers=headers, **kw)

    def ok(self, method: str, path: str, body: Any = None, status: int = 200, **kw: Any) -> Any:
        """Call the API and assert the status; returns the JSON body."""
        r = self.api(method, path, body, **kw)
        assert r.status_code == status, (r.status_code, r.get_json())
        return r.get_json()

    def act(self, name: str, body: dict[str, Any], status: int = 200) -> Any:
        """Perform an act/ action and assert the status."""
        r = self.c.post(f"/__erpsim/act/{name}", json=body, headers=ADMIN)
        assert r.status_code == status, (r.status_code, r.get_json())
        return r.get_json()

    def seed(self, body: dict[str, Any]) -> Any:
        """Seed through the control plane."""
        r = self.c.post("/__erpsim/seed", json=body, headers=ADMIN)
        assert r.status_code == 200, r.get_json()
        return r.get_json()

    def state(self, *tables: str) -> dict[str, list[dict[str, Any]]]:
        """The dump of the named tables."""
        r = self.c.get(
            "/__erpsim/state", query_string={"tables": ",".join(tables)} if tables else None, headers=ADMIN
        )
        return dict(r.get_json())

    def stock(self, sku: str, warehouse: int = 1) -> dict[str, Any]:
        """The API view of one stock row."""
        items = self.ok("GET", f"/stock?sku={sku}&warehouseId={warehouse}")["items"]
        assert len(items) == 1, items
        return dict(items[0])

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The envelopes of every event raised so far (optionally of one type)."""
        import json

        rows = self.state("wms_events")["wms_events"]
        return [json.loads(r["payload"]) for r in rows if kind is None or r["type"] == kind]

    def order(self, client_reference: str, lines: list[dict[str, Any]], **extra: Any) -> Any:
        """Create an order and return the response."""
        return self.api(
            "POST",
            "/orders",
            {"clientReference": client_reference, "shipTo": SHIP_TO, "lines": lines, **extra},
        )


@pytest.fixture
def wms(tmp_path: Path) -> Wms:
    """A WMS with two SKUs (A-1: 10 on hand, B-2: 5 on hand) in warehouse 1 and nothing else."""
    w = Wms(make_app(f"sqlite:///{tmp_path / 'wms.db'}", tmp_path))
    w.seed(
        {
            "records": {
                "skus": [
                    {
                        "sku": "A-1",
                        "externalId": "101",
                        "name": "Widget",
                        "weightKg": 0.5,
                        "barcode": "5012345678900",
                        "dimensions": {"lengthCm": 10, "widthCm": 5, "heightCm": 2},
                    },
                    {"sku": "B-2", "externalId": "102", "name": "Gadget"},
                    {"sku": "GIFT-CARD", "externalId": "103", "name": "E-gift card", "itemType": "DIGITAL"},
                ],
                "stock": [{"sku": "A-1", "onHand": 10}, {"sku": "B-2", "onHand": 5}],
            }
        }
    )
    return w
