"""Items: raw materials, packaging, intermediates and finished goods, mapped to NetSuite items."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from mocks.core import validation as v

from ..errors import conflict, validation_error
from ..models import Item
from .common import Ctx, get_or_404, page

ITEM_TYPES = ("RAW_MATERIAL", "PACKAGING", "INTERMEDIATE", "FINISHED_GOOD")


def _unique(ctx: Ctx, column: Any, value: Any, field: str, own_id: int | None = None) -> None:
    existing = ctx.session.execute(select(Item.id).where(column == value)).scalar_one_or_none()
    if existing is not None and existing != own_id:
        raise conflict(
            "DUPLICATE",
            f"An item with {field} {value!r} already exists (id {existing}).",
            field=field,
            existingId=existing,
        )


def create_item(ctx: Ctx, body: dict[str, Any]) -> Item:
    """Create an item; SKU and NetSuite id are unique (409 with the existing id)."""
    sku = v.req(body, "sku", v.text, max_len=80, min_len=1, strip=True)
    name = v.req(body, "name", v.text, max_len=200, min_len=1, strip=True)
    kind = v.req(body, "type", v.choice, options=ITEM_TYPES)
    uom = v.opt(body, "uom", v.text, max_len=20, min_len=1, strip=True) or "ea"
    netsuite_id = v.opt(body, "netsuiteId", v.text, max_len=80, min_len=1, strip=True)
    _unique(ctx, Item.sku, sku, "sku")
    if netsuite_id is not None:
        _unique(ctx, Item.netsuite_id, netsuite_id, "netsuiteId")
    item = Item(
        sku=sku,
        name=name,
        type=kind,
        uom=uom,
        netsuite_id=netsuite_id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(item)
    ctx.session.flush()
    return item


def update_item(ctx: Ctx, item_id: int, body: dict[str, Any]) -> Item:
    """Rename an item, change its unit or (re)map it to a NetSuite item."""
    item = get_or_404(ctx.session, Item, item_id, "Item", lock=True)
    if not {"name", "uom", "netsuiteId"} & body.keys():
        raise validation_error("name", "Send at least one of 'name', 'uom', 'netsuiteId'.")
    name = v.opt(body, "name", v.text, max_len=200, min_len=1, strip=True)
    uom = v.opt(body, "uom", v.text, max_len=20, min_len=1, strip=True)
    if "netsuiteId" in body:
        netsuite_id = v.opt(body, "netsuiteId", v.text, max_len=80, min_len=1, strip=True)
        if netsuite_id is not None:
            _unique(ctx, Item.netsuite_id, netsuite_id, "netsuiteId", own_id=item.id)
        item.netsuite_id = netsuite_id
    if name is not None:
        item.name = name
    if uom is not None:
        item.uom = uom
    item.updated_at = ctx.now
    return item


def list_items(
    ctx: Ctx, *, sku: str | None, netsuite_id: str | None, kind: str | None, limit: int, page_no: int
) -> tuple[list[Item], int]:
    """Items filtered by SKU, NetSuite id or type, ordered by id."""
    cond = []
    if sku is not None:
        cond.append(Item.sku == sku)
    if netsuite_id is not None:
        cond.append(Item.netsuite_id == netsuite_id)
    if kind is not None:
        cond.append(Item.type == kind)
    return page(
        ctx.session,
        select(Item).where(*cond).order_by(Item.id),
        select(func.count(Item.id)).where(*cond),
        limit,
        page_no,
    )
