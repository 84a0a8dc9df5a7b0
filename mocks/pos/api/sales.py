"""Routes: orders (sales and refunds), customers (users), cash registers and Z reports."""

from __future__ import annotations

from flask import Response

from mocks.core import validation as v
from mocks.core.http import json_body, json_response

from ..domain import customers, order_parsing, order_writes, orders, registers
from .base import batch, bp, descending, envelope, int_arg, int_list, paging, services, str_list

SITE = "/sites/<int:siteid>"


def _order_filters() -> dict[str, object]:
    return {
        "orderid": int_list("orderid"),
        "externalid": str_list("externalid"),
        "creditorderid": int_arg("creditorderid"),
        "orderidfrom": int_arg("orderidfrom"),
        "orderidto": int_arg("orderidto"),
        "orderdatefrom": int_arg("orderdatefrom"),
        "orderdateto": int_arg("orderdateto"),
        "orderstate": int_arg("orderstate"),
        "paymentstate": int_arg("paymentstate"),
        "ordertype": int_arg("ordertype"),
        "warehouseid": int_arg("warehouseid"),
        "email": _first("email"),
        "registerid": _first("registerid"),
    }


def _first(name: str) -> str | None:
    values = str_list(name)
    return values[0] if values else None


@bp.get("/orders.json")
def list_account_orders(account: str) -> Response:
    """Orders of every site of the account (``eshopid`` filter)."""
    start, num = paging()
    filters = {**_order_filters(), "eshopid": int_arg("eshopid")}
    with services().read() as conn:
        total, items = orders.list_orders(conn, filters, start, num, descending("orderid"))
    return envelope(total, items)


@bp.get(f"{SITE}/orders.json")
def list_orders(account: str, siteid: int) -> Response:
    """Orders of the site; ``creditorderid`` lists the refunds raised against an order."""
    start, num = paging()
    with services().read() as conn:
        total, items = orders.list_orders(conn, _order_filters(), start, num, descending("orderid"))
    return envelope(total, items)


@bp.post(f"{SITE}/orders.json")
def add_order(account: str, siteid: int) -> Response:
    """Add an order (a POS sale, or a refund with ``creditorderid``); returns the orderid."""
    svc = services()
    order = order_parsing.parse_order(svc.ctx, json_body())
    with svc.write() as (conn, ts):
        orderid = order_writes.create_order(conn, svc.ctx, order, ts, pg=svc.pg)
    return json_response(orderid)


@bp.get(f"{SITE}/orders/<int:orderid>.json")
def get_order(account: str, siteid: int, orderid: int) -> Response:
    """One order with its items and payments."""
    with services().read() as conn:
        return json_response(orders.get_order(conn, orderid))


@bp.put(f"{SITE}/orders/<int:orderid>.json")
def update_order(account: str, siteid: int, orderid: int) -> Response:
    """Change an open order's state (close, cancel) or payment state; closed orders are final."""
    body = json_body()
    svc = services()
    with svc.write() as (conn, ts):
        return json_response(order_writes.update_order(conn, svc.ctx, orderid, body, ts))


@bp.get(f"{SITE}/users.json")
def list_users(account: str, siteid: int) -> Response:
    """Customers, looked up by ``email``, ``customernumber`` or ``mobile``."""
    start, num = paging()
    filters = {k: _first(k) for k in ("email", "customernumber", "mobile")}
    with services().read() as conn:
        total, items = customers.list_users(conn, filters, start, num)
    return envelope(total, items)


@bp.post(f"{SITE}/users.json")
def add_users(account: str, siteid: int) -> Response:
    """Add one customer (returns its id) or a batch; a taken email is refused."""
    body = json_body(expect=(dict, list))
    svc = services()
    with svc.write() as (conn, ts):
        if isinstance(body, dict):
            return json_response(customers.create_user(conn, body, ts))
        v.array(body, "body", max_items=1000, min_items=1)
        return json_response(batch(body, lambda item: customers.create_user(conn, item, ts)))


@bp.put(f"{SITE}/users.json")
def update_users(account: str, siteid: int) -> Response:
    """Update customers in a batch; each item names its ``userid``."""
    body = json_body(expect=(dict, list))
    svc = services()
    with svc.write() as (conn, ts):
        if isinstance(body, dict):
            return json_response(customers.update_user(conn, None, body, ts))
        v.array(body, "body", max_items=1000, min_items=1)
        return json_response(batch(body, lambda item: customers.update_user(conn, None, item, ts)))


@bp.get(f"{SITE}/users/<int:userid>.json")
def get_user(account: str, siteid: int, userid: int) -> Response:
    """One customer."""
    with services().read() as conn:
        return json_response(customers.get_user(conn, userid))


@bp.put(f"{SITE}/users/<int:userid>.json")
def update_user(account: str, siteid: int, userid: int) -> Response:
    """Update one customer."""
    body = json_body()
    with services().write() as (conn, ts):
        return json_response(customers.update_user(conn, userid, body, ts))


@bp.delete(f"{SITE}/users/<int:userid>.json")
def delete_user(account: str, siteid: int, userid: int) -> Response:
    """Delete one customer."""
    with services().write() as (conn, _ts):
        return json_response(customers.delete_user(conn, userid))


@bp.get(f"{SITE}/cashregisters.json")
def list_registers(account: str, siteid: int) -> Response:
    """Cash registers."""
    start, num = paging()
    with services().read() as conn:
        total, items = registers.list_registers(conn, start, num)
    return envelope(total, items)


@bp.get(f"{SITE}/cashregisters/<registerid>.json")
def get_register(account: str, siteid: int, registerid: str) -> Response:
    """One cash register."""
    with services().read() as conn:
        return json_response(registers.get_register(conn, registerid))


@bp.get(f"{SITE}/cashregisters/<registerid>/zreports.json")
def list_zreports(account: str, siteid: int, registerid: str) -> Response:
    """A register's Z reports (``datecreatedfrom`` / ``datecreatedto``)."""
    start, num = paging()
    with services().read() as conn:
        total, items = registers.list_zreports(
            conn, registerid, int_arg("datecreatedfrom"), int_arg("datecreatedto"), start, num
        )
    return envelope(total, items)


@bp.get(f"{SITE}/cashregisters/<registerid>/zreports/<int:zreportid>.json")
def get_zreport(account: str, siteid: int, registerid: str, zreportid: int) -> Response:
    """One Z report."""
    with services().read() as conn:
        return json_response(registers.get_zreport(conn, registerid, zreportid))
