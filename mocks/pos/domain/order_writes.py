"""Writing orders, the hottest write of the POS: a sale or refund created, an order's state changed.

Rules: ``externalid`` unique; discount rows follow their product row; payments by known methods
summing exactly to the order total; a closed sale lowers the warehouse's stock at once; a refund
returns at most what was sold per sku (cumulative over refunds), back to sellable stock or, for a
damaged-type reason, to the store's quarantine warehouse. Everything in one transaction, written
with precompiled Core statements.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from mocks.core import fastsql
from mocks.core import validation as v

from ..errors import bad, not_found
from ..models import ORDER_ITEMS, ORDER_PAYMENTS, ORDERS, PRODUCTS, REGISTERS
from . import events, stock
from .common import EMAIL, money
from .context import PosContext
from .order_parsing import Line, NewOrder
from .orders import (
    ABANDONED,
    CANCELLED,
    CLOSED,
    ITEM_DISCOUNT,
    ITEM_PRODUCT,
    OI,
    OP,
    OPEN,
    OR,
    ORDER_STATES,
    PAY_CANCELLED,
    PAY_NONE,
    PAY_OK,
    PAYMENT_STATES,
    TYPE_ORDER,
)

P = PRODUCTS.c
R = REGISTERS.c

_UPDATE_FIELDS = frozenset({"orderstateid", "paymentstateid", "comment", "email"})

_PRODUCT = select(P.productid, P.title, P.moneyprice, P.vat_bp).where(P.sku == bindparam("s"))
_REGISTER = select(R.warehouseid, R.currencycode).where(R.registerid == bindparam("r"))
_ORIGINAL = select(OR.orderid, OR.creditorderid, OR.orderstateid).where(OR.orderid == bindparam("o"))
_ORIGINAL_PG = _ORIGINAL.with_for_update()
_SOLD = (
    select(OI.sku, OI.quantity, OI.moneynetpriceperunit, OI.vat_bp)
    .where(OI.orderid == bindparam("o"), OI.orderitemtype == ITEM_PRODUCT)
    .order_by(OI.orderitemid)
)
_RETURNED = (
    select(OI.sku, func.sum(-OI.quantity))
    .join(ORDERS, OR.orderid == OI.orderid)
    .where(OR.creditorderid == bindparam("o"), OI.orderitemtype == ITEM_PRODUCT)
    .group_by(OI.sku)
)
_PAID = (
    select(OI.sku, func.sum(OI.moneyitemtotal_net + OI.moneyitemtotal_vat))
    .where(OI.orderid == bindparam("o"), OI.sku.is_not(None))
    .group_by(OI.sku)
)
_REFUNDED = (
    select(OI.sku, func.sum(OI.moneyitemtotal_net + OI.moneyitemtotal_vat))
    .join(ORDERS, OR.orderid == OI.orderid)
    .where(OR.creditorderid == bindparam("o"), OI.sku.is_not(None))
    .group_by(OI.sku)
)
_INSERT_ORDER = insert(ORDERS).returning(OR.orderid)
_INSERT_ITEMS = insert(ORDER_ITEMS)
_INSERT_PAYMENTS = insert(ORDER_PAYMENTS)


def _round_div(num: int, den: int) -> int:
    """num / den rounded half away from zero (how tills round VAT)."""
    q = (abs(num) * 2 + den) // (2 * den)
    return q if num >= 0 else -q


def _price_lines(
    order: NewOrder, catalogue: dict[str, tuple[Any, ...] | None], original: dict[str, tuple[int, int]]
) -> None:
    """Fill prices, VAT and row totals; discounts take the VAT rate of their product row."""
    parent: Line | None = None
    for line in order.lines:
        if line.itemtype == ITEM_DISCOUNT:
            assert parent is not None
            parent_gross = abs(parent.net + parent.vat)
            if line.discount > parent_gross:
                raise bad(
                    f"A discount of {money(line.discount)} exceeds its product row ({money(parent_gross)}).",
                    "moneyrowdiscount",
                )
            gross = -line.discount if parent.quantity > 0 else line.discount
            line.vat_bp, line.sku, line.productid = parent.vat_bp, parent.sku, parent.productid
            line.productname = parent.productname
            line.net = _round_div(gross * 10000, 10000 + (line.vat_bp or 0))
            line.vat = gross - line.net
            line.price = 0
            continue
        if line.itemtype == ITEM_PRODUCT:
            assert line.sku is not None
            prod = catalogue.get(line.sku)
            if prod is None:
                raise bad(f"Unknown sku '{line.sku}'.", "sku")
            line.productid = prod[0]
            if line.productname is None:
                line.productname = prod[1]
            orig = original.get(line.sku)
            if line.price is None:
                line.price = orig[0] if orig else prod[2]
            if line.vat_bp is None:
                line.vat_bp = orig[1] if orig else prod[3]
            parent = line
        else:
            line.productname = line.productname or "Shipping"
            if line.vat_bp is None:
                line.vat_bp = 0
        assert line.price is not None and line.vat_bp is not None
        line.net = line.price * line.quantity
        line.vat = _round_div(line.net * line.vat_bp, 10000)


def _refund_checks(conn: Connection, order: NewOrder, pg: bool) -> dict[str, tuple[int, int]]:
    """A refund's original must be a closed sale; returns per sku the original (price, vat)."""
    orig = fastsql.first(conn, _ORIGINAL_PG if pg else _ORIGINAL, {"o": order.creditorderid})
    if orig is None:
        raise bad(f"Order {order.creditorderid} (creditorderid) does not exist.", "creditorderid")
    orig_id, orig_credit, orig_state = orig
    if orig_credit is not None:
        raise bad("A refund cannot be refunded.", "creditorderid")
    if orig_state != CLOSED:
        raise bad(f"Order {orig_id} is not closed and cannot be refunded.", "creditorderid")
    sold: dict[str, int] = {}
    prices: dict[str, tuple[int, int]] = {}
    for sku, qty, price, vat_bp in fastsql.rows(conn, _SOLD, {"o": orig_id}):
        sold[sku] = sold.get(sku, 0) + qty
        prices.setdefault(sku, (price, vat_bp))
    returned: dict[str, int] = {sku: int(qty) for sku, qty in fastsql.rows(conn, _RETURNED, {"o": orig_id})}
    asked: dict[str, int] = {}
    for line in order.lines:
        if line.itemtype == ITEM_PRODUCT:
            assert line.sku is not None
            asked[line.sku] = asked.get(line.sku, 0) - line.quantity
    for sku, qty in asked.items():
        if sku not in sold:
            raise bad(f"Sku '{sku}' was not sold on order {orig_id}.", "sku")
        left = sold[sku] - int(returned.get(sku) or 0)
        if qty > left:
            raise bad(
                f"Cannot return {qty} of sku '{sku}': {sold[sku]} sold on order {orig_id}, "
                f"{left} left to return.",
                "quantity",
            )
    return prices


def _refund_money_check(conn: Connection, order: NewOrder) -> None:
    """Per sku, all refunds together may not pay back more than the original sale took (discounts included)."""
    paid = {sku: int(total) for sku, total in fastsql.rows(conn, _PAID, {"o": order.creditorderid})}
    done = {sku: -int(total) for sku, total in fastsql.rows(conn, _REFUNDED, {"o": order.creditorderid})}
    now: dict[str, int] = {}
    for line in order.lines:
        if line.sku is not None:
            now[line.sku] = now.get(line.sku, 0) - (line.net + line.vat)
    for sku, amount in now.items():
        if done.get(sku, 0) + amount > paid.get(sku, 0):
            raise bad(
                f"Cannot refund {money(amount)} for sku '{sku}': {money(paid.get(sku, 0))} was paid on order "
                f"{order.creditorderid}, {money(done.get(sku, 0))} already refunded.",
                "orderitems",
            )


def create_order(
    conn: Connection,
    ctx: PosContext,
    order: NewOrder,
    ts: int,
    *,
    pg: bool = False,
    autopay: str | None = None,
) -> int:
    """Write a validated order in the caller's transaction; stock moves at once when it is closed.

    ``autopay`` (a payment method) pays the whole total when the order has no payments (act/ only).
    """
    if order.registerid is not None:
        reg = fastsql.first(conn, _REGISTER, {"r": order.registerid})
        if reg is None:
            raise bad(f"Cash register '{order.registerid}' does not exist.", "registerid")
        if order.warehouseid is not None and order.warehouseid != reg[0]:
            raise bad(
                f"Register '{order.registerid}' sells from warehouse {reg[0]}, not {order.warehouseid}.",
                "warehouseid",
            )
        order.warehouseid = reg[0]
    has_products = any(line.itemtype == ITEM_PRODUCT for line in order.lines)
    wh = None
    if order.warehouseid is not None:
        wh = stock.warehouse_row(conn, order.warehouseid)
        if wh is None:
            raise bad(f"Warehouse {order.warehouseid} does not exist.", "warehouseid")
        if wh.warehousetype == stock.VIRTUAL or not wh.sellable:
            raise bad(f"Warehouse {order.warehouseid} holds no sellable stock.", "warehouseid")
    elif has_products and order.state == CLOSED:
        raise bad("A closed order with products needs a warehouseid or registerid.", "warehouseid")
    currency = order.currency or (wh.currencycode if wh is not None else ctx.currency)
    if wh is not None and currency != wh.currencycode:
        raise bad(f"Currency {currency} differs from the warehouse's {wh.currencycode}.", "currencycode")
    original: dict[str, tuple[int, int]] = {}
    if order.creditorderid is not None:
        original = _refund_checks(conn, order, pg)
    catalogue: dict[str, tuple[Any, ...] | None] = {}
    for line in order.lines:
        if line.itemtype == ITEM_PRODUCT and line.sku not in catalogue:
            assert line.sku is not None
            catalogue[line.sku] = fastsql.first(conn, _PRODUCT, {"s": line.sku})
    _price_lines(order, catalogue, original)
    if order.creditorderid is not None:
        _refund_money_check(conn, order)
    net = sum(line.net for line in order.lines)
    vat = sum(line.vat for line in order.lines)
    gross = net + vat
    if order.claimed_total is not None and order.claimed_total != gross:
        raise bad(
            f"moneytotal_gross_all {money(order.claimed_total)} does not match the items ({money(gross)}).",
            "moneytotal_gross_all",
        )
    if autopay is not None and not order.payments and gross != 0:
        order.payments = [
            {"name": autopay, "moneyamount": gross, "externalid": None, "refid": None, "cardissuer": None}
        ]
    paid = sum(p["moneyamount"] for p in order.payments)
    if (order.payments or order.state == CLOSED) and paid != gross:
        raise bad(f"The payments ({money(paid)}) must sum to the order total ({money(gross)}).", "payments")
    paystate = order.paystate
    if paystate is None:
        paystate = PAY_OK if order.payments or (order.state == CLOSED) else PAY_NONE
    if order.state == CLOSED and paystate != PAY_OK:
        raise bad("A closed order must have paymentstateid 20 (successful).", "paymentstateid")
    try:
        inserted = fastsql.first(
            conn,
            _INSERT_ORDER,
            {
                "eshopid": ctx.site,
                "externalid": order.externalid,
                "creditorderid": order.creditorderid,
                "email": order.email,
                "orderdate": order.orderdate if order.orderdate is not None else ts,
                "datecreated": ts,
                "orderstateid": order.state,
                "paymentstateid": paystate,
                "ordertypeid": order.ordertype,
                "registerid": order.registerid,
                "warehouseid": order.warehouseid,
                "currencycode": currency,
                "moneyfinal_net": net,
                "moneyfinal_vat": vat,
                "moneytotal_gross_all": gross,
                "comment": order.comment,
                "zreportid": None,
            },
        )
    except (IntegrityError, sqlite3.IntegrityError):
        raise bad(f"An order with externalid '{order.externalid}' already exists.", "externalid") from None
    assert inserted is not None
    orderid = int(inserted[0])
    subs = events.subscriptions(conn)
    if order.state == CLOSED and wh is not None:
        _move_stock(conn, ctx, orderid, order, wh, ts, subs)
    fastsql.many(
        conn,
        _INSERT_ITEMS,
        [
            {
                "orderid": orderid,
                "orderitemtype": ln.itemtype,
                "productid": ln.productid,
                "sku": ln.sku,
                "productname": ln.productname or "",
                "quantity": ln.quantity,
                "moneynetpriceperunit": ln.price or 0,
                "vat_bp": ln.vat_bp or 0,
                "moneyitemtotal_net": ln.net,
                "moneyitemtotal_vat": ln.vat,
                "moneyrowdiscount": ln.discount,
                "reasoncode": ln.reasoncode,
                "warehouseid": ln.warehouseid,
            }
            for ln in order.lines
        ],
    )
    if order.payments:
        fastsql.many(conn, _INSERT_PAYMENTS, [{"orderid": orderid, **p} for p in order.payments])
    events.order_event(conn, ctx, orderid, "add", ORDER_STATES[order.state], ts, subs)
    return orderid


def _move_stock(
    conn: Connection, ctx: PosContext, orderid: int, order: NewOrder, wh: Any, ts: int, subs: events.Subs
) -> None:
    """Deliver a closed order: sales leave the warehouse, returns come back (or go to quarantine)."""
    refund = order.creditorderid is not None
    moves: dict[int, list[tuple[str, int, int | None]]] = {}
    quarantine: int | None = None
    for line in order.lines:
        if line.itemtype != ITEM_PRODUCT:
            continue
        assert line.sku is not None
        target = wh.warehouseid
        if refund and ctx.is_quarantine_reason(line.reasoncode):
            if quarantine is None:
                quarantine = stock.quarantine_for(conn, wh.storeid)
                if quarantine is None:
                    raise bad(
                        f"The store of warehouse {wh.warehouseid} has no quarantine warehouse for "
                        f"'{line.reasoncode}' returns.",
                        "reasoncode",
                    )
            target = quarantine
        line.warehouseid = target
        moves.setdefault(target, []).append((line.sku, -line.quantity * 1000, None))
    for target, lines in moves.items():
        stock.record_transaction(
            conn,
            ctx,
            target,
            stock.REFUND if refund else stock.SALES,
            lines,
            ts,
            orderid=orderid,
            description=f"{'Refund' if refund else 'Sales'} order {orderid}",
            subs=subs,
        )


def update_order(conn: Connection, ctx: PosContext, orderid: int, raw: Any, ts: int) -> bool:
    """Change an order's state, payment state, comment or email under Sitoo's state rules."""
    body = v.obj(raw, "order")
    v.known_fields(body, _UPDATE_FIELDS, what="order")
    row = conn.execute(select(ORDERS).where(OR.orderid == orderid)).first()
    if row is None:
        raise not_found(f"Order {orderid}")
    values: dict[str, Any] = {}
    if "comment" in body:
        values["comment"] = v.text(body["comment"] or "", "comment", max_len=2000)
    if "email" in body:
        values["email"] = v.opt(body, "email", v.text, max_len=200, pattern=EMAIL)
    new_state = (
        None
        if body.get("orderstateid") is None
        else v.integer(body["orderstateid"], "orderstateid", minimum=-1, maximum=100)
    )
    paystate = (
        None
        if body.get("paymentstateid") is None
        else v.integer(body["paymentstateid"], "paymentstateid", minimum=0, maximum=100)
    )
    if new_state is not None and new_state not in ORDER_STATES:
        raise bad(f"Invalid orderstateid {new_state}.", "orderstateid")
    if paystate is not None and paystate not in PAYMENT_STATES:
        raise bad(f"Invalid paymentstateid {paystate}.", "paymentstateid")
    changed = new_state is not None and new_state != row.orderstateid
    if row.orderstateid != OPEN and (changed or (paystate is not None and paystate != row.paymentstateid)):
        raise bad(
            f"Order {orderid} is {ORDER_STATES[row.orderstateid]}; its state can no longer change "
            "(refund it with a credit order instead).",
            "orderstateid",
        )
    if changed:
        values["orderstateid"] = new_state
        if new_state == CLOSED:
            paid = conn.execute(
                select(func.coalesce(func.sum(OP.moneyamount), 0)).where(OP.orderid == orderid)
            ).scalar_one()
            if paid != row.moneytotal_gross_all:
                raise bad(
                    f"The payments ({money(paid)}) must sum to the order total "
                    f"({money(row.moneytotal_gross_all)}) to close it.",
                    "orderstateid",
                )
            if row.ordertypeid != TYPE_ORDER:
                raise bad("Bookings and parked orders cannot be closed.", "orderstateid")
            if paystate not in (None, PAY_OK):
                raise bad("A closed order must have paymentstateid 20 (successful).", "paymentstateid")
            paystate = PAY_OK
        elif new_state in (CANCELLED, ABANDONED) and paystate is None:
            paystate = PAY_CANCELLED
    if paystate is not None:
        values["paymentstateid"] = paystate
    if values:
        conn.execute(update(ORDERS).where(OR.orderid == orderid).values(**values))
    subs = events.subscriptions(conn)
    if changed and new_state == CLOSED and row.warehouseid is not None:
        wh = stock.warehouse_row(conn, row.warehouseid)
        lines = [
            Line(ITEM_PRODUCT, r.quantity, sku=r.sku)
            for r in conn.execute(
                select(OI.sku, OI.quantity).where(OI.orderid == orderid, OI.orderitemtype == ITEM_PRODUCT)
            )
        ]
        pending = NewOrder(
            None, None, None, None, CLOSED, PAY_OK, TYPE_ORDER, None, row.warehouseid, None, None, "", lines
        )
        _move_stock(conn, ctx, orderid, pending, wh, ts, subs)
        conn.execute(
            update(ORDER_ITEMS)
            .where(OI.orderid == orderid, OI.orderitemtype == ITEM_PRODUCT)
            .values(warehouseid=row.warehouseid)
        )
    if values:
        events.order_event(
            conn,
            ctx,
            orderid,
            "update",
            ORDER_STATES[new_state] if changed and new_state is not None else None,
            ts,
            subs,
        )
    return True
