"""Routes: sites, products (batch add/update), stores, warehouses, stock and warehouse transactions."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from mocks.core import validation as v
from mocks.core.http import json_body, json_response

from ..domain import catalog, stock
from ..errors import bad
from .base import batch, bp, descending, envelope, int_arg, paging, services, str_list

SITE = "/sites/<int:siteid>"


def _array_or_object() -> Any:
    body = json_body(expect=(dict, list))
    if isinstance(body, list):
        v.array(body, "body", max_items=stock.MAX_BATCH, min_items=1)
    return body


@bp.get("/sites.json")
def list_sites(account: str) -> Response:
    """The account's sites (one webshop/eshop per emulator)."""
    ctx = services().ctx
    return envelope(1, [{"eshopid": ctx.site, "title": f"Site {ctx.site}", "currencycode": ctx.currency}])


@bp.get(f"{SITE}/products.json")
def list_products(account: str, siteid: int) -> Response:
    """Products, filtered by ``sku`` (comma list) and ``datelastmodified``."""
    start, num = paging()
    with services().read() as conn:
        total, items = catalog.list_products(conn, str_list("sku"), start, num, int_arg("datelastmodified"))
    return envelope(total, items)


@bp.post(f"{SITE}/products.json")
def add_products(account: str, siteid: int) -> Response:
    """Add one product (returns its id) or a batch (returns one status per product)."""
    body = _array_or_object()
    svc = services()
    with svc.write() as (conn, ts):
        if isinstance(body, dict):
            return json_response(catalog.create_product(conn, body, ts))
        return json_response(batch(body, lambda item: catalog.create_product(conn, item, ts)))


@bp.put(f"{SITE}/products.json")
def update_products(account: str, siteid: int) -> Response:
    """Update products in a batch; each item names its ``productid``."""
    body = _array_or_object()
    svc = services()
    with svc.write() as (conn, ts):
        if isinstance(body, dict):
            return json_response(catalog.update_product(conn, None, body, ts))
        return json_response(batch(body, lambda item: catalog.update_product(conn, None, item, ts)))


@bp.get(f"{SITE}/products/<int:productid>.json")
def get_product(account: str, siteid: int, productid: int) -> Response:
    """One product."""
    with services().read() as conn:
        return json_response(catalog.get_product(conn, productid))


@bp.put(f"{SITE}/products/<int:productid>.json")
def update_product(account: str, siteid: int, productid: int) -> Response:
    """Update one product (price, title, sku...)."""
    body = json_body()
    with services().write() as (conn, ts):
        return json_response(catalog.update_product(conn, productid, body, ts))


@bp.delete(f"{SITE}/products/<int:productid>.json")
def delete_product(account: str, siteid: int, productid: int) -> Response:
    """Delete one product."""
    with services().write() as (conn, _ts):
        return json_response(catalog.delete_product(conn, productid))


@bp.get(f"{SITE}/stores.json")
def list_stores(account: str, siteid: int) -> Response:
    """Stores."""
    start, num = paging()
    with services().read() as conn:
        total, items = stock.list_stores(conn, start, num)
    return envelope(total, items)


@bp.get(f"{SITE}/warehouses.json")
def list_warehouses(account: str, siteid: int) -> Response:
    """Warehouses (each store has a sellable one and a quarantine one)."""
    start, num = paging()
    with services().read() as conn:
        total, items = stock.list_warehouses(conn, start, num)
    return envelope(total, items)


@bp.get(f"{SITE}/warehouses/<int:warehouseid>.json")
def get_warehouse(account: str, siteid: int, warehouseid: int) -> Response:
    """One warehouse."""
    with services().read() as conn:
        return json_response(stock.get_warehouse(conn, warehouseid))


@bp.get(f"{SITE}/warehouses/<int:warehouseid>/warehouseitems.json")
def list_warehouse_items(account: str, siteid: int, warehouseid: int) -> Response:
    """Stock per sku in a warehouse (``sku`` filter: comma list)."""
    start, num = paging()
    with services().read() as conn:
        total, items = stock.list_items(conn, warehouseid, str_list("sku"), start, num)
    return envelope(total, items)


@bp.post(f"{SITE}/warehousetransactions.json")
def add_warehouse_transactions(account: str, siteid: int) -> Response:
    """Add warehouse transactions: one (returns its id) or a batch of up to 1000 (one status each)."""
    body = json_body(expect=(dict, list))
    if isinstance(body, list) and len(body) > stock.MAX_BATCH:
        raise bad(f"A batch holds at most {stock.MAX_BATCH} warehouse transactions; got {len(body)}.")
    if isinstance(body, list) and not body:
        raise bad("The batch is empty.")
    svc = services()
    with svc.write() as (conn, ts):
        if isinstance(body, dict):
            return json_response(
                stock.add_transaction(conn, svc.ctx, stock.parse_transaction(conn, body), ts)
            )
        return json_response(
            batch(
                body,
                lambda item: stock.add_transaction(conn, svc.ctx, stock.parse_transaction(conn, item), ts),
            )
        )


@bp.get(f"{SITE}/warehouses/<int:warehouseid>/warehousetransactions.json")
def list_warehouse_transactions(account: str, siteid: int, warehouseid: int) -> Response:
    """A warehouse's transactions, newest first by default (Sitoo's ``-warehousetransactionid``)."""
    start, num = paging()
    desc = request.args.get("sort") in (None, "") or descending("warehousetransactionid")
    filters = {
        "idfrom": int_arg("warehousetransactionidfrom"),
        "idto": int_arg("warehousetransactionidto"),
        "type": int_arg("transactiontype"),
        "datefrom": int_arg("datecreatedfrom"),
        "dateto": int_arg("datecreatedto"),
    }
    with services().read() as conn:
        total, items = stock.list_transactions(conn, warehouseid, filters, start, num, desc)
    return envelope(total, items)


@bp.get(f"{SITE}/warehouses/<int:warehouseid>/warehousetransactions/<int:warehousetransactionid>.json")
def get_warehouse_transaction(
    account: str, siteid: int, warehouseid: int, warehousetransactionid: int
) -> Response:
    """One warehouse transaction."""
    with services().read() as conn:
        return json_response(stock.get_transaction(conn, warehouseid, warehousetransactionid))
