"""The main workflow on PostgreSQL (schema ``wms``): same rules, same ids, same results as on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import WmsDriver, make_app

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_order_to_despatch_on_postgres(tmp_path: Path, pg_url: str) -> None:
    wms = WmsDriver(make_app(tmp_path, pg_url))
    wms.seed(
        {
            "records": {
                "skus": [
                    {"sku": "A-1", "externalId": "101", "name": "Widget"},
                    {"sku": "SVC", "externalId": "102", "name": "Setup", "itemType": "SERVICE"},
                ],
                "stock": [{"sku": "A-1", "onHand": 10}],
            }
        }
    )
    created = wms.order("SO1", [{"sku": "A-1", "quantity": 4, "externalLineId": "1"}], externalId="4711")
    assert (created.status_code, created.get_json()["id"]) == (201, 1)
    dup = wms.order("SO1", [{"sku": "A-1", "quantity": 1}])
    assert (dup.status_code, dup.get_json()["existingOrderId"]) == (422, 1)
    bad = wms.order("SO2", [{"sku": "A-1", "quantity": 1}, {"sku": "SVC", "quantity": 1}])
    assert (bad.status_code, bad.get_json()["errorCode"], bad.get_json()["lineIndex"]) == (
        400,
        "NON_PHYSICAL_LINE",
        1,
    )
    held = wms.order("SO3", [{"sku": "NEW-1", "quantity": 1}]).get_json()
    assert (held["id"], held["status"]) == (2, "HOLDING")
    assert wms.act("release", {"order": "SO1"})["status"] == "RELEASED"
    wms.act("pick", {"order": "SO1"})
    assert wms.api("POST", "/orders/1/cancel").get_json()["currentStatus"] == "PICKING"
    wms.act("short_pick", {"order": "SO1", "lineIndex": 0, "quantityPicked": 3})
    wms.act("pack", {"order": "SO1"})
    done = wms.act("despatch", {"order": "SO1", "carrier": "DPD", "trackingNumber": "T1"})
    assert [(ln["quantity"], ln["quantityShipped"]) for ln in done["lines"]] == [(4, 3)]
    assert wms.stock("A-1") | {"updatedAt": None} == {
        "sku": "A-1",
        "warehouseId": 1,
        "onHand": 7,
        "allocated": 0,
        "available": 7,
        "updatedAt": None,
    }
    asn = wms.ok(
        "POST", "/asns", {"poReference": "PO-1", "lines": [{"sku": "A-1", "quantity": 5}]}, status=201
    )
    wms.act("book_in", {"asn": asn["id"], "lines": [{"lineIndex": 0, "quantityReceived": 4}]})
    assert wms.stock("A-1")["onHand"] == 11
    assert [e["type"] for e in wms.events() if e["type"] != "stock.changed"] == [
        "order.on_hold",
        "order.despatched",
        "asn.booked_in",
    ]
    assert wms.ok("GET", "/orders?updatedSince=2026-01-05T09:00:00Z&pageSize=1")["total"] == 2
    wms.emu.store.dispose()
