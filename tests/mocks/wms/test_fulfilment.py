"""The floor: release (allocation), pick, short pick, pack, despatch, holds and their release, warehouse cancel."""

from __future__ import annotations

from .conftest import WmsDriver

T0 = "2026-01-05T09:00:00.000Z"


def test_order_to_despatch_end_to_end(wms: WmsDriver) -> None:
    created = wms.order(
        "SO1",
        [
            {"sku": "A-1", "quantity": 3, "externalLineId": "1"},
            {"sku": "B-2", "quantity": 1, "externalLineId": "2"},
        ],
        externalId="4711",
    )
    assert created.status_code == 201
    released = wms.act("release", {"order": "SO1"})
    assert released["status"] == "RELEASED"
    assert [ln["quantityAllocated"] for ln in released["lines"]] == [3, 1]
    assert wms.stock("A-1") | {"updatedAt": None} == {
        "sku": "A-1",
        "warehouseId": 1,
        "onHand": 10,
        "allocated": 3,
        "available": 7,
        "updatedAt": None,
    }
    assert wms.act("pick", {"order": 1})["status"] == "PICKING"
    assert wms.act("pack", {"order": "SO1"})["status"] == "PACKED"
    wms.clock({"advance": "PT2H"})
    done = wms.act("despatch", {"order": "SO1", "carrier": "Royal Mail", "trackingNumber": "RM123456789GB"})
    assert (done["status"], done["carrier"], done["trackingNumber"], done["despatchedAt"]) == (
        "DESPATCHED",
        "Royal Mail",
        "RM123456789GB",
        "2026-01-05T11:00:00.000Z",
    )
    assert [(ln["quantityShipped"], ln["quantityAllocated"]) for ln in done["lines"]] == [(3, 0), (1, 0)]
    assert wms.stock("A-1")["onHand"] == 7 and wms.stock("A-1")["allocated"] == 0
    assert wms.stock("B-2") | {"updatedAt": None} == {
        "sku": "B-2",
        "warehouseId": 1,
        "onHand": 4,
        "allocated": 0,
        "available": 4,
        "updatedAt": None,
    }
    [event] = wms.events("order.despatched")
    assert event["data"] == {
        "orderId": 1,
        "clientReference": "SO1",
        "externalId": "4711",
        "warehouseId": 1,
        "carrier": "Royal Mail",
        "trackingNumber": "RM123456789GB",
        "despatchedAt": "2026-01-05T11:00:00.000Z",
        "shortShipped": False,
        "lines": [
            {"lineIndex": 0, "sku": "A-1", "externalLineId": "1", "quantityOrdered": 3, "quantityShipped": 3},
            {"lineIndex": 1, "sku": "B-2", "externalLineId": "2", "quantityOrdered": 1, "quantityShipped": 1},
        ],
    }
    moves = [
        (m["sku"], m["kind"], m["on_hand_delta"], m["allocated_delta"])
        for m in wms.state("wms_stock_movements")["wms_stock_movements"]
    ]
    assert moves == [
        ("A-1", "ALLOCATE", 0, 3),
        ("B-2", "ALLOCATE", 0, 1),
        ("A-1", "DESPATCH", -3, -3),
        ("B-2", "DESPATCH", -1, -1),
    ]
    assert [e["data"]["onHand"] for e in wms.events("stock.changed")] == [10, 5, 7, 4]
    # despatching twice is refused with the current status
    err = wms.act("despatch", {"order": "SO1", "carrier": "DPD", "trackingNumber": "X"}, status=409)
    assert err["error"] == "INVALID_STATUS"
    assert len(wms.events("order.despatched")) == 1


def test_out_of_order_floor_steps_are_409(wms: WmsDriver) -> None:
    wms.order("SO1", [{"sku": "A-1", "quantity": 1}])
    for action in ("pick", "pack"):
        err = wms.act(action, {"order": "SO1"}, status=409)
        assert err["error"] == "INVALID_STATUS"
    wms.act("despatch", {"order": "SO1", "carrier": "DPD", "trackingNumber": "1"}, status=409)
    wms.act("release", {"order": "SO1"})
    assert wms.act("release", {"order": "SO1"}, status=409)["message"] == (
        "Cannot release order 1 in status RELEASED; it must be NEW or HOLDING."
    )
    assert wms.act("release", {"order": "NOPE"}, status=404)["error"] == "ORDER_NOT_FOUND"
    assert wms.act("release", {}, status=400)["path"] == "order"
    assert wms.act("release", {"order": True}, status=400)["path"] == "order"


def test_short_stock_holds_then_goods_in_releases(wms: WmsDriver) -> None:
    wms.order("SO1", [{"sku": "A-1", "quantity": 4}, {"sku": "B-2", "quantity": 6}])
    held = wms.act("release", {"order": "SO1"})
    assert (held["status"], held["holdCode"], held["holdReason"]) == (
        "HOLDING",
        "SHORT_STOCK",
        "Insufficient stock for SKU 'B-2' in warehouse 1: need 6, available 5",
    )
    assert wms.stock("A-1")["allocated"] == 0  # nothing half-allocated
    [hold] = wms.events("order.on_hold")
    assert hold["data"]["skus"] == ["B-2"]
    # re-evaluating with nothing changed keeps the hold and raises no second event
    assert wms.act("release", {"order": "SO1"})["status"] == "HOLDING"
    assert len(wms.events("order.on_hold")) == 1
    asn = wms.ok(
        "POST", "/asns", {"poReference": "PO-1", "lines": [{"sku": "B-2", "quantity": 10}]}, status=201
    )
    wms.act("book_in", {"asn": asn["id"]})
    assert wms.act("reevaluate_holds", {}) == {
        "orders": [{"id": 1, "clientReference": "SO1", "status": "RELEASED", "holdReason": None}]
    }
    assert wms.stock("B-2") | {"updatedAt": None} == {
        "sku": "B-2",
        "warehouseId": 1,
        "onHand": 15,
        "allocated": 6,
        "available": 9,
        "updatedAt": None,
    }


def test_unknown_sku_hold_released_once_the_sku_is_added(wms: WmsDriver) -> None:
    created = wms.order("SO1", [{"sku": "NEW-SKU", "quantity": 2}]).get_json()
    assert created["status"] == "HOLDING"
    assert wms.act("release", {"order": "SO1"})["holdCode"] == "UNKNOWN_SKU"
    wms.ok("POST", "/products", {"sku": "NEW-SKU", "externalId": "555", "name": "New thing"}, status=201)
    still = wms.act("release", {"order": "SO1"})  # the SKU is known now, but there is no stock of it
    assert (still["status"], still["holdCode"]) == ("HOLDING", "SHORT_STOCK")
    wms.act("adjust_stock", {"sku": "NEW-SKU", "reasonCode": "FOUND", "quantity": 2})
    assert wms.act("release", {"order": "SO1"})["status"] == "RELEASED"
    assert [e["data"]["holdCode"] for e in wms.events("order.on_hold")] == ["UNKNOWN_SKU", "SHORT_STOCK"]


def test_short_pick_ships_less_than_ordered(wms: WmsDriver) -> None:
    wms.order("SO1", [{"sku": "A-1", "quantity": 4}, {"sku": "B-2", "quantity": 2}])
    wms.act("release", {"order": "SO1"})
    wms.act("pick", {"order": "SO1"})
    short = wms.act("short_pick", {"order": "SO1", "sku": "A-1", "quantityPicked": 1})
    assert [(ln["quantityPicked"], ln["quantityAllocated"]) for ln in short["lines"]] == [(1, 1), (2, 2)]
    assert wms.stock("A-1")["allocated"] == 1
    assert wms.act("short_pick", {"order": "SO1", "lineIndex": 0, "quantityPicked": 1}, status=400)[
        "path"
    ] == ("quantityPicked")
    assert wms.act("short_pick", {"order": "SO1", "lineIndex": 7, "quantityPicked": 0}, status=404)
    wms.act("pack", {"order": "SO1"})
    done = wms.act("despatch", {"order": "SO1", "carrier": "DPD", "trackingNumber": "15501"})
    assert [(ln["quantity"], ln["quantityShipped"]) for ln in done["lines"]] == [(4, 1), (2, 2)]
    [event] = wms.events("order.despatched")
    assert event["data"]["shortShipped"] is True
    assert [(ln["quantityOrdered"], ln["quantityShipped"]) for ln in event["data"]["lines"]] == [
        (4, 1),
        (2, 2),
    ]
    assert (wms.stock("A-1")["onHand"], wms.stock("A-1")["allocated"]) == (9, 0)


def test_shelf_short_at_pick_puts_the_order_on_hold(wms: WmsDriver) -> None:
    wms.order("SO1", [{"sku": "B-2", "quantity": 4}])
    wms.act("release", {"order": "SO1"})
    wms.act("adjust_stock", {"sku": "B-2", "reasonCode": "DAMAGED", "quantity": -3})
    assert wms.stock("B-2")["available"] == -2
    held = wms.act("pick", {"order": "SO1"})
    assert (held["status"], held["holdReason"]) == (
        "HOLDING",
        "Short at pick for SKU 'B-2' in warehouse 1: need 4, on hand 2",
    )
    assert wms.stock("B-2")["allocated"] == 0


def test_nothing_picked_cannot_be_packed_but_the_warehouse_can_cancel(wms: WmsDriver) -> None:
    wms.order("SO1", [{"sku": "A-1", "quantity": 2}])
    wms.act("release", {"order": "SO1"})
    wms.act("pick", {"order": "SO1"})
    wms.act("short_pick", {"order": "SO1", "lineIndex": 0, "quantityPicked": 0})
    assert wms.act("pack", {"order": "SO1"}, status=409)["error"] == "NOTHING_PICKED"
    cancelled = wms.act("cancel", {"order": "SO1", "reason": "stock lost"})
    assert (cancelled["status"], cancelled["cancelReason"]) == ("CANCELLED", "stock lost")
    assert wms.events("order.cancelled")[0]["data"]["cancelledBy"] == "warehouse"
    wms.order("SO2", [{"sku": "A-1", "quantity": 1}])
    for step in ("release", "pick", "pack"):
        wms.act(step, {"order": "SO2"})
    wms.act("despatch", {"order": "SO2", "carrier": "DPD", "trackingNumber": "1"})
    assert wms.act("cancel", {"order": "SO2"}, status=409)["error"] == "ORDER_NOT_CANCELLABLE"


def test_actions_are_listed_with_descriptions(wms: WmsDriver) -> None:
    listed = wms.control("GET", "act").get_json()
    assert sorted(listed) == [
        "adjust_stock",
        "book_in",
        "cancel",
        "despatch",
        "pack",
        "pick",
        "reevaluate_holds",
        "release",
        "short_pick",
    ]
    assert all(listed.values())
