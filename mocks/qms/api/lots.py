"""Routes: lots, inspection, lock-out and traceability."""

from __future__ import annotations

from flask import Response

from ..domain import lots as D
from ..domain.common import get_or_404
from ..domain.views import lots_view
from ..models import Lot
from .common import body, bp, listing, ok, paging, q_enum, q_id, q_str, reading, writing


@bp.get("/lots")
def list_lots() -> Response:
    """List lots (filters: item_id, status, lot_number, source)."""
    limit, page_no = paging()
    with reading() as ctx:
        rows, total = D.list_lots(
            ctx,
            item_id=q_id("item_id"),
            status=q_enum("status", D.LOT_STATUSES),
            lot_number=q_str("lot_number"),
            source=q_enum("source", D.LOT_SOURCES),
            limit=limit,
            page_no=page_no,
        )
        views = lots_view(ctx.session, rows)
        return listing(views, total, limit, page_no, lambda x: x)


@bp.get("/lots/<id:lot_id>")
def get_lot(lot_id: int) -> Response:
    """One lot."""
    with reading() as ctx:
        return ok(lots_view(ctx.session, [get_or_404(ctx.session, Lot, lot_id, "Lot")])[0])


@bp.post("/lots/<id:lot_id>/inspection")
def inspect_lot(lot_id: int) -> Response:
    """Record an inspection: PASS releases, FAIL rejects (only from QUARANTINE)."""
    data = body()
    with writing() as ctx:
        lot = D.inspect(ctx, lot_id, data)
        return ok(lots_view(ctx.session, [lot])[0])


@bp.post("/lots/<id:lot_id>/lock")
def lock_lot(lot_id: int) -> Response:
    """Lock a lot out (recall); cascade locks every lot made from it."""
    data = body()
    with writing() as ctx:
        lot, locked = D.lock(ctx, lot_id, data)
        return ok({"lot": lots_view(ctx.session, [lot])[0], "lockedLots": [x.lot_number for x in locked]})


@bp.post("/lots/<id:lot_id>/unlock")
def unlock_lot(lot_id: int) -> Response:
    """Lift a lock: the lot returns to its previous status."""
    body(required=False)
    with writing() as ctx:
        lot = D.unlock(ctx, lot_id)
        return ok(lots_view(ctx.session, [lot])[0])


@bp.get("/lots/<id:lot_id>/trace/forward")
def trace_forward(lot_id: int) -> Response:
    """Which lots were made from this lot and which shipments contain them."""
    with reading() as ctx:
        return ok(D.trace_forward(ctx, lot_id))


@bp.get("/lots/<id:lot_id>/trace/backward")
def trace_backward(lot_id: int) -> Response:
    """Which lots this lot was made from, down to received raw lots."""
    with reading() as ctx:
        return ok(D.trace_backward(ctx, lot_id))
