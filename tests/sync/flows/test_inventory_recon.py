"""The stock reconciliation: the initial load, drift repaired and reported, items and locations matched."""

from __future__ import annotations

import json
from typing import Any

from tests.sync.conftest import World
from tests.sync.flows.stockworld import (
    SKUS,
    engine_adjustments,
    exceptions_of,
    on_hand,
    seed_stock,
    stock_engine,
)


def test_once_mode_reconciliation_loads_wms_stock_then_follows_its_movements(
    fresh: World, make_engine: Any
) -> None:
    w = seed_stock(fresh, SKUS, {"SKU-A": 10, "SKU-B": 5})
    engine = stock_engine(make_engine)
    first = engine.run_pass()
    assert first.completed, first.failures
    assert on_hand(engine, w.warehouse_location) == {"SKU-A": 10, "SKU-B": 5}
    assert engine_adjustments(engine) == [
        [("SKU-A", w.warehouse_location, 10.0), ("SKU-B", w.warehouse_location, 5.0)]
    ]
    assert first.stats.counts["inventory"]["level_synced"] == 2
    assert exceptions_of(engine, "drift") == []
    fresh.act(
        "wms",
        "adjust_stock",
        {"sku": "SKU-A", "reasonCode": "DAMAGED", "quantity": -2, "warehouseId": w.wms_warehouse},
    )
    fresh.act(
        "wms",
        "adjust_stock",
        {"sku": "SKU-C", "reasonCode": "FOUND", "quantity": 4, "warehouseId": w.wms_warehouse},
    )
    second = engine.run_pass()
    assert second.completed, second.failures
    assert on_hand(engine, w.warehouse_location) == {"SKU-A": 8, "SKU-B": 5, "SKU-C": 4}
    assert engine_adjustments(engine)[1:] == [
        [("SKU-A", w.warehouse_location, -2.0), ("SKU-C", w.warehouse_location, 4.0)]
    ]
    assert exceptions_of(engine, "drift") == []
    # nothing new: nothing changes anywhere
    third = engine.run_pass()
    assert third.completed
    assert len(engine_adjustments(engine)) == 2
    assert third.stats.counts == {}


def test_netsuite_changed_behind_the_engine_is_drift_repaired_and_reported(
    fresh: World, make_engine: Any
) -> None:
    w = seed_stock(fresh, SKUS, {"SKU-A": 10})
    engine = stock_engine(make_engine)
    assert engine.run_pass().completed
    fresh.act(
        "netsuite",
        "adjust_inventory",
        {"item": int(w.items["SKU-A"]), "location": int(w.warehouse_location), "adjustQtyBy": 3},
    )
    result = engine.run_pass()
    assert result.completed
    assert result.stats.counts["inventory"]["drift"] == 1
    assert on_hand(engine, w.warehouse_location) == {"SKU-A": 10}
    [drift] = exceptions_of(engine, "drift")
    assert drift["records"] == {
        "sku": "SKU-A",
        "item": w.items["SKU-A"],
        "location": w.warehouse_location,
        "wms": 10.0,
        "netsuite": 13.0,
        "pending": 0.0,
        "adjustment": -3.0,
        "repair": 2,
    }
    assert drift["summary"] == (
        f"stock drift on SKU SKU-A at NetSuite location {w.warehouse_location}: WMS 10, "
        "NetSuite 13; repaired with an adjustment of -3"
    )
    assert engine_adjustments(engine)[-1] == [("SKU-A", w.warehouse_location, -3.0)]


def test_an_item_renamed_in_netsuite_before_the_first_sync_keeps_its_wms_stock(
    fresh: World, make_engine: Any
) -> None:
    # NetSuite's SKU-A becomes SKU-A2; the WMS product still has SKU-A and its externalId (the internal id)
    w = seed_stock(fresh, SKUS, {"SKU-A": 10, "SKU-B": 5})
    for sku, qty in (("SKU-A", 10), ("SKU-B", 5)):  # NetSuite's opening stock equals the WMS's
        fresh.act(
            "netsuite",
            "adjust_inventory",
            {"item": int(w.items[sku]), "location": int(w.warehouse_location), "adjustQtyBy": qty},
        )
    fresh.act("netsuite", "rename_item_sku", {"id": w.items["SKU-A"], "itemId": "SKU-A2"})
    engine = stock_engine(
        make_engine, flows="inventory"
    )  # no items flow: nothing corrects the WMS item master
    assert engine.run_pass().completed
    # matched by externalId: nothing to repair (by SKU, SKU-A2 was written down to 0 and SKU-A was unknown)
    assert on_hand(engine, w.warehouse_location) == {"SKU-A2": 10, "SKU-B": 5}
    assert engine_adjustments(engine) == [] and exceptions_of(engine, "unknown_sku") == []
    fresh.act(
        "wms",
        "adjust_stock",
        {"sku": "SKU-A", "reasonCode": "DAMAGED", "quantity": -3, "warehouseId": w.wms_warehouse},
    )
    second = engine.run_pass()
    assert second.completed, second.failures
    assert on_hand(engine, w.warehouse_location) == {"SKU-A2": 7, "SKU-B": 5}
    assert engine_adjustments(engine) == [[("SKU-A2", w.warehouse_location, -3.0)]]
    assert exceptions_of(engine, "drift") == [] and exceptions_of(engine, "unknown_sku") == []


def test_a_movement_under_the_old_sku_is_booked_after_the_wms_sku_is_corrected(
    fresh: World, make_engine: Any
) -> None:
    # the items flow corrects the WMS product SKU-A to SKU-A2 (seeds/003) in the pass that then reads a damage the
    # floor booked under SKU-A before the correction: the WMS keeps that movement's old code, the id map knows it
    w = seed_stock(fresh, SKUS, {"SKU-A": 10, "SKU-B": 5})
    for sku, qty in (("SKU-A", 10), ("SKU-B", 5)):
        fresh.act(
            "netsuite",
            "adjust_inventory",
            {"item": int(w.items[sku]), "location": int(w.warehouse_location), "adjustQtyBy": qty},
        )
    engine = stock_engine(make_engine, flows="items,inventory")
    assert engine.run_pass().completed
    fresh.control("netsuite", "POST", "clock", {"advance": 120})
    fresh.act("netsuite", "rename_item_sku", {"id": w.items["SKU-A"], "itemId": "SKU-A2"})
    fresh.act(
        "wms",
        "adjust_stock",
        {"sku": "SKU-A", "reasonCode": "DAMAGED", "quantity": -3, "warehouseId": w.wms_warehouse},
    )
    result = engine.run_pass()
    assert result.completed, result.failures
    assert [
        p["sku"]
        for p in fresh.state("wms", "wms_products")["wms_products"]
        if p["external_id"] == w.items["SKU-A"]
    ] == ["SKU-A2"]
    assert on_hand(engine, w.warehouse_location) == {"SKU-A2": 7, "SKU-B": 5}
    assert engine_adjustments(engine) == [[("SKU-A2", w.warehouse_location, -3.0)]]
    assert engine.state.exceptions() == []


def test_location_map_setting_overrides_the_default(fresh: World, make_engine: Any) -> None:
    w = seed_stock(fresh, SKUS, {"SKU-A": 4}, extra_locations=[{"name": "Bradford", "externalId": "BRD"}])
    engine = stock_engine(make_engine, location_map=json.dumps({"wms:WH01": w.locations["BRD"]}))
    assert engine.run_pass().completed
    assert on_hand(engine, w.warehouse_location) == {}
    assert on_hand(engine, w.locations["BRD"]) == {"SKU-A": 4}


def test_despatches_not_yet_fulfilled_in_netsuite_are_left_out_of_the_reconciliation(
    fresh: World, make_engine: Any
) -> None:
    w = seed_stock(fresh, SKUS, {"SKU-A": 10})
    engine = stock_engine(make_engine)
    assert engine.run_pass().completed
    scope = {"id": w.subsidiary}
    made = fresh.control(
        "netsuite",
        "POST",
        "seed",
        {"records": {"baseline": False, "customer": [{"companyName": "Acme", "subsidiary": scope}]}},
    )
    so = fresh.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "salesOrder": [
                    {
                        "entity": {"id": str(made["customer"][0])},
                        "orderStatus": "B",
                        "externalId": "SO-77",
                        "item": {
                            "items": [
                                {
                                    "item": {"id": w.items["SKU-A"]},
                                    "quantity": 2,
                                    "location": {"id": w.warehouse_location},
                                }
                            ]
                        },
                    }
                ],
            }
        },
    )["salesOrder"][0]
    fresh.control(
        "wms",
        "POST",
        "seed",
        {
            "records": {
                "orders": [
                    {
                        "clientReference": "SO-77",
                        "externalId": str(so),
                        "warehouseId": w.wms_warehouse,
                        "shipTo": {"name": "Ada", "address1": "1 High St", "city": "Leeds", "country": "GB"},
                        "lines": [{"sku": "SKU-A", "quantity": 2}],
                    }
                ]
            }
        },
    )
    for action in ("release", "pick", "pack"):
        fresh.act("wms", action, {"order": "SO-77"})
    fresh.act("wms", "despatch", {"order": "SO-77", "carrier": "DPD", "trackingNumber": "T1"})
    result = engine.run_pass()  # the WMS has 8, NetSuite 10 until the fulfilment is posted: not drift
    assert result.completed
    assert on_hand(engine, w.warehouse_location) == {"SKU-A": 10}
    assert exceptions_of(engine, "drift") == []
    fresh.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "transforms": [{"from": "salesOrder", "to": "itemFulfillment", "id": so}],
            }
        },
    )
    again = engine.run_pass()
    assert again.completed
    assert on_hand(engine, w.warehouse_location) == {"SKU-A": 8}
    assert len(engine_adjustments(engine)) == 1
    assert exceptions_of(engine, "drift") == []
