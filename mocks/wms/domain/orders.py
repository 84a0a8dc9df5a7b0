"""Orders: creation (the hot path), natural-key idempotency by client reference, reads and lists.

Creation is one write transaction of a handful of Core statements: duplicate check, item-master
lookup of the order's SKUs, two inserts (and an ``order.on_hold`` event when a SKU is unknown).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mocks.core.app import Emulator
from mocks.core.errors import ApiError

from ..errors import bad_request, duplicate, no_such, not_found
from ..models import Client, Order, OrderLine, Product
from .common import HOLDING, NEW, PHYSICAL, now_stamp, page_of, paged, resolve_warehouse, table_of
from .events import ORDER_ON_HOLD, publish

_orders = table_of(Order)
_lines = table_of(OrderLine)
_products = table_of(Product)
# Built once: the create path only binds values.
_FIND_REF = select(_orders.c.id).where(
    _orders.c.client_id == bindparam("c"), _orders.c.client_reference == bindparam("r")
)
_SKU_TYPES = select(_products.c.sku, _products.c.item_type).where(
    _products.c.client_id == bindparam("c"), _products.c.sku.in_(bindparam("skus", expanding=True))
)
_INSERT_ORDER = insert(_orders)
_INSERT_LINES = insert(_lines)


@dataclass
class LineIn:
    """One validated order line."""

    sku: str
    quantity: int
    item_type: str | None = None
    external_line_id: str | None = None


@dataclass
class OrderIn:
    """A validated order create request."""

    client_reference: str
    ship_to: dict[str, Any]
    lines: list[LineIn]
    external_id: str | None = None
    order_number: str | None = None
    warehouse_id: int | None = None
    courier_service: str = "AUTO"


def _non_physical(bad: list[tuple[int, str, str]]) -> ApiError:
    index, sku, item_type = bad[0]
    return bad_request(
        f"Line {index} (SKU '{sku}') is a {item_type} item: the WMS only fulfils physical goods, "
        f"so the whole order was rejected.",
        f"lines[{index}]",
        code="NON_PHYSICAL_LINE",
        lineIndex=index,
        sku=sku,
        nonPhysicalLines=[{"lineIndex": i, "sku": s, "itemType": t} for i, s, t in bad],
    )


def _duplicate(client_reference: str, existing: int) -> ApiError:
    return duplicate(
        "DUPLICATE_CLIENT_REFERENCE",
        f"An order with clientReference '{client_reference}' already exists (order {existing}).",
        "clientReference",
        existingOrderId=existing,
    )


def unknown_sku_reason(unknown: list[tuple[int, str]]) -> str:
    """The hold reason naming each SKU missing from the item master."""
    return "; ".join(f"SKU '{sku}' (line {i}) is not in the item master" for i, sku in unknown)


def create_order(emu: Emulator, client_id: int, data: OrderIn) -> dict[str, Any]:
    """Accept an order (NEW, or HOLDING when a SKU is unknown); 400 for non-physical lines, 422 duplicates."""
    declared = [
        (i, ln.sku, ln.item_type)
        for i, ln in enumerate(data.lines)
        if ln.item_type is not None and ln.item_type != PHYSICAL
    ]
    if declared:
        raise _non_physical(declared)  # type: ignore[arg-type]
    try:
        with emu.store.write() as s:
            conn = s.connection()  # Core on the raw connection: the leanest path for the hottest write
            existing = conn.execute(_FIND_REF, {"c": client_id, "r": data.client_reference}).scalar()
            if existing is not None:
                raise _duplicate(data.client_reference, existing)
            skus = sorted({ln.sku for ln in data.lines})
            types = dict(conn.execute(_SKU_TYPES, {"c": client_id, "skus": skus}).all())
            bad = [
                (i, ln.sku, types[ln.sku])
                for i, ln in enumerate(data.lines)
                if types.get(ln.sku, PHYSICAL) != PHYSICAL
            ]
            if bad:
                raise _non_physical(bad)
            warehouse_id = resolve_warehouse(conn, data.warehouse_id)
            unknown = [(i, ln.sku) for i, ln in enumerate(data.lines) if ln.sku not in types]
            at = now_stamp(emu, conn)
            row: dict[str, Any] = {
                "client_id": client_id,
                "client_reference": data.client_reference,
                "external_id": data.external_id,
                "order_number": data.order_number,
                "warehouse_id": warehouse_id,
                "status": HOLDING if unknown else NEW,
                "hold_code": "UNKNOWN_SKU" if unknown else None,
                "hold_reason": unknown_sku_reason(unknown) if unknown else None,
                "courier_service": data.courier_service,
                "carrier": None,
                "tracking_number": None,
                "ship_to": json.dumps(data.ship_to, separators=(",", ":")),
                "cancel_reason": None,
                "created_at": at,
                "updated_at": at,
                "despatched_at": None,
                "cancelled_at": None,
            }
            pk = cast(CursorResult[Any], conn.execute(_INSERT_ORDER, row)).inserted_primary_key
            assert pk is not None
            row["id"] = order_id = int(pk[0])
            lines = [
                {
                    "order_id": order_id,
                    "line_index": i,
                    "sku": ln.sku,
                    "external_line_id": ln.external_line_id,
                    "quantity": ln.quantity,
                    "quantity_allocated": 0,
                    "quantity_picked": 0,
                    "quantity_shipped": 0,
                }
                for i, ln in enumerate(data.lines)
            ]
            conn.execute(_INSERT_LINES, lines)
            if unknown:
                publish(emu, s, client_id, ORDER_ON_HOLD, hold_payload(row, [sku for _, sku in unknown]), at)
    except IntegrityError:
        # A concurrent create won the unique (client, clientReference) race: answer as the retry would.
        with emu.store.read() as s:
            existing = s.execute(
                select(_orders.c.id).where(
                    _orders.c.client_id == client_id, _orders.c.client_reference == data.client_reference
                )
            ).scalar()
        if existing is None:
            raise
        raise _duplicate(data.client_reference, existing) from None
    return render(row, lines)


def hold_payload(order: dict[str, Any], skus: list[str]) -> dict[str, Any]:
    """The ``order.on_hold`` event data."""
    return {
        "orderId": order["id"],
        "clientReference": order["client_reference"],
        "externalId": order["external_id"],
        "status": HOLDING,
        "holdCode": order["hold_code"],
        "holdReason": order["hold_reason"],
        "skus": skus,
    }


def render(o: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, Any]:
    """The API view of an order from its column values."""
    return {
        "id": o["id"],
        "clientReference": o["client_reference"],
        "externalId": o["external_id"],
        "orderNumber": o["order_number"],
        "warehouseId": o["warehouse_id"],
        "status": o["status"],
        "holdCode": o["hold_code"],
        "holdReason": o["hold_reason"],
        "courierService": o["courier_service"],
        "carrier": o["carrier"],
        "trackingNumber": o["tracking_number"],
        "shipTo": json.loads(o["ship_to"]),
        "lines": [
            {
                "lineIndex": ln["line_index"],
                "sku": ln["sku"],
                "externalLineId": ln["external_line_id"],
                "quantity": ln["quantity"],
                "quantityAllocated": ln["quantity_allocated"],
                "quantityPicked": ln["quantity_picked"],
                "quantityShipped": ln["quantity_shipped"],
            }
            for ln in lines
        ],
        "cancelReason": o["cancel_reason"],
        "createdAt": o["created_at"],
        "updatedAt": o["updated_at"],
        "despatchedAt": o["despatched_at"],
        "cancelledAt": o["cancelled_at"],
    }


def columns(obj: Any) -> dict[str, Any]:
    """An ORM row's column values as a dict."""
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def order_lines(session: Session, order_id: int) -> list[OrderLine]:
    """The order's lines in line order."""
    return list(
        session.execute(
            select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.line_index)
        ).scalars()
    )


def view(session: Session, order: Order) -> dict[str, Any]:
    """The API view of an ORM order (its lines read from ``session``)."""
    return render(columns(order), [columns(ln) for ln in order_lines(session, order.id)])


def get_order(
    emu: Emulator, client_id: int, order_id: int | None = None, client_reference: str | None = None
) -> dict[str, Any]:
    """One of the client's orders, by id or by client reference."""
    with emu.store.read() as s:
        stmt = select(Order).where(Order.client_id == client_id)
        stmt = (
            stmt.where(Order.id == order_id)
            if order_id is not None
            else stmt.where(Order.client_reference == client_reference)
        )
        order = s.execute(stmt).scalar_one_or_none()
        if order is None:
            raise not_found("Order", order_id if order_id is not None else f"'{client_reference}'")
        return view(s, order)


def list_orders(
    emu: Emulator,
    client_id: int,
    page: int,
    page_size: int,
    *,
    status: str | None = None,
    client_reference: str | None = None,
    updated_since: str | None = None,
) -> dict[str, Any]:
    """A page of the client's orders by id, filtered by status, client reference or update time."""
    stmt = select(Order).where(Order.client_id == client_id)
    if status is not None:
        stmt = stmt.where(Order.status == status)
    if client_reference is not None:
        stmt = stmt.where(Order.client_reference == client_reference)
    if updated_since is not None:
        stmt = stmt.where(Order.updated_at >= updated_since)
    with emu.store.read() as s:
        total, rows = page_of(s, stmt.order_by(Order.id), page, page_size)
        by_order: dict[int, list[dict[str, Any]]] = {o.id: [] for o in rows}
        if rows:
            for ln in s.execute(
                select(OrderLine)
                .where(OrderLine.order_id.in_(list(by_order)))
                .order_by(OrderLine.order_id, OrderLine.line_index)
            ).scalars():
                by_order[ln.order_id].append(columns(ln))
        return paged([render(columns(o), by_order[o.id]) for o in rows], total, page, page_size)


def find_order(session: Session, ref: int | str, client_code: str | None, lock: bool = True) -> Order:
    """An order for an act/ action: by id (int) or by client reference (str) of a client (default client)."""
    stmt = select(Order)
    if isinstance(ref, int):
        stmt = stmt.where(Order.id == ref)
    else:
        code = client_code or "DEFAULT"
        stmt = stmt.join(Client, Client.id == Order.client_id).where(
            Client.code == code, Order.client_reference == ref
        )
    order = session.execute(stmt.with_for_update(of=Order) if lock else stmt).scalar_one_or_none()
    if order is None:
        raise no_such("ORDER_NOT_FOUND", f"Order {ref!r} was not found.", "order")
    return order
