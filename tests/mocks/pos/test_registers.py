"""Cash registers and Z reports: the day's totals by payment method and VAT group equal its orders."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from .conftest import SITE, PosDriver, sale


def _expected(orders: list[dict[str, Any]]) -> dict[str, Any]:
    """What a Z report must say, computed independently from the orders themselves."""
    out: dict[str, Any] = {
        "sales": Decimal(0),
        "refunds": Decimal(0),
        "numsales": 0,
        "numrefund": 0,
        "pay": {"sales": defaultdict(Decimal), "refund": defaultdict(Decimal)},
        "vat": {"sales": defaultdict(Decimal), "refund": defaultdict(Decimal)},
    }
    for o in orders:
        kind, sign = ("refund", -1) if o["creditorderid"] else ("sales", 1)
        out["refunds" if kind == "refund" else "sales"] += sign * Decimal(o["moneytotal_gross_all"])
        out["numrefund" if kind == "refund" else "numsales"] += 1
        for p in o["payments"]:
            out["pay"][kind][p["name"]] += sign * Decimal(p["moneyamount"])
        for it in o["orderitems"]:
            out["vat"][kind][it["vatvalue"]] += sign * (
                Decimal(it["moneyitemtotal_net"]) + Decimal(it["moneyitemtotal_vat"])
            )
    return out


def test_z_report_totals_equal_the_days_orders_and_refunds(pos: PosDriver, world: dict[str, Any]) -> None:
    reg, other = world["stores"][0]["registerid"], world["stores"][1]["registerid"]
    assert pos.api("GET", f"{SITE}/cashregisters.json").get_json()["items"][0] == {
        "registerid": reg,
        "registerkey": "REG-0001-1",
        "registernumber": 1,
        "storeid": 1,
        "warehouseid": 1,
        "currencycode": "GBP",
    }
    pos.api("POST", f"{SITE}/orders.json", sale(reg, "S1"))
    pos.act(
        "ring_sale",
        {"registerid": reg, "lines": [{"sku": "BOOK-1", "quantity": 2}], "payment": "Cash"},
    )
    pos.act(
        "ring_sale",
        {
            "registerid": reg,
            "lines": [{"sku": "MUG-1", "quantity": 3, "discount": "1.50"}],
            "payments": [{"name": "Gift card", "amount": "10.00"}, {"name": "Card", "amount": "6.50"}],
        },
    )
    pos.act("refund", {"orderid": 1, "lines": [{"sku": "TEE-1", "quantity": 1}], "payment": "Cash"})
    pos.act("refund", {"orderid": 2, "reasoncode": "damaged"})
    pos.act("ring_sale", {"registerid": other, "lines": [{"sku": "TEE-1", "quantity": 1}]})  # another till
    pos.clock({"advance": "PT9H"})
    z = pos.act("close_day", {"registerid": reg, "moneycash_counted": "150.00", "staff": "Sam"})
    day = pos.api("GET", f"{SITE}/orders.json?registerid={reg}&num=100").get_json()["items"]
    assert [o["zreportid"] for o in day] == [1] * 5
    exp = _expected(day)
    assert (
        Decimal(z["moneysalestotal"])
        == exp["sales"]
        == Decimal("28.00") + Decimal("16.00") + Decimal("16.50")
    )
    assert (
        Decimal(z["moneyrefundtotal"]) == exp["refunds"] == Decimal("11.00") + Decimal("16.00")
    )  # 1 of 2 tees: half the 2.00 discount
    assert (
        (z["numsales"], z["numrefund"], z["numreceipts"])
        == (exp["numsales"], exp["numrefund"], 5)
        == (3, 2, 5)
    )
    assert {p["name"]: Decimal(p["moneytotal"]) for p in z["paymentssales"]} == dict(exp["pay"]["sales"])
    assert {p["name"]: Decimal(p["moneytotal"]) for p in z["paymentsrefund"]} == dict(exp["pay"]["refund"])
    assert {g["vatvalue"]: Decimal(g["moneytotal"]) for g in z["vatgroupssales"]} == dict(exp["vat"]["sales"])
    assert {g["vatvalue"]: Decimal(g["moneytotal"]) for g in z["vatgroupsrefund"]} == dict(
        exp["vat"]["refund"]
    )
    for g in z["vatgroupssales"] + z["vatgroupsrefund"]:
        assert Decimal(g["moneytotal"]) == Decimal(g["moneytotalnet"]) + Decimal(g["moneytotalvat"])
    assert z["moneysummarytotal"] == "33.50" and z["moneydiscount"] == "3.50"
    # cash: float 100.00 + 4.00 + 16.00 (sales) - 11.00 (the tee refund; the books went back on card)
    assert (z["moneycash_in"], z["moneycash_expected"], z["moneycash_counted"], z["moneycash_diff"]) == (
        "100.00",
        "109.00",
        "150.00",
        "41.00",
    )
    assert (z["dateopened"], z["datecreated"], z["staff"], z["store_id"]) == (
        1767603600,
        1767636000,
        "Sam",
        "CAM",
    )
    # the next day starts empty; only new orders go into the next report
    pos.clock({"advance": "PT15H"})
    pos.act("ring_sale", {"registerid": reg, "lines": [{"sku": "TEE-1", "quantity": 1}]})
    z2 = pos.act("close_day", {"registerid": reg})
    assert (z2["zreportid"], z2["numsales"], z2["moneysalestotal"], z2["numrefund"], z2["dateopened"]) == (
        2,
        1,
        "12.00",
        0,
        1767636000,
    )
    assert (z2["moneygrandtotalsales"], z2["moneygrandtotalrefund"], z2["moneycash_diff"]) == (
        "72.50",
        "27.00",
        "0.00",
    )
    listed = pos.api("GET", f"{SITE}/cashregisters/{reg}/zreports.json?datecreatedfrom=1767636001").get_json()
    assert listed["totalcount"] == 1 and listed["items"][0] == z2
    assert pos.api("GET", f"{SITE}/cashregisters/{reg}/zreports/1.json").get_json() == z
    assert pos.api("GET", f"{SITE}/cashregisters/{other}/zreports/1.json").status_code == 404
    assert pos.api("GET", f"{SITE}/cashregisters/NOPE.json").status_code == 404
    pos.act("close_day", {"registerid": "NOPE"}, status=404)
