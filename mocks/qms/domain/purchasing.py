"""Purchase orders from NetSuite and receiving against them (each received line becomes a lot in QUARANTINE).

Over-receipt rule: a line may receive at most its ordered quantity plus the tolerance
``over_receipt_pct`` percent (setting, default 0): anything more is refused with 409 OVER_RECEIPT,
and the whole receipt is refused (no lot of it is created).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from mocks.core import validation as v

from ..errors import conflict, invalid_state, unknown_ref, validation_error
from ..models import Lot, PurchaseOrder, PurchaseOrderLine, Receipt
from .common import Ctx, get_or_404, next_value, page, resolve_item
from .values import item_ref, qty_out, quantity

PO_STATUSES = ("OPEN", "PARTIALLY_RECEIVED", "RECEIVED", "CLOSED")
RECEIVABLE = ("OPEN", "PARTIALLY_RECEIVED")
#: Lot numbers the QMS generates; clients may not choose one of this shape.
GENERATED_LOT = re.compile(r"^[RP]\d{6}-\d{6,}$")


def lot_numbers(ctx: Ctx, prefix: str, count: int) -> list[str]:
    """Allocate ``count`` unique generated lot numbers (R = received, P = produced) in one counter step."""
    if count == 0:
        return []
    start = next_value(ctx.session, "lot", count) - count + 1
    stamp = ctx.today[2:].replace("-", "")
    return [f"{prefix}{stamp}-{n:06d}" for n in range(start, start + count)]


def client_lot_number(body: dict[str, Any], where: str = "") -> str | None:
    """An optional client-chosen lot number (not in the generated shape)."""
    number = v.opt(body, "lotNumber", v.text, max_len=80, min_len=1, strip=True, where=where)
    if number is not None and GENERATED_LOT.match(number):
        field = v.name(where, "lotNumber")
        raise validation_error(
            field,
            f"'{field}' {number!r} has the shape of a generated lot number; leave it "
            "out to have one generated.",
        )
    return number


def ensure_lot_number_free(ctx: Ctx, number: str, field: str) -> None:
    """409 DUPLICATE when a lot with that number exists."""
    existing = ctx.session.execute(select(Lot.id).where(Lot.lot_number == number)).scalar_one_or_none()
    if existing is not None:
        raise conflict(
            "DUPLICATE",
            f"Lot number {number!r} already exists (id {existing}).",
            field=field,
            existingId=existing,
        )


def _parse_lines(body: dict[str, Any]) -> list[tuple[int, dict[str, Any], int]]:
    lines = v.req(body, "lines", v.array, min_items=1, max_items=200, objects=True)
    out: list[tuple[int, dict[str, Any], int]] = []
    seen: set[int] = set()
    for i, ln in enumerate(lines):
        p = f"lines[{i}]"
        line_no = v.opt(ln, "line", v.integer, minimum=1, maximum=1_000_000, where=p) or i + 1
        if line_no in seen:
            raise validation_error(f"{p}.line", f"Line {line_no} appears twice.")
        seen.add(line_no)
        qty = v.req(ln, "quantity", quantity, where=p)
        assert qty is not None
        out.append((line_no, ln, qty))
    return out


def create_purchase_order(ctx: Ctx, body: dict[str, Any]) -> PurchaseOrder:
    """Create a PO sent from NetSuite; its NetSuite id is unique (409 DUPLICATE with the existing id)."""
    netsuite_id = v.req(body, "netsuiteId", v.text, max_len=80, min_len=1, strip=True)
    number = v.req(body, "number", v.text, max_len=80, min_len=1, strip=True)
    vendor = v.opt(body, "vendor", v.text, max_len=200, min_len=1, strip=True) or ""
    lines = _parse_lines(body)
    existing = ctx.session.execute(
        select(PurchaseOrder.id).where(PurchaseOrder.netsuite_id == netsuite_id)
    ).scalar_one_or_none()
    if existing is not None:
        raise conflict(
            "DUPLICATE",
            f"Purchase order with netsuiteId {netsuite_id!r} already exists (id {existing}).",
            field="netsuiteId",
            existingId=existing,
        )
    resolved = [
        (no, resolve_item(ctx.session, item_ref(ln, f"lines[{i}]"), f"lines[{i}].itemId"), qty)
        for i, (no, ln, qty) in enumerate(lines)
    ]
    po = PurchaseOrder(
        netsuite_id=netsuite_id,
        number=number,
        vendor=vendor,
        status="OPEN",
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(po)
    ctx.session.flush()
    ctx.session.add_all(
        [
            PurchaseOrderLine(po_id=po.id, line_no=no, item_id=item.id, ordered_m=qty, received_m=0)
            for no, item, qty in resolved
        ]
    )
    ctx.session.flush()
    return po


def list_purchase_orders(
    ctx: Ctx, *, status: str | None, netsuite_id: str | None, limit: int, page_no: int
) -> tuple[list[PurchaseOrder], int]:
    """Purchase orders filtered by status or NetSuite id."""
    cond = []
    if status is not None:
        cond.append(PurchaseOrder.status == status)
    if netsuite_id is not None:
        cond.append(PurchaseOrder.netsuite_id == netsuite_id)
    return page(
        ctx.session,
        select(PurchaseOrder).where(*cond).order_by(PurchaseOrder.id),
        select(func.count(PurchaseOrder.id)).where(*cond),
        limit,
        page_no,
    )


def close_purchase_order(ctx: Ctx, po_id: int) -> PurchaseOrder:
    """NetSuite closed the PO: nothing more can be received against it."""
    po = get_or_404(ctx.session, PurchaseOrder, po_id, "Purchase order", lock=True)
    if po.status == "CLOSED":
        raise invalid_state("Purchase order", po.id, po.status, "close it")
    po.status, po.updated_at = "CLOSED", ctx.now
    return po


@dataclass
class ReceiptLine:
    """One parsed receipt line: which PO line, how much, and the lot details."""

    line: int
    quantity_m: int
    lot_number: str | None
    supplier_lot: str | None
    expiry_date: str | None


@dataclass
class ReceiptInput:
    """A parsed receipt request."""

    reference: str | None
    received_by: str
    lines: list[ReceiptLine]


def receive_all_open(ctx: Ctx, po: PurchaseOrder, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with ``lines`` receiving everything still open on the PO (409 when nothing is, or it is
    closed): what a goods-in clerk does with a delivery that matches the order."""
    open_lines = [
        {"line": ln.line_no, "quantity": qty_out(ln.ordered_m - ln.received_m)}
        for ln in ctx.session.execute(
            select(PurchaseOrderLine)
            .where(PurchaseOrderLine.po_id == po.id)
            .order_by(PurchaseOrderLine.line_no)
        ).scalars()
        if ln.ordered_m > ln.received_m
    ]
    if not open_lines or po.status not in RECEIVABLE:
        raise invalid_state("Purchase order", po.id, po.status, "receive against it")
    return {**body, "lines": open_lines}


def parse_receipt(body: dict[str, Any]) -> ReceiptInput:
    """Validate a receipt body before the write transaction starts (the hot path keeps its lock short)."""
    lines = []
    numbers: set[str] = set()
    for i, ln in enumerate(v.req(body, "lines", v.array, min_items=1, max_items=200, objects=True)):
        p = f"lines[{i}]"
        number = client_lot_number(ln, p)
        if number is not None:
            if number in numbers:
                raise validation_error(
                    f"{p}.lotNumber", f"Lot number {number!r} appears twice in this receipt."
                )
            numbers.add(number)
        lines.append(
            ReceiptLine(
                line=v.req(ln, "line", v.integer, minimum=1, maximum=1_000_000, where=p) or 0,
                quantity_m=v.req(ln, "quantity", quantity, where=p) or 0,
                lot_number=number,
                supplier_lot=v.opt(ln, "supplierLot", v.text, max_len=80, min_len=1, strip=True, where=p),
                expiry_date=v.opt(ln, "expiryDate", v.iso_date, where=p),
            )
        )
    return ReceiptInput(
        reference=v.opt(body, "reference", v.text, max_len=80, min_len=1, strip=True),
        received_by=v.opt(body, "receivedBy", v.text, max_len=120, min_len=1, strip=True) or "",
        lines=lines,
    )


def receive(ctx: Ctx, po_id: int, inp: ReceiptInput) -> tuple[Receipt, list[Lot]]:
    """Receive against a PO: one new QUARANTINE lot per receipt line, within the over-receipt rule."""
    s = ctx.session
    po = get_or_404(s, PurchaseOrder, po_id, "Purchase order", lock=True)
    if po.status not in RECEIVABLE:
        raise invalid_state("Purchase order", po.id, po.status, "receive against it")
    if inp.reference is not None:
        existing = s.execute(
            select(Receipt.id).where(Receipt.reference == inp.reference)
        ).scalar_one_or_none()
        if existing is not None:
            raise conflict(
                "DUPLICATE",
                f"Receipt with reference {inp.reference!r} already exists (id {existing}).",
                field="reference",
                existingId=existing,
            )
    lines = {
        ln.line_no: ln
        for ln in s.execute(
            select(PurchaseOrderLine).where(PurchaseOrderLine.po_id == po.id).with_for_update()
        ).scalars()
    }
    adding: dict[int, int] = {}
    for i, rl in enumerate(inp.lines):
        pol = lines.get(rl.line)
        if pol is None:
            raise unknown_ref("Purchase order line", f"lines[{i}].line", rl.line)
        adding[rl.line] = adding.get(rl.line, 0) + rl.quantity_m
        allowed = pol.ordered_m + pol.ordered_m * ctx.over_receipt_pct // 100
        if pol.received_m + adding[rl.line] > allowed:
            remaining = max(0, allowed - pol.received_m)
            raise conflict(
                "OVER_RECEIPT",
                f"Line {rl.line} of purchase order {po.number} has "
                f"{qty_out(remaining)} left to receive; {qty_out(adding[rl.line])} "
                "requested.",
                line=rl.line,
                ordered=qty_out(pol.ordered_m),
                received=qty_out(pol.received_m),
                remaining=qty_out(remaining),
                requested=qty_out(adding[rl.line]),
            )
        if rl.lot_number is not None:
            ensure_lot_number_free(ctx, rl.lot_number, f"lines[{i}].lotNumber")
    generated = iter(lot_numbers(ctx, "R", sum(1 for rl in inp.lines if rl.lot_number is None)))
    receipt = Receipt(po_id=po.id, reference=inp.reference, received_by=inp.received_by, received_at=ctx.now)
    s.add(receipt)
    s.flush()
    lots = [
        Lot(
            lot_number=rl.lot_number or next(generated),
            item_id=lines[rl.line].item_id,
            status="QUARANTINE",
            quantity_m=rl.quantity_m,
            initial_m=rl.quantity_m,
            source="RECEIPT",
            receipt_id=receipt.id,
            po_id=po.id,
            po_line_no=rl.line,
            supplier_lot=rl.supplier_lot,
            expiry_date=rl.expiry_date,
            created_at=ctx.now,
        )
        for rl in inp.lines
    ]
    s.add_all(lots)
    for line_no, qty in adding.items():
        lines[line_no].received_m += qty
    po.status = (
        "RECEIVED" if all(ln.received_m >= ln.ordered_m for ln in lines.values()) else "PARTIALLY_RECEIVED"
    )
    po.updated_at = ctx.now
    s.flush()
    return receipt, lots


def list_receipts(ctx: Ctx, po_id: int) -> list[Receipt]:
    """The receipts of one purchase order, oldest first."""
    get_or_404(ctx.session, PurchaseOrder, po_id, "Purchase order")
    return list(
        ctx.session.execute(select(Receipt).where(Receipt.po_id == po_id).order_by(Receipt.id)).scalars()
    )
