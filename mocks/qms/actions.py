"""What people inside the QMS do (/__erpsim/act/<name>): receive, inspect, lock, produce, scan, ship."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from mocks.core import validation as v
from mocks.core.app import Action, Emulator
from mocks.core.errors import ApiError

from .domain import lots as L
from .domain import production as P
from .domain import purchasing as PU
from .domain import sales as S
from .domain.common import Ctx, conflict, invalid_state, write_ctx
from .domain.values import qty_out, quantity
from .domain.views import lots_view, receipt_view, run_view, shipment_view
from .errors import validation_error
from .models import (
    Lot,
    ProductionRun,
    PurchaseOrder,
    PurchaseOrderLine,
    Recipe,
    RecipeComponent,
    SalesOrder,
    SalesOrderLine,
    Shipment,
)


def _find(ctx: Ctx, model: Any, ref: Any, field: str, *alt_columns: Any) -> Any:
    """A row by id (int) or by one of its natural keys (str), or a 404 naming the field."""
    if isinstance(ref, bool) or ref is None or not isinstance(ref, int | str):
        raise validation_error(field, f"'{field}' must be an id or a reference string.")
    cond = model.id == ref if isinstance(ref, int) else or_(*(c == ref for c in alt_columns))
    row = ctx.session.execute(select(model).where(cond).order_by(model.id)).scalars().first()
    if row is None:
        raise ApiError(404, "NOT_FOUND", f"No {model.__tablename__[4:]} matches {field}={ref!r}.")
    return row


def _lot(ctx: Ctx, body: dict[str, Any]) -> Lot:
    return _find(ctx, Lot, body.get("lot"), "lot", Lot.lot_number)  # type: ignore[no-any-return]


def _lot_out(ctx: Ctx, lot: Lot) -> dict[str, Any]:
    return lots_view(ctx.session, [lot])[0]


def act_receive(emu: Emulator, body: dict[str, Any]) -> Any:
    """Receive a PO ({"po": id|netsuiteId|number, "lines"?: [...]}; no lines = everything still open)."""
    with write_ctx(emu) as ctx:
        po = _find(ctx, PurchaseOrder, body.get("po"), "po", PurchaseOrder.netsuite_id, PurchaseOrder.number)
        if "lines" not in body:
            open_lines = [{"line": ln.line_no, "quantity": qty_out(ln.ordered_m - ln.received_m)}
                          for ln in ctx.session.execute(select(PurchaseOrderLine).where(
                              PurchaseOrderLine.po_id == po.id).order_by(PurchaseOrderLine.line_no)).scalars()
                          if ln.ordered_m > ln.received_m]
            if not open_lines or po.status not in PU.RECEIVABLE:
                raise invalid_state("Purchase order", po.id, po.status, "receive against it")
            body = {**body, "lines": open_lines}
        receipt, lots = PU.receive(ctx, po.id, PU.parse_receipt(body))
        return receipt_view(ctx.session, receipt, lots)


def act_inspect(emu: Emulator, body: dict[str, Any]) -> Any:
    """An inspector records a result ({"lot", "result": PASS|FAIL, "inspector"?, "notes"?})."""
    with write_ctx(emu) as ctx:
        return _lot_out(ctx, L.inspect(ctx, _lot(ctx, body).id, body))


def act_release(emu: Emulator, body: dict[str, Any]) -> Any:
    """QC releases a QUARANTINE lot ({"lot"}): inspection PASS."""
    return act_inspect(emu, {**body, "result": "PASS"})


def act_reject(emu: Emulator, body: dict[str, Any]) -> Any:
    """QC rejects a QUARANTINE lot ({"lot"}): inspection FAIL."""
    return act_inspect(emu, {**body, "result": "FAIL"})


def act_lock(emu: Emulator, body: dict[str, Any]) -> Any:
    """Lock a lot out for a recall ({"lot", "reason"?, "cascade"?})."""
    with write_ctx(emu) as ctx:
        lot, locked = L.lock(ctx, _lot(ctx, body).id, {"reason": "Recall", **body})
        return {"lot": _lot_out(ctx, lot), "lockedLots": [x.lot_number for x in locked]}


def act_unlock(emu: Emulator, body: dict[str, Any]) -> Any:
    """Lift a lock ({"lot"})."""
    with write_ctx(emu) as ctx:
        return _lot_out(ctx, L.unlock(ctx, _lot(ctx, body).id))


def act_adjust(emu: Emulator, body: dict[str, Any]) -> Any:
    """Cycle count: set a lot's on-hand quantity ({"lot", "quantity"})."""
    with write_ctx(emu) as ctx:
        return _lot_out(ctx, L.adjust(ctx, _lot(ctx, body).id, body))


def act_schedule(emu: Emulator, body: dict[str, Any]) -> Any:
    """A planner schedules a run ({"recipe": id|code, "quantity", "scheduledDate"?, "workOrderRef"?})."""
    with write_ctx(emu) as ctx:
        recipe = _find(ctx, Recipe, body.get("recipe"), "recipe", Recipe.code)
        return run_view(ctx.session, P.schedule_run(ctx, {**body, "recipeId": recipe.id}))


def _run(ctx: Ctx, body: dict[str, Any]) -> ProductionRun:
    return _find(ctx, ProductionRun, body.get("run"), "run", ProductionRun.work_order_ref)  # type: ignore


def act_consume(emu: Emulator, body: dict[str, Any]) -> Any:
    """An operator scans a lot into a run ({"run": id|workOrderRef, "lot", "quantity"})."""
    with write_ctx(emu) as ctx:
        run = _run(ctx, body)
        P.consume(ctx, run.id, {"lotId": _lot(ctx, body).id, "quantity": body.get("quantity")})
        return run_view(ctx.session, run)


def act_complete(emu: Emulator, body: dict[str, Any]) -> Any:
    """An operator completes a run ({"run", "quantity", "lotNumber"?})."""
    with write_ctx(emu) as ctx:
        run, _ = P.complete_run(ctx, _run(ctx, body).id, body)
        return run_view(ctx.session, run)


def produce(ctx: Ctx, run: ProductionRun, quantity_m: int | None, release: bool) -> ProductionRun:
    """Consume each component first-expired-first-out from RELEASED lots, complete, optionally release."""
    qty_m = quantity_m if quantity_m is not None else run.planned_m
    comps = list(ctx.session.execute(select(RecipeComponent).where(RecipeComponent.recipe_id == run.recipe_id)
                                     .order_by(RecipeComponent.id)).scalars())
    for comp in comps:
        need = comp.per_unit_m * qty_m // 1000 or 1
        lots = list(ctx.session.execute(select(Lot).where(Lot.item_id == comp.item_id, Lot.status == "RELEASED",
                                                          Lot.quantity_m > 0).order_by(Lot.id)).scalars())
        if sum(x.quantity_m for x in lots) < need:
            raise conflict("INSUFFICIENT_STOCK", f"Not enough RELEASED stock of item {comp.item_id} for run "
                                                 f"{run.id}: {qty_out(need)} needed.", itemId=comp.item_id,
                           needed=qty_out(need), available=qty_out(sum(x.quantity_m for x in lots)))
        for lot in lots:
            take = min(need, lot.quantity_m)
            P.consume(ctx, run.id, {"lotId": lot.id, "quantity": qty_out(take)})
            need -= take
            if need == 0:
                break
    run, lot = P.complete_run(ctx, run.id, {"quantity": qty_out(qty_m)})
    if release:
        L.inspect(ctx, lot.id, {"result": "PASS", "inspector": "qc"})
    return run


def act_produce(emu: Emulator, body: dict[str, Any]) -> Any:
    """Run production end to end ({"run", "quantity"?, "release"?}): FIFO consumption, completion."""
    with write_ctx(emu) as ctx:
        run = _run(ctx, body)
        qty = v.opt(body, "quantity", quantity)
        return run_view(ctx.session, produce(ctx, run, qty, bool(v.opt(body, "release", v.boolean))))


def _order(ctx: Ctx, body: dict[str, Any]) -> SalesOrder:
    return _find(ctx, SalesOrder, body.get("order"), "order", SalesOrder.netsuite_id,  # type: ignore
                 SalesOrder.number)


def _open_shipment(ctx: Ctx, so: SalesOrder) -> Shipment:
    sh = ctx.session.execute(select(Shipment).where(Shipment.so_id == so.id, Shipment.status == "OPEN")).scalar()
    return sh if sh is not None else S.create_shipment(ctx, {"salesOrderId": so.id})


def act_scan(emu: Emulator, body: dict[str, Any]) -> Any:
    """A shipper scans a lot ({"order": id|netsuiteId|number, "lot", "quantity"}) onto the open shipment."""
    with write_ctx(emu) as ctx:
        sh = _open_shipment(ctx, _order(ctx, body))
        S.scan(ctx, sh.id, {"lotId": _lot(ctx, body).id, "quantity": body.get("quantity")})
        return shipment_view(ctx.session, sh)


def act_ship(emu: Emulator, body: dict[str, Any]) -> Any:
    """Ship an order ({"order", "lots"?: [{"lot", "quantity"}], "carrier"?, "trackingNumber"?}); FIFO if no lots."""
    with write_ctx(emu) as ctx:
        so = _order(ctx, body)
        sh = _open_shipment(ctx, so)
        if "lots" in body:
            for i, entry in enumerate(v.req(body, "lots", v.array, min_items=1, max_items=500, objects=True)):
                lot = _find(ctx, Lot, entry.get("lot"), f"lots[{i}].lot", Lot.lot_number)
                S.scan(ctx, sh.id, {"lotId": lot.id, "quantity": entry.get("quantity")})
        else:
            for ln in ctx.session.execute(select(SalesOrderLine).where(SalesOrderLine.so_id == so.id)
                                          .order_by(SalesOrderLine.line_no)).scalars().all():
                need = ln.ordered_m - ln.shipped_m
                for lot in ctx.session.execute(select(Lot).where(Lot.item_id == ln.item_id, Lot.status == "RELEASED",
                                                                 Lot.quantity_m > 0).order_by(Lot.id)).scalars().all():
                    if need <= 0:
                        break
                    take = min(need, lot.quantity_m)
                    S.scan(ctx, sh.id, {"lotId": lot.id, "quantity": qty_out(take), "line": ln.line_no})
                    need -= take
        return shipment_view(ctx.session, S.complete_shipment(ctx, sh.id, body))


ACTIONS: dict[str, Action] = {
    "receive": act_receive, "inspect": act_inspect, "release": act_release, "reject": act_reject,
    "lock": act_lock, "unlock": act_unlock, "adjust": act_adjust, "schedule": act_schedule,
    "consume": act_consume, "complete": act_complete, "produce": act_produce, "scan": act_scan, "ship": act_ship,
}
