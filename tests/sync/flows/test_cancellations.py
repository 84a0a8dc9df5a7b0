"""NetSuite cancels and line closes -> the WMS, checked against the warehouse status first."""

from __future__ import annotations

from typing import Any

from tests.sync.chaos import journal_mark, requests_since, writes_since
from tests.sync.flows.conftest import OrderWorld, wms_stock

FLOWS = {"systems": "netsuite,wms,qms", "flows": "items,orders-to-wms,cancellations,despatch-to-netsuite"}
NO_CREDITS = ("creditMemo", "cashRefund", "customerRefund", "returnAuthorization", "itemFulfillment")


def _sent(
    shop: OrderWorld, make_engine: Any, lines: list[tuple[str, float]], **settings: str
) -> tuple[str, Any]:
    so = shop.sales_order(lines)
    engine = make_engine(**{**FLOWS, **settings})
    assert engine.run_pass().completed
    wms_stock(shop.world, {"BOOT-42": 20, "SOCK-3P": 20, "KIT-CARE": 5})
    return so, engine


def _close(shop: OrderWorld, so: str, *lines: int) -> None:
    shop.world.act(
        "netsuite",
        "edit_record",
        {
            "type": "salesOrder",
            "id": so,
            "fields": {"item": {"items": [{"line": n, "isClosed": True} for n in lines]}},
        },
    )


def _untouched_books(shop: OrderWorld) -> None:
    """No refund, credit, return or fulfilment was written by the engine."""
    records = shop.world.state("netsuite")["records"]
    assert {t: len(records.get(t, [])) for t in NO_CREDITS} == dict.fromkeys(NO_CREDITS, 0)


def test_a_line_closed_before_picking_cancels_the_order_and_sends_the_rest(
    shop: OrderWorld, make_engine: Any
) -> None:
    so, engine = _sent(shop, make_engine, [("BOOT", 1), ("SOCK", 2), ("EBOOK", 1)])
    shop.floor(f"NS-SO-{so}", "release")
    _close(shop, so, 2)
    result = engine.run_pass()
    assert result.stats.counts["cancellations"] == {"cancelled": 1, "replaced": 1}
    old, _ = shop.wms_order(f"NS-SO-{so}")
    assert (old["status"], old["cancel_reason"]) == ("CANCELLED", f"NetSuite sales order {so} lines 2 closed")
    new, lines = shop.wms_order(f"NS-SO-{so}-R2")
    assert (new["status"], new["external_id"]) == ("NEW", so)
    assert [(ln["sku"], ln["quantity"], ln["external_line_id"]) for ln in lines] == [("BOOT-42", 1, "1")]
    stock = {s["sku"]: s["allocated"] for s in shop.wms("wms_stock")}
    assert stock["SOCK-3P"] == 0  # the cancelled order's allocation went back to the shelf
    assert engine.state.mapped("wms", "order", so) == f"NS-SO-{so}-R2"
    assert engine.state.exceptions() == []
    _untouched_books(shop)
    mark = journal_mark(shop.world)
    assert engine.run_pass().completed
    assert writes_since(shop.world, mark) == []


def test_a_closed_order_is_cancelled_in_the_wms_while_it_can_be(shop: OrderWorld, make_engine: Any) -> None:
    so, engine = _sent(shop, make_engine, [("BOOT", 1), ("SOCK", 1)])
    _close(shop, so, 1, 2)
    assert shop.ns_record("salesOrder", so)["status"] == "H"
    assert engine.run_pass().stats.counts["cancellations"] == {"cancelled": 1}
    order, _ = shop.wms_order(f"NS-SO-{so}")
    assert (order["status"], order["cancel_reason"]) == ("CANCELLED", f"NetSuite sales order {so} closed")
    assert len(shop.wms("wms_orders")) == 1  # nothing left to replace it with
    assert engine.state.exceptions() == []


def test_a_close_after_picking_started_is_flagged_and_nothing_is_refunded(
    shop: OrderWorld, make_engine: Any
) -> None:
    so, engine = _sent(shop, make_engine, [("BOOT", 1), ("SOCK", 1)])
    shop.floor(f"NS-SO-{so}", "release", "pick")
    _close(shop, so, 1, 2)
    mark = journal_mark(shop.world)
    assert engine.run_pass().completed
    assert writes_since(shop.world, mark) == []  # no cancel sent, nothing closed or credited
    order, _ = shop.wms_order(f"NS-SO-{so}")
    assert order["status"] == "PICKING"
    [entry] = engine.state.exceptions()
    assert (entry.category, entry.flow) == ("cancel_after_release", "cancellations")
    assert entry.records == {
        "salesOrder": so,
        "clientReference": f"NS-SO-{so}",
        "netsuiteStatus": "H",
        "closedLines": ["1", "2"],
        "wmsStatus": "PICKING",
    }
    assert entry.error["wms"]["status"] == "PICKING"
    _untouched_books(shop)
    # flagged once: later passes do not raise it again
    assert engine.run_pass().completed
    assert [e.occurrences for e in engine.state.exceptions()] == [1]
    # the team stops the shipment in the warehouse: the flag is resolved
    shop.world.act("wms", "cancel", {"order": f"NS-SO-{so}", "reason": "customer cancelled"})
    assert engine.run_pass().completed
    assert engine.state.exceptions() == []


def test_without_the_cancel_check_a_refused_cancel_is_taken_as_done(
    shop: OrderWorld, make_engine: Any
) -> None:
    so, engine = _sent(shop, make_engine, [("BOOT", 1)], mutant="no-cancel-check")
    shop.floor(f"NS-SO-{so}", "release", "pick")
    _close(shop, so, 1)
    mark = journal_mark(shop.world)
    assert engine.run_pass().completed
    cancels = [
        (e["method"], e["path"], e["status"])
        for e in requests_since(shop.world, mark)
        if e["system"] == "wms" and e["path"].endswith("/cancel")
    ]
    order, _ = shop.wms_order(f"NS-SO-{so}")
    assert cancels == [("POST", f"/api/v1/orders/{order['id']}/cancel", 409)]
    assert order["status"] == "PICKING"  # the goods keep moving ...
    assert engine.state.exceptions() == []  # ... and nobody is told
    assert engine.state.mapped("wms", "open-order", so) is None


def test_a_cancel_refused_because_picking_just_started_is_flagged(shop: OrderWorld, make_engine: Any) -> None:
    so, engine = _sent(shop, make_engine, [("BOOT", 1)])
    shop.floor(f"NS-SO-{so}", "release", "pick")
    _close(shop, so, 1)
    # the engine read the order just before the picker started: it still saw RELEASED
    real = engine.ctx.wms.order_by_reference
    engine.ctx.wms.order_by_reference = lambda ref: {**real(ref), "status": "RELEASED"}  # type: ignore[method-assign]
    mark = journal_mark(shop.world)
    assert engine.run_pass().completed
    assert writes_since(shop.world, mark) == [
        f"wms POST /api/v1/orders/{shop.wms_order(f'NS-SO-{so}')[0]['id']}/cancel -> 409"
    ]
    [entry] = engine.state.exceptions()
    assert (entry.category, entry.records["wmsStatus"]) == ("cancel_after_release", "PICKING")
    assert entry.error["wms"]["errorCode"] == "ORDER_NOT_CANCELLABLE"


def test_an_order_the_warehouse_cancels_on_its_own_is_reported(shop: OrderWorld, make_engine: Any) -> None:
    so, engine = _sent(shop, make_engine, [("BOOT", 1)])
    shop.world.act("wms", "cancel", {"order": f"NS-SO-{so}", "reason": "damaged in store"})
    assert engine.run_pass().completed
    [entry] = engine.state.exceptions()
    assert (entry.category, entry.records) == (
        "wms_cancelled",
        {"salesOrder": so, "clientReference": f"NS-SO-{so}"},
    )
    assert "damaged in store" in entry.summary
    assert (
        shop.ns_record("salesOrder", so)["status"] == "B"
    )  # NetSuite is the team's decision, not the engine's
    assert engine.run_pass().completed
    assert [e.occurrences for e in engine.state.exceptions()] == [1]


def test_a_warehouse_hold_is_reported_while_it_lasts_and_resolved_once_released(
    shop: OrderWorld, make_engine: Any
) -> None:
    so, engine = _sent(shop, make_engine, [("BOOT", 25)])
    shop.floor(f"NS-SO-{so}", "release")  # 20 boots on the shelf for 25 ordered: HOLDING, SHORT_STOCK
    assert engine.run_pass().completed
    [entry] = engine.state.exceptions()
    assert (entry.category, entry.flow, entry.records) == (
        "wms_hold",
        "cancellations",
        {"salesOrder": so, "clientReference": f"NS-SO-{so}", "holdCode": "SHORT_STOCK"},
    )
    assert entry.summary.startswith(
        f"WMS order NS-SO-{so} (sales order {so}) is on hold at the warehouse "
        "(SHORT_STOCK: Insufficient stock for SKU 'BOOT-42'"
    )
    assert engine.run_pass().completed and engine.state.exceptions()[0].occurrences == 1  # reported once
    naive = make_engine(mutant="no-hold-alerts", **FLOWS)
    naive.state.resolve_exception(f"wms-hold:NS-SO-{so}:1")
    assert naive.run_pass().completed and naive.state.exceptions() == []
    wms_stock(shop.world, {"BOOT-42": 10})
    shop.world.act("wms", "reevaluate_holds", {})
    assert shop.wms_order(f"NS-SO-{so}")[0]["status"] == "RELEASED"
    assert engine.run_pass().completed and engine.state.exceptions() == []
    assert engine.state.mapping_rows("wms", "held-order") == {}
