"""Orders: POS sales and refunds (orders with ``creditorderid``): Sitoo's states, types, limits and the reads.

An order body is validated by ``order_parsing`` and written (created, its state changed) by ``order_writes``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from ..errors import not_found
from ..models import ORDER_ITEMS, ORDER_PAYMENTS, ORDERS
from .common import money, vat_text

OPEN, CLOSED, CANCELLED, ABANDONED = 0, 10, 20, -1
ORDER_STATES = {OPEN: "open", CLOSED: "closed", CANCELLED: "cancelled", ABANDONED: "abandoned"}
PAY_NONE, PAY_PENDING, PAY_RESERVED, PAY_OK, PAY_CANCELLED, PAY_FAILED = 0, 10, 15, 20, 30, 40
PAYMENT_STATES = (PAY_NONE, PAY_PENDING, PAY_RESERVED, PAY_OK, PAY_CANCELLED, PAY_FAILED)
TYPE_ORDER, TYPE_BOOKING, TYPE_PARKED = 10, 100, 110
ITEM_PRODUCT, ITEM_SHIPPING, ITEM_DISCOUNT = 10, 20, 30
MAX_ITEMS, MAX_PAYMENTS = 500, 20

OR = ORDERS.c
OI = ORDER_ITEMS.c
OP = ORDER_PAYMENTS.c


def render_orders(conn: Connection, rows: list[Any]) -> list[dict[str, Any]]:
    """Orders with their items and payments, as Sitoo shows them."""
    ids = [r.orderid for r in rows]
    items: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    pays: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        for it in conn.execute(select(ORDER_ITEMS).where(OI.orderid.in_(ids)).order_by(OI.orderitemid)):
            items[it.orderid].append(
                {
                    "orderitemid": it.orderitemid,
                    "orderitemtype": it.orderitemtype,
                    "productid": it.productid,
                    "sku": it.sku,
                    "productname": it.productname,
                    "quantity": it.quantity,
                    "moneynetpriceperunit": money(it.moneynetpriceperunit),
                    "vatvalue": vat_text(it.vat_bp),
                    "moneyitemtotal_net": money(it.moneyitemtotal_net),
                    "moneyitemtotal_vat": money(it.moneyitemtotal_vat),
                    "moneyrowdiscount": money(it.moneyrowdiscount),
                    "reasoncode": it.reasoncode,
                    "warehouseid": it.warehouseid,
                }
            )
        for p in conn.execute(select(ORDER_PAYMENTS).where(OP.orderid.in_(ids)).order_by(OP.paymentid)):
            pays[p.orderid].append(
                {
                    "name": p.name,
                    "moneyamount": money(p.moneyamount),
                    "externalid": p.externalid,
                    "refid": p.refid,
                    "cardissuer": p.cardissuer,
                }
            )
    return [
        {
            "orderid": r.orderid,
            "eshopid": r.eshopid,
            "externalid": r.externalid,
            "creditorderid": r.creditorderid,
            "email": r.email,
            "orderdate": r.orderdate,
            "datecreated": r.datecreated,
            "orderstateid": r.orderstateid,
            "paymentstateid": r.paymentstateid,
            "ordertypeid": r.ordertypeid,
            "registerid": r.registerid,
            "warehouseid": r.warehouseid,
            "currencycode": r.currencycode,
            "moneyfinal_net": money(r.moneyfinal_net),
            "moneyfinal_vat": money(r.moneyfinal_vat),
            "moneytotal_gross_all": money(r.moneytotal_gross_all),
            "comment": r.comment,
            "zreportid": r.zreportid,
            "orderitems": items[r.orderid],
            "payments": pays[r.orderid],
        }
        for r in rows
    ]


def get_order(conn: Connection, orderid: int) -> dict[str, Any]:
    """One order, or a 404."""
    rows = list(conn.execute(select(ORDERS).where(OR.orderid == orderid)))
    if not rows:
        raise not_found(f"Order {orderid}")
    return render_orders(conn, rows)[0]


_FILTERS = {
    "orderid": lambda v: OR.orderid.in_(v),
    "externalid": lambda v: OR.externalid.in_(v),
    "creditorderid": lambda v: OR.creditorderid == v,
    "orderidfrom": lambda v: OR.orderid >= v,
    "orderidto": lambda v: OR.orderid < v,
    "orderdatefrom": lambda v: OR.orderdate >= v,
    "orderdateto": lambda v: OR.orderdate < v,
    "orderstate": lambda v: OR.orderstateid == v,
    "paymentstate": lambda v: OR.paymentstateid == v,
    "ordertype": lambda v: OR.ordertypeid == v,
    "warehouseid": lambda v: OR.warehouseid == v,
    "email": lambda v: OR.email == v,
    "registerid": lambda v: OR.registerid == v,
    "eshopid": lambda v: OR.eshopid == v,
}


def list_orders(
    conn: Connection, filters: dict[str, Any], start: int, num: int, descending: bool
) -> tuple[int, list[dict[str, Any]]]:
    """A page of orders matching Sitoo's filters (see ``_FILTERS``)."""
    cond = [_FILTERS[k](v) for k, v in filters.items() if v is not None]
    total = conn.execute(select(func.count()).select_from(ORDERS).where(*cond)).scalar_one()
    order = OR.orderid.desc() if descending else OR.orderid
    rows = list(conn.execute(select(ORDERS).where(*cond).order_by(order).offset(start).limit(num)))
    return total, render_orders(conn, rows)
