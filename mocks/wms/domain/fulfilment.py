"""The order status machine and floor work: release (allocation), pick, short pick, pack, despatch, cancel.

NEW -> RELEASED -> PICKING -> PACKED -> DESPATCHED; HOLDING when a SKU is unknown or stock is short
(release re-evaluates it); CANCELLED. The client may cancel in NEW, RELEASED and HOLDING only: once
picking has started the floor owns the order (409 with the current status).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mocks.core.app import Emulator

from ..errors import bad_request, conflict, not_found
from ..models import Order, OrderLine, Product
from . import stock
from .common import (
    CANCELLABLE,
    CANCELLED,
    DESPATCHED,
    HOLDING,
    NEW,
    PACKED,
    PHYSICAL,
    PICKING,
    RELEASED,
    now_stamp,
)
from .events import ORDER_CANCELLED, ORDER_DESPATCHED, ORDER_ON_HOLD, publish
from .orders import columns, hold_payload, order_lines, unknown_sku_reason, view


def _require(order: Order, *allowed: str, action: str) -> None:
    if order.status not in allowed:
        raise conflict(
            "INVALID_STATUS",
            f"Cannot {action} order {order.id} in status {order.status}; it must be {' or '.join(allowed)}.",
            currentStatus=order.status,
        )


def _deallocate(emu: Emulator, s: Session, order: Order, lines: list[OrderLine], at: str) -> None:
    """Give back every unit the order still holds (allocation and picks not yet shipped)."""
    per_sku: dict[str, int] = defaultdict(int)
    for ln in lines:
        per_sku[ln.sku] += ln.quantity_allocated
        ln.quantity_allocated = 0
        ln.quantity_picked = 0
    for sku, qty in sorted(per_sku.items()):
        if qty:
            st = stock.row(s, order.client_id, sku, order.warehouse_id, at)
            stock.move(emu, s, st, allocated=-qty, kind="DEALLOCATE", reference=order.client_reference, at=at)


def _hold(
    emu: Emulator,
    s: Session,
    order: Order,
    lines: list[OrderLine],
    code: str,
    reason: str,
    skus: list[str],
    at: str,
) -> None:
    """Put the order on HOLDING (releasing what it held); publish ``order.on_hold`` when anything changed."""
    _deallocate(emu, s, order, lines, at)
    changed = (order.status, order.hold_code, order.hold_reason) != (HOLDING, code, reason)
    order.status, order.hold_code, order.hold_reason, order.updated_at = HOLDING, code, reason, at
    if changed:
        publish(emu, s, order.client_id, ORDER_ON_HOLD, hold_payload(columns(order), skus), at)


def _required(lines: list[OrderLine]) -> dict[str, int]:
    per_sku: dict[str, int] = defaultdict(int)
    for ln in lines:
        per_sku[ln.sku] += ln.quantity
    return dict(sorted(per_sku.items()))


def release(emu: Emulator, s: Session, order: Order) -> dict[str, Any]:
    """NEW/HOLDING -> RELEASED with stock allocated, or HOLDING naming the unknown SKU or the shortage."""
    _require(order, NEW, HOLDING, action="release")
    at = now_stamp(emu, s)
    lines = order_lines(s, order.id)
    types = dict(
        s.execute(
            select(Product.sku, Product.item_type).where(
                Product.client_id == order.client_id, Product.sku.in_({ln.sku for ln in lines})
            )
        ).all()
    )
    unknown = [(ln.line_index, ln.sku) for ln in lines if ln.sku not in types]
    if unknown:
        _hold(emu, s, order, lines, "UNKNOWN_SKU", unknown_sku_reason(unknown), [k for _, k in unknown], at)
        return view(s, order)
    bad = [ln for ln in lines if types[ln.sku] != PHYSICAL]
    if bad:
        reason = "; ".join(
            f"SKU '{ln.sku}' (line {ln.line_index}) is now a {types[ln.sku]} item" for ln in bad
        )
        _hold(emu, s, order, lines, "NON_PHYSICAL_SKU", reason, [ln.sku for ln in bad], at)
        return view(s, order)
    rows = {sku: stock.row(s, order.client_id, sku, order.warehouse_id, at) for sku in _required(lines)}
    short = [
        (sku, need, rows[sku].on_hand - rows[sku].allocated)
        for sku, need in _required(lines).items()
        if rows[sku].on_hand - rows[sku].allocated < need
    ]
    if short:
        reason = "; ".join(
            f"Insufficient stock for SKU '{sku}' in warehouse {order.warehouse_id}: "
            f"need {need}, available {max(avail, 0)}"
            for sku, need, avail in short
        )
        _hold(emu, s, order, lines, "SHORT_STOCK", reason, [sku for sku, _, _ in short], at)
        return view(s, order)
    for ln in lines:
        ln.quantity_allocated = ln.quantity
    for sku, need in _required(lines).items():
        stock.move(
            emu, s, rows[sku], allocated=need, kind="ALLOCATE", reference=order.client_reference, at=at
        )
    order.status, order.hold_code, order.hold_reason, order.updated_at = RELEASED, None, None, at
    return view(s, order)


def pick(emu: Emulator, s: Session, order: Order) -> dict[str, Any]:
    """RELEASED -> PICKING: every allocated unit picked, or HOLDING when the shelf is short."""
    _require(order, RELEASED, action="pick")
    at = now_stamp(emu, s)
    lines = order_lines(s, order.id)
    need = _required(lines)
    rows = {sku: stock.row(s, order.client_id, sku, order.warehouse_id, at) for sku in need}
    short = [(sku, n, rows[sku].on_hand) for sku, n in need.items() if rows[sku].on_hand < n]
    if short:
        reason = "; ".join(
            f"Short at pick for SKU '{sku}' in warehouse {order.warehouse_id}: need {n}, on hand {oh}"
            for sku, n, oh in short
        )
        _hold(emu, s, order, lines, "SHORT_STOCK", reason, [sku for sku, _, _ in short], at)
        return view(s, order)
    for ln in lines:
        ln.quantity_picked = ln.quantity_allocated
    order.status, order.updated_at = PICKING, at
    return view(s, order)


def short_pick(
    emu: Emulator, s: Session, order: Order, line_index: int | None, sku: str | None, picked: int
) -> dict[str, Any]:
    """In PICKING, record a line picked short (fewer than ordered); the unpicked units are released."""
    _require(order, PICKING, action="short-pick")
    at = now_stamp(emu, s)
    lines = order_lines(s, order.id)
    matches = [
        ln
        for ln in lines
        if (line_index is not None and ln.line_index == line_index) or (line_index is None and ln.sku == sku)
    ]
    if not matches:
        raise not_found("Order line", line_index if line_index is not None else f"with SKU '{sku}'")
    line = matches[0]
    if picked >= line.quantity_picked:
        raise bad_request(
            f"quantityPicked must be below the {line.quantity_picked} already picked on line "
            f"{line.line_index}.",
            "quantityPicked",
        )
    released = line.quantity_picked - picked
    line.quantity_picked = line.quantity_allocated = picked
    st = stock.row(s, order.client_id, line.sku, order.warehouse_id, at)
    stock.move(emu, s, st, allocated=-released, kind="SHORT_PICK", reference=order.client_reference, at=at)
    order.updated_at = at
    return view(s, order)


def pack(emu: Emulator, s: Session, order: Order) -> dict[str, Any]:
    """PICKING -> PACKED (refused when nothing was picked: cancel it instead)."""
    _require(order, PICKING, action="pack")
    if not any(ln.quantity_picked for ln in order_lines(s, order.id)):
        raise conflict(
            "NOTHING_PICKED", f"Order {order.id} has no picked units to pack.", currentStatus=order.status
        )
    order.status, order.updated_at = PACKED, now_stamp(emu, s)
    return view(s, order)


def despatch(emu: Emulator, s: Session, order: Order, carrier: str, tracking_number: str) -> dict[str, Any]:
    """PACKED -> DESPATCHED: stock leaves the warehouse; ``order.despatched`` carries tracking and lines."""
    _require(order, PACKED, action="despatch")
    at = now_stamp(emu, s)
    lines = order_lines(s, order.id)
    per_sku: dict[str, int] = defaultdict(int)
    for ln in lines:
        ln.quantity_shipped = ln.quantity_picked
        per_sku[ln.sku] += ln.quantity_picked
        ln.quantity_allocated = 0
    for sku, qty in sorted(per_sku.items()):
        if qty:
            st = stock.row(s, order.client_id, sku, order.warehouse_id, at)
            stock.move(
                emu,
                s,
                st,
                on_hand=-qty,
                allocated=-qty,
                kind="DESPATCH",
                reference=order.client_reference,
                at=at,
            )
    order.status, order.carrier, order.tracking_number = DESPATCHED, carrier, tracking_number
    order.despatched_at = order.updated_at = at
    publish(
        emu,
        s,
        order.client_id,
        ORDER_DESPATCHED,
        {
            "orderId": order.id,
            "clientReference": order.client_reference,
            "externalId": order.external_id,
            "warehouseId": order.warehouse_id,
            "carrier": carrier,
            "trackingNumber": tracking_number,
            "despatchedAt": at,
            "shortShipped": any(ln.quantity_shipped < ln.quantity for ln in lines),
            "lines": [
                {
                    "lineIndex": ln.line_index,
                    "sku": ln.sku,
                    "externalLineId": ln.external_line_id,
                    "quantityOrdered": ln.quantity,
                    "quantityShipped": ln.quantity_shipped,
                }
                for ln in lines
            ],
        },
        at,
    )
    return view(s, order)


def cancel(emu: Emulator, s: Session, order: Order, reason: str | None, by: str) -> dict[str, Any]:
    """Cancel, releasing stock; the client only before picking, the warehouse until despatch."""
    if order.status == CANCELLED:
        return view(s, order)  # idempotent: a retried cancel changes nothing and raises no second event
    allowed = CANCELLABLE if by == "client" else (NEW, RELEASED, HOLDING, PICKING, PACKED)
    if order.status not in allowed:
        raise conflict(
            "ORDER_NOT_CANCELLABLE",
            f"Order {order.id} is {order.status} and can no longer be cancelled"
            + (": picking has started." if by == "client" else "."),
            currentStatus=order.status,
        )
    at = now_stamp(emu, s)
    previous = order.status
    _deallocate(emu, s, order, order_lines(s, order.id), at)
    order.status, order.cancel_reason, order.cancelled_at, order.updated_at = CANCELLED, reason, at, at
    order.hold_code = order.hold_reason = None
    publish(
        emu,
        s,
        order.client_id,
        ORDER_CANCELLED,
        {
            "orderId": order.id,
            "clientReference": order.client_reference,
            "externalId": order.external_id,
            "previousStatus": previous,
            "reason": reason,
            "cancelledBy": by,
            "cancelledAt": at,
        },
        at,
    )
    return view(s, order)


def client_cancel(emu: Emulator, client_id: int, order_id: int, reason: str | None) -> dict[str, Any]:
    """The public API cancel: NEW, RELEASED or HOLDING only (409 with the current status after that)."""
    with emu.store.write() as s:
        order = s.execute(
            select(Order).where(Order.id == order_id, Order.client_id == client_id).with_for_update()
        ).scalar_one_or_none()
        if order is None:
            raise not_found("Order", order_id)
        return cancel(emu, s, order, reason, "client")


def reevaluate_holds(emu: Emulator, client_id: int | None) -> list[dict[str, Any]]:
    """Try to release every HOLDING order (oldest first), e.g. after a missing SKU was added."""
    with emu.store.write() as s:
        stmt = select(Order).where(Order.status == HOLDING).order_by(Order.id).with_for_update()
        if client_id is not None:
            stmt = stmt.where(Order.client_id == client_id)
        out = []
        for order in s.execute(stmt).scalars().all():
            result = release(emu, s, order)
            out.append(
                {
                    "id": order.id,
                    "clientReference": order.client_reference,
                    "status": result["status"],
                    "holdReason": result["holdReason"],
                }
            )
        return out
