"""The POS invariants on small hand-made worlds: each sale in NetSuite once, Z reports against journals."""

from __future__ import annotations

from typing import Any

from harness.invariants import check

from .invariant_worlds import _ctx, _messages, _rec


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
