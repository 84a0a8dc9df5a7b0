"""Routes: items."""

from __future__ import annotations

from flask import Response

from ..domain import items as D
from ..domain.common import get_or_404
from ..domain.views import item_view
from ..models import Item
from .common import body, bp, listing, ok, paging, q_enum, q_str, reading, writing


@bp.get("/items")
def list_items() -> Response:
    """List items (filters: sku, netsuite_id, type)."""
    limit, page_no = paging()
    with reading() as ctx:
        rows, total = D.list_items(
            ctx,
            sku=q_str("sku"),
            netsuite_id=q_str("netsuite_id"),
            kind=q_enum("type", D.ITEM_TYPES),
            limit=limit,
            page_no=page_no,
        )
        return listing(rows, total, limit, page_no, item_view)


@bp.post("/items")
def create_item() -> Response:
    """Create an item."""
    data = body()
    with writing() as ctx:
        item = D.create_item(ctx, data)
        return ok(item_view(item), 201)


@bp.get("/items/<id:item_id>")
def get_item(item_id: int) -> Response:
    """One item."""
    with reading() as ctx:
        return ok(item_view(get_or_404(ctx.session, Item, item_id, "Item")))


@bp.patch("/items/<id:item_id>")
def update_item(item_id: int) -> Response:
    """Rename an item or map it to a NetSuite item."""
    data = body()
    with writing() as ctx:
        item = D.update_item(ctx, item_id, data)
        ctx.session.flush()
        return ok(item_view(item))
