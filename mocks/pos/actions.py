"""What people inside the POS do (``/__erpsim/act/<name>``): cashiers, store staff, merchandisers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from mocks.core import validation as v
from mocks.core.app import Action, Emulator

from .api.base import PosServices
from .domain import catalog, customers, orders, registers, stock
from .domain.common import (
    bad,
    money,
    parse_decimal3,
    parse_money,
)
from .models import ORDERS, REGISTERS

OR = ORDERS.c
R = REGISTERS.c


def _svc(emu: Emulator) -> PosServices:
    svc: PosServices = emu.services["pos"]
    return svc


def _default_register(conn: Connection) -> str:
    rid = conn.execute(select(R.registerid).order_by(R.storeid, R.registernumber).limit(1)).scalar()
    if rid is None:
        raise bad("There is no cash register; seed a store first.", "registerid")
    return str(rid)


def _create(emu: Emulator, body: dict[str, Any], order_body: dict[str, Any], default_register: bool) -> Any:
    svc = _svc(emu)
    method = v.opt(body, "payment", v.text, max_len=50) or "Card"
    if svc.ctx.payment_name(method) is None:
        raise bad(f"Unknown payment method '{method}'.", "payment")
    with svc.write() as (conn, ts):
        if default_register and "registerid" not in order_body and "warehouseid" not in order_body:
            order_body["registerid"] = _default_register(conn)
        order = orders.parse_order(svc.ctx, order_body)
        orderid = orders.create_order(conn, svc.ctx, order, ts, pg=svc.pg, autopay=svc.ctx.payment_name(method))
        return orders.get_order(conn, orderid)


def ring_sale(emu: Emulator, body: dict[str, Any]) -> Any:
    """A cashier rings a sale: {registerid?, lines: [{sku, quantity, discount?, price?}], payments? | payment?}."""
    order: dict[str, Any] = {k: body[k] for k in ("registerid", "warehouseid", "externalid", "email", "orderdate",
                                                  "payments") if body.get(k) is not None}
    items: list[dict[str, Any]] = []
    for raw in v.req(body, "lines", v.array, max_items=orders.MAX_ITEMS, min_items=1):
        line = v.obj(raw, "line")
        item: dict[str, Any] = {"sku": v.req(line, "sku"), "quantity": line.get("quantity", 1)}
        if line.get("price") is not None:
            item["moneynetpriceperunit"] = line["price"]
        items.append(item)
        if line.get("discount") is not None:
            items.append({"orderitemtype": orders.ITEM_DISCOUNT, "moneyrowdiscount": line["discount"]})
    order["orderitems"] = items
    order["payments"] = [{"name": p.get("name"), "moneyamount": p.get("amount", p.get("moneyamount"))}
                         for p in (v.obj(x, "payment") for x in v.array(body.get("payments") or [], "payments",
                                                                        max_items=orders.MAX_PAYMENTS))]
    return _create(emu, body, order, default_register=True)


def refund(emu: Emulator, body: dict[str, Any]) -> Any:
    """A cashier takes goods back: {orderid, lines?: [{sku, quantity, reasoncode?}] (default: all left), payment?}."""
    svc = _svc(emu)
    orderid = v.req(body, "orderid", v.integer, minimum=1)
    with svc.read() as conn:
        original = orders.get_order(conn, orderid)
        returned: dict[str, int] = dict(conn.execute(
            select(orders.OI.sku, func.sum(-orders.OI.quantity)).join(ORDERS, OR.orderid == orders.OI.orderid)
            .where(OR.creditorderid == orderid, orders.OI.orderitemtype == orders.ITEM_PRODUCT)
            .group_by(orders.OI.sku)).all())
        given_back: dict[str, int] = dict(conn.execute(
            select(orders.OI.sku, func.sum(orders.OI.moneyrowdiscount)).join(ORDERS, OR.orderid == orders.OI.orderid)
            .where(OR.creditorderid == orderid, orders.OI.orderitemtype == orders.ITEM_DISCOUNT)
            .group_by(orders.OI.sku)).all())
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
        # The discount given on the sale goes back pro rata; the last return takes the remainder (exact cents).
        total_disc, left = discount.get(sku, 0), sold.get(sku, 0) - int(returned.get(sku) or 0)
        disc = (total_disc - int(given_back.get(sku) or 0)) if qty == left else (
            total_disc * qty // sold[sku] if sold.get(sku) else 0)
        if disc > 0:
            items.append({"orderitemtype": orders.ITEM_DISCOUNT, "moneyrowdiscount": money(disc)})
    order: dict[str, Any] = {"creditorderid": orderid, "orderitems": items,
                             "registerid": body.get("registerid") or original["registerid"]}
    if order["registerid"] is None:
        order["warehouseid"] = body.get("warehouseid") or original["warehouseid"]
    for key in ("externalid", "email"):
        if body.get(key) is not None:
            order[key] = body[key]
    return _create(emu, body, order, default_register=False)


def close_day(emu: Emulator, body: dict[str, Any]) -> Any:
    """Close a register's day and print its Z report: {registerid?, moneycash_counted?, staff?}."""
    svc = _svc(emu)
    with svc.write() as (conn, ts):
        rid = v.opt(body, "registerid", v.text, max_len=40) or _default_register(conn)
        counted = None if body.get("moneycash_counted") is None else parse_money(body["moneycash_counted"],
                                                                                  "moneycash_counted")
        staff = v.opt(body, "staff", v.text, max_len=100) or ""
        return registers.close_day(conn, svc.ctx, rid, ts, counted, staff)


def adjust_stock(emu: Emulator, body: dict[str, Any]) -> Any:
    """Store staff adjust stock: {warehouseid, sku, quantity (+in / -out), reasoncode?} -> transaction id."""
    svc = _svc(emu)
    qty = parse_decimal3(v.req(body, "quantity"), "quantity")
    tx = {"warehouseid": v.req(body, "warehouseid"), "transactiontype": stock.MOVE_IN if qty > 0 else stock.MOVE_OUT,
          "items": [{"sku": v.req(body, "sku"), "decimalquantity": body["quantity"]}]}
    if body.get("reasoncode") is not None:
        tx["reasoncode"] = body["reasoncode"]
    with svc.write() as (conn, ts):
        txid = stock.add_transaction(conn, svc.ctx, stock.parse_transaction(conn, tx), ts)
        return stock.get_transaction(conn, tx["warehouseid"], txid)


def stock_take(emu: Emulator, body: dict[str, Any]) -> Any:
    """Store staff count a sku: {warehouseid, sku, counted} sets the stock (StockTaking transaction)."""
    svc = _svc(emu)
    wid = v.req(body, "warehouseid", v.integer, minimum=1)
    sku = v.req(body, "sku", v.text, max_len=100)
    counted = parse_decimal3(v.req(body, "counted"), "counted")
    with svc.write() as (conn, ts):
        if stock.warehouse_row(conn, wid) is None:
            raise bad(f"Warehouse {wid} does not exist.", "warehouseid")
        txid = stock.stock_take(conn, svc.ctx, wid, sku, counted, ts,
                                v.opt(body, "reasoncode", v.text, max_len=100))
        return stock.get_transaction(conn, wid, txid)


def create_local_product(emu: Emulator, body: dict[str, Any]) -> Any:
    """A merchandiser creates a product in the POS only (a SKU NetSuite does not know): product fields."""
    svc = _svc(emu)
    with svc.write() as (conn, ts):
        pid = catalog.create_product(conn, body, ts)
        return catalog.get_product(conn, pid)


def _product_id(conn: Connection, sku: str) -> int:
    pid = conn.execute(select(catalog.P.productid).where(catalog.P.sku == sku)).scalar()
    if pid is None:
        raise bad(f"Unknown sku '{sku}'.", "sku")
    return int(pid)


def change_price(emu: Emulator, body: dict[str, Any]) -> Any:
    """Store staff change a price locally (drifting from NetSuite): {sku, moneyprice}."""
    svc = _svc(emu)
    price = money(parse_money(v.req(body, "moneyprice"), "moneyprice"))
    with svc.write() as (conn, ts):
        pid = _product_id(conn, v.req(body, "sku", v.text, max_len=100))
        catalog.update_product(conn, pid, {"moneyprice": price}, ts)
        return catalog.get_product(conn, pid)


def rename_sku(emu: Emulator, body: dict[str, Any]) -> Any:
    """A merchandiser renames a SKU in the POS only: {sku, new_sku} (stock rows keep the old sku)."""
    svc = _svc(emu)
    with svc.write() as (conn, ts):
        pid = _product_id(conn, v.req(body, "sku", v.text, max_len=100))
        catalog.update_product(conn, pid, {"sku": v.req(body, "new_sku")}, ts)
        return catalog.get_product(conn, pid)


def register_customer(emu: Emulator, body: dict[str, Any]) -> Any:
    """A cashier signs a customer up at the till: user fields (email unique)."""
    svc = _svc(emu)
    with svc.write() as (conn, ts):
        return customers.get_user(conn, customers.create_user(conn, body, ts))


def cancel_order(emu: Emulator, body: dict[str, Any]) -> Any:
    """Cancel an open (parked) order: {orderid}."""
    svc = _svc(emu)
    orderid = v.req(body, "orderid", v.integer, minimum=1)
    with svc.write() as (conn, ts):
        orders.update_order(conn, svc.ctx, orderid, {"orderstateid": orders.CANCELLED}, ts)
        return orders.get_order(conn, orderid)


ACTIONS: dict[str, Action] = {
    "ring_sale": ring_sale, "refund": refund, "close_day": close_day, "adjust_stock": adjust_stock,
    "stock_take": stock_take, "create_local_product": create_local_product, "change_price": change_price,
    "rename_sku": rename_sku, "register_customer": register_customer, "cancel_order": cancel_order,
}
