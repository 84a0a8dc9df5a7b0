"""Cash registers and Z reports: the day's totals by payment method and VAT group equal its orders."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import ADMIN

from .conftest import AUTH, SITE, sale


def _act(client: FlaskClient, name: str, body: dict[str, Any]) -> Any:
    r = client.post(f"/__erpsim/act/{name}", json=body, headers=ADMIN)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


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


def test_z_report_totals_equal_the_days_orders_and_refunds(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    reg, other = world["stores"][0]["registerid"], world["stores"][1]["registerid"]
    assert client.get(f"{SITE}/cashregisters.json", headers=AUTH).get_json()["items"][0] == {
        "registerid": reg,
        "registerkey": "REG-0001-1",
        "registernumber": 1,
        "storeid": 1,
        "warehouseid": 1,
        "currencycode": "GBP",
    }
    client.post(f"{SITE}/orders.json", json=sale(reg, "S1"), headers=AUTH)
    _act(
        client,
        "ring_sale",
        {"registerid": reg, "lines": [{"sku": "BOOK-1", "quantity": 2}], "payment": "Cash"},
    )
    _act(
        client,
        "ring_sale",
        {
            "registerid": reg,
            "lines": [{"sku": "MUG-1", "quantity": 3, "discount": "1.50"}],
            "payments": [{"name": "Gift card", "amount": "10.00"}, {"name": "Card", "amount": "6.50"}],
        },
    )
    _act(client, "refund", {"orderid": 1, "lines": [{"sku": "TEE-1", "quantity": 1}], "payment": "Cash"})
    _act(client, "refund", {"orderid": 2, "reasoncode": "damaged"})
    _act(
        client, "ring_sale", {"registerid": other, "lines": [{"sku": "TEE-1", "quantity": 1}]}
    )  # another till
    client.post("/__erpsim/clock", json={"advance": "PT9H"}, headers=ADMIN)
    z = _act(client, "close_day", {"registerid": reg, "moneycash_counted": "150.00", "staff": "Sam"})
    day = client.get(f"{SITE}/orders.json?registerid={reg}&num=100", headers=AUTH).get_json()["items"]
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
    client.post("/__erpsim/clock", json={"advance": "PT15H"}, headers=ADMIN)
    _act(client, "ring_sale", {"registerid": reg, "lines": [{"sku": "TEE-1", "quantity": 1}]})
    z2 = _act(client, "close_day", {"registerid": reg})
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
    listed = client.get(
        f"{SITE}/cashregisters/{reg}/zreports.json?datecreatedfrom=1767636001", headers=AUTH
    ).get_json()
    assert listed["totalcount"] == 1 and listed["items"][0] == z2
    assert client.get(f"{SITE}/cashregisters/{reg}/zreports/1.json", headers=AUTH).get_json() == z
    assert client.get(f"{SITE}/cashregisters/{other}/zreports/1.json", headers=AUTH).status_code == 404
    assert client.get(f"{SITE}/cashregisters/NOPE.json", headers=AUTH).status_code == 404
    r = client.post("/__erpsim/act/close_day", json={"registerid": "NOPE"}, headers=ADMIN)
    assert r.status_code == 404
