"""The item master: SKUs mapped to NetSuite items by external id, with their physical attributes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mocks.core.app import Emulator

from ..errors import duplicate, not_found
from ..models import Asn, AsnLine, Order, OrderLine, Product, ProductSkuHistory, Stock
from .common import CANCELLED, DESPATCHED, now_stamp, page_of, paged

#: API field -> column, for the attributes a client may set.
FIELDS = {
    "sku": "sku",
    "externalId": "external_id",
    "name": "name",
    "itemType": "item_type",
    "barcode": "barcode",
    "weightKg": "weight_kg",
    "lengthCm": "length_cm",
    "widthCm": "width_cm",
    "heightCm": "height_cm",
}


def view(p: Product) -> dict[str, Any]:
    """The API view of one SKU."""
    return {
        "id": p.id,
        "sku": p.sku,
        "externalId": p.external_id,
        "name": p.name,
        "itemType": p.item_type,
        "barcode": p.barcode,
        "weightKg": p.weight_kg,
        "dimensions": {"lengthCm": p.length_cm, "widthCm": p.width_cm, "heightCm": p.height_cm},
        "createdAt": p.created_at,
        "updatedAt": p.updated_at,
    }


def _check_unique(
    session: Session, client_id: int, sku: str | None, external_id: str | None, exclude_id: int | None = None
) -> None:
    if sku is not None:
        found = session.execute(
            select(Product.id).where(Product.client_id == client_id, Product.sku == sku)
        ).scalar()
        if found is not None and found != exclude_id:
            raise duplicate(
                "DUPLICATE_SKU",
                f"SKU '{sku}' already exists in the item master (product {found}).",
                "sku",
                existingProductId=found,
            )
    if external_id is not None:
        found = session.execute(
            select(Product.id).where(Product.client_id == client_id, Product.external_id == external_id)
        ).scalar()
        if found is not None and found != exclude_id:
            raise duplicate(
                "DUPLICATE_EXTERNAL_ID",
                f"External id '{external_id}' is already mapped to product {found}.",
                "externalId",
                existingProductId=found,
            )


def add_product(emu: Emulator, session: Session, client_id: int, fields: dict[str, Any]) -> Product:
    """Insert one SKU inside the caller's transaction (natural keys checked first)."""
    _check_unique(session, client_id, fields["sku"], fields["externalId"])
    at = now_stamp(emu, session)
    p = Product(
        client_id=client_id,
        created_at=at,
        updated_at=at,
        **{"item_type": "PHYSICAL", **{FIELDS[k]: v for k, v in fields.items()}},
    )
    session.add(p)
    session.flush()
    return p


def create_product(emu: Emulator, client_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """Add a SKU to the client's item master; 422 when its SKU or external id is taken."""
    with emu.store.write() as s:
        return view(add_product(emu, s, client_id, fields))


def _owned(session: Session, client_id: int, product_id: int, lock: bool = False) -> Product:
    stmt = select(Product).where(Product.id == product_id, Product.client_id == client_id)
    p = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    if p is None:
        raise not_found("Product", product_id)
    return p


def update_product(emu: Emulator, client_id: int, product_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Change a SKU's attributes, or correct its SKU code for the same mapped item (see ``_correct_sku``)."""
    with emu.store.write() as s:
        p = _owned(s, client_id, product_id, lock=True)
        new_sku = changes.get("sku")
        _check_unique(
            s, client_id, new_sku if new_sku != p.sku else None, changes.get("externalId"), exclude_id=p.id
        )
        stamp = now_stamp(emu, s)
        if new_sku is not None and new_sku != p.sku:
            _correct_sku(s, client_id, p.sku, new_sku)
            s.add(
                ProductSkuHistory(
                    client_id=client_id, product_id=p.id, sku=p.sku, replaced_by=new_sku, at=stamp
                )
            )
        for key, value in changes.items():
            setattr(p, FIELDS[key], value)
        p.updated_at = stamp
        return view(p)


def _correct_sku(session: Session, client_id: int, old: str, new: str) -> None:
    """Carry a corrected SKU code to what the WMS keeps by SKU for the same item.

    The correction exists for the seeds' rename failure (seeds/003: a SKU renamed in NetSuite must be updated
    in the item master, or orders for it are rejected): the product keeps its id and external id (the NetSuite
    item), and its stock, the lines of orders not yet despatched or cancelled and the lines of ASNs not yet
    booked in follow it to the new code, so the floor keeps one SKU per item. Despatched orders, booked-in ASNs
    and stock movements are history and keep the code they had; ``wms_product_sku_history`` records which product
    a former code belonged to. No public Scend document says which records
    follow a correction; this is the emulator's choice, the one that keeps stock and open work on one item.
    """
    session.execute(update(Stock).where(Stock.client_id == client_id, Stock.sku == old).values(sku=new))
    open_orders = select(Order.id).where(
        Order.client_id == client_id, Order.status.not_in((DESPATCHED, CANCELLED))
    )
    session.execute(
        update(OrderLine).where(OrderLine.sku == old, OrderLine.order_id.in_(open_orders)).values(sku=new)
    )
    open_asns = select(Asn.id).where(Asn.client_id == client_id, Asn.booked_in_at.is_(None))
    session.execute(update(AsnLine).where(AsnLine.sku == old, AsnLine.asn_id.in_(open_asns)).values(sku=new))


def get_product(emu: Emulator, client_id: int, product_id: int) -> dict[str, Any]:
    """One SKU of the client."""
    with emu.store.read() as s:
        return view(_owned(s, client_id, product_id))


def list_products(
    emu: Emulator,
    client_id: int,
    page: int,
    page_size: int,
    *,
    sku: str | None = None,
    external_id: str | None = None,
    updated_since: str | None = None,
) -> dict[str, Any]:
    """A page of the client's item master, by id, filtered by SKU, external id or update time."""
    stmt = select(Product).where(Product.client_id == client_id)
    if sku is not None:
        stmt = stmt.where(Product.sku == sku)
    if external_id is not None:
        stmt = stmt.where(Product.external_id == external_id)
    if updated_since is not None:
        stmt = stmt.where(Product.updated_at >= updated_since)
    with emu.store.read() as s:
        total, rows = page_of(s, stmt.order_by(Product.id), page, page_size)
        return paged([view(p) for p in rows], total, page, page_size)
