"""Lots: incoming inspection (QUARANTINE -> RELEASED / REJECTED), lock-out for recalls, and traceability.

Status machine: QUARANTINE --PASS--> RELEASED, QUARANTINE --FAIL--> REJECTED, any unlocked status
--lock--> LOCKED --unlock--> the status it had before. Only RELEASED lots may be consumed or shipped.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from mocks.core import validation as v

from ..errors import conflict, invalid_state
from ..models import Consumption, Item, Lot, ProductionRun, PurchaseOrder, SalesOrder, Shipment, ShipmentScan
from .common import Ctx, get_or_404, page
from .values import qty_out, quantity
from .views import item_ref_view, lot_view, run_number, skus

LOT_STATUSES = ("QUARANTINE", "RELEASED", "REJECTED", "LOCKED")
QUARANTINE, RELEASED, REJECTED, LOCKED = LOT_STATUSES
LOT_SOURCES = ("RECEIPT", "PRODUCTION", "MANUAL")


def not_released(lot: Lot, action: str) -> Exception:
    """The 409 for using a lot that is not RELEASED (the body names the lot and its status)."""
    return conflict(
        "LOT_NOT_RELEASED",
        f"Lot {lot.lot_number} is {lot.status}; only RELEASED lots can be {action}.",
        lotId=lot.id,
        lotNumber=lot.lot_number,
        status=lot.status,
    )


def require_released(lot: Lot, action: str) -> None:
    """Only RELEASED lots may be consumed or shipped (``action``: "consumed", "shipped"): 409 otherwise."""
    if lot.status != RELEASED:
        raise not_released(lot, action)


def released_lots(ctx: Ctx, item_id: int) -> list[Lot]:
    """The item's RELEASED lots that hold stock, oldest first: the order automatic picking takes them in."""
    return list(
        ctx.session.execute(
            select(Lot)
            .where(Lot.item_id == item_id, Lot.status == RELEASED, Lot.quantity_m > 0)
            .order_by(Lot.id)
        ).scalars()
    )


def insufficient(lot: Lot, requested_m: int) -> Exception:
    """The 409 for taking more than a lot holds."""
    return conflict(
        "INSUFFICIENT_QUANTITY",
        f"Lot {lot.lot_number} holds {qty_out(lot.quantity_m)}; {qty_out(requested_m)} requested.",
        lotId=lot.id,
        lotNumber=lot.lot_number,
        available=qty_out(lot.quantity_m),
        requested=qty_out(requested_m),
    )


def source_view(ctx: Ctx, lot: Lot) -> dict[str, Any]:
    """Where a lot came from, in the terms a connector needs (PO for receipts, work order for builds)."""
    if lot.source == "RECEIPT" and lot.po_id is not None:
        po = ctx.session.get(PurchaseOrder, lot.po_id)
        assert po is not None
        return {
            "type": "RECEIPT",
            "receiptId": lot.receipt_id,
            "purchaseOrder": {"id": po.id, "netsuiteId": po.netsuite_id, "number": po.number},
            "line": lot.po_line_no,
        }
    if lot.source == "PRODUCTION" and lot.run_id is not None:
        run = ctx.session.get(ProductionRun, lot.run_id)
        assert run is not None
        return {
            "type": "PRODUCTION",
            "productionRun": {"id": run.id, "number": run_number(run.id), "workOrderRef": run.work_order_ref},
        }
    return {"type": lot.source}


def _lot_event(ctx: Ctx, lot: Lot, **extra: Any) -> dict[str, Any]:
    item = ctx.session.get(Item, lot.item_id)
    assert item is not None
    return {"lot": lot_view(lot, item), "item": item_ref_view(item), "source": source_view(ctx, lot), **extra}


def inspect(ctx: Ctx, lot_id: int, body: dict[str, Any]) -> Lot:
    """Record the incoming (or final) inspection: PASS releases the lot, FAIL rejects it."""
    result = v.req(body, "result", v.choice, options=("PASS", "FAIL"))
    inspector = v.opt(body, "inspector", v.text, max_len=120, min_len=1, strip=True)
    notes = v.opt(body, "notes", v.text, max_len=2000, min_len=1, strip=True)
    lot = get_or_404(ctx.session, Lot, lot_id, "Lot", lock=True)
    if lot.status != QUARANTINE:
        raise invalid_state(
            "Lot", lot.lot_number, lot.status, "inspect it (only QUARANTINE lots are inspected)"
        )
    lot.status = RELEASED if result == "PASS" else REJECTED
    lot.inspection_result, lot.inspected_by, lot.inspection_notes = result, inspector, notes
    lot.inspected_at = ctx.now
    ctx.session.flush()
    ctx.publish("lot.released" if result == "PASS" else "lot.rejected", _lot_event(ctx, lot))
    return lot


def forward_lots(ctx: Ctx, lot_ids: set[int]) -> tuple[list[tuple[Lot, int]], list[ProductionRun]]:
    """Every lot made (transitively) from ``lot_ids``, with its depth, and the runs that made them."""
    s = ctx.session
    found: list[tuple[Lot, int]] = []
    runs: list[ProductionRun] = []
    seen_lots: set[int] = set(lot_ids)
    seen_runs: set[int] = set()
    frontier, depth = set(lot_ids), 0
    while frontier:
        depth += 1
        run_ids = set(s.execute(select(Consumption.run_id).where(Consumption.lot_id.in_(frontier))).scalars())
        run_ids -= seen_runs
        seen_runs |= run_ids
        if not run_ids:
            break
        new_runs = list(
            s.execute(
                select(ProductionRun).where(ProductionRun.id.in_(run_ids)).order_by(ProductionRun.id)
            ).scalars()
        )
        runs.extend(new_runs)
        outputs = [r.output_lot_id for r in new_runs if r.output_lot_id and r.output_lot_id not in seen_lots]
        frontier = set(outputs)
        seen_lots |= frontier
        found.extend(
            (lot, depth)
            for lot in s.execute(select(Lot).where(Lot.id.in_(frontier)).order_by(Lot.id)).scalars()
        )
    return found, runs


def lock(ctx: Ctx, lot_id: int, body: dict[str, Any]) -> tuple[Lot, list[Lot]]:
    """Lock a lot out (recall); with cascade, every lot made from it too. Returns the lot and all it locked."""
    reason = v.req(body, "reason", v.text, max_len=2000, min_len=1, strip=True)
    cascade = bool(v.opt(body, "cascade", v.boolean))
    lot = get_or_404(ctx.session, Lot, lot_id, "Lot", lock=True)
    if lot.status == LOCKED:
        raise invalid_state("Lot", lot.lot_number, lot.status, "lock it again")
    targets = [lot]
    if cascade:
        targets += [d for d, _ in forward_lots(ctx, {lot.id})[0] if d.status != LOCKED]
    for t in targets:
        t.status_before_lock, t.status, t.lock_reason, t.locked_at = t.status, LOCKED, reason, ctx.now
    ctx.session.flush()
    for t in targets:
        ctx.publish(
            "lot.locked",
            _lot_event(ctx, t, reason=reason, recallLotNumber=lot.lot_number if t is not lot else None),
        )
    return lot, targets


def unlock(ctx: Ctx, lot_id: int) -> Lot:
    """Lift a lock: the lot goes back to the status it had before."""
    lot = get_or_404(ctx.session, Lot, lot_id, "Lot", lock=True)
    if lot.status != LOCKED:
        raise invalid_state("Lot", lot.lot_number, lot.status, "unlock it (it is not LOCKED)")
    lot.status = lot.status_before_lock or QUARANTINE
    lot.status_before_lock, lot.lock_reason, lot.locked_at = None, None, None
    ctx.session.flush()
    ctx.publish("lot.unlocked", _lot_event(ctx, lot))
    return lot


def list_lots(
    ctx: Ctx,
    *,
    item_id: int | None,
    status: str | None,
    lot_number: str | None,
    source: str | None,
    limit: int,
    page_no: int,
) -> tuple[list[Lot], int]:
    """Lots filtered by item, status, number or source, ordered by id."""
    cond = []
    if item_id is not None:
        cond.append(Lot.item_id == item_id)
    if status is not None:
        cond.append(Lot.status == status)
    if lot_number is not None:
        cond.append(Lot.lot_number == lot_number)
    if source is not None:
        cond.append(Lot.source == source)
    return page(
        ctx.session,
        select(Lot).where(*cond).order_by(Lot.id),
        select(func.count(Lot.id)).where(*cond),
        limit,
        page_no,
    )


def _short(lot: Lot, item: Item) -> dict[str, Any]:
    return {
        "id": lot.id,
        "lotNumber": lot.lot_number,
        "itemId": lot.item_id,
        "sku": item.sku,
        "status": lot.status,
        "source": lot.source,
    }


def trace_forward(ctx: Ctx, lot_id: int) -> dict[str, Any]:
    """Which lots were made from this lot (transitively) and which shipments contain any of them."""
    s = ctx.session
    lot = get_or_404(s, Lot, lot_id, "Lot")
    found, runs = forward_lots(ctx, {lot.id})
    all_ids = {lot.id} | {d.id for d, _ in found}
    lots_by_id = {lot.id: lot, **{d.id: d for d, _ in found}}
    items = skus(s, (x.item_id for x in lots_by_id.values()))
    rows = s.execute(
        select(ShipmentScan, Shipment, SalesOrder)
        .join(Shipment, Shipment.id == ShipmentScan.shipment_id)
        .join(SalesOrder, SalesOrder.id == Shipment.so_id)
        .where(ShipmentScan.lot_id.in_(all_ids), Shipment.status != "CANCELLED")
        .order_by(ShipmentScan.id)
    ).all()
    return {
        "lot": _short(lot, items[lot.item_id]),
        "productionRuns": [
            {
                "id": r.id,
                "number": run_number(r.id),
                "workOrderRef": r.work_order_ref,
                "status": r.status,
                "outputLotId": r.output_lot_id,
            }
            for r in runs
        ],
        "producedLots": [
            {
                **_short(d, items[d.item_id]),
                "quantity": qty_out(d.quantity_m),
                "productionRunId": d.run_id,
                "depth": depth,
            }
            for d, depth in found
        ],
        "shipments": [
            {
                "shipmentId": sh.id,
                "status": sh.status,
                "salesOrderId": so.id,
                "salesOrderNumber": so.number,
                "salesOrderNetsuiteId": so.netsuite_id,
                "lotId": sc.lot_id,
                "lotNumber": lots_by_id[sc.lot_id].lot_number,
                "quantity": qty_out(sc.quantity_m),
                "shippedAt": sh.shipped_at,
            }
            for sc, sh, so in rows
        ],
    }


def trace_backward(ctx: Ctx, lot_id: int) -> dict[str, Any]:
    """Which lots this lot was made from, transitively, down to the received raw-material lots."""
    s = ctx.session
    lot = get_or_404(s, Lot, lot_id, "Lot")
    entries: list[tuple[Lot, Consumption, int]] = []
    seen_runs: set[int] = set()
    frontier = [lot]
    depth = 0
    while frontier:
        depth += 1
        run_ids = {x.run_id for x in frontier if x.run_id is not None} - seen_runs
        seen_runs |= run_ids
        if not run_ids:
            break
        cons = list(
            s.execute(
                select(Consumption).where(Consumption.run_id.in_(run_ids)).order_by(Consumption.id)
            ).scalars()
        )
        parents = {
            x.id: x for x in s.execute(select(Lot).where(Lot.id.in_({c.lot_id for c in cons}))).scalars()
        }
        entries.extend((parents[c.lot_id], c, depth) for c in cons)
        frontier = list(parents.values())
    items = skus(s, [lot.item_id, *(p.item_id for p, _, _ in entries)])
    raw: dict[int, Lot] = {p.id: p for p, _, _ in entries if p.source != "PRODUCTION"}
    return {
        "lot": _short(lot, items[lot.item_id]),
        "sourceLots": [
            {
                **_short(p, items[p.item_id]),
                "quantityConsumed": qty_out(c.quantity_m),
                "consumedByRunId": c.run_id,
                "depth": d,
            }
            for p, c, d in entries
        ],
        "rawLots": [
            {
                **_short(p, items[p.item_id]),
                "purchaseOrderId": p.po_id,
                "receiptId": p.receipt_id,
                "supplierLot": p.supplier_lot,
            }
            for p in sorted(raw.values(), key=lambda x: x.id)
        ],
    }


def create_manual_lot(ctx: Ctx, body: dict[str, Any], item: Item) -> Lot:
    """A lot that exists without a receipt or a run (opening stock, explicit seed records)."""
    from .purchasing import client_lot_number, ensure_lot_number_free, lot_numbers

    number = client_lot_number(body)
    qty = v.req(body, "quantity", quantity, allow_zero=True) or 0
    status = v.opt(body, "status", v.choice, options=(QUARANTINE, RELEASED, REJECTED)) or RELEASED
    if number is not None:
        ensure_lot_number_free(ctx, number, "lotNumber")
    lot = Lot(
        lot_number=number or lot_numbers(ctx, "R", 1)[0],
        item_id=item.id,
        status=status,
        quantity_m=qty,
        initial_m=qty,
        source="MANUAL",
        supplier_lot=v.opt(body, "supplierLot", v.text, max_len=80, min_len=1, strip=True),
        expiry_date=v.opt(body, "expiryDate", v.iso_date),
        created_at=ctx.now,
    )
    ctx.session.add(lot)
    ctx.session.flush()
    return lot


def adjust(ctx: Ctx, lot_id: int, body: dict[str, Any]) -> Lot:
    """A cycle count: set a lot's on-hand quantity (never negative; a LOCKED lot is frozen)."""
    qty = v.req(body, "quantity", quantity, allow_zero=True)
    lot = get_or_404(ctx.session, Lot, lot_id, "Lot", lock=True)
    if lot.status == LOCKED:
        raise invalid_state("Lot", lot.lot_number, lot.status, "adjust it")
    lot.quantity_m = qty or 0
    return lot
