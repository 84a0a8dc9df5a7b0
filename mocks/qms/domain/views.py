"""The JSON shapes of QMS resources (the API, the act/ results and the event payloads share them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    Consumption,
    Item,
    Lot,
    ProductionRun,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    Recipe,
    RecipeComponent,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentScan,
)
from .values import qty_out


def skus(session: Session, item_ids: Iterable[int]) -> dict[int, Item]:
    """Items by id for a set of ids (one query)."""
    ids = set(item_ids)
    if not ids:
        return {}
    return {i.id: i for i in session.execute(select(Item).where(Item.id.in_(ids))).scalars()}


def item_view(item: Item) -> dict[str, Any]:
    """An item."""
    return {
        "id": item.id,
        "sku": item.sku,
        "name": item.name,
        "type": item.type,
        "uom": item.uom,
        "netsuiteId": item.netsuite_id,
        "createdAt": item.created_at,
        "updatedAt": item.updated_at,
    }


def item_ref_view(item: Item) -> dict[str, Any]:
    """The short form of an item inside other resources and events."""
    return {"id": item.id, "sku": item.sku, "netsuiteId": item.netsuite_id}


def lot_view(lot: Lot, item: Item) -> dict[str, Any]:
    """A lot with its quality status and provenance."""
    inspection = None
    if lot.inspection_result is not None:
        inspection = {
            "result": lot.inspection_result,
            "inspector": lot.inspected_by,
            "notes": lot.inspection_notes,
            "inspectedAt": lot.inspected_at,
        }
    return {
        "id": lot.id,
        "lotNumber": lot.lot_number,
        "itemId": lot.item_id,
        "sku": item.sku,
        "status": lot.status,
        "quantity": qty_out(lot.quantity_m),
        "initialQuantity": qty_out(lot.initial_m),
        "source": lot.source,
        "receiptId": lot.receipt_id,
        "purchaseOrderId": lot.po_id,
        "purchaseOrderLine": lot.po_line_no,
        "productionRunId": lot.run_id,
        "supplierLot": lot.supplier_lot,
        "expiryDate": lot.expiry_date,
        "inspection": inspection,
        "lockReason": lot.lock_reason,
        "createdAt": lot.created_at,
    }


def lots_view(session: Session, lots: list[Lot]) -> list[dict[str, Any]]:
    """Several lots (one query for their items)."""
    items = skus(session, (lot.item_id for lot in lots))
    return [lot_view(lot, items[lot.item_id]) for lot in lots]


def po_view(session: Session, po: PurchaseOrder) -> dict[str, Any]:
    """A purchase order with its lines and received quantities."""
    lines = list(
        session.execute(
            select(PurchaseOrderLine)
            .where(PurchaseOrderLine.po_id == po.id)
            .order_by(PurchaseOrderLine.line_no)
        ).scalars()
    )
    items = skus(session, (ln.item_id for ln in lines))
    return {
        "id": po.id,
        "netsuiteId": po.netsuite_id,
        "number": po.number,
        "vendor": po.vendor,
        "status": po.status,
        "lines": [
            {
                "line": ln.line_no,
                "itemId": ln.item_id,
                "sku": items[ln.item_id].sku,
                "itemNetsuiteId": items[ln.item_id].netsuite_id,
                "quantity": qty_out(ln.ordered_m),
                "quantityReceived": qty_out(ln.received_m),
                "quantityRemaining": qty_out(max(0, ln.ordered_m - ln.received_m)),
            }
            for ln in lines
        ],
        "createdAt": po.created_at,
        "updatedAt": po.updated_at,
    }


def receipt_view(session: Session, receipt: Receipt, lots: list[Lot] | None = None) -> dict[str, Any]:
    """A receipt and the lots it created."""
    if lots is None:
        lots = list(
            session.execute(select(Lot).where(Lot.receipt_id == receipt.id).order_by(Lot.id)).scalars()
        )
    return {
        "id": receipt.id,
        "purchaseOrderId": receipt.po_id,
        "reference": receipt.reference,
        "receivedBy": receipt.received_by,
        "receivedAt": receipt.received_at,
        "lots": lots_view(session, lots),
    }


def recipe_view(session: Session, recipe: Recipe) -> dict[str, Any]:
    """A recipe (MMR / BOM) with its components per output unit."""
    comps = list(
        session.execute(
            select(RecipeComponent).where(RecipeComponent.recipe_id == recipe.id).order_by(RecipeComponent.id)
        ).scalars()
    )
    items = skus(session, [recipe.item_id, *(c.item_id for c in comps)])
    return {
        "id": recipe.id,
        "code": recipe.code,
        "name": recipe.name,
        "itemId": recipe.item_id,
        "sku": items[recipe.item_id].sku,
        "netsuiteId": recipe.netsuite_id,
        "components": [
            {"itemId": c.item_id, "sku": items[c.item_id].sku, "quantityPerUnit": qty_out(c.per_unit_m)}
            for c in comps
        ],
        "createdAt": recipe.created_at,
    }


def run_number(run_id: int) -> str:
    """The human production-run number."""
    return f"PR-{run_id:06d}"


def run_view(session: Session, run: ProductionRun) -> dict[str, Any]:
    """A production run with its consumptions (the genealogy) and output lot."""
    cons = list(
        session.execute(
            select(Consumption).where(Consumption.run_id == run.id).order_by(Consumption.id)
        ).scalars()
    )
    lot_ids = {c.lot_id for c in cons} | ({run.output_lot_id} if run.output_lot_id else set())
    lots = (
        {lot.id: lot for lot in session.execute(select(Lot).where(Lot.id.in_(lot_ids))).scalars()}
        if lot_ids
        else {}
    )
    items = skus(session, [run.item_id, *(c.item_id for c in cons)])
    out_lot = lots.get(run.output_lot_id) if run.output_lot_id else None
    return {
        "id": run.id,
        "number": run_number(run.id),
        "recipeId": run.recipe_id,
        "itemId": run.item_id,
        "sku": items[run.item_id].sku,
        "status": run.status,
        "plannedQuantity": qty_out(run.planned_m),
        "producedQuantity": qty_out(run.produced_m),
        "scheduledDate": run.scheduled_date,
        "workOrderRef": run.work_order_ref,
        "outputLotId": run.output_lot_id,
        "outputLotNumber": out_lot.lot_number if out_lot else None,
        "consumptions": [
            {
                "id": c.id,
                "lotId": c.lot_id,
                "lotNumber": lots[c.lot_id].lot_number,
                "itemId": c.item_id,
                "sku": items[c.item_id].sku,
                "quantity": qty_out(c.quantity_m),
                "consumedAt": c.consumed_at,
            }
            for c in cons
        ],
        "createdAt": run.created_at,
        "startedAt": run.started_at,
        "completedAt": run.completed_at,
    }


def so_view(session: Session, so: SalesOrder) -> dict[str, Any]:
    """A sales order with ordered and shipped quantities per line."""
    lines = list(
        session.execute(
            select(SalesOrderLine).where(SalesOrderLine.so_id == so.id).order_by(SalesOrderLine.line_no)
        ).scalars()
    )
    items = skus(session, (ln.item_id for ln in lines))
    return {
        "id": so.id,
        "netsuiteId": so.netsuite_id,
        "number": so.number,
        "customer": so.customer,
        "status": so.status,
        "lines": [
            {
                "line": ln.line_no,
                "itemId": ln.item_id,
                "sku": items[ln.item_id].sku,
                "itemNetsuiteId": items[ln.item_id].netsuite_id,
                "quantity": qty_out(ln.ordered_m),
                "quantityShipped": qty_out(ln.shipped_m),
                "quantityRemaining": qty_out(max(0, ln.ordered_m - ln.shipped_m)),
            }
            for ln in lines
        ],
        "createdAt": so.created_at,
        "updatedAt": so.updated_at,
    }


def shipment_view(session: Session, shipment: Shipment) -> dict[str, Any]:
    """A shipment and the lots scanned onto it."""
    scans = list(
        session.execute(
            select(ShipmentScan).where(ShipmentScan.shipment_id == shipment.id).order_by(ShipmentScan.id)
        ).scalars()
    )
    lots = (
        {
            lot.id: lot
            for lot in session.execute(select(Lot).where(Lot.id.in_({s.lot_id for s in scans}))).scalars()
        }
        if scans
        else {}
    )
    lines = {
        ln.id: ln
        for ln in session.execute(
            select(SalesOrderLine).where(SalesOrderLine.so_id == shipment.so_id)
        ).scalars()
    }
    items = skus(session, (lot.item_id for lot in lots.values()))
    return {
        "id": shipment.id,
        "salesOrderId": shipment.so_id,
        "status": shipment.status,
        "carrier": shipment.carrier,
        "trackingNumber": shipment.tracking_number,
        "scans": [
            {
                "id": s.id,
                "line": lines[s.so_line_id].line_no,
                "lotId": s.lot_id,
                "lotNumber": lots[s.lot_id].lot_number,
                "itemId": lots[s.lot_id].item_id,
                "sku": items[lots[s.lot_id].item_id].sku,
                "quantity": qty_out(s.quantity_m),
                "scannedAt": s.scanned_at,
            }
            for s in scans
        ],
        "createdAt": shipment.created_at,
        "shippedAt": shipment.shipped_at,
    }
