"""Sales orders from NetSuite and shipping: scan RELEASED lots onto a shipment, complete it (item fulfillment).

Order status: PENDING_FULFILLMENT -> PARTIALLY_FULFILLED -> PENDING_BILLING (fully shipped), or
CANCELLED (NetSuite cancelled it before anything shipped). Shipment status: OPEN -> SHIPPED, or
OPEN -> CANCELLED. A scan takes the quantity out of the lot at once (it is on the dock); unscanning
or cancelling the shipment puts it back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from mocks.core import validation as v

from ..errors import conflict, invalid_state, not_found, unknown_ref, unprocessable, validation_error
from ..models import Item, Lot, SalesOrder, SalesOrderLine, Shipment, ShipmentScan
from .common import Ctx, get_or_404, page, resolve_item, resolve_lot
from .lots import insufficient, released_lots, require_released
from .values import MAX_ID, item_ref, lot_ref, qty_out, quantity
from .views import item_ref_view, skus

SO_STATUSES = ("PENDING_FULFILLMENT", "PARTIALLY_FULFILLED", "PENDING_BILLING", "CANCELLED")
SHIPPABLE = ("PENDING_FULFILLMENT", "PARTIALLY_FULFILLED")
SHIPMENT_STATUSES = ("OPEN", "SHIPPED", "CANCELLED")


def create_sales_order(ctx: Ctx, body: dict[str, Any]) -> SalesOrder:
    """Create a sales order sent from NetSuite; its NetSuite id is unique (409 DUPLICATE, existing id)."""
    s = ctx.session
    netsuite_id = v.req(body, "netsuiteId", v.text, max_len=80, min_len=1, strip=True)
    number = v.req(body, "number", v.text, max_len=80, min_len=1, strip=True)
    customer = v.opt(body, "customer", v.text, max_len=200, min_len=1, strip=True) or ""
    parsed = []
    seen: set[int] = set()
    for i, ln in enumerate(v.req(body, "lines", v.array, min_items=1, max_items=200, objects=True)):
        p = f"lines[{i}]"
        line_no = v.opt(ln, "line", v.integer, minimum=1, maximum=1_000_000, where=p) or i + 1
        if line_no in seen:
            raise validation_error(f"{p}.line", f"Line {line_no} appears twice.")
        seen.add(line_no)
        parsed.append((line_no, item_ref(ln, p), v.req(ln, "quantity", quantity, where=p) or 0, p))
    existing = s.execute(
        select(SalesOrder.id).where(SalesOrder.netsuite_id == netsuite_id)
    ).scalar_one_or_none()
    if existing is not None:
        raise conflict(
            "DUPLICATE",
            f"Sales order with netsuiteId {netsuite_id!r} already exists (id {existing}).",
            field="netsuiteId",
            existingId=existing,
        )
    lines = [(no, resolve_item(s, ref, f"{p}.itemId"), q) for no, ref, q, p in parsed]
    so = SalesOrder(
        netsuite_id=netsuite_id,
        number=number,
        customer=customer,
        status="PENDING_FULFILLMENT",
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    s.add(so)
    s.flush()
    s.add_all(
        [
            SalesOrderLine(so_id=so.id, line_no=no, item_id=item.id, ordered_m=q, shipped_m=0)
            for no, item, q in lines
        ]
    )
    s.flush()
    return so


def list_sales_orders(
    ctx: Ctx, *, status: str | None, netsuite_id: str | None, limit: int, page_no: int
) -> tuple[list[SalesOrder], int]:
    """Sales orders filtered by status or NetSuite id."""
    cond = []
    if status is not None:
        cond.append(SalesOrder.status == status)
    if netsuite_id is not None:
        cond.append(SalesOrder.netsuite_id == netsuite_id)
    return page(
        ctx.session,
        select(SalesOrder).where(*cond).order_by(SalesOrder.id),
        select(func.count(SalesOrder.id)).where(*cond),
        limit,
        page_no,
    )


def _return_scans(ctx: Ctx, shipment: Shipment) -> None:
    """Put every scanned quantity of an open shipment back into its lot."""
    scans = list(
        ctx.session.execute(select(ShipmentScan).where(ShipmentScan.shipment_id == shipment.id)).scalars()
    )
    if scans:
        lots = {
            x.id: x
            for x in ctx.session.execute(
                select(Lot).where(Lot.id.in_({s.lot_id for s in scans})).with_for_update()
            ).scalars()
        }
        for sc in scans:
            lots[sc.lot_id].quantity_m += sc.quantity_m


def cancel_sales_order(ctx: Ctx, so_id: int) -> SalesOrder:
    """NetSuite cancelled the order: allowed only before anything shipped (an open shipment is cancelled)."""
    so = get_or_404(ctx.session, SalesOrder, so_id, "Sales order", lock=True)
    if so.status != "PENDING_FULFILLMENT":
        raise invalid_state("Sales order", so.id, so.status, "cancel it")
    for sh in ctx.session.execute(
        select(Shipment).where(Shipment.so_id == so.id, Shipment.status == "OPEN").with_for_update()
    ).scalars():
        _return_scans(ctx, sh)
        sh.status = "CANCELLED"
    so.status, so.updated_at = "CANCELLED", ctx.now
    return so


def create_shipment(ctx: Ctx, body: dict[str, Any]) -> Shipment:
    """Open a shipment for an order (one open shipment per order at a time)."""
    so_id = v.req(body, "salesOrderId", v.integer, minimum=1, maximum=MAX_ID)
    so = ctx.session.execute(
        select(SalesOrder).where(SalesOrder.id == so_id).with_for_update()
    ).scalar_one_or_none()
    if so is None:
        raise unknown_ref("Sales order", "salesOrderId", so_id)
    if so.status not in SHIPPABLE:
        raise invalid_state("Sales order", so.id, so.status, "ship it")
    open_id = ctx.session.execute(
        select(Shipment.id).where(Shipment.so_id == so.id, Shipment.status == "OPEN")
    ).scalar_one_or_none()
    if open_id is not None:
        raise conflict(
            "SHIPMENT_ALREADY_OPEN",
            f"Sales order {so.number} already has open shipment {open_id}.",
            existingId=open_id,
        )
    sh = Shipment(so_id=so.id, status="OPEN", created_at=ctx.now)
    ctx.session.add(sh)
    ctx.session.flush()
    return sh


def open_shipment_for(ctx: Ctx, so: SalesOrder) -> Shipment:
    """The order's OPEN shipment, created when it has none (what a shipper scanning onto an order gets)."""
    sh = ctx.session.execute(
        select(Shipment).where(Shipment.so_id == so.id, Shipment.status == "OPEN")
    ).scalar()
    return sh if sh is not None else create_shipment(ctx, {"salesOrderId": so.id})


def pick_released(ctx: Ctx, sh: Shipment, so: SalesOrder) -> None:
    """Scan what each line still needs from its item's RELEASED lots, oldest first (a shipper picking unaided)."""
    for ln in (
        ctx.session.execute(
            select(SalesOrderLine).where(SalesOrderLine.so_id == so.id).order_by(SalesOrderLine.line_no)
        )
        .scalars()
        .all()
    ):
        need = ln.ordered_m - ln.shipped_m
        for lot in released_lots(ctx, ln.item_id):
            if need <= 0:
                break
            take = min(need, lot.quantity_m)
            scan(ctx, sh.id, {"lotId": lot.id, "quantity": qty_out(take), "line": ln.line_no})
            need -= take


def _open_shipment(ctx: Ctx, shipment_id: int, action: str) -> Shipment:
    sh = get_or_404(ctx.session, Shipment, shipment_id, "Shipment", lock=True)
    if sh.status != "OPEN":
        raise invalid_state("Shipment", sh.id, sh.status, action)
    return sh


def scan(ctx: Ctx, shipment_id: int, body: dict[str, Any]) -> ShipmentScan:
    """Scan a quantity of a RELEASED lot onto an open shipment, against the order line for its item."""
    s = ctx.session
    ref = lot_ref(body)
    qty = v.req(body, "quantity", quantity) or 0
    line_no = v.opt(body, "line", v.integer, minimum=1, maximum=1_000_000)
    sh = _open_shipment(ctx, shipment_id, "scan onto it")
    lot = resolve_lot(s, ref, "lotId" if ref[0] == "id" else "lotNumber")
    lines = list(
        s.execute(
            select(SalesOrderLine)
            .where(SalesOrderLine.so_id == sh.so_id)
            .order_by(SalesOrderLine.line_no)
            .with_for_update()
        ).scalars()
    )
    scanned = dict(
        s.execute(
            select(ShipmentScan.so_line_id, func.sum(ShipmentScan.quantity_m))
            .join(Shipment, Shipment.id == ShipmentScan.shipment_id)
            .where(Shipment.so_id == sh.so_id, Shipment.status == "OPEN")
            .group_by(ShipmentScan.so_line_id)
        ).all()
    )
    if line_no is not None:
        line = next((ln for ln in lines if ln.line_no == line_no), None)
        if line is None:
            raise unknown_ref("Sales order line", "line", line_no)
        if line.item_id != lot.item_id:
            raise unprocessable(
                "ITEM_MISMATCH",
                f"Lot {lot.lot_number} is not of the item ordered on line {line_no}.",
                "line",
                lotNumber=lot.lot_number,
            )
    else:
        mine = [ln for ln in lines if ln.item_id == lot.item_id]
        if not mine:
            raise unprocessable(
                "ITEM_NOT_ON_ORDER",
                f"Lot {lot.lot_number} is of an item not on this order.",
                "lotId",
                lotNumber=lot.lot_number,
                itemId=lot.item_id,
            )
        line = next((ln for ln in mine if ln.ordered_m - ln.shipped_m - scanned.get(ln.id, 0) > 0), mine[0])
    require_released(lot, "shipped")
    remaining = line.ordered_m - line.shipped_m - int(scanned.get(line.id, 0))
    if qty > remaining:
        raise conflict(
            "OVER_SHIPMENT",
            f"Line {line.line_no} has {qty_out(max(0, remaining))} left to ship; {qty_out(qty)} requested.",
            line=line.line_no,
            ordered=qty_out(line.ordered_m),
            shipped=qty_out(line.shipped_m),
            scanned=qty_out(int(scanned.get(line.id, 0))),
            remaining=qty_out(max(0, remaining)),
            requested=qty_out(qty),
        )
    if qty > lot.quantity_m:
        raise insufficient(lot, qty)
    lot.quantity_m -= qty
    sc = ShipmentScan(
        shipment_id=sh.id, so_line_id=line.id, lot_id=lot.id, quantity_m=qty, scanned_at=ctx.now
    )
    s.add(sc)
    s.flush()
    return sc


def unscan(ctx: Ctx, shipment_id: int, scan_id: int) -> Shipment:
    """Take a scan off an open shipment; its quantity goes back to the lot."""
    sh = _open_shipment(ctx, shipment_id, "remove a scan from it")
    sc = ctx.session.execute(
        select(ShipmentScan).where(ShipmentScan.id == scan_id, ShipmentScan.shipment_id == sh.id)
    ).scalar_one_or_none()
    if sc is None:
        raise not_found("Scan", scan_id, f" on shipment {sh.id}")
    lot = get_or_404(ctx.session, Lot, sc.lot_id, "Lot", lock=True)
    lot.quantity_m += sc.quantity_m
    ctx.session.delete(sc)
    ctx.session.flush()
    return sh


def cancel_shipment(ctx: Ctx, shipment_id: int) -> Shipment:
    """OPEN -> CANCELLED; every scanned quantity goes back to its lot."""
    sh = _open_shipment(ctx, shipment_id, "cancel it")
    _return_scans(ctx, sh)
    sh.status = "CANCELLED"
    return sh


def complete_shipment(ctx: Ctx, shipment_id: int, body: dict[str, Any]) -> Shipment:
    """Ship: lines advance, the order becomes PENDING_BILLING when fully shipped (emits shipment.completed)."""
    s = ctx.session
    carrier = v.opt(body, "carrier", v.text, max_len=80, min_len=1, strip=True)
    tracking = v.opt(body, "trackingNumber", v.text, max_len=120, min_len=1, strip=True)
    sh = _open_shipment(ctx, shipment_id, "complete it")
    scans = list(
        s.execute(
            select(ShipmentScan).where(ShipmentScan.shipment_id == sh.id).order_by(ShipmentScan.id)
        ).scalars()
    )
    if not scans:
        raise conflict("EMPTY_SHIPMENT", f"Shipment {sh.id} has no scanned lots.")
    lots = {x.id: x for x in s.execute(select(Lot).where(Lot.id.in_({c.lot_id for c in scans}))).scalars()}
    for sc in scans:
        require_released(lots[sc.lot_id], "shipped")  # it may have been locked (recalled) since the scan
    so = get_or_404(s, SalesOrder, sh.so_id, "Sales order", lock=True)
    lines = {
        ln.id: ln
        for ln in s.execute(
            select(SalesOrderLine).where(SalesOrderLine.so_id == so.id).with_for_update()
        ).scalars()
    }
    per_line: dict[int, list[ShipmentScan]] = {}
    for sc in scans:
        per_line.setdefault(sc.so_line_id, []).append(sc)
        lines[sc.so_line_id].shipped_m += sc.quantity_m
    sh.status, sh.carrier, sh.tracking_number, sh.shipped_at = "SHIPPED", carrier, tracking, ctx.now
    full = all(ln.shipped_m >= ln.ordered_m for ln in lines.values())
    so.status, so.updated_at = ("PENDING_BILLING" if full else "PARTIALLY_FULFILLED"), ctx.now
    s.flush()
    items: dict[int, Item] = skus(s, (ln.item_id for ln in lines.values()))
    ctx.publish(
        "shipment.completed",
        {
            "shipmentId": sh.id,
            "shippedAt": sh.shipped_at,
            "carrier": carrier,
            "trackingNumber": tracking,
            "salesOrder": {
                "id": so.id,
                "netsuiteId": so.netsuite_id,
                "number": so.number,
                "status": so.status,
            },
            "lines": [
                {
                    "line": lines[lid].line_no,
                    "item": item_ref_view(items[lines[lid].item_id]),
                    "quantity": qty_out(sum(c.quantity_m for c in group)),
                    "lots": [
                        {
                            "lotId": c.lot_id,
                            "lotNumber": lots[c.lot_id].lot_number,
                            "quantity": qty_out(c.quantity_m),
                        }
                        for c in group
                    ],
                }
                for lid, group in sorted(per_line.items(), key=lambda kv: lines[kv[0]].line_no)
            ],
        },
    )
    return sh


def list_shipments(
    ctx: Ctx, *, so_id: int | None, status: str | None, limit: int, page_no: int
) -> tuple[list[Shipment], int]:
    """Shipments filtered by order or status."""
    cond = []
    if so_id is not None:
        cond.append(Shipment.so_id == so_id)
    if status is not None:
        cond.append(Shipment.status == status)
    return page(
        ctx.session,
        select(Shipment).where(*cond).order_by(Shipment.id),
        select(func.count(Shipment.id)).where(*cond),
        limit,
        page_no,
    )
