"""WMS test fixtures: an app on a fresh SQLite file and its driver (the API with its key, the control plane)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.mocks import driver
from tests.mocks.driver import Driver

KEY = {"X-API-Key": "wms-test-key"}
SHIP_TO = {
    "name": "Ada Lovelace",
    "address1": "1 High Street",
    "city": "Manchester",
    "postcode": "M1 1AA",
    "country": "GB",
}


def make_app(folder: Path, db_url: str | None = None, **settings: Any) -> Flask:
    """A WMS app on ``db_url`` (default: a fresh SQLite file in ``folder``)."""
    return driver.make_app("wms", folder, db_url, **settings)


class WmsDriver(Driver):
    """Calls the WMS API with its API key (``X-API-Key``)."""

    prefix = "/api/v1"

    def sign(self, method: str, path: str) -> tuple[str, dict[str, str]]:
        """The API key header."""
        return path, dict(KEY)

    # ---- the WMS's records -----------------------------------------------------------------------------
    def stock(self, sku: str, warehouse: int = 1) -> dict[str, Any]:
        """The API view of one stock row."""
        items = self.ok("GET", f"/stock?sku={sku}&warehouseId={warehouse}")["items"]
        assert len(items) == 1, items
        return dict(items[0])

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The envelopes of every event raised so far (optionally of one type)."""
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
def wms(tmp_path: Path) -> WmsDriver:
    """A WMS with two SKUs (A-1: 10 on hand, B-2: 5 on hand) in warehouse 1 and nothing else."""
    w = WmsDriver(make_app(tmp_path))
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
