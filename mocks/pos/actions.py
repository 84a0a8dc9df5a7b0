"""What people inside the POS do (``/__erpsim/act/<name>``): cashiers, store staff, merchandisers."""

from __future__ import annotations

from typing import Any

from mocks.core import validation as v
from mocks.core.app import Action, Emulator

from .domain import catalog, customers, order_parsing, order_writes, orders, refunds, registers, stock
from .domain.common import money, parse_decimal3, parse_money
from .errors import bad
from .models import ORDERS, REGISTERS
from .services import PosServices

OR = ORDERS.c
R = REGISTERS.c


def _create(emu: Emulator, body: dict[str, Any], order_body: dict[str, Any], default_register: bool) -> Any:
    svc = PosServices.of(emu)
    autopay = order_parsing.payment_method(svc.ctx, v.opt(body, "payment", v.text, max_len=50) or "Card")
    with svc.write() as (conn, ts):
        if default_register and "registerid" not in order_body and "warehouseid" not in order_body:
            order_body["registerid"] = registers.default_register(conn)
        order = order_parsing.parse_order(svc.ctx, order_body)
        orderid = order_writes.create_order(conn, svc.ctx, order, ts, pg=svc.pg, autopay=autopay)
        return orders.get_order(conn, orderid)


def ring_sale(emu: Emulator, body: dict[str, Any]) -> Any:
    """A cashier rings a sale: {registerid?, lines: [{sku, quantity, discount?, price?}], payments? | payment?}."""
    order: dict[str, Any] = {
        k: body[k]
        for k in ("registerid", "warehouseid", "externalid", "email", "orderdate", "payments")
        if body.get(k) is not None
    }
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
    order["payments"] = [
        {"name": p.get("name"), "moneyamount": p.get("amount", p.get("moneyamount"))}
        for p in (
            v.obj(x, "payment")
            for x in v.array(body.get("payments") or [], "payments", max_items=orders.MAX_PAYMENTS)
        )
    ]
    return _create(emu, body, order, default_register=True)


def refund(emu: Emulator, body: dict[str, Any]) -> Any:
    """A cashier takes goods back: {orderid, lines?: [{sku, quantity, reasoncode?}] (default: all left), payment?}."""
    svc = PosServices.of(emu)
    orderid = v.req(body, "orderid", v.integer, minimum=1)
    with svc.read() as conn:
        order = refunds.credit_order(conn, orderid, body)
    return _create(emu, body, order, default_register=False)


def close_day(emu: Emulator, body: dict[str, Any]) -> Any:
    """Close a register's day and print its Z report: {registerid?, moneycash_counted?, staff?}."""
    svc = PosServices.of(emu)
    with svc.write() as (conn, ts):
        rid = v.opt(body, "registerid", v.text, max_len=40) or registers.default_register(conn)
        counted = (
            None
            if body.get("moneycash_counted") is None
            else parse_money(body["moneycash_counted"], "moneycash_counted")
        )
        staff = v.opt(body, "staff", v.text, max_len=100) or ""
        return registers.close_day(conn, svc.ctx, rid, ts, counted, staff)


def adjust_stock(emu: Emulator, body: dict[str, Any]) -> Any:
    """Store staff adjust stock: {warehouseid, sku, quantity (+in / -out), reasoncode?} -> transaction id."""
    svc = PosServices.of(emu)
    qty = parse_decimal3(v.req(body, "quantity"), "quantity")
    tx = {
        "warehouseid": v.req(body, "warehouseid"),
        "transactiontype": stock.MOVE_IN if qty > 0 else stock.MOVE_OUT,
        "items": [{"sku": v.req(body, "sku"), "decimalquantity": body["quantity"]}],
    }
    if body.get("reasoncode") is not None:
        tx["reasoncode"] = body["reasoncode"]
    with svc.write() as (conn, ts):
        txid = stock.add_transaction(conn, svc.ctx, stock.parse_transaction(conn, tx), ts)
        return stock.get_transaction(conn, tx["warehouseid"], txid)


def stock_take(emu: Emulator, body: dict[str, Any]) -> Any:
    """Store staff count a sku: {warehouseid, sku, counted} sets the stock (StockTaking transaction)."""
    svc = PosServices.of(emu)
    wid = v.req(body, "warehouseid", v.integer, minimum=1)
    sku = v.req(body, "sku", v.text, max_len=100)
    counted = parse_decimal3(v.req(body, "counted"), "counted")
    with svc.write() as (conn, ts):
        if stock.warehouse_row(conn, wid) is None:
            raise bad(f"Warehouse {wid} does not exist.", "warehouseid")
        txid = stock.stock_take(
            conn, svc.ctx, wid, sku, counted, ts, v.opt(body, "reasoncode", v.text, max_len=100)
        )
        return stock.get_transaction(conn, wid, txid)


def create_local_product(emu: Emulator, body: dict[str, Any]) -> Any:
    """A merchandiser creates a product in the POS only (a SKU NetSuite does not know): product fields."""
    svc = PosServices.of(emu)
    with svc.write() as (conn, ts):
        pid = catalog.create_product(conn, body, ts)
        return catalog.get_product(conn, pid)


def change_price(emu: Emulator, body: dict[str, Any]) -> Any:
    """Store staff change a price locally (drifting from NetSuite): {sku, moneyprice}."""
    svc = PosServices.of(emu)
    price = money(parse_money(v.req(body, "moneyprice"), "moneyprice"))
    with svc.write() as (conn, ts):
        pid = catalog.product_id(conn, v.req(body, "sku", v.text, max_len=100))
        catalog.update_product(conn, pid, {"moneyprice": price}, ts)
        return catalog.get_product(conn, pid)


def rename_sku(emu: Emulator, body: dict[str, Any]) -> Any:
    """A merchandiser renames a SKU in the POS only: {sku, new_sku} (stock rows keep the old sku)."""
    svc = PosServices.of(emu)
    with svc.write() as (conn, ts):
        pid = catalog.product_id(conn, v.req(body, "sku", v.text, max_len=100))
        catalog.update_product(conn, pid, {"sku": v.req(body, "new_sku")}, ts)
        return catalog.get_product(conn, pid)


def register_customer(emu: Emulator, body: dict[str, Any]) -> Any:
    """A cashier signs a customer up at the till: user fields (email unique)."""
    svc = PosServices.of(emu)
    with svc.write() as (conn, ts):
        return customers.get_user(conn, customers.create_user(conn, body, ts))


def cancel_order(emu: Emulator, body: dict[str, Any]) -> Any:
    """Cancel an open (parked) order: {orderid}."""
    svc = PosServices.of(emu)
    orderid = v.req(body, "orderid", v.integer, minimum=1)
    with svc.write() as (conn, ts):
        order_writes.update_order(conn, svc.ctx, orderid, {"orderstateid": orders.CANCELLED}, ts)
        return orders.get_order(conn, orderid)


ACTIONS: dict[str, Action] = {
    "ring_sale": ring_sale,
    "refund": refund,
    "close_day": close_day,
    "adjust_stock": adjust_stock,
    "stock_take": stock_take,
    "create_local_product": create_local_product,
    "change_price": change_price,
    "rename_sku": rename_sku,
    "register_customer": register_customer,
    "cancel_order": cancel_order,
}
