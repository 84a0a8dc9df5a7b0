"""A SKU renamed in NetSuite is corrected in the WMS item master (seeds/003), over real HTTP: the same WMS
product takes the new SKU, what the WMS despatched or moved under the old one still maps to the item, and a new
SKU another WMS product already holds is parked, never merged."""

from __future__ import annotations

from typing import Any

from tests.sync.flows.conftest import OrderWorld, wms_stock

FLOWS = {"systems": "netsuite,wms,qms", "flows": "items,orders-to-wms,despatch-to-netsuite"}


def _rename(shop: OrderWorld, ref: str, sku: str) -> None:
    shop.world.control("netsuite", "POST", "clock", {"advance": 120})
    shop.world.act("netsuite", "rename_item_sku", {"id": shop.ids[ref], "itemId": sku})


def test_an_order_despatched_under_the_old_sku_is_fulfilled_after_the_correction(
    shop: OrderWorld, make_engine: Any
) -> None:
    first = shop.sales_order([("BOOT", 1)])
    engine = make_engine(**FLOWS)
    assert engine.run_pass().completed
    wms_stock(shop.world, {"BOOT-42": 5})
    _rename(shop, "BOOT", "BOOT-42W")
    # the floor despatches the first order under the code it had; a second order comes in after the rename
    shop.floor(f"NS-SO-{first}", "release", "pick", "pack", "despatch")
    second = shop.sales_order([("BOOT", 2)])
    assert engine.run_pass().completed
    assert engine.state.exceptions() == []
    [product] = [p for p in shop.wms("wms_products") if p["external_id"] == shop.ids["BOOT"]]
    assert product["sku"] == "BOOT-42W"
    _, done = shop.wms_order(f"NS-SO-{first}")
    assert [ln["sku"] for ln in done] == ["BOOT-42"]  # WMS history keeps the old code
    fulfilments = [r["body"] for r in shop.ns_records("itemFulfillment")]
    assert [
        (f["createdFrom"]["id"], [(ln["item"]["id"], ln["quantity"]) for ln in f["item"]])
        for f in fulfilments
    ] == [(first, [(shop.ids["BOOT"], 1)])]
    _, lines = shop.wms_order(f"NS-SO-{second}")
    assert [(ln["sku"], ln["quantity"]) for ln in lines] == [("BOOT-42W", 2)]
    assert next(s for s in shop.wms("wms_stock") if s["sku"] == "BOOT-42W")["on_hand"] == 4


def test_a_new_sku_another_wms_product_holds_is_parked_and_orders_wait(
    shop: OrderWorld, make_engine: Any
) -> None:
    engine = make_engine(**FLOWS)
    assert engine.run_pass().completed
    shop.world.control(
        "wms",
        "POST",
        "seed",
        {
            "records": {
                "skus": [
                    {"sku": "SOCK-3PK", "externalId": "LEGACY-7", "name": "Socks, three pairs (old listing)"}
                ]
            }
        },
    )
    _rename(shop, "SOCK", "SOCK-3PK")
    so = shop.sales_order([("SOCK", 1)])
    assert engine.run_pass().completed
    entries = {e.flow: e for e in engine.state.exceptions()}
    assert sorted(entries) == ["items", "orders-to-wms"]
    assert entries["items"].category == "sku_mismatch"
    assert entries["items"].summary.startswith(
        f"NetSuite item {shop.ids['SOCK']} is now SKU SOCK-3PK but WMS SKU "
        "SOCK-3PK already belongs to product "
    )
    assert entries["items"].error["found"]["externalId"] == "LEGACY-7"
    assert sorted(
        (p["sku"], p["external_id"]) for p in shop.wms("wms_products") if p["sku"].startswith("SOCK")
    ) == [("SOCK-3P", shop.ids["SOCK"]), ("SOCK-3PK", "LEGACY-7")]
    assert [o for o in shop.wms("wms_orders") if o["external_id"] == so] == []
