"""The item master flow: NetSuite items -> WMS products, POS products, QMS items, over real HTTP."""

from __future__ import annotations

from typing import Any

from tests.sync.chaos import journal_mark, writes_since
from tests.sync.flows.conftest import OrderWorld

NO_POS = {"systems": "netsuite,wms,qms", "flows": "items"}


def _wms_products(shop: OrderWorld) -> list[tuple[Any, ...]]:
    return sorted((p["sku"], p["external_id"], p["name"], p["item_type"]) for p in shop.wms("wms_products"))


def _qms_items(shop: OrderWorld) -> list[tuple[Any, ...]]:
    rows = shop.world.state("qms", "qms_items")["qms_items"]
    return sorted((i["sku"], i["name"], i["type"], i["uom"], i["netsuite_id"]) for i in rows)


def test_physical_items_reach_the_wms_and_traced_ones_the_qms_once(
    shop: OrderWorld, make_engine: Any
) -> None:
    engine = make_engine(**NO_POS)
    result = engine.run_pass()
    assert result.completed and result.failures == []
    ids = shop.ids
    assert _wms_products(shop) == [
        ("BOOT-42", ids["BOOT"], "Walking boot", "PHYSICAL"),
        ("KIT-CARE", ids["KIT"], "Boot care kit", "PHYSICAL"),
        ("SOCK-3P", ids["SOCK"], "Socks, three pairs", "PHYSICAL"),
        ("WAX-200", ids["WAX"], "Leather wax", "PHYSICAL"),
    ]
    assert _qms_items(shop) == [
        ("KIT-CARE", "Boot care kit", "FINISHED_GOOD", "ea", ids["KIT"]),
        ("WAX-200", "Leather wax", "RAW_MATERIAL", "ea", ids["WAX"]),
    ]
    assert engine.state.exceptions() == []
    assert set(engine.state.mappings("wms", "item")) == {ids[k] for k in ("BOOT", "SOCK", "WAX", "KIT")}
    # nothing new: the second pass reads NetSuite and writes nothing anywhere
    mark = journal_mark(shop.world)
    assert make_engine(**NO_POS).run_pass().completed
    assert writes_since(shop.world, mark) == []


def test_an_edited_item_updates_only_what_changed(shop: OrderWorld, make_engine: Any) -> None:
    make_engine(**NO_POS).run_pass()
    shop.world.control("netsuite", "POST", "clock", {"advance": 120})
    shop.world.act(
        "netsuite",
        "edit_record",
        {"type": "inventoryItem", "id": shop.ids["BOOT"], "fields": {"displayName": "Walking boot, waxed"}},
    )
    shop.world.act(
        "netsuite",
        "edit_record",
        {"type": "lotNumberedInventoryItem", "id": shop.ids["WAX"], "fields": {"rate": 8.5}},
    )  # a price: not the WMS's or QMS's
    mark = journal_mark(shop.world)
    assert make_engine(**NO_POS).run_pass().completed
    product = next(p for p in shop.wms("wms_products") if p["sku"] == "BOOT-42")
    assert writes_since(shop.world, mark) == [f"wms PATCH /api/v1/products/{product['id']} -> 200"]
    assert product["name"] == "Walking boot, waxed"


def test_a_sku_clash_in_the_wms_is_parked_not_skipped(shop: OrderWorld, make_engine: Any) -> None:
    shop.world.control(
        "wms",
        "POST",
        "seed",
        {"records": {"skus": [{"sku": "BOOT-42", "externalId": "999", "name": "Someone else's boot"}]}},
    )
    engine = make_engine(**NO_POS)
    assert engine.run_pass().completed
    [entry] = engine.state.exceptions()
    assert (entry.category, entry.flow, entry.records) == (
        "sku_mismatch",
        "items",
        {"netsuiteItem": shop.ids["BOOT"], "sku": "BOOT-42", "system": "wms"},
    )
    assert entry.summary.startswith("WMS SKU BOOT-42 already belongs to product ")
    assert entry.error["found"]["externalId"] == "999"
    assert [p for p in _wms_products(shop) if p[0] == "BOOT-42"] == [
        ("BOOT-42", "999", "Someone else's boot", "PHYSICAL")
    ]
    # still queued: retried on each pass (the same exception, one more occurrence), nothing written
    mark = journal_mark(shop.world)
    assert engine.run_pass().completed
    assert writes_since(shop.world, mark) == []
    assert [e.occurrences for e in engine.state.exceptions()] == [2]


def test_what_the_satellites_already_hold_is_adopted_without_writes(
    shop: OrderWorld, make_engine: Any
) -> None:
    shop.world.control(
        "wms",
        "POST",
        "seed",
        {
            "records": {
                "skus": [
                    {
                        "sku": "BOOT-42",
                        "externalId": shop.ids["BOOT"],
                        "name": "Walking boot",
                        "itemType": "PHYSICAL",
                    }
                ]
            }
        },
    )
    shop.world.control(
        "qms",
        "POST",
        "seed",
        {
            "records": {
                "items": [
                    {
                        "sku": "WAX-200",
                        "name": "Leather wax",
                        "type": "RAW_MATERIAL",
                        "uom": "ea",
                        "netsuiteId": shop.ids["WAX"],
                    }
                ]
            }
        },
    )
    mark = journal_mark(shop.world)
    engine = make_engine(**NO_POS)
    assert engine.run_pass().completed
    assert sorted(writes_since(shop.world, mark)) == [
        "qms POST /api/v1/items -> 201",
        "wms POST /api/v1/products -> 201",
        "wms POST /api/v1/products -> 201",
        "wms POST /api/v1/products -> 201",
    ]
    assert engine.state.mapped("wms", "item", shop.ids["BOOT"]) is not None


def test_a_sku_rename_reaches_the_wms_and_is_parked_for_the_qms(shop: OrderWorld, make_engine: Any) -> None:
    make_engine(**NO_POS).run_pass()
    [before] = [p for p in shop.wms("wms_products") if p["sku"] == "WAX-200"]
    shop.world.control("netsuite", "POST", "clock", {"advance": 120})
    shop.world.act("netsuite", "rename_item_sku", {"id": shop.ids["WAX"], "itemId": "WAX-250"})
    engine = make_engine(**NO_POS)
    mark = journal_mark(shop.world)
    assert engine.run_pass().completed
    assert f"wms PATCH /api/v1/products/{before['id']} -> 200" in writes_since(shop.world, mark)
    [after] = [p for p in shop.wms("wms_products") if p["external_id"] == shop.ids["WAX"]]
    assert (after["id"], after["sku"]) == (before["id"], "WAX-250")  # the same product, corrected
    assert engine.state.mapping_data("wms", "item", shop.ids["WAX"])["formerSkus"] == ["WAX-200"]
    [entry] = engine.state.exceptions()
    assert (entry.category, entry.records["system"]) == ("sku_mismatch", "qms")
    assert "QMS SKUs are immutable" in entry.summary
    # the QMS item stays linked by netsuiteId
    assert ("WAX-200", "Leather wax", "RAW_MATERIAL", "ea", shop.ids["WAX"]) in _qms_items(shop)


def test_physical_items_reach_the_pos_with_prices(shop: OrderWorld, make_engine: Any) -> None:
    engine = make_engine(flows="items")
    assert engine.run_pass().completed
    rows = shop.world.state("pos", "pos_products")["pos_products"]
    assert sorted((p["sku"], p["title"], p["moneyprice"]) for p in rows) == [
        ("BOOT-42", "Walking boot", 8950),
        ("KIT-CARE", "Boot care kit", 1999),
        ("SOCK-3P", "Socks, three pairs", 1200),
        ("WAX-200", "Leather wax", 725),
    ]
    assert engine.state.exceptions() == []


def test_prices_are_rounded_half_up_on_the_decimal_not_the_binary_float(
    shop: OrderWorld, make_engine: Any, tmp_path: Any
) -> None:
    shop.world.act(
        "netsuite",
        "edit_record",
        {"type": "inventoryItem", "id": shop.ids["SOCK"], "fields": {"rate": 2.675}},
    )
    make_engine(flows="items").run_pass()
    price = {p["sku"]: p["moneyprice"] for p in shop.world.state("pos", "pos_products")["pos_products"]}
    assert price["SOCK-3P"] == 268  # 2.675 -> 2.68
    shop.world.control("pos", "POST", "reset", {})
    make_engine(flows="items", mutant="naive-rounding", db=f"sqlite:///{tmp_path / 'naive.db'}").run_pass()
    price = {p["sku"]: p["moneyprice"] for p in shop.world.state("pos", "pos_products")["pos_products"]}
    assert price["SOCK-3P"] == 267  # round(2.675, 2) on a binary float gives 2.67
