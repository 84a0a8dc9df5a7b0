"""Each invariant on small hand-made worlds: valid when it should be, and the evidence when it is not."""

from __future__ import annotations

from typing import Any

from harness.invariants import Context, check
from harness.refs import RefMap

TENT, GUIDE, SO = 10, 11, 20


def _rec(rid: int, body: dict[str, Any], created: str = "2026-01-05T09:00:00+00:00") -> dict[str, Any]:
    return {"id": rid, "createdAt": created, "body": body}


def _so(status: str = "B", closed: bool = False, tran: str = "SO1") -> dict[str, Any]:
    return _rec(
        SO,
        {
            "tranId": tran,
            "externalId": tran,
            "status": status,
            "item": [
                {"line": 1, "item": {"id": str(TENT)}, "quantity": 2.0, "isClosed": closed},
                {"line": 2, "item": {"id": str(GUIDE)}, "quantity": 1.0, "isClosed": closed},
            ],
        },
    )


def _order(
    oid: int, status: str = "NEW", lines: list[tuple[str, int]] | None = None, tracking: str | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    order = {
        "id": oid,
        "client_reference": "SO1" if oid == 1 else f"SO1-{oid}",
        "external_id": str(SO),
        "status": status,
        "hold_reason": None,
        "tracking_number": tracking,
    }
    rows = [
        {
            "order_id": oid,
            "line_index": i,
            "sku": sku,
            "quantity": q,
            "quantity_picked": q,
            "quantity_shipped": q if status == "DESPATCHED" else 0,
        }
        for i, (sku, q) in enumerate(lines or [("TENT", 2)])
    ]
    return order, rows


def _ctx(
    records: dict[str, list[dict[str, Any]]] | None = None,
    orders: list[Any] | None = None,
    exceptions: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    refs: RefMap | None = None,
) -> Context:
    base = {
        "inventoryItem": [_rec(TENT, {"itemId": "TENT"})],
        "downloadItem": [_rec(GUIDE, {"itemId": "GUIDE"})],
    }
    base.update(records or {})
    wms = {
        "wms_orders": [o for o, _ in orders or []],
        "wms_order_lines": [ln for _, ls in orders or [] for ln in ls],
        "wms_products": [{"sku": "TENT", "external_id": str(TENT)}],
    }
    state = {"netsuite": {"records": base, "inventory": []}, "wms": wms, **(extra or {})}
    return Context(state=state, journals={}, exceptions=exceptions, refs=refs or RefMap())


def _messages(name: str, ctx: Context, **params: Any) -> list[str]:
    result = check(name, ctx, params)
    assert result.valid == (not result.findings)
    return [f.message for f in result.findings]


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


def test_stock_agrees() -> None:
    refs = RefMap()
    refs.add("MAIN", "location", netsuite=1, wms=1)
    refs.add("TENT", "item", netsuite=TENT, physical=True, wms_sku="TENT")
    ctx = _ctx(refs=refs, extra={"wms": {"wms_stock": [{"sku": "TENT", "warehouse_id": 1, "on_hand": 7}]}})
    ctx.state["netsuite"]["inventory"] = [{"item": TENT, "location": 1, "lot": 0, "bin": 0, "onHand": 9.0}]
    assert _messages("stock_agrees", ctx) == ["TENT at MAIN: NetSuite has 9 on hand, the WMS 7"]
    assert check("stock_agrees", _ctx()).note == "the world mirrors no item at any location"


def test_pos_sales_in_netsuite_once() -> None:
    # the POS keeps amounts in integer cents (as its state dump shows them); NetSuite in currency units
    pos = {
        "pos_orders": [
            {"orderid": 7, "moneytotal_gross_all": 1200, "zreportid": 1},
            {"orderid": 8, "moneytotal_gross_all": 500, "zreportid": 1},
            {"orderid": 9, "moneytotal_gross_all": -600, "zreportid": 1, "creditorderid": 7},
        ],
        "pos_zreports": [{"zreportid": 1, "moneysalestotal": 1700, "moneyrefundtotal": -600}],
    }
    sale = _rec(50, {"externalId": "POS-7", "total": 12.0})
    refund = _rec(52, {"externalId": "SITOO-9", "total": 6.0})
    ctx = _ctx(
        {"cashSale": [sale, {**sale, "id": 51}], "cashRefund": [refund]}, extra={"pos": pos}, exceptions=[]
    )
    assert _messages("pos_sales_in_netsuite_once", ctx) == [
        "POS order 7 is in NetSuite 2 times",
        "POS order 8 is not in NetSuite (nor in the exception queue)",
        "Z report 1: sales minus refunds 11.00, NetSuite 6.00",
    ]
    eight = _rec(53, {"externalId": "SITOO-8", "total": 5.0})
    ctx = _ctx({"cashSale": [sale, eight], "cashRefund": [refund]}, extra={"pos": pos}, exceptions=[])
    assert _messages("pos_sales_in_netsuite_once", ctx) == []


def _pos_world(level: int, pushed: int | None) -> Context:
    """A store (POS warehouse 3 = NetSuite location 2) holding MUG; ``pushed``: a connector push of that many."""
    refs = RefMap()
    refs.add("STORE", "location", netsuite=2, pos=3)
    refs.add("MUG", "item", netsuite=TENT, physical=True, pos_sku="MUG")
    txs = [{"warehousetransactionid": 1, "warehouseid": 3}, {"warehousetransactionid": 2, "warehouseid": 3}]
    rows = [{"warehousetransactionid": 1, "sku": "MUG", "quantity_milli": 10_000}]
    journal: list[dict[str, Any]] = []
    if pushed is not None:
        rows.append({"warehousetransactionid": 2, "sku": "MUG", "quantity_milli": pushed * 1000})
        journal = [
            {
                "method": "POST",
                "path": "/v2/accounts/1/sites/1/warehousetransactions.json",
                "status": 200,
                "response_body": '[{"statuscode":200,"return":2}]',
            }
        ]
    pos = {
        "pos_warehouse_items": [{"warehouseid": 3, "sku": "MUG", "total_milli": level * 1000}],
        "pos_warehouse_transactions": txs,
        "pos_warehouse_transaction_items": rows,
    }
    ctx = _ctx(refs=refs, extra={"pos": pos})
    ctx.state["netsuite"]["inventory"] = [{"item": TENT, "location": 2, "lot": 0, "bin": 0, "onHand": 8.0}]
    ctx.journals["pos"] = journal
    return ctx


def test_stock_agrees_sees_through_the_connector_pushing_its_own_figure_to_the_till() -> None:
    # sold 2, refunded 1 (the till has 9); NetSuite got a refund of quantity 0 (8) and the connector pushed -1
    assert _messages("stock_agrees", _pos_world(8, pushed=-1), systems=["pos"]) == [
        "MUG at STORE: NetSuite has 8 on hand, the store 9"
    ]
    assert _messages("stock_agrees", _pos_world(8, pushed=-1), systems=["pos"], store_pushes=True) == []
    assert _messages("stock_agrees", _pos_world(8, pushed=None), systems=["pos"]) == []
    assert _messages("stock_agrees", _pos_world(9, pushed=None), systems=["pos"]) == [
        "MUG at STORE: NetSuite has 8 on hand, the store 9"
    ]


def test_pos_z_reports_match_netsuite_journals() -> None:
    pos = {
        "pos_zreports": [
            {"zreportid": 1, "registerid": "R1", "moneysalestotal": 3000, "moneyrefundtotal": -600}
        ],
        "pos_registers": [{"registerid": "R1", "storeid": 4}],
        "pos_stores": [{"storeid": 4, "externalid": "2"}],
        "pos_orders": [
            {"orderid": 1, "zreportid": 1, "moneyfinal_vat": 500},
            {"orderid": 2, "zreportid": 1, "moneyfinal_vat": -100},
        ],
    }
    accounts = [
        _rec(1, {"acctType": "Bank"}),
        _rec(2, {"acctType": "Income"}),
        _rec(3, {"acctType": "OthCurrLiab"}),
    ]

    def journal(vat: float, sales: float) -> dict[str, Any]:
        at = {"location": {"id": "2"}}
        return _rec(
            60,
            {
                "externalId": "DAY-1",
                "line": {
                    "items": [
                        {"account": {"id": "1"}, "debit": 24.0, **at},
                        {"account": {"id": "2"}, "debit": 5.0, **at},
                        {"account": {"id": "2"}, "credit": sales, **at},
                        {"account": {"id": "3"}, "credit": vat, **at},
                    ]
                },
            },
        )

    ctx = _ctx({"account": accounts, "journalEntry": [journal(4.0, 25.0)]}, extra={"pos": pos}, exceptions=[])
    assert _messages("pos_z_reports_match_netsuite_journals", ctx) == []
    ctx = _ctx(
        {"account": accounts, "journalEntry": [journal(3.99, 25.0)]}, extra={"pos": pos}, exceptions=[]
    )
    assert _messages("pos_z_reports_match_netsuite_journals", ctx) == [
        "journal 60 does not balance: debits 29.00, credits 28.99",
        "store at NetSuite location 2: the Z reports' VAT 4.00, NetSuite's journals 3.99",
    ]
    ctx = _ctx({"account": accounts}, extra={"pos": pos}, exceptions=[])
    assert _messages("pos_z_reports_match_netsuite_journals", ctx) == [
        "store at NetSuite location 2: the Z reports' takings (sales minus refunds) 24.00, NetSuite's journals 0.00",
        "store at NetSuite location 2: the Z reports' VAT 4.00, NetSuite's journals 0.00",
    ]
    assert check("pos_z_reports_match_netsuite_journals", _ctx()).note == "no till printed a Z report"


def test_lots() -> None:
    qms = {
        "qms_lots": [
            {"id": 1, "lot_number": "L1", "status": "QUARANTINE", "inspection_result": None},
            {"id": 2, "lot_number": "L2", "status": "LOCKED", "locked_at": "2026-01-05"},
            {"id": 3, "lot_number": "FG1", "status": "RELEASED"},
        ],
        "qms_production_runs": [{"id": 9, "output_lot_id": 3}],
        "qms_consumptions": [{"run_id": 9, "lot_id": 2}],
    }
    ctx = _ctx({"inventoryNumber": [_rec(60, {"inventoryNumber": "L1"})]}, extra={"qms": qms})
    ctx.state["netsuite"]["inventory"] = [{"item": TENT, "location": 1, "lot": 60, "bin": 0, "onHand": 5.0}]
    assert _messages("netsuite_lots_released", ctx) == [
        "NetSuite holds lot L1, which the QMS has as QUARANTINE (never released)"
    ]
    assert _messages("recalled_lot_locked_everywhere", ctx) == [
        "lot FG1 was made from recalled lot L2 but is RELEASED"
    ]


def test_a_recalled_lot_must_be_held_out_of_sale_in_netsuite() -> None:
    qms = {"qms_lots": [{"id": 2, "lot_number": "L2", "status": "LOCKED", "locked_at": "2026-01-05"}]}
    locations = [_rec(1, {"name": "Main"}), _rec(9, {"name": "Recall hold", "makeInventoryAvailable": False})]
    ctx = _ctx(
        {"inventoryNumber": [_rec(61, {"inventoryNumber": "L2"})], "location": locations}, extra={"qms": qms}
    )
    ctx.state["netsuite"]["inventory"] = [{"item": TENT, "location": 1, "lot": 61, "bin": 0, "onHand": 4.0}]
    assert _messages("recalled_lot_locked_everywhere", ctx) == [
        "recalled lot L2 is still available for sale in NetSuite: 4 on hand at location 1"
    ]
    ctx.state["netsuite"]["inventory"] = [
        {"item": TENT, "location": 9, "lot": 61, "bin": 0, "onHand": 4.0},
        {"item": TENT, "location": 1, "lot": 61, "bin": 0, "onHand": 0.0},
    ]
    assert _messages("recalled_lot_locked_everywhere", ctx) == []
    # a fulfilment issuing the lot (by its inventoryNumber id) after the lock
    ctx.state["netsuite"]["records"]["itemFulfillment"] = [
        _rec(
            95,
            {
                "item": [
                    {
                        "inventoryDetail": {
                            "inventoryAssignment": [{"issueInventoryNumber": {"id": "61"}, "quantity": 1}]
                        }
                    }
                ]
            },
            "2026-01-06T10:00:00+00:00",
        )
    ]
    assert _messages("recalled_lot_locked_everywhere", ctx) == [
        "NetSuite fulfilment 95 shipped recalled lot L2 after it was locked"
    ]


def _receipt(rid: int, number: str, quantity: float) -> dict[str, Any]:
    return _rec(
        rid,
        {
            "item": [
                {
                    "line": 1,
                    "inventoryDetail": {
                        "inventoryAssignment": [{"receiptInventoryNumber": number, "quantity": quantity}]
                    },
                }
            ]
        },
    )


def test_each_released_lot_is_received_once_for_its_quantity() -> None:
    def lot(n: int, number: str, result: str | None, status: str = "RELEASED") -> dict[str, Any]:
        return {
            "id": n,
            "lot_number": number,
            "status": status,
            "initial_m": 50_000,
            "source": "RECEIPT",
            "inspection_result": result,
        }

    qms = {
        "qms_lots": [
            lot(1, "L1", "PASS"),
            lot(2, "L2", "PASS"),
            lot(3, "L3", "FAIL", "REJECTED"),
            lot(4, "L4", "PASS"),
            lot(5, "L5", "PASS"),
            lot(6, "L6", None, "QUARANTINE"),
        ]
    }
    receipts = [
        _receipt(70, "L1", 50),
        _receipt(71, "L2", 50),
        _receipt(72, "L2", 50),
        _receipt(73, "L3", 50),
        _receipt(74, "L5", 40),
    ]
    ctx = _ctx({"itemReceipt": receipts}, extra={"qms": qms}, exceptions=[])
    assert _messages("lots_received_once", ctx) == [
        "lot L2: NetSuite received 100 in 2 receipt(s), the QMS received 50",
        "NetSuite received lot L3, which QC never released (REJECTED)",
        "released lot L4 never reached NetSuite (nor the exception queue)",
        "lot L5: NetSuite received 40 in 1 receipt(s), the QMS received 50",
    ]
    flagged = _ctx(
        {"itemReceipt": receipts[:1]},
        extra={"qms": {"qms_lots": [qms["qms_lots"][3]]}},
        exceptions=[{"category": "closed_period", "summary": "lot L4 waits", "records": {"lot": "L4"}}],
    )
    assert _messages("lots_received_once", flagged) == []


def test_a_build_issues_the_lots_its_run_consumed() -> None:
    qms = {
        "qms_lots": [
            {"id": 1, "lot_number": "COCOA-1", "status": "RELEASED", "inspection_result": "PASS"},
            {"id": 2, "lot_number": "BAR-1", "status": "RELEASED", "inspection_result": "PASS"},
        ],
        "qms_production_runs": [{"id": 5, "output_lot_id": 2}],
        "qms_consumptions": [{"run_id": 5, "lot_id": 1, "quantity_m": 10_000}],
    }
    build = _rec(
        90,
        {
            "tranId": "BLD1",
            "inventoryDetail": {"inventoryAssignment": [{"receiptInventoryNumber": "BAR-1", "quantity": 20}]},
            "component": [
                {
                    "item": {"id": "1"},
                    "componentInventoryDetail": {
                        "inventoryAssignment": [{"issueInventoryNumber": {"id": "61"}, "quantity": 10}]
                    },
                }
            ],
        },
    )
    numbers = [_rec(61, {"inventoryNumber": "COCOA-1"})]
    ctx = _ctx({"inventoryNumber": numbers, "assemblyBuild": [build]}, extra={"qms": qms}, exceptions=[])
    assert _messages("builds_trace_their_lots", ctx) == []
    build["body"]["component"] = []
    assert _messages("builds_trace_their_lots", ctx) == [
        "NetSuite build BLD1 of finished lot BAR-1 issues no lot; QMS run 5 consumed COCOA-1 x 10"
    ]
    ctx = _ctx(
        {"inventoryNumber": numbers, "assemblyBuild": [build, {**build, "id": 91}]},
        extra={"qms": qms},
        exceptions=[],
    )
    assert _messages("builds_trace_their_lots", ctx) == [
        "finished lot BAR-1 of QMS run 5 is received by 2 NetSuite assembly builds"
    ]


def test_fulfilments_issue_released_lots_only() -> None:
    qms = {
        "qms_lots": [
            {"id": 1, "lot_number": "L-OK", "status": "RELEASED", "inspection_result": "PASS"},
            {"id": 2, "lot_number": "L-Q", "status": "QUARANTINE", "inspection_result": None},
        ]
    }
    numbers = [_rec(61, {"inventoryNumber": "L-OK"}), _rec(62, {"inventoryNumber": "L-Q"})]
    fulfilment = _rec(
        90,
        {
            "tranId": "IF1",
            "item": [
                {
                    "line": 1,
                    "inventoryDetail": {
                        "inventoryAssignment": [
                            {"issueInventoryNumber": {"id": "61"}, "quantity": 2},
                            {"issueInventoryNumber": {"id": "62"}, "quantity": 1},
                        ]
                    },
                }
            ],
        },
    )
    ctx = _ctx({"inventoryNumber": numbers, "itemFulfillment": [fulfilment]}, extra={"qms": qms})
    assert _messages("fulfilments_ship_released_lots", ctx) == [
        "NetSuite fulfilment IF1 ships lot L-Q, which QC never released (QUARANTINE)"
    ]


def test_ap_documents_once() -> None:
    ap = {
        "ap_parties": [{"pk": 1, "name": "Acme", "external_id": "70"}],
        "ap_documents": [
            {"pk": 1, "doc_type": "bill", "party_pk": 1, "number": "INV-1", "amount": 1000},
            {"pk": 2, "doc_type": "bill", "party_pk": 1, "number": "INV-2", "amount": 500},
        ],
        "ap_payments": [],
    }
    bill = _rec(80, {"tranId": "INV-1", "entity": {"id": "70"}})
    ctx = _ctx({"vendorBill": [bill, {**bill, "id": 81}]}, extra={"ap": ap}, exceptions=[])
    assert _messages("ap_documents_once", ctx) == [
        "AP bill INV-1 is in NetSuite 2 times",
        "AP bill INV-2 never reached NetSuite (nor the exception queue)",
    ]
    ap["ap_documents"][1]["external_id"] = "90"  # the AP bill came from NetSuite bill 90
    keyed = _rec(82, {"externalId": "ap-bill-00n02000000000000001", "tranId": "X"})
    ctx = _ctx({"vendorBill": [keyed, _rec(90, {"tranId": "Y"})]}, extra={"ap": ap}, exceptions=[])
    assert _messages("ap_documents_once", ctx) == []


def test_ap_vendors_match_by_kind_and_names() -> None:
    ap = {
        "ap_parties": [
            {
                "pk": 1,
                "role": "vendor",
                "name": "Office Depot",
                "account_type": "BUSINESS",
                "company_name": "Office Depot",
                "archived": False,
                "external_id": None,
            },
            {
                "pk": 2,
                "role": "vendor",
                "name": "Grace Hopper",
                "account_type": "PERSON",
                "first_name": "Grace",
                "last_name": "Hopper",
                "archived": False,
                "external_id": None,
            },
            {
                "pk": 3,
                "role": "vendor",
                "name": "Cher",
                "account_type": "PERSON",
                "first_name": "Cher",
                "last_name": "Cher",
                "archived": False,
                "external_id": "72",
            },
        ]
    }
    vendors = [
        _rec(70, {"companyName": "Office Depot", "externalId": "ap-vendor-00902000000000000001"}),
        _rec(71, {"companyName": "Grace Hopper", "externalId": "ap-vendor-00902000000000000002"}),
        _rec(72, {"isPerson": True, "firstName": "Cher", "lastName": "Cher"}),
    ]
    ctx = _ctx({"vendor": vendors}, extra={"ap": ap}, exceptions=[])
    assert _messages("ap_vendors_match", ctx) == [
        "AP individual Grace Hopper is NetSuite vendor 71 with person=False, first name None, last name None "
        "(expected 'Grace' 'Hopper')"
    ]
    ctx = _ctx({"vendor": vendors[2:]}, extra={"ap": ap}, exceptions=[])
    assert _messages("ap_vendors_match", ctx) == [
        "AP vendor Office Depot is in NetSuite 0 times",
        "AP vendor Grace Hopper is in NetSuite 0 times",
    ]


def test_ap_voids_and_credit_applications_reach_netsuite() -> None:
    ap = {
        "ap_parties": [{"pk": 1, "name": "Acme", "external_id": "70"}],
        "ap_documents": [
            {"pk": 1, "doc_type": "bill", "party_pk": 1, "number": "INV-1", "amount": 25000},
            {"pk": 2, "doc_type": "vendor_credit", "party_pk": 1, "number": "VC-1", "amount": 4000},
        ],
        "ap_allocations": [{"payment_pk": 1, "doc_pk": 1, "credit_pk": 2, "amount": 4000, "active": True}],
        "ap_payments": [{"pk": 1, "side": "AP", "status": "VOIDED", "amount": 6000}],
    }
    bill = _rec(80, {"tranId": "INV-1", "externalId": "ap-bill-00n02000000000000001"})
    credit = _rec(
        81,
        {
            "tranId": "VC-1",
            "externalId": "ap-vcr-vcr02000000000000002",
            "apply": [{"doc": {"id": "80"}, "apply": True, "amount": 40.0}],
        },
    )
    payment = _rec(82, {"externalId": "ap-pay-stp02000000000000001"})
    ctx = _ctx(
        {"vendorBill": [bill], "vendorCredit": [credit], "vendorPayment": [payment]},
        extra={"ap": ap},
        exceptions=[],
    )
    assert _messages("ap_voids_reach_netsuite", ctx) == [
        "AP payment stp02000000000000001 was voided in AP but is still NetSuite vendor payment 82"
    ]
    assert _messages("ap_credits_applied", ctx) == []
    credit["body"]["apply"] = []
    assert _messages("ap_credits_applied", ctx) == [
        "AP vendor credit VC-1 is applied in AP to NetSuite bill 80: 40.00 but NetSuite credit 81 to nothing"
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
