"""Stock and warehouse routes: /stock, /warehouses."""

from __future__ import annotations

from flask import Blueprint, Response

from mocks.core.app import current_emulator
from mocks.core.http import json_response, query_int

from ..auth import client_id
from ..domain import stock as domain
from ..domain.common import MAX_ID
from .common import paging, query_since, query_str


def list_stock() -> Response:
    """Stock per SKU and warehouse: on hand, allocated, available (filters: sku, warehouseId, updatedSince)."""
    page, size = paging()
    warehouse = query_int("warehouseId", 0, minimum=1, maximum=MAX_ID) or None
    return json_response(
        domain.list_stock(
            current_emulator(),
            client_id(),
            page,
            size,
            sku=query_str("sku"),
            warehouse_id=warehouse,
            updated_since=query_since(),
        )
    )


def list_warehouses() -> Response:
    """The 3PL's warehouses."""
    page, size = paging()
    return json_response(domain.list_warehouses(current_emulator(), page, size))


def register(bp: Blueprint) -> None:
    """Add the /stock and /warehouses routes."""
    bp.add_url_rule("/stock", view_func=list_stock, methods=["GET"])
    bp.add_url_rule("/warehouses", view_func=list_warehouses, methods=["GET"])
