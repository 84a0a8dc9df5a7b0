"""Mock recall: trace forward and backward (transitively, through an intermediate), lock-out with cascade,
and the whole receive -> inspect -> produce -> ship -> recall workflow (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mocks.core.config import EmulatorConfig
from mocks.qms import create_app

from .conftest import QmsDriver


def _workflow(api: QmsDriver) -> dict[str, Any]:
    """Receive two raws, make an intermediate, make a finished good from it, ship part of it."""
    api.seed(
        {
            "records": {
                "items": [
                    {"sku": "RM-OATS", "name": "Oats", "type": "RAW_MATERIAL", "netsuiteId": "10"},
                    {"sku": "RM-HONEY", "name": "Honey", "type": "RAW_MATERIAL", "netsuiteId": "11"},
                    {"sku": "IN-MIX", "name": "Mix", "type": "INTERMEDIATE", "netsuiteId": "12"},
                    {"sku": "FG-GRANOLA", "name": "Granola", "type": "FINISHED_GOOD", "netsuiteId": "13"},
                ],
                "recipes": [
                    {
                        "code": "MIX",
                        "name": "Mix",
                        "itemSku": "IN-MIX",
                        "components": [
                            {"itemSku": "RM-OATS", "quantityPerUnit": 0.8},
                            {"itemSku": "RM-HONEY", "quantityPerUnit": 0.2},
                        ],
                    },
                    {
                        "code": "GRANOLA",
                        "name": "Granola",
                        "itemSku": "FG-GRANOLA",
                        "components": [{"itemSku": "IN-MIX", "quantityPerUnit": 0.5}],
                    },
                ],
                "purchase_orders": [
                    {
                        "netsuiteId": "PO-ns-1",
                        "number": "PO1",
                        "lines": [
                            {"itemNetsuiteId": "10", "quantity": 100},
                            {"itemNetsuiteId": "11", "quantity": 30},
                        ],
                    }
                ],
                "sales_orders": [
                    {
                        "netsuiteId": "SO-ns-1",
                        "number": "SO1",
                        "lines": [{"itemSku": "FG-GRANOLA", "quantity": 20}],
                    }
                ],
            }
        },
    )
    lots = api.receive(1, [(1, 100), (2, 30)])["lots"]
    for lot in lots:
        api.act("inspect", {"lot": lot["lotNumber"], "result": "PASS"})
    mix_run = api.api(
        "POST", "/production-runs", {"recipeId": 1, "quantity": 50, "workOrderRef": "WO-MIX"}
    ).get_json()
    api.api(
        "POST", f"/production-runs/{mix_run['id']}/consumptions", {"lotId": lots[0]["id"], "quantity": 40}
    )
    api.api(
        "POST", f"/production-runs/{mix_run['id']}/consumptions", {"lotId": lots[1]["id"], "quantity": 10}
    )
    mix = api.api("POST", f"/production-runs/{mix_run['id']}/complete", {"quantity": 50}).get_json()
    api.act("release", {"lot": mix["outputLotNumber"]})
    gran_run = api.act("schedule", {"recipe": "GRANOLA", "quantity": 100, "workOrderRef": "WO-GRAN"})
    gran = api.act("produce", {"run": gran_run["id"], "release": True})
    shipped = api.act("ship", {"order": "SO1", "trackingNumber": "T1"})
    assert shipped["status"] == "SHIPPED"
    return {"raw": lots, "mix": mix, "gran": gran, "shipment": shipped}


def test_trace_forward_and_backward_are_transitive(api: QmsDriver) -> None:
    w = _workflow(api)
    oats = w["raw"][0]
    fwd = api.api("GET", f"/lots/{oats['id']}/trace/forward").get_json()
    assert fwd["lot"] == {
        "id": oats["id"],
        "lotNumber": oats["lotNumber"],
        "itemId": 1,
        "sku": "RM-OATS",
        "status": "RELEASED",
        "source": "RECEIPT",
    }
    assert [(r["number"], r["workOrderRef"]) for r in fwd["productionRuns"]] == [
        ("PR-000001", "WO-MIX"),
        ("PR-000002", "WO-GRAN"),
    ]
    assert [(x["lotNumber"], x["sku"], x["depth"]) for x in fwd["producedLots"]] == [
        (w["mix"]["outputLotNumber"], "IN-MIX", 1),
        (w["gran"]["outputLotNumber"], "FG-GRANOLA", 2),
    ]
    assert fwd["shipments"] == [
        {
            "shipmentId": 1,
            "status": "SHIPPED",
            "salesOrderId": 1,
            "salesOrderNumber": "SO1",
            "salesOrderNetsuiteId": "SO-ns-1",
            "lotId": w["gran"]["outputLotId"],
            "lotNumber": w["gran"]["outputLotNumber"],
            "quantity": 20,
            "shippedAt": "2026-01-05T09:00:00+00:00",
        }
    ]
    back = api.api("GET", f"/lots/{w['gran']['outputLotId']}/trace/backward").get_json()
    assert [(x["lotNumber"], x["quantityConsumed"], x["depth"]) for x in back["sourceLots"]] == [
        (w["mix"]["outputLotNumber"], 50, 1),
        (oats["lotNumber"], 40, 2),
        (w["raw"][1]["lotNumber"], 10, 2),
    ]
    assert [(x["lotNumber"], x["purchaseOrderId"]) for x in back["rawLots"]] == [
        (oats["lotNumber"], 1),
        (w["raw"][1]["lotNumber"], 1),
    ]
    assert api.api("GET", f"/lots/{oats['id']}/trace/backward").get_json()["sourceLots"] == []
    assert api.api("GET", "/lots/999/trace/forward").status_code == 404


def test_recall_cascade_locks_everything_made_from_a_raw_lot(api: QmsDriver) -> None:
    w = _workflow(api)
    api.api(
        "POST", "/webhooks", {"url": "http://127.0.0.1:9/h", "events": ["lot.locked"], "secret": "12345678"}
    )
    honey = w["raw"][1]
    r = api.api("POST", f"/lots/{honey['id']}/lock", {"reason": "Supplier recall", "cascade": True})
    assert r.get_json()["lockedLots"] == [
        honey["lotNumber"],
        w["mix"]["outputLotNumber"],
        w["gran"]["outputLotNumber"],
    ]
    events = [d["payload"]["data"] for d in api.deliveries() if d["event"] == "lot.locked"]
    assert [(e["lot"]["lotNumber"], e["reason"], e["recallLotNumber"]) for e in events] == [
        (honey["lotNumber"], "Supplier recall", None),
        (w["mix"]["outputLotNumber"], "Supplier recall", honey["lotNumber"]),
        (w["gran"]["outputLotNumber"], "Supplier recall", honey["lotNumber"]),
    ]
    api.api(
        "POST",
        "/sales-orders",
        {"netsuiteId": "SO-2", "number": "SO2", "lines": [{"itemSku": "FG-GRANOLA", "quantity": 1}]},
    )
    sh = api.api("POST", "/shipments", {"salesOrderId": 2}).get_json()
    r = api.api("POST", f"/shipments/{sh['id']}/scans", {"lotId": w["gran"]["outputLotId"], "quantity": 1})
    assert r.status_code == 409 and r.get_json()["details"]["status"] == "LOCKED"
    run = api.api("POST", "/production-runs", {"recipeId": 2, "quantity": 1}).get_json()
    r = api.api(
        "POST",
        f"/production-runs/{run['id']}/consumptions",
        {"lotId": w["mix"]["outputLotId"], "quantity": 1},
    )
    assert r.status_code == 409 and r.get_json()["message"] == (
        f"Lot {w['mix']['outputLotNumber']} is LOCKED; only RELEASED lots can be consumed."
    )


def _assert_lot_quantities_never_negative(api: QmsDriver) -> None:
    assert all(lot["quantity_m"] >= 0 for lot in api.state("qms_lots")["qms_lots"])


def test_workflow_on_sqlite(api: QmsDriver) -> None:
    w = _workflow(api)
    assert api.api("GET", f"/lots/{w['gran']['outputLotId']}").get_json()["quantity"] == 80
    _assert_lot_quantities_never_negative(api)


@pytest.mark.postgres
@pytest.mark.slow
def test_workflow_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    app = create_app(EmulatorConfig(system="qms", db_url=pg_url, data_dir=tmp_path))
    api = QmsDriver(app)
    w = _workflow(api)
    fwd = api.api("GET", f"/lots/{w['raw'][0]['id']}/trace/forward").get_json()
    assert [s["lotNumber"] for s in fwd["shipments"]] == [w["gran"]["outputLotNumber"]]
    r = api.api("POST", f"/lots/{w['raw'][0]['id']}/lock", {"reason": "recall", "cascade": True})
    assert len(r.get_json()["lockedLots"]) == 3
    _assert_lot_quantities_never_negative(api)
    app.extensions["erpsim"].store.dispose()
