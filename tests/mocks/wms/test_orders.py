"""Orders: creation rules, natural-key idempotency, non-physical lines, unknown SKUs, reads, lists, cancel."""

from __future__ import annotations

from .conftest import SHIP_TO, WmsDriver

SHIP_VIEW = {
    "name": "Ada Lovelace",
    "company": None,
    "address1": "1 High Street",
    "address2": None,
    "address3": None,
    "city": "Manchester",
    "county": None,
    "postcode": "M1 1AA",
    "country": "GB",
    "email": None,
    "phone": None,
}
T0 = "2026-01-05T09:00:00.000Z"


def test_create_order_is_new_and_fully_rendered(wms: WmsDriver) -> None:
    r = wms.order(
        "SO1", [{"sku": "A-1", "quantity": 2, "externalLineId": "1"}], externalId="4711", orderNumber="WEB-1"
    )
    assert r.status_code == 201
    assert r.get_json() == {
        "id": 1,
        "clientReference": "SO1",
        "externalId": "4711",
        "orderNumber": "WEB-1",
        "warehouseId": 1,
        "status": "NEW",
        "holdCode": None,
        "holdReason": None,
        "courierService": "AUTO",
        "carrier": None,
        "trackingNumber": None,
        "shipTo": SHIP_VIEW,
        "lines": [
            {
                "lineIndex": 0,
                "sku": "A-1",
                "externalLineId": "1",
                "quantity": 2,
                "quantityAllocated": 0,
                "quantityPicked": 0,
                "quantityShipped": 0,
            }
        ],
        "cancelReason": None,
        "createdAt": T0,
        "updatedAt": T0,
        "despatchedAt": None,
        "cancelledAt": None,
    }
    assert wms.ok("GET", "/orders/1") == r.get_json()
    assert wms.ok("GET", "/orders/reference/SO1") == r.get_json()


def test_duplicate_client_reference_is_422_with_existing_id_and_writes_nothing(wms: WmsDriver) -> None:
    assert wms.order("SO1", [{"sku": "A-1", "quantity": 1}]).status_code == 201
    before = wms.state("wms_orders", "wms_order_lines")
    r = wms.order("SO1", [{"sku": "B-2", "quantity": 3}])
    assert r.status_code == 422
    assert r.get_json() == {
        "status": 422,
        "errorCode": "DUPLICATE_CLIENT_REFERENCE",
        "message": "An order with clientReference 'SO1' already exists (order 1).",
        "field": "clientReference",
        "existingOrderId": 1,
    }
    assert wms.state("wms_orders", "wms_order_lines") == before


def test_unknown_sku_is_accepted_on_hold_naming_the_sku(wms: WmsDriver) -> None:
    r = wms.order("SO2", [{"sku": "A-1", "quantity": 1}, {"sku": "RENAMED-9", "quantity": 2}])
    assert r.status_code == 201
    body = r.get_json()
    assert (body["status"], body["holdCode"], body["holdReason"]) == (
        "HOLDING",
        "UNKNOWN_SKU",
        "SKU 'RENAMED-9' (line 1) is not in the item master",
    )
    assert wms.events("order.on_hold") == [
        {
            "id": "evt_00000001",
            "type": "order.on_hold",
            "createdAt": T0,
            "clientId": 1,
            "data": {
                "orderId": 1,
                "clientReference": "SO2",
                "externalId": None,
                "status": "HOLDING",
                "holdCode": "UNKNOWN_SKU",
                "holdReason": "SKU 'RENAMED-9' (line 1) is not in the item master",
                "skus": ["RENAMED-9"],
            },
        }
    ]


def test_declared_non_physical_line_rejects_the_whole_order(wms: WmsDriver) -> None:
    r = wms.order(
        "SO3", [{"sku": "A-1", "quantity": 1}, {"sku": "SETUP-FEE", "quantity": 1, "itemType": "SERVICE"}]
    )
    assert r.status_code == 400
    assert r.get_json() == {
        "status": 400,
        "errorCode": "NON_PHYSICAL_LINE",
        "message": "Line 1 (SKU 'SETUP-FEE') is a SERVICE item: the WMS only fulfils physical goods, so the whole "
        "order was rejected.",
        "field": "lines[1]",
        "lineIndex": 1,
        "sku": "SETUP-FEE",
        "nonPhysicalLines": [{"lineIndex": 1, "sku": "SETUP-FEE", "itemType": "SERVICE"}],
    }
    assert wms.state("wms_orders")["wms_orders"] == []


def test_master_flagged_digital_sku_rejects_the_whole_order(wms: WmsDriver) -> None:
    r = wms.order("SO4", [{"sku": "GIFT-CARD", "quantity": 1}, {"sku": "A-1", "quantity": 1}])
    assert r.status_code == 400
    body = r.get_json()
    assert (body["errorCode"], body["lineIndex"], body["sku"], body["field"]) == (
        "NON_PHYSICAL_LINE",
        0,
        "GIFT-CARD",
        "lines[0]",
    )
    assert "DIGITAL" in body["message"]
    assert wms.state("wms_orders", "wms_order_lines") == {"wms_orders": [], "wms_order_lines": []}
    # the physical lines alone go through: the integration is expected to filter the others out
    assert wms.order("SO4", [{"sku": "A-1", "quantity": 1}]).status_code == 201


def test_ship_to_and_country_are_required(wms: WmsDriver) -> None:
    r = wms.api("POST", "/orders", {"clientReference": "S5", "lines": [{"sku": "A-1", "quantity": 1}]})
    assert r.status_code == 400
    assert r.get_json() == {
        "status": 400,
        "errorCode": "MISSING_SHIP_TO",
        "message": "A physical ship-to address (shipTo) is required: the WMS only fulfils "
        "physical deliveries.",
        "field": "shipTo",
    }
    no_country = {k: v for k, v in SHIP_TO.items() if k != "country"}
    r = wms.order("S5", [{"sku": "A-1", "quantity": 1}], shipTo=no_country)
    assert (r.status_code, r.get_json()["errorCode"], r.get_json()["field"]) == (
        400,
        "MISSING_SHIP_TO",
        "shipTo.country",
    )
    r = wms.order("S5", [{"sku": "A-1", "quantity": 1}], shipTo={**SHIP_TO, "country": "UK"})
    assert (r.status_code, r.get_json()["errorCode"]) == (400, "INVALID_COUNTRY")
    r = wms.order("S5", [{"sku": "A-1", "quantity": 1}], shipTo={**SHIP_TO, "address1": "   "})
    assert (r.status_code, r.get_json()["field"]) == (400, "shipTo.address1")
    assert wms.state("wms_orders")["wms_orders"] == []


def test_input_type_rules(wms: WmsDriver) -> None:
    def err(lines: object, **extra: object) -> tuple[int, str | None]:
        r = wms.order("S6", lines, **extra)  # type: ignore[arg-type]
        return r.status_code, r.get_json().get("field")

    assert err([{"sku": "A-1", "quantity": True}]) == (400, "lines[0].quantity")
    assert err([{"sku": "A-1", "quantity": 1.5}]) == (400, "lines[0].quantity")
    assert err([{"sku": "A-1", "quantity": 2**70}]) == (400, "lines[0].quantity")
    assert err([{"sku": "A-1", "quantity": 0}]) == (400, "lines[0].quantity")
    assert err([{"sku": "A-1", "quantity": "1"}]) == (400, "lines[0].quantity")
    assert err([]) == (400, "lines")
    assert err([{"sku": "A-1", "quantity": 1, "colour": "red"}]) == (400, "lines[0].colour")
    assert err([{"sku": "A-1", "quantity": 1}], warehouseId=2**64) == (400, "warehouseId")
    assert err([{"sku": "A-1", "quantity": 1}], warehouseId=99) == (400, "warehouseId")
    assert err([{"sku": "A-1", "quantity": 1}], externalId="bad\x00id") == (400, "externalId")
    assert err([{"sku": "A-1", "quantity": 1}], externalId="\ud800") == (400, "externalId")
    assert err([{"sku": "A\x00", "quantity": 1}]) == (400, "lines[0].sku")
    r = wms.api(
        "POST",
        "/orders",
        {"clientReference": "x y", "shipTo": SHIP_TO, "lines": [{"sku": "A-1", "quantity": 1}]},
    )
    assert (r.status_code, r.get_json()["field"]) == (400, "clientReference")
    assert wms.state("wms_orders")["wms_orders"] == []
    r = wms.order("S6", [{"sku": "A-1", "quantity": 5.0}], shipTo={**SHIP_TO, "country": "gb"})
    assert r.status_code == 201
    assert (r.get_json()["lines"][0]["quantity"], r.get_json()["shipTo"]["country"]) == (5, "GB")


def test_get_unknown_and_huge_ids_are_404(wms: WmsDriver) -> None:
    for path in ("/orders/7", f"/orders/{2**70}", "/orders/reference/NOPE", "/products/9", "/asns/3"):
        r = wms.api("GET", path)
        assert r.status_code == 404, path
        assert r.get_json()["errorCode"] == "NOT_FOUND"
    assert wms.api("GET", "/orders/reference/bad%00ref").status_code == 404


def test_list_orders_pages_filters_and_updated_since(wms: WmsDriver) -> None:
    for i in range(5):
        assert wms.order(f"P{i}", [{"sku": "A-1", "quantity": 1}]).status_code == 201
    wms.clock({"advance": 60})
    wms.ok("POST", "/orders/2/cancel", {"reason": "customer changed mind"})
    page = wms.ok("GET", "/orders?page=2&pageSize=2")
    assert (page["page"], page["pageSize"], page["total"]) == (2, 2, 5)
    assert [o["clientReference"] for o in page["items"]] == ["P2", "P3"]
    assert wms.ok("GET", "/orders?page=4&pageSize=2")["items"] == []
    since = wms.ok("GET", "/orders?updatedSince=2026-01-05T09:00:30Z")
    assert [(o["id"], o["status"], o["updatedAt"]) for o in since["items"]] == [
        (2, "CANCELLED", "2026-01-05T09:01:00.000Z")
    ]
    assert wms.ok("GET", "/orders?updatedSince=2026-01-05T09:00:00Z")["total"] == 5
    assert [o["id"] for o in wms.ok("GET", "/orders?status=NEW")["items"]] == [1, 3, 4, 5]
    assert [o["id"] for o in wms.ok("GET", "/orders?clientReference=P3")["items"]] == [4]
    for bad in ("pageSize=0", "pageSize=501", "page=x", "updatedSince=yesterday", "status=SHIPPED"):
        r = wms.api("GET", f"/orders?{bad}")
        assert (r.status_code, r.get_json()["errorCode"]) == (400, "INVALID_PARAMETER"), bad


def test_cancel_allowed_before_picking_refused_after(wms: WmsDriver) -> None:
    wms.order("C1", [{"sku": "A-1", "quantity": 2}])
    wms.order("C2", [{"sku": "A-1", "quantity": 2}])
    wms.order("C3", [{"sku": "NOPE", "quantity": 1}])
    wms.order("C4", [{"sku": "A-1", "quantity": 1}])
    wms.act("release", {"order": "C2"})
    assert wms.stock("A-1")["allocated"] == 2
    for ref, oid in (("C1", 1), ("C2", 2), ("C3", 3)):
        body = wms.ok("POST", f"/orders/{oid}/cancel")
        assert (body["clientReference"], body["status"], body["cancelledAt"]) == (ref, "CANCELLED", T0)
    assert wms.stock("A-1")["allocated"] == 0  # C2's allocation went back
    assert [e["data"]["previousStatus"] for e in wms.events("order.cancelled")] == [
        "NEW",
        "RELEASED",
        "HOLDING",
    ]
    # a retried cancel changes nothing and raises no second event
    assert wms.ok("POST", "/orders/1/cancel")["status"] == "CANCELLED"
    assert len(wms.events("order.cancelled")) == 3
    wms.act("release", {"order": "C4"})
    wms.act("pick", {"order": "C4"})
    r = wms.api("POST", "/orders/4/cancel", {"reason": "too late"})
    assert r.status_code == 409
    assert r.get_json() == {
        "status": 409,
        "errorCode": "ORDER_NOT_CANCELLABLE",
        "message": "Order 4 is PICKING and can no longer be cancelled: picking has started.",
        "currentStatus": "PICKING",
    }
    assert wms.ok("GET", "/orders/4")["status"] == "PICKING"
    wms.act("pack", {"order": 4})
    r = wms.api("POST", "/orders/4/cancel")
    assert (r.status_code, r.get_json()["currentStatus"]) == (409, "PACKED")
    assert wms.api("POST", "/orders/99/cancel").status_code == 404


def test_clients_are_isolated_and_references_unique_per_client(wms: WmsDriver) -> None:
    wms.seed(
        {
            "records": {
                "clients": [{"code": "ACME", "name": "Acme Ltd", "apiKey": "acme-key"}],
                "skus": [{"client": "ACME", "sku": "A-1", "externalId": "900", "name": "Acme widget"}],
            }
        }
    )
    assert wms.order("SO1", [{"sku": "A-1", "quantity": 1}]).status_code == 201
    r = wms.api(
        "POST",
        "/orders",
        {"clientReference": "SO1", "shipTo": SHIP_TO, "lines": [{"sku": "A-1", "quantity": 1}]},
        headers={"X-API-Key": "acme-key"},
    )
    assert r.status_code == 201 and r.get_json()["id"] == 2
    assert wms.api("GET", "/orders/1", headers={"X-API-Key": "acme-key"}).status_code == 404
    assert wms.ok("GET", "/orders", headers={"X-API-Key": "acme-key"})["total"] == 1
    assert [
        p["externalId"] for p in wms.ok("GET", "/products", headers={"X-API-Key": "acme-key"})["items"]
    ] == ["900"]
    # the same reference acted on without a client means the default client's order
    assert wms.act("release", {"order": "SO1"})["id"] == 1
    assert wms.act("release", {"order": "SO1", "client": "ACME"})["status"] == "HOLDING"  # ACME has no stock
