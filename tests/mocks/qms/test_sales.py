"""Sales orders from NetSuite, scanning lots onto shipments, completion = item fulfillment (event per line)."""

from __future__ import annotations

from typing import Any

from .conftest import QmsDriver, err


def _world(api: QmsDriver) -> dict[str, Any]:
    bar = api.item("FG-BAR", "FINISHED_GOOD", netsuite_id="ns-bar")
    cup = api.item("FG-CUP", "FINISHED_GOOD", netsuite_id="ns-cup")
    lots = {
        "bar1": api.released_lot(bar["id"], 6, "1"),
        "bar2": api.released_lot(bar["id"], 10, "2"),
        "cup1": api.released_lot(cup["id"], 3, "3"),
    }
    r = api.api(
        "POST",
        "/sales-orders",
        {
            "netsuiteId": "SO-ns-1",
            "number": "SO100",
            "customer": "Shop A",
            "lines": [{"itemNetsuiteId": "ns-bar", "quantity": 8}, {"itemSku": "FG-CUP", "quantity": 2}],
        },
    )
    assert r.status_code == 201
    return {"bar": bar, "cup": cup, "so": r.get_json(), **lots}


def test_sales_order_is_unique_by_netsuite_id(api: QmsDriver) -> None:
    w = _world(api)
    assert w["so"]["status"] == "PENDING_FULFILLMENT"
    r = api.api(
        "POST",
        "/sales-orders",
        {"netsuiteId": "SO-ns-1", "number": "SO100", "lines": [{"itemId": 1, "quantity": 1}]},
    )
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "DUPLICATE",
            "message": "Sales order with netsuiteId 'SO-ns-1' already exists (id 1).",
            "details": {"field": "netsuiteId", "existingId": 1},
        },
    )
    assert api.api("GET", "/sales-orders?status=PENDING_FULFILLMENT").get_json()["total"] == 1


def test_scan_and_ship_completes_the_order(api: QmsDriver) -> None:
    api.api(
        "POST",
        "/webhooks",
        {"url": "http://127.0.0.1:9/h", "events": ["shipment.completed"], "secret": "abcdefgh"},
    )
    w = _world(api)
    sh = api.api("POST", "/shipments", {"salesOrderId": w["so"]["id"]}).get_json()
    assert sh["status"] == "OPEN"
    r = api.api("POST", "/shipments", {"salesOrderId": w["so"]["id"]})
    assert r.status_code == 409 and r.get_json()["details"] == {"existingId": sh["id"]}
    p = f"/shipments/{sh['id']}"
    assert (
        api.api("POST", p + "/scans", {"lotNumber": w["bar1"]["lotNumber"], "quantity": 6}).status_code == 201
    )
    r = api.api("POST", p + "/scans", {"lotId": w["bar2"]["id"], "quantity": 3})
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "OVER_SHIPMENT",
            "message": "Line 1 has 2 left to ship; 3 requested.",
            "details": {"line": 1, "ordered": 8, "shipped": 0, "scanned": 6, "remaining": 2, "requested": 3},
        },
    )
    api.api("POST", p + "/scans", {"lotId": w["bar2"]["id"], "quantity": 2})
    r = api.api("POST", p + "/scans", {"lotId": w["cup1"]["id"], "quantity": 2, "line": 2})
    assert r.status_code == 201
    view = r.get_json()
    assert [(s["line"], s["lotNumber"], s["quantity"]) for s in view["scans"]] == [
        (1, w["bar1"]["lotNumber"], 6),
        (1, w["bar2"]["lotNumber"], 2),
        (2, w["cup1"]["lotNumber"], 2),
    ]
    assert api.api("GET", f"/lots/{w['bar1']['id']}").get_json()["quantity"] == 0
    r = api.api("POST", p + "/complete", {"carrier": "UPS", "trackingNumber": "1Z999"})
    assert r.status_code == 200 and (r.get_json()["status"], r.get_json()["shippedAt"]) == (
        "SHIPPED",
        "2026-01-05T09:00:00+00:00",
    )
    so = api.api("GET", f"/sales-orders/{w['so']['id']}").get_json()
    assert so["status"] == "PENDING_BILLING"
    assert [(ln["quantityShipped"], ln["quantityRemaining"]) for ln in so["lines"]] == [(8, 0), (2, 0)]
    [d] = [d for d in api.deliveries() if d["event"] == "shipment.completed"]
    assert d["payload"]["data"] == {
        "shipmentId": 1,
        "shippedAt": "2026-01-05T09:00:00+00:00",
        "carrier": "UPS",
        "trackingNumber": "1Z999",
        "salesOrder": {"id": 1, "netsuiteId": "SO-ns-1", "number": "SO100", "status": "PENDING_BILLING"},
        "lines": [
            {
                "line": 1,
                "item": {"id": 1, "sku": "FG-BAR", "netsuiteId": "ns-bar"},
                "quantity": 8,
                "lots": [
                    {"lotId": w["bar1"]["id"], "lotNumber": w["bar1"]["lotNumber"], "quantity": 6},
                    {"lotId": w["bar2"]["id"], "lotNumber": w["bar2"]["lotNumber"], "quantity": 2},
                ],
            },
            {
                "line": 2,
                "item": {"id": 2, "sku": "FG-CUP", "netsuiteId": "ns-cup"},
                "quantity": 2,
                "lots": [{"lotId": w["cup1"]["id"], "lotNumber": w["cup1"]["lotNumber"], "quantity": 2}],
            },
        ],
    }
    for action in ("complete", "cancel"):
        r = api.api("POST", p + "/" + action)
        assert (
            r.status_code == 409 and r.get_json()["message"] == f"Shipment 1 is SHIPPED; cannot {action} it."
        )
    r = api.api("POST", "/shipments", {"salesOrderId": w["so"]["id"]})
    assert r.status_code == 409 and r.get_json()["details"]["status"] == "PENDING_BILLING"
    assert api.api("POST", f"/sales-orders/{w['so']['id']}/cancel").status_code == 409


def test_scan_refusals_name_the_lot_and_its_status(api: QmsDriver) -> None:
    w = _world(api)
    sh = api.api("POST", "/shipments", {"salesOrderId": 1}).get_json()
    p = f"/shipments/{sh['id']}/scans"
    q = api.po("q", [(w["bar"]["id"], 5)], number="POQ")
    ql = api.receive(q["id"], [(1, 5)])["lots"][0]
    r = api.api("POST", p, {"lotNumber": ql["lotNumber"], "quantity": 1})
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "LOT_NOT_RELEASED",
            "message": f"Lot {ql['lotNumber']} is QUARANTINE; only RELEASED lots can be shipped.",
            "details": {"lotId": ql["id"], "lotNumber": ql["lotNumber"], "status": "QUARANTINE"},
        },
    )
    api.api("POST", f"/lots/{w['bar2']['id']}/lock", {"reason": "recall"})
    r = api.api("POST", p, {"lotId": w["bar2"]["id"], "quantity": 1})
    assert r.status_code == 409 and r.get_json()["details"]["status"] == "LOCKED"
    r = api.api("POST", p, {"lotId": w["cup1"]["id"], "quantity": 2.5})
    assert r.status_code == 409 and r.get_json()["code"] == "OVER_SHIPMENT"
    api.api(
        "POST",
        "/sales-orders",
        {"netsuiteId": "SO-2", "number": "SO2", "lines": [{"itemId": 2, "quantity": 10}]},
    )
    sh2 = api.api("POST", "/shipments", {"salesOrderId": 2}).get_json()
    r = api.api("POST", f"/shipments/{sh2['id']}/scans", {"lotId": w["cup1"]["id"], "quantity": 4})
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "INSUFFICIENT_QUANTITY",
            "message": f"Lot {w['cup1']['lotNumber']} holds 3; 4 requested.",
            "details": {
                "lotId": w["cup1"]["id"],
                "lotNumber": w["cup1"]["lotNumber"],
                "available": 3,
                "requested": 4,
            },
        },
    )
    r = api.api("POST", f"/shipments/{sh2['id']}/scans", {"lotId": w["bar1"]["id"], "quantity": 1})
    assert r.status_code == 422 and r.get_json()["code"] == "ITEM_NOT_ON_ORDER"
    r = api.api("POST", p, {"lotId": w["bar1"]["id"], "quantity": 1, "line": 2})
    assert r.status_code == 422 and r.get_json()["code"] == "ITEM_MISMATCH"
    r = api.api("POST", f"/shipments/{sh['id']}/complete")
    assert err(r)[1]["code"] == "EMPTY_SHIPMENT"
    assert api.state("qms_shipment_scans")["qms_shipment_scans"] == []


def test_lock_after_scan_blocks_completion_and_unscan_cancel_return_stock(api: QmsDriver) -> None:
    w = _world(api)
    sh = api.api("POST", "/shipments", {"salesOrderId": 1}).get_json()
    p = f"/shipments/{sh['id']}"
    api.api("POST", p + "/scans", {"lotId": w["bar2"]["id"], "quantity": 5})
    scan = api.api("POST", p + "/scans", {"lotId": w["cup1"]["id"], "quantity": 1}).get_json()["scans"][1]
    api.api("POST", f"/lots/{w['bar2']['id']}/lock", {"reason": "recall"})
    r = api.api("POST", p + "/complete")
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "LOT_NOT_RELEASED",
            "message": f"Lot {w['bar2']['lotNumber']} is LOCKED; only RELEASED lots can be shipped.",
            "details": {"lotId": w["bar2"]["id"], "lotNumber": w["bar2"]["lotNumber"], "status": "LOCKED"},
        },
    )
    assert api.api("GET", "/sales-orders/1").get_json()["status"] == "PENDING_FULFILLMENT"
    r = api.api("DELETE", f"{p}/scans/{scan['id']}")
    assert r.status_code == 200 and len(r.get_json()["scans"]) == 1
    assert api.api("GET", f"/lots/{w['cup1']['id']}").get_json()["quantity"] == 3
    assert api.api("DELETE", f"{p}/scans/{scan['id']}").status_code == 404
    assert api.api("POST", p + "/cancel").get_json()["status"] == "CANCELLED"
    assert api.api("GET", f"/lots/{w['bar2']['id']}").get_json()["quantity"] == 10


def test_partial_shipment_then_act_ship_and_cancel_rules(api: QmsDriver) -> None:
    w = _world(api)
    sh = api.api("POST", "/shipments", {"salesOrderId": 1}).get_json()
    api.api("POST", f"/shipments/{sh['id']}/scans", {"lotId": w["bar1"]["id"], "quantity": 4})
    api.api("POST", f"/shipments/{sh['id']}/complete")
    assert api.api("GET", "/sales-orders/1").get_json()["status"] == "PARTIALLY_FULFILLED"
    r = api.api("POST", "/sales-orders/1/cancel")
    assert err(r)[1]["message"] == "Sales order 1 is PARTIALLY_FULFILLED; cannot cancel it."
    shipped = api.act("ship", {"order": "SO-ns-1", "carrier": "DHL"})
    assert [(s["lotNumber"], s["quantity"]) for s in shipped["scans"]] == [
        (w["bar1"]["lotNumber"], 2),
        (w["bar2"]["lotNumber"], 2),
        (w["cup1"]["lotNumber"], 2),
    ]
    assert api.api("GET", "/sales-orders/1").get_json()["status"] == "PENDING_BILLING"
    api.api(
        "POST",
        "/sales-orders",
        {"netsuiteId": "SO-3", "number": "SO3", "lines": [{"itemId": 2, "quantity": 1}]},
    )
    api.act("scan", {"order": "SO3", "lot": w["cup1"]["lotNumber"], "quantity": 1})
    r = api.api("POST", "/sales-orders/2/cancel")
    assert r.get_json()["status"] == "CANCELLED"
    assert api.api("GET", f"/lots/{w['cup1']['id']}").get_json()["quantity"] == 1
    assert api.api("GET", "/shipments?sales_order_id=2").get_json()["data"][0]["status"] == "CANCELLED"
