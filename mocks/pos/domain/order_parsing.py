"""An order body validated before it meets the database: its rows (``Line``), ``NewOrder``, ``parse_order``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mocks.core import validation as v

from ..errors import bad
from .common import EMAIL, EXTERNAL_ID, SKU, parse_money, parse_vat
from .context import PosContext
from .orders import (
    CLOSED,
    ITEM_DISCOUNT,
    ITEM_PRODUCT,
    ITEM_SHIPPING,
    MAX_ITEMS,
    MAX_PAYMENTS,
    OPEN,
    PAYMENT_STATES,
    TYPE_BOOKING,
    TYPE_ORDER,
    TYPE_PARKED,
)

_ORDER_FIELDS = frozenset(
    {
        "externalid",
        "creditorderid",
        "email",
        "orderdate",
        "orderstateid",
        "paymentstateid",
        "ordertypeid",
        "registerid",
        "warehouseid",
        "currencycode",
        "moneytotal_gross_all",
        "comment",
        "orderitems",
        "payments",
    }
)
_ITEM_FIELDS = frozenset(
    {
        "orderitemtype",
        "sku",
        "productname",
        "quantity",
        "moneynetpriceperunit",
        "vatvalue",
        "moneyrowdiscount",
        "reasoncode",
    }
)
_PAYMENT_FIELDS = frozenset({"name", "moneyamount", "externalid", "refid", "cardissuer"})


@dataclass
class Line:
    """One validated order row, amounts in cents."""

    itemtype: int
    quantity: int
    sku: str | None = None
    productname: str | None = None
    price: int | None = None
    vat_bp: int | None = None
    discount: int = 0
    reasoncode: str | None = None
    productid: int | None = None
    net: int = 0
    vat: int = 0
    warehouseid: int | None = None


@dataclass
class NewOrder:
    """A validated order body, before it meets the database."""

    externalid: str | None
    creditorderid: int | None
    email: str | None
    orderdate: int | None
    state: int
    paystate: int | None
    ordertype: int
    registerid: str | None
    warehouseid: int | None
    currency: str | None
    claimed_total: int | None
    comment: str
    lines: list[Line]
    payments: list[dict[str, Any]] = field(default_factory=list)


def payment_method(ctx: PosContext, raw: str) -> str:
    """The canonical name of a payment method a cashier names (400 when the account has no such method)."""
    name = ctx.payment_name(raw)
    if name is None:
        raise bad(f"Unknown payment method '{raw}'.", "payment")
    return name


def parse_order(ctx: PosContext, raw: Any) -> NewOrder:
    """Validate an order body's syntax and row structure (no database access)."""
    body = v.obj(raw, "order")
    v.known_fields(body, _ORDER_FIELDS, what="order")
    g = body.get
    state = v.integer(g("orderstateid", CLOSED), "orderstateid", minimum=-1, maximum=100)
    if state not in (OPEN, CLOSED):
        raise bad("A new order must be open (0) or closed (10).", "orderstateid")
    paystate = (
        None
        if g("paymentstateid") is None
        else v.integer(g("paymentstateid"), "paymentstateid", minimum=0, maximum=100)
    )
    if paystate is not None and paystate not in PAYMENT_STATES:
        raise bad(f"Invalid paymentstateid {paystate}.", "paymentstateid")
    ordertype = v.integer(g("ordertypeid", TYPE_ORDER), "ordertypeid", minimum=0, maximum=1000)
    if ordertype not in (TYPE_ORDER, TYPE_BOOKING, TYPE_PARKED):
        raise bad(f"Invalid ordertypeid {ordertype}.", "ordertypeid")
    if ordertype != TYPE_ORDER and state != OPEN:
        raise bad("Bookings and parked orders must be open.", "orderstateid")
    credit = None if g("creditorderid") is None else v.integer(g("creditorderid"), "creditorderid", minimum=1)
    if credit is not None and state != CLOSED:
        raise bad("A refund (creditorderid) must be closed.", "orderstateid")
    sign = -1 if credit is not None else 1
    email = v.opt(body, "email", v.text, max_len=200, pattern=EMAIL)
    lines: list[Line] = []
    for i, raw_item in enumerate(v.req(body, "orderitems", v.array, max_items=MAX_ITEMS, min_items=1)):
        item = v.obj(raw_item, f"orderitems[{i}]")
        v.known_fields(item, _ITEM_FIELDS, what="orderitem")
        itype = v.integer(item.get("orderitemtype", ITEM_PRODUCT), "orderitemtype", minimum=0, maximum=1000)
        if itype == ITEM_DISCOUNT:
            if not lines or lines[-1].itemtype != ITEM_PRODUCT:
                raise bad(
                    f"orderitems[{i}]: a Discount item must directly follow its Product item.",
                    "orderitemtype",
                )
            disc = parse_money(v.req(item, "moneyrowdiscount"), "moneyrowdiscount")
            if disc <= 0:
                raise bad(f"orderitems[{i}]: moneyrowdiscount must be positive.", "moneyrowdiscount")
            lines.append(Line(ITEM_DISCOUNT, 0, discount=disc))
            continue
        if itype not in (ITEM_PRODUCT, ITEM_SHIPPING):
            raise bad(f"orderitems[{i}]: invalid orderitemtype {itype}.", "orderitemtype")
        if item.get("moneyrowdiscount") is not None:
            raise bad(
                f"orderitems[{i}]: put discounts in a Discount item after the product.", "moneyrowdiscount"
            )
        qty = v.req(item, "quantity", v.integer, minimum=-100_000, maximum=100_000)
        if qty == 0 or (qty > 0) != (sign > 0):
            raise bad(
                f"orderitems[{i}]: quantity must be {'negative on a refund' if sign < 0 else 'positive'}.",
                "quantity",
            )
        line = Line(
            itype,
            qty,
            reasoncode=v.opt(item, "reasoncode", v.text, max_len=100),
            productname=v.opt(item, "productname", v.text, max_len=300),
        )
        if item.get("moneynetpriceperunit") is not None:
            line.price = parse_money(item["moneynetpriceperunit"], "moneynetpriceperunit")
            if line.price < 0:
                raise bad(
                    f"orderitems[{i}]: moneynetpriceperunit must not be negative.", "moneynetpriceperunit"
                )
        if item.get("vatvalue") is not None:
            line.vat_bp = parse_vat(item["vatvalue"], "vatvalue")
        if itype == ITEM_PRODUCT:
            line.sku = v.req(item, "sku", v.text, max_len=100, pattern=SKU)
        elif line.price is None:
            raise bad(f"orderitems[{i}]: a shipping item needs moneynetpriceperunit.", "moneynetpriceperunit")
        lines.append(line)
    payments = []
    for i, raw_pay in enumerate(v.array(g("payments") or [], "payments", max_items=MAX_PAYMENTS)):
        pay = v.obj(raw_pay, f"payments[{i}]")
        v.known_fields(pay, _PAYMENT_FIELDS, what="payment")
        name = ctx.payment_name(v.req(pay, "name", v.text, max_len=50))
        if name is None:
            raise bad(
                f"payments[{i}]: unknown payment method; use one of {', '.join(ctx.payment_methods)}.", "name"
            )
        amount = parse_money(v.req(pay, "moneyamount"), "moneyamount")
        if amount == 0 or (amount > 0) != (sign > 0):
            raise bad(
                f"payments[{i}]: moneyamount must be {'negative on a refund' if sign < 0 else 'positive'}.",
                "moneyamount",
            )
        payments.append(
            {
                "name": name,
                "moneyamount": amount,
                "externalid": v.opt(pay, "externalid", v.text, max_len=100),
                "refid": v.opt(pay, "refid", v.text, max_len=100),
                "cardissuer": v.opt(pay, "cardissuer", v.text, max_len=50),
            }
        )
    return NewOrder(
        externalid=v.opt(body, "externalid", v.text, max_len=40, pattern=EXTERNAL_ID),
        creditorderid=credit,
        email=email,
        orderdate=None
        if g("orderdate") is None
        else v.integer(g("orderdate"), "orderdate", minimum=0, maximum=4102444800),
        state=state,
        paystate=paystate,
        ordertype=ordertype,
        registerid=v.opt(body, "registerid", v.text, max_len=40),
        warehouseid=None
        if g("warehouseid") is None
        else v.integer(g("warehouseid"), "warehouseid", minimum=1),
        currency=v.opt(body, "currencycode", v.text, max_len=3),
        claimed_total=None
        if g("moneytotal_gross_all") is None
        else parse_money(g("moneytotal_gross_all"), "moneytotal_gross_all"),
        comment=v.text(g("comment") or "", "comment", max_len=2000),
        lines=lines,
        payments=payments,
    )
