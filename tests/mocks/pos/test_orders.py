"""Sales and refunds: totals, VAT, discounts, payments, stock, idempotent externalid, refund limits."""

from __future__ import annotations

from typing import Any

from .conftest import BASE, SITE, PosDriver, sale, stock_of

ORDERS = f"{SITE}/orders.json"


def _count(pos: PosDriver, table: str) -> int:
    return len(pos.state(table)[table])


def test_a_sale_computes_vat_and_discount_and_lowers_stock_at_once(
    pos: PosDriver, world: dict[str, Any]
) -> None:
    reg = world["stores"][0]["registerid"]
    r = pos.api("POST", ORDERS, sale(reg, email="ann@example.com"))
    assert (r.status_code, r.get_json()) == (200, 1)
    order = pos.api("GET", f"{SITE}/orders/1.json").get_json()
    assert order == {
        "orderid": 1,
        "eshopid": 1,
        "externalid": "S1",
        "creditorderid": None,
        "email": "ann@example.com",
        "orderdate": 1767603600,
        "datecreated": 1767603600,
        "orderstateid": 10,
        "paymentstateid": 20,
        "ordertypeid": 10,
        "registerid": reg,
        "warehouseid": 1,
        "currencycode": "GBP",
        "moneyfinal_net": "23.33",
        "moneyfinal_vat": "4.67",
        "moneytotal_gross_all": "28.00",
        "comment": "",
        "zreportid": None,
        "orderitems": [
            {
                "orderitemid": 1,
                "orderitemtype": 10,
                "productid": 1,
                "sku": "TEE-1",
                "productname": "Tee",
                "quantity": 2,
                "moneynetpriceperunit": "10.00",
                "vatvalue": 20,
                "moneyitemtotal_net": "20.00",
                "moneyitemtotal_vat": "4.00",
                "moneyrowdiscount": "0.00",
                "reasoncode": None,
                "warehouseid": 1,
            },
            {
                "orderitemid": 2,
                "orderitemtype": 30,
                "productid": 1,
                "sku": "TEE-1",
                "productname": "Tee",
                "quantity": 0,
                "moneynetpriceperunit": "0.00",
                "vatvalue": 20,
                "moneyitemtotal_net": "-1.67",
                "moneyitemtotal_vat": "-0.33",
                "moneyrowdiscount": "2.00",
                "reasoncode": None,
                "warehouseid": None,
            },
            {
                "orderitemid": 3,
                "orderitemtype": 10,
                "productid": 2,
                "sku": "MUG-1",
                "productname": "Mug",
                "quantity": 1,
                "moneynetpriceperunit": "5.00",
                "vatvalue": 20,
                "moneyitemtotal_net": "5.00",
                "moneyitemtotal_vat": "1.00",
                "moneyrowdiscount": "0.00",
                "reasoncode": None,
                "warehouseid": 1,
            },
        ],
        "payments": [
            {"name": "Card", "moneyamount": "24.00", "externalid": None, "refid": None, "cardissuer": None},
            {"name": "Cash", "moneyamount": "4.00", "externalid": None, "refid": None, "cardissuer": None},
        ],
    }
    assert (stock_of(pos, 1, "TEE-1"), stock_of(pos, 1, "MUG-1")) == ("8.000", "4.000")
    tx = pos.api("GET", f"{SITE}/warehouses/1/warehousetransactions.json?transactiontype=30").get_json()
    assert tx["items"][0]["orderid"] == 1 and [i["decimalquantity"] for i in tx["items"][0]["items"]] == [
        "-2.000",
        "-1.000",
    ]
    # the till never refuses a sale for want of stock: stock goes negative
    r = pos.api(
        "POST",
        ORDERS,
        {
            "warehouseid": 1,
            "orderitems": [{"sku": "BOOK-1", "quantity": 5}],
            "payments": [{"name": "gift card", "moneyamount": "40.00"}],
        },
    )
    assert r.get_json() == 2 and stock_of(pos, 1, "BOOK-1") == "-2.000"
    assert pos.api("GET", f"{SITE}/orders/2.json").get_json()["payments"][0]["name"] == "Gift card"


def test_duplicate_externalid_is_refused_and_nothing_is_written(
    pos: PosDriver, world: dict[str, Any]
) -> None:
    reg = world["stores"][0]["registerid"]
    assert pos.api("POST", ORDERS, sale(reg, "DUP-1")).status_code == 200
    before = (
        _count(pos, "pos_order_items"),
        _count(pos, "pos_warehouse_transactions"),
        stock_of(pos, 1, "TEE-1"),
    )
    r = pos.api("POST", ORDERS, sale(reg, "DUP-1"))
    assert (r.status_code, r.get_json()) == (
        400,
        {"statuscode": 400, "errortext": "An order with externalid 'DUP-1' already exists."},
    )
    after = (
        _count(pos, "pos_order_items"),
        _count(pos, "pos_warehouse_transactions"),
        stock_of(pos, 1, "TEE-1"),
    )
    assert before == after and _count(pos, "pos_orders") == 1
    assert pos.api("GET", f"{ORDERS}?externalid=DUP-1").get_json()["totalcount"] == 1


def test_order_rules_refuse_with_sitoo_errors(pos: PosDriver, world: dict[str, Any]) -> None:
    reg = world["stores"][0]["registerid"]
    base = sale(reg, None)
    cases: list[tuple[dict[str, Any], str]] = [
        (
            {**base, "payments": [{"name": "Card", "moneyamount": "27.99"}]},
            "The payments (27.99) must sum to the order total (28.00).",
        ),
        ({**base, "payments": []}, "The payments (0.00) must sum to the order total (28.00)."),
        (
            {**base, "payments": [{"name": "Bitcoin", "moneyamount": "28.00"}]},
            "payments[0]: unknown payment method; use one of Card, Cash, Gift card.",
        ),
        (
            {**base, "orderitems": [{"orderitemtype": 30, "moneyrowdiscount": "1.00"}]},
            "orderitems[0]: a Discount item must directly follow its Product item.",
        ),
        (
            {
                **base,
                "orderitems": [
                    {"sku": "TEE-1", "quantity": 1},
                    {"orderitemtype": 30, "moneyrowdiscount": "1.00"},
                    {"orderitemtype": 30, "moneyrowdiscount": "1.00"},
                ],
            },
            "orderitems[2]: a Discount item must directly follow its Product item.",
        ),
        (
            {
                **base,
                "orderitems": [
                    {"sku": "MUG-1", "quantity": 1},
                    {"orderitemtype": 30, "moneyrowdiscount": "6.01"},
                ],
            },
            "A discount of 6.01 exceeds its product row (6.00).",
        ),
        ({**base, "orderitems": [{"sku": "GHOST", "quantity": 1}]}, "Unknown sku 'GHOST'."),
        (
            {**base, "orderitems": [{"sku": "TEE-1", "quantity": -1}]},
            "orderitems[0]: quantity must be positive.",
        ),
        ({**base, "registerid": "NOPE"}, "Cash register 'NOPE' does not exist."),
        ({**base, "warehouseid": 3}, f"Register '{reg}' sells from warehouse 1, not 3."),
        (
            {"warehouseid": 2, "orderitems": base["orderitems"], "payments": base["payments"]},
            "Warehouse 2 holds no sellable stock.",
        ),
        (
            {"orderitems": base["orderitems"], "payments": base["payments"]},
            "A closed order with products needs a warehouseid or registerid.",
        ),
        (
            {**base, "moneytotal_gross_all": "30.00"},
            "moneytotal_gross_all 30.00 does not match the items (28.00).",
        ),
        ({**base, "currencycode": "SEK"}, "Currency SEK differs from the warehouse's GBP."),
        ({**base, "orderstateid": 20}, "A new order must be open (0) or closed (10)."),
        ({**base, "paymentstateid": 10}, "A closed order must have paymentstateid 20 (successful)."),
        ({**base, "externalid": "has space"}, "Field 'externalid' has an invalid format."),
    ]
    for body, text in cases:
        r = pos.api("POST", ORDERS, body)
        assert (r.status_code, r.get_json()) == (400, {"statuscode": 400, "errortext": text}), text
    assert _count(pos, "pos_orders") == 0 and stock_of(pos, 1, "TEE-1") == "10.000"


def test_refunds_are_limited_per_line_cumulatively_and_restock(pos: PosDriver, world: dict[str, Any]) -> None:
    reg = world["stores"][0]["registerid"]
    pos.api("POST", ORDERS, sale(reg, "S1"))
    refund = {
        "externalid": "R1",
        "creditorderid": 1,
        "registerid": reg,
        "orderitems": [{"sku": "TEE-1", "quantity": -1}],
        "payments": [{"name": "Card", "moneyamount": "-12.00"}],
    }
    r = pos.api("POST", ORDERS, refund)
    assert r.get_json() == 2
    order = pos.api("GET", f"{SITE}/orders/2.json").get_json()
    assert (order["creditorderid"], order["moneytotal_gross_all"], order["orderitems"][0]["warehouseid"]) == (
        1,
        "-12.00",
        1,
    )
    assert stock_of(pos, 1, "TEE-1") == "9.000"
    # one tee left to return; two is one too many (cumulative over refunds)
    r = pos.api(
        "POST",
        ORDERS,
        {
            **refund,
            "externalid": "R2",
            "orderitems": [{"sku": "TEE-1", "quantity": -2}],
            "payments": [{"name": "Card", "moneyamount": "-24.00"}],
        },
    )
    assert (r.status_code, r.get_json()) == (
        400,
        {
            "statuscode": 400,
            "errortext": "Cannot return 2 of sku 'TEE-1': 2 sold on order 1, 1 left to return.",
        },
    )
    r = pos.api(
        "POST",
        ORDERS,
        {
            **refund,
            "externalid": "R3",
            "orderitems": [{"sku": "BOOK-1", "quantity": -1}],
            "payments": [{"name": "Card", "moneyamount": "-8.00"}],
        },
    )
    assert r.get_json() == {"statuscode": 400, "errortext": "Sku 'BOOK-1' was not sold on order 1."}
    # the tees were sold with 2.00 off: refunds together may not pay back more than the 22.00 taken
    r = pos.api("POST", ORDERS, {**refund, "externalid": "R3b"})
    assert r.get_json() == {
        "statuscode": 400,
        "errortext": "Cannot refund 12.00 for sku 'TEE-1': 22.00 was paid "
        "on order 1, 12.00 already refunded.",
    }
    # a damaged return goes to the store's quarantine warehouse, not back to sellable stock
    r = pos.api(
        "POST",
        ORDERS,
        {
            **refund,
            "externalid": "R4",
            "orderitems": [
                {"sku": "TEE-1", "quantity": -1, "reasoncode": "Damaged"},
                {"orderitemtype": 30, "moneyrowdiscount": "2.00"},
                {"sku": "MUG-1", "quantity": -1},
            ],
            "payments": [{"name": "Cash", "moneyamount": "-16.00"}],
        },
    )
    assert r.get_json() == 3
    assert (stock_of(pos, 1, "TEE-1"), stock_of(pos, 2, "TEE-1"), stock_of(pos, 1, "MUG-1")) == (
        "9.000",
        "1.000",
        "5.000",
    )
    tx = pos.api("GET", f"{SITE}/warehouses/2/warehousetransactions.json").get_json()["items"][0]
    assert (tx["transactiontype"], tx["orderid"], tx["items"][0]["decimalquantity"]) == (40, 3, "1.000")
    refunds = pos.api("GET", f"{ORDERS}?creditorderid=1&fields=orderid,moneytotal_gross_all").get_json()
    assert refunds == {
        "totalcount": 2,
        "items": [
            {"orderid": 2, "moneytotal_gross_all": "-12.00"},
            {"orderid": 3, "moneytotal_gross_all": "-16.00"},
        ],
    }
    r = pos.api("POST", ORDERS, {**refund, "externalid": "R5", "creditorderid": 2})
    assert r.get_json() == {"statuscode": 400, "errortext": "A refund cannot be refunded."}
    r = pos.api("POST", ORDERS, {**refund, "externalid": "R6", "creditorderid": 99})
    assert r.get_json() == {"statuscode": 400, "errortext": "Order 99 (creditorderid) does not exist."}
    r = pos.api(
        "POST", ORDERS, {**refund, "externalid": "R7", "payments": [{"name": "Card", "moneyamount": "12.00"}]}
    )
    assert r.get_json() == {
        "statuscode": 400,
        "errortext": "payments[0]: moneyamount must be negative on a refund.",
    }


def test_open_orders_close_or_cancel_and_closed_orders_are_final(
    pos: PosDriver, world: dict[str, Any]
) -> None:
    reg = world["stores"][0]["registerid"]
    parked = {
        "registerid": reg,
        "orderstateid": 0,
        "ordertypeid": 110,
        "orderitems": [{"sku": "TEE-1", "quantity": 1}],
    }
    assert pos.api("POST", ORDERS, parked).get_json() == 1
    assert pos.api("GET", f"{SITE}/orders/1.json").get_json()["paymentstateid"] == 0
    assert stock_of(pos, 1, "TEE-1") == "10.000"
    r = pos.api("PUT", f"{SITE}/orders/1.json", {"orderstateid": 10})
    assert r.get_json() == {
        "statuscode": 400,
        "errortext": "The payments (0.00) must sum to the order total (12.00) to close it.",
    }
    assert pos.api("PUT", f"{SITE}/orders/1.json", {"orderstateid": 20}).get_json() is True
    assert pos.api("GET", f"{SITE}/orders/1.json").get_json()["paymentstateid"] == 30
    r = pos.api("PUT", f"{SITE}/orders/1.json", {"orderstateid": 0})
    assert r.get_json()["errortext"].startswith("Order 1 is cancelled; its state can no longer change")
    web = {
        "warehouseid": 1,
        "orderstateid": 0,
        "orderitems": [{"sku": "MUG-1", "quantity": 2}],
        "payments": [{"name": "Card", "moneyamount": "12.00"}],
    }
    assert pos.api("POST", ORDERS, web).get_json() == 2
    assert stock_of(pos, 1, "MUG-1") == "5.000"
    assert (
        pos.api("PUT", f"{SITE}/orders/2.json", {"orderstateid": 10, "comment": "picked up"}).get_json()
        is True
    )
    order = pos.api("GET", f"{SITE}/orders/2.json").get_json()
    assert (
        order["orderstateid"],
        order["paymentstateid"],
        order["comment"],
        order["orderitems"][0]["warehouseid"],
    ) == (10, 20, "picked up", 1)
    assert stock_of(pos, 1, "MUG-1") == "3.000"
    r = pos.api("PUT", f"{SITE}/orders/2.json", {"orderstateid": 20})
    assert r.status_code == 400 and "refund it with a credit order" in r.get_json()["errortext"]
    assert pos.api("PUT", f"{SITE}/orders/9.json", {"comment": "x"}).status_code == 404
    assert pos.api("GET", f"{ORDERS}?orderstate=10").get_json()["totalcount"] == 1
    listing = pos.api("GET", f"{BASE}/orders.json?eshopid=1&sort=-orderid&fields=orderid").get_json()
    assert listing == {"totalcount": 2, "items": [{"orderid": 2}, {"orderid": 1}]}
    assert pos.api("GET", f"{ORDERS}?sort=title").status_code == 400
