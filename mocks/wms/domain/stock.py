"""Stock per SKU and warehouse: on hand, allocated, available; every change is a movement and an event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from mocks.core.app import Emulator

from ..errors import bad_request, conflict, no_such
from ..models import Product, Stock, StockMovement, Warehouse
from .common import MAX_QTY, PHYSICAL, now_stamp, page_of, paged, resolve_warehouse, table_of
from .events import STOCK_CHANGED, publish

#: Adjustment reason codes and the sign their quantity must have (0 = either, as for a count).
REASON_SIGNS = {"DAMAGED": -1, "LOST": -1, "EXPIRED": -1, "FOUND": 1, "RETURN": 1, "COUNT": 0, "OTHER": 0}


def view(st: Stock) -> dict[str, Any]:
    """The API view of one stock row."""
    return {
        "sku": st.sku,
        "warehouseId": st.warehouse_id,
        "onHand": st.on_hand,
        "allocated": st.allocated,
        "available": st.on_hand - st.allocated,
        "updatedAt": st.updated_at,
    }


def row(session: Session, client_id: int, sku: str, warehouse_id: int, at: str) -> Stock:
    """The (locked) stock row of a SKU in a warehouse, created at zero when missing."""
    st = session.execute(
        select(Stock)
        .where(Stock.client_id == client_id, Stock.sku == sku, Stock.warehouse_id == warehouse_id)
        .with_for_update()
    ).scalar_one_or_none()
    if st is None:
        st = Stock(
            client_id=client_id, sku=sku, warehouse_id=warehouse_id, on_hand=0, allocated=0, updated_at=at
        )
        session.add(st)
        session.flush()
    return st


def move(
    emu: Emulator,
    session: Session,
    st: Stock,
    *,
    on_hand: int = 0,
    allocated: int = 0,
    kind: str,
    at: str,
    reason: str | None = None,
    reference: str | None = None,
) -> None:
    """Apply a change to a stock row, record the movement and publish ``stock.changed``."""
    if not on_hand and not allocated:
        return
    st.on_hand += on_hand
    st.allocated += allocated
    st.updated_at = at
    session.execute(
        insert(table_of(StockMovement)).values(
            client_id=st.client_id,
            sku=st.sku,
            warehouse_id=st.warehouse_id,
            kind=kind,
            reason_code=reason,
            on_hand_delta=on_hand,
            allocated_delta=allocated,
            on_hand_after=st.on_hand,
            allocated_after=st.allocated,
            reference=reference,
            at=at,
        )
    )
    publish(
        emu,
        session,
        st.client_id,
        STOCK_CHANGED,
        {
            "sku": st.sku,
            "warehouseId": st.warehouse_id,
            "onHand": st.on_hand,
            "allocated": st.allocated,
            "available": st.on_hand - st.allocated,
            "onHandDelta": on_hand,
            "allocatedDelta": allocated,
            "cause": kind,
            "reasonCode": reason,
            "reference": reference,
        },
        at,
    )


def physical_product(session: Session, client_id: int, sku: str) -> Product:
    """The SKU's item-master record; 404 when unknown, 400 when it is not a physical item."""
    p = session.execute(
        select(Product).where(Product.client_id == client_id, Product.sku == sku)
    ).scalar_one_or_none()
    if p is None:
        raise no_such("UNKNOWN_SKU", f"SKU '{sku}' is not in the item master.", "sku")
    if p.item_type != PHYSICAL:
        raise bad_request(
            f"SKU '{sku}' is a {p.item_type} item and holds no stock.", "sku", code="NON_PHYSICAL_SKU"
        )
    return p


def adjust(
    emu: Emulator,
    client_id: int,
    sku: str,
    warehouse_id: int | None,
    reason: str,
    *,
    quantity: int | None = None,
    counted: int | None = None,
    reference: str | None = None,
) -> dict[str, Any]:
    """Adjust on-hand stock with a reason code (a signed quantity, or a counted total for COUNT)."""
    if reason not in REASON_SIGNS:
        raise bad_request(f"reasonCode must be one of {', '.join(REASON_SIGNS)}.", "reasonCode")
    if (quantity is None) == (counted is None):
        raise bad_request("Send exactly one of 'quantity' (signed change) or 'countedQuantity'.", "quantity")
    if counted is not None and reason != "COUNT":
        raise bad_request("countedQuantity is only valid with reasonCode COUNT.", "countedQuantity")
    sign = REASON_SIGNS[reason]
    if quantity is not None and (quantity == 0 or (sign and (quantity > 0) != (sign > 0))):
        word = "negative" if sign < 0 else "positive" if sign > 0 else "non-zero"
        raise bad_request(f"A {reason} adjustment needs a {word} quantity.", "quantity")
    with emu.store.write() as s:
        physical_product(s, client_id, sku)
        wh = resolve_warehouse(s, warehouse_id)
        at = now_stamp(emu, s)
        st = row(s, client_id, sku, wh, at)
        delta = quantity if quantity is not None else (counted or 0) - st.on_hand
        if st.on_hand + delta < 0:
            raise conflict(
                "INSUFFICIENT_STOCK",
                f"Cannot remove {-delta} of '{sku}': only {st.on_hand} on hand.",
                onHand=st.on_hand,
            )
        if st.on_hand + delta > MAX_QTY * 1000:
            raise bad_request("The resulting stock level is implausibly large.", "quantity")
        move(emu, s, st, on_hand=delta, kind="ADJUSTMENT", reason=reason, reference=reference, at=at)
        return {**view(st), "adjustedBy": delta, "reasonCode": reason}


def list_warehouses(emu: Emulator, page: int, page_size: int) -> dict[str, Any]:
    """A page of the 3PL's warehouses, by id."""
    with emu.store.read() as s:
        total, rows = page_of(s, select(Warehouse).order_by(Warehouse.id), page, page_size)
        return paged([{"id": w.id, "code": w.code, "name": w.name} for w in rows], total, page, page_size)


def list_stock(
    emu: Emulator,
    client_id: int,
    page: int,
    page_size: int,
    *,
    sku: str | None = None,
    warehouse_id: int | None = None,
    updated_since: str | None = None,
) -> dict[str, Any]:
    """A page of the client's stock rows (by SKU, then warehouse), optionally changed since a time."""
    stmt = select(Stock).where(Stock.client_id == client_id)
    if sku is not None:
        stmt = stmt.where(Stock.sku == sku)
    if warehouse_id is not None:
        stmt = stmt.where(Stock.warehouse_id == warehouse_id)
    if updated_since is not None:
        stmt = stmt.where(Stock.updated_at >= updated_since)
    with emu.store.read() as s:
        total, rows = page_of(s, stmt.order_by(Stock.sku, Stock.warehouse_id), page, page_size)
        return paged([view(st) for st in rows], total, page, page_size)
