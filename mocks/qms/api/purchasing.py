"""Routes: purchase orders and receipts (the hottest write: POST .../receipts)."""

from __future__ import annotations

from flask import Response

from ..domain import purchasing as D
from ..domain.common import get_or_404
from ..domain.views import po_view, receipt_view
from ..models import PurchaseOrder, Receipt
from .common import body, bp, listing, ok, paging, q_enum, q_str, reading, writing


@bp.get("/purchase-orders")
def list_purchase_orders() -> Response:
    """List purchase orders (filters: status, netsuite_id)."""
    limit, page_no = paging()
    with reading() as ctx:
        rows, total = D.list_purchase_orders(
            ctx,
            status=q_enum("status", D.PO_STATUSES),
            netsuite_id=q_str("netsuite_id"),
            limit=limit,
            page_no=page_no,
        )
        return listing(rows, total, limit, page_no, lambda po: po_view(ctx.session, po))


@bp.post("/purchase-orders")
def create_purchase_order() -> Response:
    """Create a purchase order sent from NetSuite."""
    data = body()
    with writing() as ctx:
        po = D.create_purchase_order(ctx, data)
        return ok(po_view(ctx.session, po), 201)


@bp.get("/purchase-orders/<id:po_id>")
def get_purchase_order(po_id: int) -> Response:
    """One purchase order with received quantities."""
    with reading() as ctx:
        return ok(po_view(ctx.session, get_or_404(ctx.session, PurchaseOrder, po_id, "Purchase order")))


@bp.post("/purchase-orders/<id:po_id>/close")
def close_purchase_order(po_id: int) -> Response:
    """Close a purchase order (NetSuite closed it)."""
    body(required=False)
    with writing() as ctx:
        po = D.close_purchase_order(ctx, po_id)
        ctx.session.flush()
        return ok(po_view(ctx.session, po))


@bp.get("/purchase-orders/<id:po_id>/receipts")
def list_receipts(po_id: int) -> Response:
    """The receipts of a purchase order."""
    with reading() as ctx:
        rows = D.list_receipts(ctx, po_id)
        return ok({"data": [receipt_view(ctx.session, r) for r in rows]})


@bp.post("/purchase-orders/<id:po_id>/receipts")
def create_receipt(po_id: int) -> Response:
    """Receive against a purchase order: one QUARANTINE lot per line."""
    inp = D.parse_receipt(body())
    with writing() as ctx:
        receipt, lots = D.receive(ctx, po_id, inp)
        return ok(receipt_view(ctx.session, receipt, lots), 201)


@bp.get("/receipts/<id:receipt_id>")
def get_receipt(receipt_id: int) -> Response:
    """One receipt and its lots."""
    with reading() as ctx:
        return ok(receipt_view(ctx.session, get_or_404(ctx.session, Receipt, receipt_id, "Receipt")))
