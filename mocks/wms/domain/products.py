"""The item master: SKUs mapped to NetSuite items by external id, with their physical attributes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mocks.core.app import Emulator

from ..errors import duplicate, not_found
from ..models import Product
from .common import now_stamp, page_of, paged, write

#: API field -> column, for the attributes a client may set.
FIELDS = {"sku": "sku", "externalId": "external_id", "name": "name", "itemType": "item_type",
          "barcode": "barcode", "weightKg": "weight_kg", "lengthCm": "length_cm", "widthCm": "width_cm",
          "heightCm": "height_cm"}


def view(p: Product) -> dict[str, Any]:
    """The API view of one SKU."""
    return {"id": p.id, "sku": p.sku, "externalId": p.external_id, "name": p.name, "itemType": p.item_type,
            "barcode": p.barcode, "weightKg": p.weight_kg,
            "dimensions": {"lengthCm": p.length_cm, "widthCm": p.width_cm, "heightCm": p.height_cm},
            "createdAt": p.created_at, "updatedAt": p.updated_at}


def _check_unique(session: Session, client_id: int, sku: str | None, external_id: str | None,
                  exclude_id: int | None = None) -> None:
    if sku is not None:
        found = session.execute(select(Product.id).where(Product.client_id == client_id,
                                                         Product.sku == sku)).scalar()
        if found is not None and found != exclude_id:
            raise duplicate("DUPLICATE_SKU", f"SKU '{sku}' already exists in the item master (product {found}).",
                            "sku", existingProductId=found)
    if external_id is not None:
        found = session.execute(select(Product.id).where(Product.client_id == client_id,
                                                         Product.external_id == external_id)).scalar()
        if found is not None and found != exclude_id:
            raise duplicate("DUPLICATE_EXTERNAL_ID",
                            f"External id '{external_id}' is already mapped to product {found}.",
                            "externalId", existingProductId=found)


def add_product(emu: Emulator, session: Session, client_id: int, fields: dict[str, Any]) -> Product:
    """Insert one SKU inside the caller's transaction (natural keys checked first)."""
    _check_unique(session, client_id, fields["sku"], fields["externalId"])
    at = now_stamp(emu, session)
    p = Product(client_id=client_id, created_at=at, updated_at=at,
                **{"item_type": "PHYSICAL", **{FIELDS[k]: v for k, v in fields.items()}})
    session.add(p)
    session.flush()
    return p


def create_product(emu: Emulator, client_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """Add a SKU to the client's item master; 422 when its SKU or external id is taken."""
    with write(emu) as s:
        return view(add_product(emu, s, client_id, fields))


def _owned(session: Session, client_id: int, product_id: int, lock: bool = False) -> Product:
    stmt = select(Product).where(Product.id == product_id, Product.client_id == client_id)
    p = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    if p is None:
        raise not_found("Product", product_id)
    return p


def update_product(emu: Emulator, client_id: int, product_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Change a SKU's attributes (the SKU code itself is immutable)."""
    with write(emu) as s:
        p = _owned(s, client_id, product_id, lock=True)
        _check_unique(s, client_id, None, changes.get("externalId"), exclude_id=p.id)
        for key, value in changes.items():
            setattr(p, FIELDS[key], value)
        p.updated_at = now_stamp(emu, s)
        return view(p)


def get_product(emu: Emulator, client_id: int, product_id: int) -> dict[str, Any]:
    """One SKU of the client."""
    with emu.store.read() as s:
        return view(_owned(s, client_id, product_id))


def list_products(emu: Emulator, client_id: int, page: int, page_size: int, *, sku: str | None = None,
                  external_id: str | None = None, updated_since: str | None = None) -> dict[str, Any]:
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
