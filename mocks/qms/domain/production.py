"""Recipes (MMR / BOM) and production runs: schedule, consume RELEASED lots (genealogy), complete into a lot.

Run status machine: SCHEDULED --start/consume--> IN_PROGRESS --complete--> COMPLETED;
SCHEDULED --cancel--> CANCELLED. A run maps to a NetSuite work order (``workOrderRef``); completing
it maps to an assembly build of the new lot, announced by the ``production.completed`` event.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from mocks.core import validation as v

from ..errors import conflict, invalid_state, unknown_ref, unprocessable, validation_error
from ..models import Consumption, Item, Lot, ProductionRun, Recipe, RecipeComponent
from .common import Ctx, get_or_404, page, resolve_item, resolve_lot
from .lots import inspect, insufficient, released_lots, require_released
from .purchasing import client_lot_number, ensure_lot_number_free, lot_numbers
from .values import MAX_ID, item_ref, lot_ref, qty_out, quantity
from .views import item_ref_view, run_number, skus

RUN_STATUSES = ("SCHEDULED", "IN_PROGRESS", "COMPLETED", "CANCELLED")
OUTPUT_TYPES = ("FINISHED_GOOD", "INTERMEDIATE")


def create_recipe(ctx: Ctx, body: dict[str, Any]) -> Recipe:
    """Create a recipe for a finished (or intermediate) item from distinct components."""
    s = ctx.session
    code = v.req(body, "code", v.text, max_len=80, min_len=1, strip=True)
    name = v.req(body, "name", v.text, max_len=200, min_len=1, strip=True)
    netsuite_id = v.opt(body, "netsuiteId", v.text, max_len=80, min_len=1, strip=True)
    out_ref = item_ref(body)
    comps = v.req(body, "components", v.array, min_items=1, max_items=100, objects=True)
    parsed = [
        (item_ref(c, f"components[{i}]"), v.req(c, "quantityPerUnit", quantity, where=f"components[{i}]"))
        for i, c in enumerate(comps)
    ]
    for field, col, value in (("code", Recipe.code, code), ("netsuiteId", Recipe.netsuite_id, netsuite_id)):
        if value is not None:
            existing = s.execute(select(Recipe.id).where(col == value)).scalar_one_or_none()
            if existing is not None:
                raise conflict(
                    "DUPLICATE",
                    f"A recipe with {field} {value!r} already exists (id {existing}).",
                    field=field,
                    existingId=existing,
                )
    item = resolve_item(s, out_ref, "itemId")
    if item.type not in OUTPUT_TYPES:
        raise unprocessable(
            "ITEM_TYPE_MISMATCH",
            f"Item {item.sku} is a {item.type}; a recipe makes a FINISHED_GOOD or an INTERMEDIATE.",
            "itemId",
        )
    seen: set[int] = set()
    rows = []
    for i, (ref, qty) in enumerate(parsed):
        comp = resolve_item(s, ref, f"components[{i}].itemId")
        if comp.id == item.id:
            raise unprocessable(
                "ITEM_TYPE_MISMATCH",
                f"Item {item.sku} cannot be a component of itself.",
                f"components[{i}].itemId",
            )
        if comp.id in seen:
            raise validation_error(f"components[{i}].itemId", f"Component {comp.sku} appears twice.")
        seen.add(comp.id)
        rows.append((comp.id, qty or 0))
    recipe = Recipe(code=code, name=name, item_id=item.id, netsuite_id=netsuite_id, created_at=ctx.now)
    s.add(recipe)
    s.flush()
    s.add_all([RecipeComponent(recipe_id=recipe.id, item_id=cid, per_unit_m=q) for cid, q in rows])
    s.flush()
    return recipe


def list_recipes(ctx: Ctx, *, item_id: int | None, limit: int, page_no: int) -> tuple[list[Recipe], int]:
    """Recipes, optionally for one output item."""
    cond = [Recipe.item_id == item_id] if item_id is not None else []
    return page(
        ctx.session,
        select(Recipe).where(*cond).order_by(Recipe.id),
        select(func.count(Recipe.id)).where(*cond),
        limit,
        page_no,
    )


def _ensure_work_order_free(ctx: Ctx, ref: str, own_id: int | None = None) -> None:
    existing = ctx.session.execute(
        select(ProductionRun.id).where(ProductionRun.work_order_ref == ref)
    ).scalar_one_or_none()
    if existing is not None and existing != own_id:
        raise conflict(
            "DUPLICATE",
            f"Work order {ref!r} is already linked to production run {existing}.",
            field="workOrderRef",
            existingId=existing,
        )


def _run_summary(run: ProductionRun, item: Item) -> dict[str, Any]:
    return {
        "id": run.id,
        "number": run_number(run.id),
        "recipeId": run.recipe_id,
        "item": item_ref_view(item),
        "plannedQuantity": qty_out(run.planned_m),
        "scheduledDate": run.scheduled_date,
        "workOrderRef": run.work_order_ref,
        "status": run.status,
    }


def schedule_run(ctx: Ctx, body: dict[str, Any]) -> ProductionRun:
    """Put a run of a recipe on the production calendar (emits production.scheduled)."""
    recipe_id = v.req(body, "recipeId", v.integer, minimum=1, maximum=MAX_ID)
    qty = v.req(body, "quantity", quantity)
    day = v.opt(body, "scheduledDate", v.iso_date) or ctx.today
    wo = v.opt(body, "workOrderRef", v.text, max_len=80, min_len=1, strip=True)
    recipe = ctx.session.execute(select(Recipe).where(Recipe.id == recipe_id)).scalar_one_or_none()
    if recipe is None:
        raise unknown_ref("Recipe", "recipeId", recipe_id)
    if wo is not None:
        _ensure_work_order_free(ctx, wo)
    run = ProductionRun(
        recipe_id=recipe.id,
        item_id=recipe.item_id,
        planned_m=qty,
        status="SCHEDULED",
        scheduled_date=day,
        work_order_ref=wo,
        created_at=ctx.now,
    )
    ctx.session.add(run)
    ctx.session.flush()
    item = ctx.session.get(Item, recipe.item_id)
    assert item is not None
    ctx.publish("production.scheduled", {"productionRun": _run_summary(run, item)})
    return run


def link_work_order(ctx: Ctx, run_id: int, body: dict[str, Any]) -> ProductionRun:
    """Store the NetSuite work order a run maps to (idempotent for the same reference)."""
    ref = v.req(body, "workOrderRef", v.text, max_len=80, min_len=1, strip=True)
    assert ref is not None
    run = get_or_404(ctx.session, ProductionRun, run_id, "Production run", lock=True)
    if run.work_order_ref == ref:
        return run
    if run.status == "CANCELLED":
        raise invalid_state("Production run", run.id, run.status, "link a work order")
    if run.work_order_ref is not None:
        raise conflict(
            "WORK_ORDER_ALREADY_LINKED",
            f"Production run {run.id} is already linked to work order {run.work_order_ref!r}.",
            workOrderRef=run.work_order_ref,
        )
    _ensure_work_order_free(ctx, ref, run.id)
    run.work_order_ref = ref
    return run


def start_run(ctx: Ctx, run_id: int) -> ProductionRun:
    """SCHEDULED -> IN_PROGRESS."""
    run = get_or_404(ctx.session, ProductionRun, run_id, "Production run", lock=True)
    if run.status != "SCHEDULED":
        raise invalid_state("Production run", run.id, run.status, "start it")
    run.status, run.started_at = "IN_PROGRESS", ctx.now
    return run


def cancel_run(ctx: Ctx, run_id: int) -> ProductionRun:
    """SCHEDULED -> CANCELLED (a run that consumed anything cannot be cancelled)."""
    run = get_or_404(ctx.session, ProductionRun, run_id, "Production run", lock=True)
    if run.status != "SCHEDULED":
        raise invalid_state("Production run", run.id, run.status, "cancel it")
    run.status = "CANCELLED"
    return run


def consume(ctx: Ctx, run_id: int, body: dict[str, Any]) -> Consumption:
    """Consume a quantity of a RELEASED component lot into a run (recorded as genealogy)."""
    s = ctx.session
    ref = lot_ref(body)
    qty = v.req(body, "quantity", quantity) or 0
    run = get_or_404(s, ProductionRun, run_id, "Production run", lock=True)
    if run.status not in ("SCHEDULED", "IN_PROGRESS"):
        raise invalid_state("Production run", run.id, run.status, "consume into it")
    lot = resolve_lot(s, ref, "lotId" if ref[0] == "id" else "lotNumber")
    components = set(
        s.execute(select(RecipeComponent.item_id).where(RecipeComponent.recipe_id == run.recipe_id)).scalars()
    )
    if lot.item_id not in components:
        raise unprocessable(
            "LOT_NOT_IN_RECIPE",
            f"Lot {lot.lot_number} is not of a component item of the recipe of run {run.id}.",
            "lotId",
            lotNumber=lot.lot_number,
            itemId=lot.item_id,
        )
    require_released(lot, "consumed")
    if qty > lot.quantity_m:
        raise insufficient(lot, qty)
    lot.quantity_m -= qty
    if run.status == "SCHEDULED":
        run.status, run.started_at = "IN_PROGRESS", ctx.now
    cons = Consumption(run_id=run.id, lot_id=lot.id, item_id=lot.item_id, quantity_m=qty, consumed_at=ctx.now)
    s.add(cons)
    s.flush()
    return cons


def complete_run(ctx: Ctx, run_id: int, body: dict[str, Any]) -> tuple[ProductionRun, Lot]:
    """Finish a run: its output becomes a new lot in QUARANTINE (emits production.completed)."""
    s = ctx.session
    qty = v.req(body, "quantity", quantity) or 0
    number = client_lot_number(body)
    expiry = v.opt(body, "expiryDate", v.iso_date)
    run = get_or_404(s, ProductionRun, run_id, "Production run", lock=True)
    if run.status != "IN_PROGRESS":
        raise invalid_state("Production run", run.id, run.status, "complete it (it must be IN_PROGRESS)")
    cons = list(
        s.execute(select(Consumption).where(Consumption.run_id == run.id).order_by(Consumption.id)).scalars()
    )
    needed = list(
        s.execute(
            select(RecipeComponent.item_id)
            .where(RecipeComponent.recipe_id == run.recipe_id)
            .order_by(RecipeComponent.id)
        ).scalars()
    )
    missing = [i for i in needed if i not in {c.item_id for c in cons}]
    items = skus(s, [run.item_id, *needed])
    if missing:
        names = [items[i].sku for i in missing]
        raise conflict(
            "COMPONENTS_NOT_CONSUMED",
            f"Production run {run.id} has consumed nothing of {', '.join(names)}.",
            missing=names,
        )
    if number is not None:
        ensure_lot_number_free(ctx, number, "lotNumber")
    lot = Lot(
        lot_number=number or lot_numbers(ctx, "P", 1)[0],
        item_id=run.item_id,
        status="QUARANTINE",
        quantity_m=qty,
        initial_m=qty,
        source="PRODUCTION",
        run_id=run.id,
        expiry_date=expiry,
        created_at=ctx.now,
    )
    s.add(lot)
    s.flush()
    run.status, run.produced_m, run.output_lot_id, run.completed_at = "COMPLETED", qty, lot.id, ctx.now
    lots = {x.id: x for x in s.execute(select(Lot).where(Lot.id.in_({c.lot_id for c in cons}))).scalars()}
    components = []
    for item_id in needed:
        mine = [c for c in cons if c.item_id == item_id]
        components.append(
            {
                "item": item_ref_view(items[item_id]),
                "quantity": qty_out(sum(c.quantity_m for c in mine)),
                "lots": [
                    {
                        "lotId": c.lot_id,
                        "lotNumber": lots[c.lot_id].lot_number,
                        "quantity": qty_out(c.quantity_m),
                    }
                    for c in mine
                ],
            }
        )
    ctx.publish(
        "production.completed",
        {
            "productionRun": {**_run_summary(run, items[run.item_id]), "completedAt": run.completed_at},
            "workOrderRef": run.work_order_ref,
            "item": item_ref_view(items[run.item_id]),
            "lotId": lot.id,
            "lotNumber": lot.lot_number,
            "quantity": qty_out(qty),
            "components": components,
        },
    )
    return run, lot


def produce(ctx: Ctx, run: ProductionRun, quantity_m: int | None, release: bool) -> ProductionRun:
    """Run production end to end: consume each component from its RELEASED lots oldest first, complete the
    run (its planned quantity unless ``quantity_m``), and with ``release`` pass the new lot's inspection."""
    qty_m = quantity_m if quantity_m is not None else run.planned_m
    comps = list(
        ctx.session.execute(
            select(RecipeComponent)
            .where(RecipeComponent.recipe_id == run.recipe_id)
            .order_by(RecipeComponent.id)
        ).scalars()
    )
    for comp in comps:
        need = comp.per_unit_m * qty_m // 1000 or 1
        lots = released_lots(ctx, comp.item_id)
        if sum(x.quantity_m for x in lots) < need:
            raise conflict(
                "INSUFFICIENT_STOCK",
                f"Not enough RELEASED stock of item {comp.item_id} for run {run.id}: {qty_out(need)} needed.",
                itemId=comp.item_id,
                needed=qty_out(need),
                available=qty_out(sum(x.quantity_m for x in lots)),
            )
        for lot in lots:
            take = min(need, lot.quantity_m)
            consume(ctx, run.id, {"lotId": lot.id, "quantity": qty_out(take)})
            need -= take
            if need == 0:
                break
    run, lot = complete_run(ctx, run.id, {"quantity": qty_out(qty_m)})
    if release:
        inspect(ctx, lot.id, {"result": "PASS", "inspector": "qc"})
    return run


def list_runs(
    ctx: Ctx, *, status: str | None, work_order_ref: str | None, unlinked: bool, limit: int, page_no: int
) -> tuple[list[ProductionRun], int]:
    """Production runs filtered by status, work order, or not yet linked to a work order."""
    cond = []
    if status is not None:
        cond.append(ProductionRun.status == status)
    if work_order_ref is not None:
        cond.append(ProductionRun.work_order_ref == work_order_ref)
    if unlinked:
        cond.append(ProductionRun.work_order_ref.is_(None))
    return page(
        ctx.session,
        select(ProductionRun).where(*cond).order_by(ProductionRun.id),
        select(func.count(ProductionRun.id)).where(*cond),
        limit,
        page_no,
    )
