"""Purchase orders from NetSuite and receiving: lots in QUARANTINE, unique numbers, over-receipt refused."""

from __future__ import annotations

from pathlib import Path

from .conftest import QmsDriver, err, make_app


def test_po_is_keyed_by_netsuite_id_and_maps_items_by_external_id(api: QmsDriver) -> None:
    api.item("RM-1", netsuite_id="ns-1")
    api.item("RM-2")
    r = api.api(
        "POST",
        "/purchase-orders",
        {
            "netsuiteId": "4711",
            "number": "PO100",
            "vendor": "Acme",
            "lines": [{"itemNetsuiteId": "ns-1", "quantity": 100}, {"itemSku": "RM-2", "quantity": 50.5}],
        },
    )
    assert r.status_code == 201
    po = r.get_json()
    assert (po["status"], [ln["line"] for ln in po["lines"]], po["lines"][1]["quantity"]) == (
        "OPEN",
        [1, 2],
        50.5,
    )
    r = api.api(
        "POST",
        "/purchase-orders",
        {"netsuiteId": "4711", "number": "PO100-again", "lines": [{"itemId": 1, "quantity": 1}]},
    )
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "DUPLICATE",
            "message": "Purchase order with netsuiteId '4711' already exists (id 1).",
            "details": {"field": "netsuiteId", "existingId": 1},
        },
    )
    r = api.api(
        "POST",
        "/purchase-orders",
        {"netsuiteId": "4712", "number": "PO101", "lines": [{"itemNetsuiteId": "nope", "quantity": 1}]},
    )
    assert err(r) == (
        422,
        {
            "statusCode": 422,
            "name": "UnprocessableEntityError",
            "code": "UNKNOWN_REFERENCE",
            "message": "Item 'nope' (in 'lines[0].itemId') does not exist.",
            "details": {"resource": "Item", "field": "lines[0].itemId"},
        },
    )
    r = api.api(
        "POST",
        "/purchase-orders",
        {
            "netsuiteId": "4713",
            "number": "PO102",
            "lines": [{"line": 1, "itemId": 1, "quantity": 1}, {"line": 1, "itemId": 2, "quantity": 1}],
        },
    )
    assert r.status_code == 400 and r.get_json()["message"] == "Line 1 appears twice."
    state = api.state("qms_purchase_orders", "qms_po_lines")
    assert len(state["qms_purchase_orders"]) == 1 and len(state["qms_po_lines"]) == 2
    assert api.api("GET", "/purchase-orders?netsuite_id=4711").get_json()["total"] == 1


def test_receiving_creates_quarantine_lots_with_unique_numbers(api: QmsDriver) -> None:
    rm = api.item("RM-1")
    po = api.po("4711", [(rm["id"], 100), (rm["id"], 10)])
    r = api.api(
        "POST",
        f"/purchase-orders/{po['id']}/receipts",
        {
            "reference": "GRN-1",
            "receivedBy": "dock",
            "lines": [
                {"line": 1, "quantity": 60, "supplierLot": "S-77", "expiryDate": "2027-01-31"},
                {"line": 1, "quantity": 15},
                {"line": 2, "quantity": 10, "lotNumber": "MY-LOT"},
            ],
        },
    )
    assert r.status_code == 201
    rec = r.get_json()
    assert [(x["lotNumber"], x["status"], x["quantity"], x["purchaseOrderLine"]) for x in rec["lots"]] == [
        ("R260105-000001", "QUARANTINE", 60, 1),
        ("R260105-000002", "QUARANTINE", 15, 1),
        ("MY-LOT", "QUARANTINE", 10, 2),
    ]
    assert rec["lots"][0] == {
        "id": 1,
        "lotNumber": "R260105-000001",
        "itemId": 1,
        "sku": "RM-1",
        "status": "QUARANTINE",
        "quantity": 60,
        "initialQuantity": 60,
        "source": "RECEIPT",
        "receiptId": 1,
        "purchaseOrderId": 1,
        "purchaseOrderLine": 1,
        "productionRunId": None,
        "supplierLot": "S-77",
        "expiryDate": "2027-01-31",
        "inspection": None,
        "lockReason": None,
        "createdAt": "2026-01-05T09:00:00+00:00",
    }
    got = api.api("GET", f"/purchase-orders/{po['id']}").get_json()
    assert got["status"] == "PARTIALLY_RECEIVED"
    assert [(ln["quantityReceived"], ln["quantityRemaining"]) for ln in got["lines"]] == [(75, 25), (10, 0)]
    # Same reference again: refused with the existing receipt id, nothing written.
    r = api.api(
        "POST",
        f"/purchase-orders/{po['id']}/receipts",
        {"reference": "GRN-1", "lines": [{"line": 1, "quantity": 1}]},
    )
    assert err(r)[0] == 409 and r.get_json()["details"] == {"field": "reference", "existingId": 1}
    r = api.api(
        "POST",
        f"/purchase-orders/{po['id']}/receipts",
        {"lines": [{"line": 1, "quantity": 1, "lotNumber": "MY-LOT"}]},
    )
    assert r.status_code == 409 and r.get_json()["details"] == {
        "field": "lines[0].lotNumber",
        "existingId": 3,
    }
    r = api.api(
        "POST",
        f"/purchase-orders/{po['id']}/receipts",
        {"lines": [{"line": 1, "quantity": 1, "lotNumber": "R260105-000009"}]},
    )
    assert r.status_code == 400 and r.get_json()["details"] == {"field": "lines[0].lotNumber"}
    r = api.api("POST", f"/purchase-orders/{po['id']}/receipts", {"lines": [{"line": 9, "quantity": 1}]})
    assert r.status_code == 422 and r.get_json()["code"] == "UNKNOWN_REFERENCE"
    assert len(api.state("qms_lots")["qms_lots"]) == 3
    # The rest: fully received.
    api.receive(po["id"], [(1, 25)])
    assert api.api("GET", f"/purchase-orders/{po['id']}").get_json()["status"] == "RECEIVED"
    assert [r["id"] for r in api.api("GET", f"/purchase-orders/{po['id']}/receipts").get_json()["data"]] == [
        1,
        2,
    ]
    assert api.api("GET", "/receipts/2").get_json()["lots"][0]["lotNumber"] == "R260105-000003"


def test_over_receipt_is_refused_whole(api: QmsDriver) -> None:
    rm = api.item("RM-1")
    po = api.po("4711", [(rm["id"], 10), (rm["id"], 10)])
    api.receive(po["id"], [(1, 8)])
    r = api.api(
        "POST",
        f"/purchase-orders/{po['id']}/receipts",
        {"lines": [{"line": 2, "quantity": 5}, {"line": 1, "quantity": 1.5}, {"line": 1, "quantity": 1}]},
    )
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "OVER_RECEIPT",
            "message": "Line 1 of purchase order PO1 has 2 left to receive; 2.5 requested.",
            "details": {"line": 1, "ordered": 10, "received": 8, "remaining": 2, "requested": 2.5},
        },
    )
    state = api.state("qms_lots", "qms_po_lines", "qms_receipts")
    assert len(state["qms_lots"]) == 1 and len(state["qms_receipts"]) == 1
    assert [ln["received_m"] for ln in state["qms_po_lines"]] == [8000, 0]


def test_over_receipt_tolerance_setting(tmp_path: Path) -> None:
    api = QmsDriver(make_app(tmp_path, over_receipt_pct=10))
    rm = api.item("RM-1")
    po = api.po("1", [(rm["id"], 100)])
    api.receive(po["id"], [(1, 110)])
    assert api.api("GET", f"/purchase-orders/{po['id']}").get_json()["lines"][0]["quantityRemaining"] == 0
    r = api.api("POST", f"/purchase-orders/{po['id']}/receipts", {"lines": [{"line": 1, "quantity": 0.001}]})
    assert r.status_code == 409  # RECEIVED: not receivable any more
    assert r.get_json()["details"]["status"] == "RECEIVED"


def test_closed_po_cannot_receive_and_cannot_close_twice(api: QmsDriver) -> None:
    rm = api.item("RM-1")
    po = api.po("4711", [(rm["id"], 10)])
    assert api.api("POST", f"/purchase-orders/{po['id']}/close").get_json()["status"] == "CLOSED"
    r = api.api("POST", f"/purchase-orders/{po['id']}/receipts", {"lines": [{"line": 1, "quantity": 1}]})
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "INVALID_STATE",
            "message": "Purchase order 1 is CLOSED; cannot receive against it.",
            "details": {"resource": "Purchase order", "id": 1, "status": "CLOSED"},
        },
    )
    r = api.api("POST", f"/purchase-orders/{po['id']}/close")
    assert r.status_code == 409 and r.get_json()["message"] == "Purchase order 1 is CLOSED; cannot close it."
    assert (
        api.api("POST", "/purchase-orders/99/receipts", {"lines": [{"line": 1, "quantity": 1}]}).status_code
        == 404
    )


def test_act_receive_takes_everything_open(api: QmsDriver) -> None:
    rm = api.item("RM-1")
    api.po("4711", [(rm["id"], 10), (rm["id"], 4)], number="PO7")
    api.receive(1, [(1, 3)])
    received = api.act("receive", {"po": "PO7"})
    assert [(x["purchaseOrderLine"], x["quantity"]) for x in received["lots"]] == [(1, 7), (2, 4)]
    assert api.act("receive", {"po": "4711"}, status=409) == {
        "error": "INVALID_STATE",
        "message": "Purchase order 1 is RECEIVED; cannot receive against it.",
    }
    api.act("receive", {"po": "nope"}, status=404)
