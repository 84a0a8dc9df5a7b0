"""Routes: recipes and production runs."""

from __future__ import annotations

from flask import Response, request

from ..domain import production as D
from ..domain.common import get_or_404
from ..domain.views import recipe_view, run_view
from ..models import ProductionRun, Recipe
from .common import body, bp, listing, ok, paging, q_enum, q_id, q_str, reading, writing


@bp.get("/recipes")
def list_recipes() -> Response:
    """List recipes (filter: item_id)."""
    limit, page_no = paging()
    with reading() as ctx:
        rows, total = D.list_recipes(ctx, item_id=q_id("item_id"), limit=limit, page_no=page_no)
        return listing(rows, total, limit, page_no, lambda r: recipe_view(ctx.session, r))


@bp.post("/recipes")
def create_recipe() -> Response:
    """Create a recipe (MMR / BOM)."""
    data = body()
    with writing() as ctx:
        return ok(recipe_view(ctx.session, D.create_recipe(ctx, data)), 201)


@bp.get("/recipes/<id:recipe_id>")
def get_recipe(recipe_id: int) -> Response:
    """One recipe."""
    with reading() as ctx:
        return ok(recipe_view(ctx.session, get_or_404(ctx.session, Recipe, recipe_id, "Recipe")))


@bp.get("/production-runs")
def list_runs() -> Response:
    """List production runs (filters: status, work_order_ref, unlinked=true)."""
    limit, page_no = paging()
    unlinked = request.args.get("unlinked")
    with reading() as ctx:
        rows, total = D.list_runs(
            ctx,
            status=q_enum("status", D.RUN_STATUSES),
            work_order_ref=q_str("work_order_ref"),
            unlinked=q_enum("unlinked", ("true", "false")) == "true" if unlinked else False,
            limit=limit,
            page_no=page_no,
        )
        return listing(rows, total, limit, page_no, lambda r: run_view(ctx.session, r))


@bp.post("/production-runs")
def schedule_run() -> Response:
    """Schedule a production run of a recipe."""
    data = body()
    with writing() as ctx:
        return ok(run_view(ctx.session, D.schedule_run(ctx, data)), 201)


@bp.get("/production-runs/<id:run_id>")
def get_run(run_id: int) -> Response:
    """One production run with its genealogy."""
    with reading() as ctx:
        return ok(run_view(ctx.session, get_or_404(ctx.session, ProductionRun, run_id, "Production run")))


@bp.post("/production-runs/<id:run_id>/work-order")
def link_work_order(run_id: int) -> Response:
    """Store the NetSuite work order the run maps to."""
    data = body()
    with writing() as ctx:
        run = D.link_work_order(ctx, run_id, data)
        ctx.session.flush()
        return ok(run_view(ctx.session, run))


@bp.post("/production-runs/<id:run_id>/start")
def start_run(run_id: int) -> Response:
    """Start a scheduled run."""
    body(required=False)
    with writing() as ctx:
        run = D.start_run(ctx, run_id)
        ctx.session.flush()
        return ok(run_view(ctx.session, run))


@bp.post("/production-runs/<id:run_id>/cancel")
def cancel_run(run_id: int) -> Response:
    """Cancel a scheduled run."""
    body(required=False)
    with writing() as ctx:
        run = D.cancel_run(ctx, run_id)
        ctx.session.flush()
        return ok(run_view(ctx.session, run))


@bp.post("/production-runs/<id:run_id>/consumptions")
def consume(run_id: int) -> Response:
    """Consume a quantity of a RELEASED component lot into the run."""
    data = body()
    with writing() as ctx:
        D.consume(ctx, run_id, data)
        run = get_or_404(ctx.session, ProductionRun, run_id, "Production run")
        return ok(run_view(ctx.session, run), 201)


@bp.post("/production-runs/<id:run_id>/complete")
def complete_run(run_id: int) -> Response:
    """Complete the run: its output becomes a QUARANTINE lot."""
    data = body()
    with writing() as ctx:
        run, _ = D.complete_run(ctx, run_id, data)
        return ok(run_view(ctx.session, run))
