"""A SKU renamed in NetSuite is corrected in the item master for the same item (seeds/003): stock and open work
follow the new code, orders for the new SKU are accepted, history keeps the old code."""

from __future__ import annotations

from tests.mocks.wms.conftest import WmsDriver


def test_correcting_a_sku_keeps_the_product_and_moves_its_stock(wms: WmsDriver) -> None:
    body = wms.ok("PATCH", "/products/1", {"sku": "A-1-V2"})
    assert (body["id"], body["sku"], body["externalId"], body["name"]) == (1, "A-1-V2", "101", "Widget")
    assert wms.ok("GET", "/products?externalId=101")["items"][0]["sku"] == "A-1-V2"
    assert wms.ok("GET", "/products?sku=A-1")["items"] == []
    assert wms.stock("A-1-V2")["onHand"] == 10
    assert wms.ok("GET", "/stock?sku=A-1&warehouseId=1")["items"] == []
    # the same code again is no change
    assert wms.ok("PATCH", "/products/1", {"sku": "A-1-V2"})["sku"] == "A-1-V2"
    # the history says which product a former code belonged to
    history = wms.state("wms_product_sku_history")["wms_product_sku_history"]
    assert [(h["product_id"], h["sku"], h["replaced_by"]) for h in history] == [(1, "A-1", "A-1-V2")]
    wms.ok("PATCH", "/products/1", {"sku": "A-1-V3"})
    history = wms.state("wms_product_sku_history")["wms_product_sku_history"]
    assert [(h["product_id"], h["sku"], h["replaced_by"]) for h in history] == [
        (1, "A-1", "A-1-V2"),
        (1, "A-1-V2", "A-1-V3"),
    ]


def test_orders_for_the_new_sku_are_accepted_and_held_ones_released(wms: WmsDriver) -> None:
    held = wms.order("SO-EARLY", [{"sku": "A-1-V2", "quantity": 2}]).get_json()
    assert (held["status"], held["holdCode"]) == ("HOLDING", "UNKNOWN_SKU")
    wms.ok("PATCH", "/products/1", {"sku": "A-1-V2"})
    r = wms.order("SO-NEW", [{"sku": "A-1-V2", "quantity": 3}])
    assert r.status_code == 201 and r.get_json()["status"] == "NEW"
    wms.act("release", {"order": r.get_json()["id"]})
    assert wms.ok("GET", f"/orders/{r.get_json()['id']}")["status"] == "RELEASED"
    wms.act("reevaluate_holds", {})
    assert wms.ok("GET", f"/orders/{held['id']}")["status"] == "RELEASED"
    assert wms.stock("A-1-V2")["allocated"] == 5
    # an order still naming the old code is held: the item master no longer knows it
    old = wms.order("SO-OLD", [{"sku": "A-1", "quantity": 1}]).get_json()
    assert (old["status"], old["holdCode"]) == ("HOLDING", "UNKNOWN_SKU")


def test_open_orders_follow_the_correction_and_despatched_ones_keep_their_code(wms: WmsDriver) -> None:
    shipped = wms.order("SO-1", [{"sku": "A-1", "quantity": 1}]).get_json()["id"]
    for action in ("release", "pick", "pack"):
        wms.act(action, {"order": shipped})
    wms.act("despatch", {"order": shipped, "carrier": "DPD", "trackingNumber": "T-1"})
    open_order = wms.order("SO-2", [{"sku": "A-1", "quantity": 2}, {"sku": "B-2", "quantity": 1}]).get_json()[
        "id"
    ]
    wms.act("release", {"order": open_order})
    wms.ok("PATCH", "/products/1", {"sku": "A-1-V2"})
    assert [ln["sku"] for ln in wms.ok("GET", f"/orders/{shipped}")["lines"]] == ["A-1"]
    assert [ln["sku"] for ln in wms.ok("GET", f"/orders/{open_order}")["lines"]] == ["A-1-V2", "B-2"]
    assert (wms.stock("A-1-V2")["onHand"], wms.stock("A-1-V2")["allocated"]) == (9, 2)
    for action in ("pick", "pack"):
        wms.act(action, {"order": open_order})
    wms.act("despatch", {"order": open_order, "carrier": "DPD", "trackingNumber": "T-2"})
    assert (wms.stock("A-1-V2")["onHand"], wms.stock("A-1-V2")["allocated"]) == (7, 0)
    movements = [
        (m["sku"], m["kind"], m["reference"])
        for m in wms.state("wms_stock_movements")["wms_stock_movements"]
        if m["kind"] == "DESPATCH"
    ]
    assert movements == [
        ("A-1", "DESPATCH", "SO-1"),
        ("A-1-V2", "DESPATCH", "SO-2"),
        ("B-2", "DESPATCH", "SO-2"),
    ]


def test_a_correction_cannot_take_a_code_another_item_holds(wms: WmsDriver) -> None:
    r = wms.api("PATCH", "/products/1", {"sku": "B-2"})
    assert r.status_code == 422 and r.get_json() == {
        "status": 422,
        "errorCode": "DUPLICATE_SKU",
        "message": "SKU 'B-2' already exists in the item master (product 2).",
        "field": "sku",
        "existingProductId": 2,
    }
    assert wms.stock("A-1")["onHand"] == 10 and wms.stock("B-2")["onHand"] == 5
