"""Returns at the till: the credit order a refund of a sale becomes (what goes back, and how much discount)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from mocks.core import validation as v

from ..errors import bad
from ..models import ORDERS
from . import orders
from .common import money, parse_money

OR = ORDERS.c


def credit_order(conn: Connection, orderid: int, body: dict[str, Any]) -> dict[str, Any]:
    """The order body of a refund of sale ``orderid``: ``body["lines"]`` ([{sku, quantity, reasoncode?}]) or
    everything not yet returned (400 when nothing is left); the discount given on the sale goes back pro rata,
    the last return of a SKU taking the remainder so the cents add up."""
    original = orders.get_order(conn, orderid)
    returned: dict[str, int] = dict(
        conn.execute(
            select(orders.OI.sku, func.sum(-orders.OI.quantity))
            .join(ORDERS, OR.orderid == orders.OI.orderid)
            .where(OR.creditorderid == orderid, orders.OI.orderitemtype == orders.ITEM_PRODUCT)
            .group_by(orders.OI.sku)
        ).all()
    )
    given_back: dict[str, int] = dict(
        conn.execute(
            select(orders.OI.sku, func.sum(orders.OI.moneyrowdiscount))
            .join(ORDERS, OR.orderid == orders.OI.orderid)
            .where(OR.creditorderid == orderid, orders.OI.orderitemtype == orders.ITEM_DISCOUNT)
            .group_by(orders.OI.sku)
        ).all()
    )
    reason = v.opt(body, "reasoncode", v.text, max_len=100)
    sold: dict[str, int] = {}
    discount: dict[str, int] = {}
    for it in original["orderitems"]:
        if it["orderitemtype"] == orders.ITEM_PRODUCT:
            sold[it["sku"]] = sold.get(it["sku"], 0) + it["quantity"]
        elif it["orderitemtype"] == orders.ITEM_DISCOUNT:
            discount[it["sku"]] = discount.get(it["sku"], 0) + parse_money(it["moneyrowdiscount"], "discount")
    wanted: list[tuple[str, int, Any]] = []
    if body.get("lines") is None:
        for sku, qty in sold.items():
            qty -= int(returned.get(sku) or 0)
            if qty > 0:
                wanted.append((sku, qty, reason))
        if not wanted:
            raise bad(f"Everything on order {orderid} has already been returned.", "orderid")
    else:
        for raw in v.array(body["lines"], "lines", max_items=orders.MAX_ITEMS, min_items=1):
            line = v.obj(raw, "line")
            qty = v.integer(line.get("quantity", 1), "quantity", minimum=1, maximum=100_000)
            wanted.append((v.req(line, "sku", v.text, max_len=100), qty, line.get("reasoncode", reason)))
    items: list[dict[str, Any]] = []
    for sku, qty, why in wanted:
        items.append({"sku": sku, "quantity": -qty, "reasoncode": why})
        total_disc, left = discount.get(sku, 0), sold.get(sku, 0) - int(returned.get(sku) or 0)
        disc = (
            (total_disc - int(given_back.get(sku) or 0))
            if qty == left
            else (total_disc * qty // sold[sku] if sold.get(sku) else 0)
        )
        if disc > 0:
            items.append({"orderitemtype": orders.ITEM_DISCOUNT, "moneyrowdiscount": money(disc)})
    order: dict[str, Any] = {
        "creditorderid": orderid,
        "orderitems": items,
        "registerid": body.get("registerid") or original["registerid"],
    }
    if order["registerid"] is None:
        order["warehouseid"] = body.get("warehouseid") or original["warehouseid"]
    for key in ("externalid", "email"):
        if body.get(key) is not None:
            order[key] = body[key]
    return order
