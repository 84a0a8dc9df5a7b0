"""What people inside the QMS do (/__erpsim/act/<name>): receive, inspect, lock, produce, scan, ship."""

from __future__ import annotations

from typing import Any

from mocks.core import validation as v
from mocks.core.app import Action, Emulator

from .domain import lots as L
from .domain import production as P
from .domain import purchasing as PU
from .domain import sales as S
from .domain.common import Ctx, find_by_ref, write_ctx
from .domain.values import quantity
from .domain.views import lots_view, receipt_view, run_view, shipment_view
from .models import (
    Lot,
    ProductionRun,
    PurchaseOrder,
    Recipe,
    SalesOrder,
)


def _lot(ctx: Ctx, body: dict[str, Any]) -> Lot:
    return find_by_ref(ctx.session, Lot, body.get("lot"), "lot", Lot.lot_number)


def _lot_out(ctx: Ctx, lot: Lot) -> dict[str, Any]:
    return lots_view(ctx.session, [lot])[0]


def act_receive(emu: Emulator, body: dict[str, Any]) -> Any:
    """Receive a PO ({"po": id|netsuiteId|number, "lines"?: [...]}; no lines = everything still open)."""
    with write_ctx(emu) as ctx:
        po = find_by_ref(
            ctx.session, PurchaseOrder, body.get("po"), "po", PurchaseOrder.netsuite_id, PurchaseOrder.number
        )
        if "lines" not in body:
            body = PU.receive_all_open(ctx, po, body)
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
        recipe = find_by_ref(ctx.session, Recipe, body.get("recipe"), "recipe", Recipe.code)
        return run_view(ctx.session, P.schedule_run(ctx, {**body, "recipeId": recipe.id}))


def _run(ctx: Ctx, body: dict[str, Any]) -> ProductionRun:
    return find_by_ref(ctx.session, ProductionRun, body.get("run"), "run", ProductionRun.work_order_ref)


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


def act_produce(emu: Emulator, body: dict[str, Any]) -> Any:
    """Run production end to end ({"run", "quantity"?, "release"?}): FIFO consumption, completion."""
    with write_ctx(emu) as ctx:
        run = _run(ctx, body)
        qty = v.opt(body, "quantity", quantity)
        return run_view(ctx.session, P.produce(ctx, run, qty, bool(v.opt(body, "release", v.boolean))))


def _order(ctx: Ctx, body: dict[str, Any]) -> SalesOrder:
    return find_by_ref(
        ctx.session, SalesOrder, body.get("order"), "order", SalesOrder.netsuite_id, SalesOrder.number
    )


def act_scan(emu: Emulator, body: dict[str, Any]) -> Any:
    """A shipper scans a lot ({"order": id|netsuiteId|number, "lot", "quantity"}) onto the open shipment."""
    with write_ctx(emu) as ctx:
        sh = S.open_shipment_for(ctx, _order(ctx, body))
        S.scan(ctx, sh.id, {"lotId": _lot(ctx, body).id, "quantity": body.get("quantity")})
        return shipment_view(ctx.session, sh)


def act_ship(emu: Emulator, body: dict[str, Any]) -> Any:
    """Ship an order ({"order", "lots"?: [{"lot", "quantity"}], "carrier"?, "trackingNumber"?}); FIFO if no lots."""
    with write_ctx(emu) as ctx:
        so = _order(ctx, body)
        sh = S.open_shipment_for(ctx, so)
        if "lots" in body:
            for i, entry in enumerate(v.req(body, "lots", v.array, min_items=1, max_items=500, objects=True)):
                lot = find_by_ref(ctx.session, Lot, entry.get("lot"), f"lots[{i}].lot", Lot.lot_number)
                S.scan(ctx, sh.id, {"lotId": lot.id, "quantity": entry.get("quantity")})
        else:
            S.pick_released(ctx, sh, so)
        return shipment_view(ctx.session, S.complete_shipment(ctx, sh.id, body))


ACTIONS: dict[str, Action] = {
    "receive": act_receive,
    "inspect": act_inspect,
    "release": act_release,
    "reject": act_reject,
    "lock": act_lock,
    "unlock": act_unlock,
    "adjust": act_adjust,
    "schedule": act_schedule,
    "consume": act_consume,
    "complete": act_complete,
    "produce": act_produce,
    "scan": act_scan,
    "ship": act_ship,
}
