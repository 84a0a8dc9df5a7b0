"""Stock levels, adjustments with reason codes, updatedSince, and goods-in (ASN) booking."""

from __future__ import annotations

from .conftest import WmsDriver


def test_adjustments_with_reason_codes(wms: WmsDriver) -> None:
    out = wms.act(
        "adjust_stock", {"sku": "A-1", "reasonCode": "DAMAGED", "quantity": -2, "reference": "DMG-7"}
    )
    assert out == {
        "sku": "A-1",
        "warehouseId": 1,
        "onHand": 8,
        "allocated": 0,
        "available": 8,
        "updatedAt": "2026-01-05T09:00:00.000Z",
        "adjustedBy": -2,
        "reasonCode": "DAMAGED",
    }
    assert (
        wms.act("adjust_stock", {"sku": "A-1", "reasonCode": "COUNT", "countedQuantity": 12})["adjustedBy"]
        == 4
    )
    assert wms.act("adjust_stock", {"sku": "A-1", "reasonCode": "RETURN", "quantity": 1})["onHand"] == 13
    [*_, last] = wms.events("stock.changed")
    assert last["data"] == {
        "sku": "A-1",
        "warehouseId": 1,
        "onHand": 13,
        "allocated": 0,
        "available": 13,
        "onHandDelta": 1,
        "allocatedDelta": 0,
        "cause": "ADJUSTMENT",
        "reasonCode": "RETURN",
        "reference": None,
    }
    refusals = [
        ({"sku": "A-1", "reasonCode": "DAMAGED", "quantity": 2}, 400, "INVALID_REQUEST"),
        ({"sku": "A-1", "reasonCode": "FOUND", "quantity": -1}, 400, "INVALID_REQUEST"),
        ({"sku": "A-1", "reasonCode": "BROKEN", "quantity": -1}, 400, "INVALID_REQUEST"),
        ({"sku": "A-1", "reasonCode": "DAMAGED", "countedQuantity": 1}, 400, "INVALID_REQUEST"),
        ({"sku": "A-1", "reasonCode": "LOST", "quantity": -14}, 409, "INSUFFICIENT_STOCK"),
        ({"sku": "ZZZ", "reasonCode": "FOUND", "quantity": 1}, 404, "UNKNOWN_SKU"),
        ({"sku": "GIFT-CARD", "reasonCode": "FOUND", "quantity": 1}, 400, "NON_PHYSICAL_SKU"),
        ({"sku": "A-1", "reasonCode": "FOUND", "quantity": 1, "warehouseId": 9}, 400, "UNKNOWN_WAREHOUSE"),
    ]
    for body, status, code in refusals:
        assert wms.act("adjust_stock", body, status=status)["error"] == code, body
    assert wms.stock("A-1")["onHand"] == 13


def test_stock_updated_since_uses_the_virtual_clock(wms: WmsDriver) -> None:
    wms.clock({"set": "2026-02-01T10:00:00Z"})
    wms.act("adjust_stock", {"sku": "B-2", "reasonCode": "COUNT", "quantity": -1})
    changed = wms.ok("GET", "/stock?updatedSince=2026-02-01T10:00:00%2B00:00")
    assert changed == {
        "page": 1,
        "pageSize": 50,
        "total": 1,
        "items": [
            {
                "sku": "B-2",
                "warehouseId": 1,
                "onHand": 4,
                "allocated": 0,
                "available": 4,
                "updatedAt": "2026-02-01T10:00:00.000Z",
            }
        ],
    }
    assert wms.ok("GET", "/stock?updatedSince=2026-02-01T10:00:00.001Z")["total"] == 0
    assert wms.ok("GET", "/stock")["total"] == 2
    assert wms.ok("GET", "/stock?pageSize=1&page=2")["items"][0]["sku"] == "B-2"


def test_asn_create_book_in_with_differences(wms: WmsDriver) -> None:
    body = {
        "poReference": "PO-77",
        "supplier": "Acme Supplies",
        "expectedDate": "2026-01-09",
        "lines": [{"sku": "A-1", "quantity": 20}, {"sku": "B-2", "quantity": 5}],
    }
    asn = wms.ok("POST", "/asns", body, status=201)
    assert asn == {
        "id": 1,
        "poReference": "PO-77",
        "warehouseId": 1,
        "supplier": "Acme Supplies",
        "expectedDate": "2026-01-09",
        "status": "AWAITING",
        "lines": [
            {"lineIndex": 0, "sku": "A-1", "quantityExpected": 20, "quantityReceived": None},
            {"lineIndex": 1, "sku": "B-2", "quantityExpected": 5, "quantityReceived": None},
        ],
        "createdAt": "2026-01-05T09:00:00.000Z",
        "updatedAt": "2026-01-05T09:00:00.000Z",
        "bookedInAt": None,
    }
    r = wms.api("POST", "/asns", body)
    assert r.status_code == 422 and r.get_json() == {
        "status": 422,
        "errorCode": "DUPLICATE_PO_REFERENCE",
        "message": "An ASN for PO 'PO-77' already exists (ASN 1).",
        "field": "poReference",
        "existingAsnId": 1,
    }
    booked = wms.act(
        "book_in",
        {
            "asn": "PO-77",
            "lines": [{"lineIndex": 0, "quantityReceived": 18}, {"sku": "B-2", "quantityReceived": 6}],
        },
    )
    assert [(ln["quantityExpected"], ln["quantityReceived"]) for ln in booked["lines"]] == [(20, 18), (5, 6)]
    assert booked["status"] == "BOOKED_IN"
    assert (wms.stock("A-1")["onHand"], wms.stock("B-2")["onHand"]) == (28, 11)
    [event] = wms.events("asn.booked_in")
    assert event["data"]["discrepancies"] is True and event["data"]["poReference"] == "PO-77"
    assert wms.act("book_in", {"asn": 1}, status=409)["error"] == "INVALID_STATUS"
    assert wms.ok("GET", "/asns/1")["status"] == "BOOKED_IN"
    assert wms.ok("GET", "/asns?status=BOOKED_IN")["total"] == 1
    assert wms.ok("GET", "/asns?status=AWAITING")["total"] == 0


def test_asn_refuses_unknown_and_non_physical_skus(wms: WmsDriver) -> None:
    r = wms.api(
        "POST",
        "/asns",
        {"poReference": "PO-1", "lines": [{"sku": "A-1", "quantity": 1}, {"sku": "OLD-NAME", "quantity": 1}]},
    )
    assert r.status_code == 400 and r.get_json() == {
        "status": 400,
        "errorCode": "UNKNOWN_SKU",
        "message": "Line 1: SKU 'OLD-NAME' is not in the item master; it cannot be received.",
        "field": "lines[1].sku",
        "lineIndex": 1,
        "sku": "OLD-NAME",
    }
    r = wms.api("POST", "/asns", {"poReference": "PO-1", "lines": [{"sku": "GIFT-CARD", "quantity": 1}]})
    assert r.get_json()["errorCode"] == "NON_PHYSICAL_LINE"
    r = wms.api(
        "POST",
        "/asns",
        {"poReference": "PO-1", "expectedDate": "2026-02-30", "lines": [{"sku": "A-1", "quantity": 1}]},
    )
    assert (r.status_code, r.get_json()["field"]) == (400, "expectedDate")
    assert wms.state("wms_asns")["wms_asns"] == []


def test_unexpected_sku_on_the_dock_is_received_too(wms: WmsDriver) -> None:
    wms.ok("POST", "/asns", {"poReference": "PO-2", "lines": [{"sku": "A-1", "quantity": 3}]}, status=201)
    booked = wms.act("book_in", {"asn": "PO-2", "lines": [{"sku": "B-2", "quantityReceived": 2}]})
    assert [(ln["sku"], ln["quantityExpected"], ln["quantityReceived"]) for ln in booked["lines"]] == [
        ("A-1", 3, 0),
        ("B-2", 0, 2),
    ]
    assert (wms.stock("A-1")["onHand"], wms.stock("B-2")["onHand"]) == (10, 7)
