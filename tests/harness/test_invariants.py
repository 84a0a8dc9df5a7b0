"""The invariants framework and the order-to-warehouse invariants on small hand-made worlds.

Orders, fulfilment, cancellations, order lines, periods and failures: valid when they should be, and the
evidence when they are not.
"""

from __future__ import annotations

from harness.invariants import check

from .invariant_worlds import GUIDE, SO, TENT, _ctx, _messages, _order, _rec, _so


def test_one_wms_order_per_sales_order() -> None:
    assert _messages("one_wms_order_per_sales_order", _ctx({"salesOrder": [_so()]}, [_order(1)])) == []
    assert _messages(
        "one_wms_order_per_sales_order", _ctx({"salesOrder": [_so()]}, [_order(1), _order(2)])
    ) == ["sales order SO1 has 2 live WMS orders (duplicates)"]
    replaced = [_order(1, "CANCELLED"), _order(2)]
    assert _messages("one_wms_order_per_sales_order", _ctx({"salesOrder": [_so()]}, replaced)) == []
    assert _messages("one_wms_order_per_sales_order", _ctx({"salesOrder": [_so()]}, [], [])) == [
        "sales order SO1 (status B) never reached the WMS and is not in the connector's exception queue"
    ]
    flagged = [{"category": "rejected_order", "summary": "refused", "records": {"salesOrder": str(SO)}}]
    assert _messages("one_wms_order_per_sales_order", _ctx({"salesOrder": [_so()]}, [], flagged)) == []
    assert _messages("one_wms_order_per_sales_order", _ctx({"salesOrder": []}, [_order(1)])) == [
        "WMS order SO1 belongs to no NetSuite sales order"
    ]
    assert (
        _messages("one_wms_order_per_sales_order", _ctx({"salesOrder": []}, [_order(1)]), orphans=False) == []
    )


def test_one_fulfillment_per_despatch() -> None:
    sent = [_order(1, "DESPATCHED", tracking="TRK1")]
    good = _rec(
        30,
        {
            "createdFrom": {"id": str(SO)},
            "item": [{"item": {"id": str(TENT)}, "quantity": 2}],
            "package": [{"packageTrackingNumber": "TRK1"}],
        },
    )
    assert (
        _messages(
            "one_fulfillment_per_despatch", _ctx({"salesOrder": [_so()], "itemFulfillment": [good]}, sent)
        )
        == []
    )
    assert _messages("one_fulfillment_per_despatch", _ctx({"salesOrder": [_so()]}, sent)) == [
        "sales order SO1 was despatched by the WMS but has no item fulfilment (and nothing in the exception queue)"
    ]
    twice = _ctx({"salesOrder": [_so()], "itemFulfillment": [good, {**good, "id": 31}]}, sent)
    assert _messages("one_fulfillment_per_despatch", twice) == [
        "sales order SO1: 2 item fulfilments for 1 despatch(es) (duplicates)"
    ]
    short = _rec(30, {"createdFrom": {"id": str(SO)}, "item": [{"item": {"id": str(TENT)}, "quantity": 1}]})
    assert _messages(
        "one_fulfillment_per_despatch", _ctx({"salesOrder": [_so()], "itemFulfillment": [short]}, sent)
    ) == [
        "sales order SO1: fulfilled quantities {'10': 1.0} differ from what the WMS shipped {'10': 2.0} (item id -> "
        "quantity)",
        "sales order SO1: tracking number TRK1 of the despatch is not on the item fulfilment",
    ]
    early = _ctx({"salesOrder": [_so()], "itemFulfillment": [good]}, [_order(1, "PICKING")])
    assert _messages("one_fulfillment_per_despatch", early) == [
        "sales order SO1 has 1 item fulfilment(s) but its WMS order was never despatched"
    ]


def test_cancellations() -> None:
    picked = _ctx({"salesOrder": [_so("H", closed=True)]}, [_order(1, "PICKING")], [])
    assert _messages("no_unflagged_refund_after_pick", picked) == [
        "sales order SO1 was closed in NetSuite while its WMS order was already PICKING, and the connector's "
        "exception queue has no 'cancel_after_release' entry for it"
    ]
    flagged = [{"category": "cancel_after_release", "summary": "SO1 picked", "records": {"tranId": "SO1"}}]
    assert (
        _messages(
            "no_unflagged_refund_after_pick",
            _ctx({"salesOrder": [_so("H", closed=True)]}, [_order(1, "PICKING")], flagged),
        )
        == []
    )
    refund = _rec(40, {"createdFrom": {"id": str(SO)}})
    assert (
        len(
            _messages(
                "no_unflagged_refund_after_pick",
                _ctx({"salesOrder": [_so()], "creditMemo": [refund]}, [_order(1, "DESPATCHED")], []),
            )
        )
        == 1
    )
    assert _messages(
        "cancel_reaches_wms", _ctx({"salesOrder": [_so("H", closed=True)]}, [_order(1, "RELEASED")])
    ) == [
        "sales order SO1 is cancelled in NetSuite but its WMS order SO1 is still RELEASED (the cancel never reached "
        "the warehouse)"
    ]
    assert (
        _messages(
            "cancel_reaches_wms", _ctx({"salesOrder": [_so("H", closed=True)]}, [_order(1, "CANCELLED")])
        )
        == []
    )


def test_nothing_posted_in_closed_period() -> None:
    period = _rec(
        5,
        {
            "periodName": "Jan 2026",
            "startDate": "2026-01-01",
            "endDate": "2026-01-31",
            "closed": True,
            "closedOnDate": "2026-02-03",
        },
    )
    before = _rec(30, {"tranDate": "2026-01-20", "tranId": "IF1"}, created="2026-01-20T10:00:00+00:00")
    after = _rec(31, {"tranDate": "2026-01-30", "tranId": "IF2"}, created="2026-02-05T10:00:00+00:00")
    ctx = _ctx({"accountingPeriod": [period], "itemFulfillment": [before, after]})
    assert _messages("nothing_posted_in_closed_period", ctx) == [
        "itemFulfillment IF2 dated 2026-01-30 was posted on 2026-02-05 into Jan 2026, closed on 2026-02-03"
    ]


def test_physical_lines_only_in_wms() -> None:
    assert _messages("physical_lines_only_in_wms", _ctx({"salesOrder": [_so()]}, [_order(1)])) == []
    both = _ctx({"salesOrder": [_so()]}, [_order(1, "HOLDING", [("TENT", 2), ("GUIDE", 1)])])
    assert _messages("physical_lines_only_in_wms", both) == [
        "WMS order SO1 of sales order SO1 carries non-physical lines: GUIDE (downloadItem)"
    ]
    short = _ctx({"salesOrder": [_so()]}, [_order(1, "NEW", [("TENT", 1)])])
    assert _messages("physical_lines_only_in_wms", short) == [
        "the live WMS order(s) of sales order SO1 lack physical lines (item id -> quantity): {'10': 2.0}"
    ]


def test_every_failure_surfaced() -> None:
    assert check("every_failure_surfaced", _ctx()).note == "the connector declares no exception queue"
    held = _order(1, "HOLDING")
    held[0]["hold_reason"] = "SKU 'TENT' is not in the item master"
    assert _messages("every_failure_surfaced", _ctx({"salesOrder": [_so()]}, [held], [{"summary": "?"}])) == [
        "WMS order SO1 is on hold: SKU 'TENT' is not in the item master, and the connector's exception queue does not "
        "mention it",
        "an exception-queue entry has no category",
    ]


def test_unknown_invariants_and_bad_parameters_are_findings() -> None:
    unknown = check("one_order_per_moon", _ctx())
    assert not unknown.valid and unknown.findings[0].message.startswith(
        "unknown invariant 'one_order_per_moon'"
    )
    bad = check("one_wms_order_per_sales_order", _ctx(), {"colour": "red"})
    assert not bad.valid and bad.findings[0].message.startswith("bad parameters:")


def test_a_line_closed_after_picking_needs_a_flag_too() -> None:
    so = _so()
    so["body"]["item"][0]["isClosed"] = True  # the tent line, which the warehouse is picking
    picked = _ctx({"salesOrder": [so]}, [_order(1, "PICKING")], [])
    assert _messages("no_unflagged_refund_after_pick", picked) == [
        "sales order SO1 was partly closed (a line) in NetSuite while its WMS order was already PICKING, and the "
        "connector's exception queue has no 'cancel_after_release' entry for it"
    ]
    so["body"]["item"][0]["isClosed"], so["body"]["item"][1]["isClosed"] = (
        False,
        True,
    )  # the download: not picked
    assert (
        _messages("no_unflagged_refund_after_pick", _ctx({"salesOrder": [so]}, [_order(1, "PICKING")], []))
        == []
    )


def test_internal_ids_are_unique_per_family_only() -> None:
    so = _so()
    so["id"] = TENT  # NetSuite numbers transactions and items separately: sales order 10 and item 10 coexist
    order, lines = _order(1, "NEW", [("TENT", 2), ("GUIDE", 1)])
    order["external_id"] = str(TENT)
    ctx = _ctx({"salesOrder": [so], "customer": [_rec(GUIDE, {"entityId": "C1"})]}, [(order, lines)])
    assert _messages("physical_lines_only_in_wms", ctx) == [
        "WMS order SO1 of sales order SO1 carries non-physical lines: GUIDE (downloadItem)"
    ]
    assert _messages("one_wms_order_per_sales_order", ctx) == []


def test_findings_carry_the_requests_that_made_them() -> None:
    ctx = _ctx({"salesOrder": [_so()]}, [_order(1), _order(2)])
    ctx.journals["wms"] = [
        {"seq": 4, "method": "POST", "path": "/api/v1/orders", "status": 0, "fault": "reset_after"},
        {"seq": 5, "method": "POST", "path": "/api/v1/orders", "status": 201, "fault": None},
        {"seq": 6, "method": "GET", "path": "/api/v1/orders", "status": 200, "fault": None},
    ]
    finding = check("one_wms_order_per_sales_order", ctx).findings[0]
    assert [(r["seq"], r["fault"]) for r in finding.requests] == [(4, "reset_after"), (5, None)]


def test_a_sales_order_whose_wms_orders_were_all_cancelled_with_lines_left_to_ship() -> None:
    cancelled = [_order(1, "CANCELLED")]
    assert _messages("one_wms_order_per_sales_order", _ctx({"salesOrder": [_so()]}, cancelled)) == [
        "sales order SO1 still has open lines to ship but every WMS order it had is cancelled (nothing replaced "
        "them) and the exception queue does not mention it"
    ]
    flagged = [{"category": "wms_cancelled", "summary": "the warehouse cancelled SO1", "records": {}}]
    assert _messages("one_wms_order_per_sales_order", _ctx({"salesOrder": [_so()]}, cancelled, flagged)) == []
    assert (
        _messages("one_wms_order_per_sales_order", _ctx({"salesOrder": [_so("H", closed=True)]}, cancelled))
        == []
    )
    fulfilled = _so("F")
    fulfilled["body"]["item"][0]["quantityFulfilled"] = 2.0
    assert _messages("one_wms_order_per_sales_order", _ctx({"salesOrder": [fulfilled]}, cancelled)) == []
    assert (
        _messages("one_wms_order_per_sales_order", _ctx({"salesOrder": [_so()]}, cancelled), missing=False)
        == []
    )


def test_a_former_wms_sku_names_the_product_it_belonged_to_unless_another_holds_it_now() -> None:
    """Despatches keep the code they shipped under after a SKU correction (wms_product_sku_history)."""
    from harness.invariants.common import wms_sku_to_item
    from harness.views import NetSuiteView, WmsView

    ns = NetSuiteView(
        {"records": {"inventoryItem": [_rec(TENT, {"itemId": "TENT-24"}), _rec(GUIDE, {"itemId": "G"})]}}
    )
    wms = WmsView(
        {
            "wms_products": [
                {"id": 1, "sku": "TENT-24", "external_id": str(TENT)},
                {"id": 2, "sku": "G-OLD", "external_id": str(GUIDE)},
            ],
            "wms_product_sku_history": [{"product_id": 1, "sku": "TENT"}, {"product_id": 1, "sku": "G-OLD"}],
        }
    )
    assert wms_sku_to_item(ns, wms, "TENT") == str(TENT)
    assert wms_sku_to_item(ns, wms, "G-OLD") == str(GUIDE)  # a product holds that code now
    assert wms_sku_to_item(ns, wms, "NEVER") is None


def test_a_despatch_under_a_corrected_sku_matches_its_fulfilment() -> None:
    sent = [_order(1, "DESPATCHED", [("TENT-OLD", 2)], tracking="TRK1")]
    good = _rec(
        30,
        {
            "createdFrom": {"id": str(SO)},
            "item": [{"item": {"id": str(TENT)}, "quantity": 2}],
            "package": [{"packageTrackingNumber": "TRK1"}],
        },
    )
    ctx = _ctx({"salesOrder": [_so()], "itemFulfillment": [good]}, sent)
    assert _messages("one_fulfillment_per_despatch", ctx) == [
        "sales order SO1: fulfilled quantities {'10': 2.0} differ from what the WMS shipped {'sku:TENT-OLD': 2.0} "
        "(item id -> quantity)"
    ]
    ctx = _ctx({"salesOrder": [_so()], "itemFulfillment": [good]}, sent)
    ctx.state["wms"]["wms_products"] = [{"id": 1, "sku": "TENT", "external_id": str(TENT)}]
    ctx.state["wms"]["wms_product_sku_history"] = [{"product_id": 1, "sku": "TENT-OLD"}]
    assert _messages("one_fulfillment_per_despatch", ctx) == []
