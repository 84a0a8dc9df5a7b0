"""Routes: sales orders and shipments (scan lots, complete = item fulfillment)."""

from __future__ import annotations

from flask import Response

from ..domain import sales as D
from ..domain.common import get_or_404
from ..domain.views import shipment_view, so_view
from ..models import SalesOrder, Shipment
from .common import body, bp, listing, ok, paging, q_enum, q_id, q_str, reading, writing


@bp.get("/sales-orders")
def list_sales_orders() -> Response:
    """List sales orders (filters: status, netsuite_id)."""
    limit, page_no = paging()
    with reading() as ctx:
        rows, total = D.list_sales_orders(
            ctx,
            status=q_enum("status", D.SO_STATUSES),
            netsuite_id=q_str("netsuite_id"),
            limit=limit,
            page_no=page_no,
        )
        return listing(rows, total, limit, page_no, lambda so: so_view(ctx.session, so))


@bp.post("/sales-orders")
def create_sales_order() -> Response:
    """Create a sales order sent from NetSuite."""
    data = body()
    with writing() as ctx:
        return ok(so_view(ctx.session, D.create_sales_order(ctx, data)), 201)


@bp.get("/sales-orders/<id:so_id>")
def get_sales_order(so_id: int) -> Response:
    """One sales order with shipped quantities."""
    with reading() as ctx:
        return ok(so_view(ctx.session, get_or_404(ctx.session, SalesOrder, so_id, "Sales order")))


@bp.post("/sales-orders/<id:so_id>/cancel")
def cancel_sales_order(so_id: int) -> Response:
    """Cancel a sales order before anything shipped."""
    body(required=False)
    with writing() as ctx:
        so = D.cancel_sales_order(ctx, so_id)
        ctx.session.flush()
        return ok(so_view(ctx.session, so))


@bp.get("/shipments")
def list_shipments() -> Response:
    """List shipments (filters: sales_order_id, status)."""
    limit, page_no = paging()
    with reading() as ctx:
        rows, total = D.list_shipments(
            ctx,
            so_id=q_id("sales_order_id"),
            status=q_enum("status", D.SHIPMENT_STATUSES),
            limit=limit,
            page_no=page_no,
        )
        return listing(rows, total, limit, page_no, lambda sh: shipment_view(ctx.session, sh))


@bp.post("/shipments")
def create_shipment() -> Response:
    """Open a shipment for a sales order."""
    data = body()
    with writing() as ctx:
        return ok(shipment_view(ctx.session, D.create_shipment(ctx, data)), 201)


@bp.get("/shipments/<id:shipment_id>")
def get_shipment(shipment_id: int) -> Response:
    """One shipment with its scans."""
    with reading() as ctx:
        return ok(shipment_view(ctx.session, get_or_404(ctx.session, Shipment, shipment_id, "Shipment")))


@bp.post("/shipments/<id:shipment_id>/scans")
def scan(shipment_id: int) -> Response:
    """Scan a RELEASED lot onto the shipment."""
    data = body()
    with writing() as ctx:
        sc = D.scan(ctx, shipment_id, data)
        sh = get_or_404(ctx.session, Shipment, sc.shipment_id, "Shipment")
        return ok(shipment_view(ctx.session, sh), 201)


@bp.delete("/shipments/<id:shipment_id>/scans/<id:scan_id>")
def unscan(shipment_id: int, scan_id: int) -> Response:
    """Remove a scan; its quantity goes back to the lot."""
    with writing() as ctx:
        return ok(shipment_view(ctx.session, D.unscan(ctx, shipment_id, scan_id)))


@bp.post("/shipments/<id:shipment_id>/complete")
def complete_shipment(shipment_id: int) -> Response:
    """Ship: the item fulfillment of the scanned lots."""
    data = body(required=False)
    with writing() as ctx:
        return ok(shipment_view(ctx.session, D.complete_shipment(ctx, shipment_id, data)))


@bp.post("/shipments/<id:shipment_id>/cancel")
def cancel_shipment(shipment_id: int) -> Response:
    """Cancel an open shipment; scanned quantities go back to their lots."""
    body(required=False)
    with writing() as ctx:
        sh = D.cancel_shipment(ctx, shipment_id)
        ctx.session.flush()
        return ok(shipment_view(ctx.session, sh))
