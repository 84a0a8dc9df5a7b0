"""Approved NetSuite sales orders -> WMS orders: physical lines only, keyed NS-SO-<id>, refusals parked."""

from __future__ import annotations

import json
from typing import Any

from tests.sync.chaos import journal_mark, writes_since
from tests.sync.flows.conftest import OrderWorld

FLOWS = {"systems": "netsuite,wms,qms", "flows": "items,orders-to-wms"}


def _lines(lines: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(ln["line_index"], ln["sku"], ln["quantity"], ln["external_line_id"]) for ln in lines]


def test_a_mixed_order_sends_only_its_physical_lines(shop: OrderWorld, make_engine: Any) -> None:
    so = shop.sales_order([("BOOT", 2), ("EBOOK", 1), ("FIT", 1), ("WAX", 4)])
    engine = make_engine(**FLOWS)
    result = engine.run_pass()
    assert result.completed and result.stats.counts["orders-to-wms"] == {"queued": 1, "sent": 1}
    order, lines = shop.wms_order(f"NS-SO-{so}")
    assert (order["external_id"], order["order_number"], order["status"]) == (so, "SO1", "NEW")
    assert json.loads(order["ship_to"]) == {
        "name": "Alex Morgan",
        "company": None,
        "address1": "1 Harbour Street",
        "address2": None,
        "address3": None,
        "city": "Bristol",
        "county": None,
        "postcode": "BS1 4RN",
        "country": "GB",
        "email": None,
        "phone": None,
    }
    assert _lines(lines) == [(0, "BOOT-42", 2, "1"), (1, "WAX-200", 4, "4")]
    assert engine.state.exceptions() == []
    assert engine.state.mapped("wms", "order", so) == f"NS-SO-{so}"
    assert shop.ns_record("salesOrder", so)["status"] == "B"  # nothing written to NetSuite
    mark = journal_mark(shop.world)
    assert make_engine(**FLOWS).run_pass().completed
    assert writes_since(shop.world, mark) == []


def test_an_order_of_digital_and_service_lines_never_reaches_the_wms(
    shop: OrderWorld, make_engine: Any
) -> None:
    so = shop.sales_order([("EBOOK", 1), ("FIT", 2)])
    assert shop.ns_record("salesOrder", so)["status"] == "F"  # nothing to fulfil: NetSuite bills it directly
    engine = make_engine(**FLOWS)
    assert engine.run_pass().completed
    assert shop.wms("wms_orders") == []
    assert engine.state.exceptions() == []
    # the naive connector sends every approved order: the WMS refuses this one, and the team gets an alert
    naive = make_engine(mutant="no-physical-filter", **FLOWS)
    assert naive.run_pass().completed
    assert shop.wms("wms_orders") == []
    [entry] = naive.state.exceptions()
    assert (entry.category, entry.records["salesOrder"], entry.error["body"]["errorCode"]) == (
        "rejected_order",
        so,
        "NON_PHYSICAL_LINE",
    )


def test_without_the_physical_filter_the_wms_refuses_the_whole_order(
    shop: OrderWorld, make_engine: Any
) -> None:
    so = shop.sales_order([("BOOT", 1), ("EBOOK", 1)])
    engine = make_engine(mutant="no-physical-filter", **FLOWS)
    assert engine.run_pass().completed
    assert shop.wms("wms_orders") == []
    [entry] = engine.state.exceptions()
    assert (entry.category, entry.flow) == ("rejected_order", "orders-to-wms")
    assert entry.records == {"salesOrder": so, "tranId": "SO1", "clientReference": f"NS-SO-{so}"}
    assert entry.error["status"] == 400
    assert entry.error["body"]["errorCode"] == "NON_PHYSICAL_LINE"
    assert entry.error["body"]["nonPhysicalLines"] == [
        {"lineIndex": 1, "sku": "EBOOK-TRAILS", "itemType": "DIGITAL"}
    ]
    assert entry.error["request"] == "POST /api/v1/orders"


def test_an_order_without_a_ship_to_is_parked_then_sent_once_fixed(
    shop: OrderWorld, make_engine: Any
) -> None:
    so = shop.sales_order([("SOCK", 1)], ship_to=False)
    engine = make_engine(**FLOWS)
    assert engine.run_pass().completed
    [entry] = engine.state.exceptions()
    assert entry.category == "rejected_order"
    assert entry.error["body"] == {
        "status": 400,
        "errorCode": "MISSING_SHIP_TO",
        "field": "shipTo",
        "message": "A physical ship-to address (shipTo) is required: the WMS only "
        "fulfils physical deliveries.",
    }
    mark = journal_mark(shop.world)
    assert engine.run_pass().completed  # unchanged order: not sent again to be refused again
    assert writes_since(shop.world, mark) == []
    shop.world.control("netsuite", "POST", "clock", {"advance": 60})
    shop.world.act(
        "netsuite",
        "edit_record",
        {
            "type": "salesOrder",
            "id": so,
            "fields": {
                "shippingAddress": {
                    "addressee": "Sam Lee",
                    "addr1": "2 Quay Road",
                    "city": "Leeds",
                    "country": "GB",
                }
            },
        },
    )
    assert engine.run_pass().completed
    order, lines = shop.wms_order(f"NS-SO-{so}")
    assert json.loads(order["ship_to"])["address1"] == "2 Quay Road"
    assert _lines(lines) == [(0, "SOCK-3P", 1, "1")]
    assert engine.state.exceptions() == []  # resolved


ONLY_ORDERS = {"systems": "netsuite,wms", "flows": "orders-to-wms"}


def _boot_only_in_the_wms(shop: OrderWorld) -> str:
    shop.world.control(
        "wms",
        "POST",
        "seed",
        {"records": {"skus": [{"sku": "BOOT-42", "externalId": shop.ids["BOOT"], "name": "Walking boot"}]}},
    )
    return shop.sales_order([("BOOT", 1), ("WAX", 2)])


def test_an_unknown_sku_holds_the_order_back_until_the_item_master_has_it(
    shop: OrderWorld, make_engine: Any
) -> None:
    so = _boot_only_in_the_wms(shop)
    engine = make_engine(**ONLY_ORDERS)
    assert engine.run_pass().completed
    assert shop.wms("wms_orders") == []
    [entry] = engine.state.exceptions()
    assert (entry.category, entry.records) == (
        "unknown_sku",
        {"salesOrder": so, "line": 2, "item": shop.ids["WAX"], "sku": "WAX-200"},
    )
    assert entry.summary == (
        f"sales order SO1: SKU WAX-200 (NetSuite item {shop.ids['WAX']}) is not in the WMS item "
        "master; the order waits until the item master is aligned"
    )
    # the item master flow aligns the WMS; the order goes on the next pass and the exception is resolved
    assert make_engine(systems="netsuite,wms", flows="items,orders-to-wms").run_pass().completed
    _, lines = shop.wms_order(f"NS-SO-{so}")
    assert _lines(lines) == [(0, "BOOT-42", 1, "1"), (1, "WAX-200", 2, "2")]
    assert engine.state.exceptions() == []


def test_without_the_sku_check_the_unknown_line_silently_vanishes(shop: OrderWorld, make_engine: Any) -> None:
    so = _boot_only_in_the_wms(shop)
    naive = make_engine(mutant="no-sku-check", **ONLY_ORDERS)
    assert naive.run_pass().completed
    _, lines = shop.wms_order(f"NS-SO-{so}")
    assert _lines(lines) == [(0, "BOOT-42", 1, "1")]  # the WAX line is gone, and nobody is told
    assert naive.state.exceptions() == []


def test_a_renamed_sku_is_corrected_in_the_wms_and_the_order_goes_under_it(
    shop: OrderWorld, make_engine: Any
) -> None:
    make_engine(**FLOWS).run_pass()
    shop.world.control("netsuite", "POST", "clock", {"advance": 120})
    shop.world.act("netsuite", "rename_item_sku", {"id": shop.ids["SOCK"], "itemId": "SOCK-3PK"})
    so = shop.sales_order([("SOCK", 1)])
    engine = make_engine(**FLOWS)
    assert engine.run_pass().completed
    _, lines = shop.wms_order(f"NS-SO-{so}")
    assert _lines(lines) == [(0, "SOCK-3PK", 1, "1")]
    assert engine.state.exceptions() == []


def test_mutant_no_sku_correction_holds_a_renamed_items_orders(shop: OrderWorld, make_engine: Any) -> None:
    make_engine(**FLOWS).run_pass()
    shop.world.control("netsuite", "POST", "clock", {"advance": 120})
    shop.world.act("netsuite", "rename_item_sku", {"id": shop.ids["SOCK"], "itemId": "SOCK-3PK"})
    so = shop.sales_order([("SOCK", 1)])
    engine = make_engine(mutant="no-sku-correction", **FLOWS)
    assert engine.run_pass().completed
    assert [
        o for o in shop.wms("wms_orders") if o["external_id"] == so
    ] == []  # the defect: it waits for a person
    categories = sorted((e.flow, e.category) for e in engine.state.exceptions())
    assert categories == [("items", "sku_mismatch"), ("orders-to-wms", "sku_mismatch")]
