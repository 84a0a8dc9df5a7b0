"""Items: raw materials, packaging, intermediates and finished goods, mapped to NetSuite items."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from .. import validation as v
from ..models import Item
from .common import Ctx, conflict, get_or_404, page

ITEM_TYPES = ("RAW_MATERIAL", "PACKAGING", "INTERMEDIATE", "FINISHED_GOOD")


def _unique(ctx: Ctx, column: Any, value: Any, field: str, own_id: int | None = None) -> None:
    existing = ctx.session.execute(select(Item.id).where(column == value)).scalar_one_or_none()
    if existing is not None and existing != own_id:
        raise conflict("DUPLICATE", f"An item with {field} {value!r} already exists (id {existing}).",
                       field=field, existingId=existing)


def create_item(ctx: Ctx, body: dict[str, Any]) -> Item:
    """Create an item; SKU and NetSuite id are unique (409 with the existing id)."""
    sku = v.text(body, "sku", max_len=80)
    name = v.text(body, "name")
    kind = v.choice(body, "type", ITEM_TYPES)
    uom = v.text(body, "uom", required=False, max_len=20) or "ea"
    netsuite_id = v.text(body, "netsuiteId", required=False, max_len=80)
    _unique(ctx, Item.sku, sku, "sku")
    if netsuite_id is not None:
        _unique(ctx, Item.netsuite_id, netsuite_id, "netsuiteId")
    item = Item(sku=sku, name=name, type=kind, uom=uom, netsuite_id=netsuite_id, created_at=ctx.now,
                updated_at=ctx.now)
    ctx.session.add(item)
    ctx.session.flush()
    return item


def update_item(ctx: Ctx, item_id: int, body: dict[str, Any]) -> Item:
    """Rename an item, change its unit or (re)map it to a NetSuite item."""
    item = get_or_404(ctx.session, Item, item_id, "Item", lock=True)
    if not {"name", "uom", "netsuiteId"} & body.keys():
        raise v.invalid("name", "Send at least one of 'name', 'uom', 'netsuiteId'.")
    name = v.text(body, "name", required=False)
    uom = v.text(body, "uom", required=False, max_len=20)
    if "netsuiteId" in body:
        netsuite_id = v.text(body, "netsuiteId", required=False, max_len=80)
        if netsuite_id is not None:
            _unique(ctx, Item.netsuite_id, netsuite_id, "netsuiteId", own_id=item.id)
        item.netsuite_id = netsuite_id
    if name is not None:
        item.name = name
    if uom is not None:
        item.uom = uom
    item.updated_at = ctx.now
    return item


def list_items(ctx: Ctx, *, sku: str | None, netsuite_id: str | None, kind: str | None,
               limit: int, page_no: int) -> tuple[list[Item], int]:
    """Items filtered by SKU, NetSuite id or type, ordered by id."""
    cond = []
    if sku is not None:
        cond.append(Item.sku == sku)
    if netsuite_id is not None:
        cond.append(Item.netsuite_id == netsuite_id)
    if kind is not None:
        cond.append(Item.type == kind)
    return page(ctx.session, select(Item).where(*cond).order_by(Item.id),
                select(func.count(Item.id)).where(*cond), limit, page_no)
