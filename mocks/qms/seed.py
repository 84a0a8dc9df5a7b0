"""Seeding: ``{"seed": n, "items": k, ...}`` builds a reproducible world with Faker through the domain rules;
``{"records": {...}}`` creates explicit records (same bodies as the API). Also the /__erpsim/state view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

import itertools
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mocks.core import validation as v
from mocks.core.app import Emulator

from .domain import items as I
from .domain import lots as L
from .domain import production as P
from .domain import purchasing as PU
from .domain import sales as S
from .domain import webhooks as W
from .domain.common import Ctx, resolve_item, write_ctx
from .domain.values import MAX_ID, item_ref, qty_out
from .errors import validation_error
from .models import Item, Lot, ProductionRun, PurchaseOrder, PurchaseOrderLine, Recipe, SalesOrder
from .services import QmsServices

COUNTS = ("items", "finished_goods", "purchase_orders", "received", "runs", "sales_orders")
RAW_NAMES = (
    "Cane Sugar",
    "Citric Acid",
    "Sea Salt",
    "Cocoa Powder",
    "Oat Flour",
    "Vanilla Extract",
    "Whey Protein",
    "Pea Protein",
    "Sunflower Oil",
    "Rice Syrup",
    "Almond Butter",
    "Green Tea Extract",
)
FG_NAMES = ("Protein Bar", "Energy Drink", "Granola Mix", "Electrolyte Powder", "Nut Butter Cup", "Oat Bites")


def _count(body: dict[str, Any], name: str, default: int) -> int:
    return v.opt(body, name, v.integer, minimum=0, maximum=10_000) if name in body else default  # type: ignore


class _Fresh:
    """Values no record holds yet, so a second faker seed adds to the world instead of colliding with it."""

    def __init__(self, session: Session) -> None:
        self.taken: set[str] = set()
        for column in (
            Item.sku,
            Item.netsuite_id,
            PurchaseOrder.netsuite_id,
            SalesOrder.netsuite_id,
            Recipe.netsuite_id,
            ProductionRun.work_order_ref,
        ):
            self.taken.update(str(v) for v in session.execute(select(column)).scalars() if v is not None)

    def pick(self, draw: Callable[[], str]) -> str:
        """The first of ``draw()``'s values that is free (the first one, in an empty world)."""
        value = draw()
        while value in self.taken:
            value = draw()
        self.taken.add(value)
        return value


def _numbered(first: str) -> Callable[[], str]:
    """``first``, then ``first-2``, ``first-3``... (for :meth:`_Fresh.pick`)."""
    n = itertools.count(1)
    return lambda: first if (k := next(n)) == 1 else f"{first}-{k}"


def _faker_world(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    n = v.req(body, "seed", v.integer, minimum=0, maximum=MAX_ID) or 0
    from faker import Faker  # noqa: F811 - imported on first use (start-up time)

    fake = Faker("en_US")
    fake.seed_instance(n)
    n_raw, n_fg = _count(body, "items", 6), _count(body, "finished_goods", 2)
    n_po, n_recv = _count(body, "purchase_orders", 3), _count(body, "received", 0)
    n_runs, n_so = _count(body, "runs", 0), _count(body, "sales_orders", 0)
    if n_raw < 1 and (n_fg or n_po):
        raise validation_error(
            "items", "'items' (raw materials) must be at least 1 when finished goods or POs are seeded."
        )
    out: dict[str, Any] = {
        "items": [],
        "recipes": [],
        "purchase_orders": [],
        "lots": [],
        "production_runs": [],
        "sales_orders": [],
    }
    with write_ctx(emu) as ctx:
        fresh = _Fresh(ctx.session)
        ns_draws = (fake.unique.random_int(10_000, 999_999) for _ in itertools.count())
        ns = (fresh.pick(lambda: str(next(ns_draws))) for _ in itertools.count())
        raws, fgs = [], []
        for i in range(n_raw):
            name = f"{RAW_NAMES[i % len(RAW_NAMES)]}{'' if i < len(RAW_NAMES) else f' {i}'}"
            sku = fresh.pick(lambda: f"RM-{fake.unique.bothify('####')}")
            raws.append(
                I.create_item(
                    ctx,
                    {"sku": sku, "name": name, "type": "RAW_MATERIAL", "uom": "kg", "netsuiteId": next(ns)},
                )
            )
        for i in range(n_fg):
            name = f"{FG_NAMES[i % len(FG_NAMES)]} {fake.color_name()}"
            sku = fresh.pick(lambda: f"FG-{fake.unique.bothify('####')}")
            fgs.append(
                I.create_item(
                    ctx,
                    {"sku": sku, "name": name, "type": "FINISHED_GOOD", "uom": "ea", "netsuiteId": next(ns)},
                )
            )
        out["items"] = [
            {"id": i.id, "sku": i.sku, "netsuiteId": i.netsuite_id, "type": i.type} for i in raws + fgs
        ]
        for fg in fgs:
            comps = fake.random_elements(raws, length=min(len(raws), fake.random_int(2, 3)), unique=True)
            r = P.create_recipe(
                ctx,
                {
                    "code": f"MMR-{fg.sku}",
                    "name": f"{fg.name} recipe",
                    "itemId": fg.id,
                    "components": [
                        {"itemId": c.id, "quantityPerUnit": fake.random_int(1, 4) / 4} for c in comps
                    ],
                },
            )
            out["recipes"].append({"id": r.id, "code": r.code})
        for i in range(n_po):
            lines = [
                {"itemId": it.id, "quantity": fake.random_int(20, 80) * 25}
                for it in fake.random_elements(
                    raws, length=min(len(raws), fake.random_int(1, 3)), unique=True
                )
            ]
            po = PU.create_purchase_order(
                ctx,
                {"netsuiteId": next(ns), "number": f"PO{1000 + i}", "vendor": fake.company(), "lines": lines},
            )
            out["purchase_orders"].append({"id": po.id, "netsuiteId": po.netsuite_id, "number": po.number})
            if i < n_recv:
                _receive_all(ctx, po.id, out)
        recipes = [r["id"] for r in out["recipes"]]
        if n_runs and recipes:
            # Opening stock of every raw material, so seeded runs never depend on which POs were drawn.
            po = PU.create_purchase_order(
                ctx,
                {
                    "netsuiteId": next(ns),
                    "number": "PO-OPENING",
                    "vendor": fake.company(),
                    "lines": [{"itemId": r.id, "quantity": 1000} for r in raws],
                },
            )
            out["purchase_orders"].append({"id": po.id, "netsuiteId": po.netsuite_id, "number": po.number})
            _receive_all(ctx, po.id, out)
        for i in range(n_runs):
            if not recipes:
                break
            run = P.schedule_run(
                ctx,
                {
                    "recipeId": recipes[i % len(recipes)],
                    "quantity": fake.random_int(5, 20),
                    "workOrderRef": fresh.pick(_numbered(f"WO{5000 + i}")),
                },
            )
            P.produce(ctx, run, None, release=True)
            lot = ctx.session.get(Lot, run.output_lot_id)
            out["production_runs"].append(
                {
                    "id": run.id,
                    "workOrderRef": run.work_order_ref,
                    "lotNumber": lot.lot_number if lot else None,
                }
            )
        for i in range(n_so):
            if not fgs:
                break
            so = S.create_sales_order(
                ctx,
                {
                    "netsuiteId": next(ns),
                    "number": f"SO{2000 + i}",
                    "customer": fake.company(),
                    "lines": [{"itemId": fgs[i % len(fgs)].id, "quantity": fake.random_int(1, 5)}],
                },
            )
            out["sales_orders"].append({"id": so.id, "netsuiteId": so.netsuite_id, "number": so.number})
    return out


def _receive_all(ctx: Ctx, po_id: int, out: dict[str, Any]) -> None:
    lines = (
        ctx.session.execute(
            select(PurchaseOrderLine)
            .where(PurchaseOrderLine.po_id == po_id)
            .order_by(PurchaseOrderLine.line_no)
        )
        .scalars()
        .all()
    )
    inp = PU.parse_receipt(
        {"lines": [{"line": ln.line_no, "quantity": qty_out(ln.ordered_m)} for ln in lines]}
    )
    _, lots = PU.receive(ctx, po_id, inp)
    for lot in lots:
        L.inspect(ctx, lot.id, {"result": "PASS", "inspector": "seed"})
        out["lots"].append(lot.lot_number)


def _records(emu: Emulator, records: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    creators = {
        "items": lambda ctx, b: {"id": (i := I.create_item(ctx, b)).id, "sku": i.sku},
        "purchase_orders": lambda ctx, b: {
            "id": (p := PU.create_purchase_order(ctx, b)).id,
            "netsuiteId": p.netsuite_id,
        },
        "recipes": lambda ctx, b: {"id": (r := P.create_recipe(ctx, b)).id, "code": r.code},
        "lots": lambda ctx, b: {
            "id": (x := L.create_manual_lot(ctx, b, resolve_item(ctx.session, item_ref(b), "itemId"))).id,
            "lotNumber": x.lot_number,
        },
        "production_runs": lambda ctx, b: {"id": P.schedule_run(ctx, b).id},
        "sales_orders": lambda ctx, b: {
            "id": (s := S.create_sales_order(ctx, b)).id,
            "netsuiteId": s.netsuite_id,
        },
        "webhooks": lambda ctx, b: {"id": W.subscribe(ctx, b, QmsServices.of(emu).settings.api_key).id},
    }
    unknown = set(records) - set(creators)
    if unknown:
        raise validation_error(
            None, f"Unknown record kinds: {', '.join(sorted(unknown))}; known: {', '.join(creators)}."
        )
    with write_ctx(emu) as ctx:
        for kind, create in creators.items():  # dependency order: items before what refers to them
            rows = records.get(kind) or []
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise validation_error(f"records.{kind}", f"'records.{kind}' must be an array of objects.")
            out[kind] = [create(ctx, row) for row in rows]
    return out


def seed(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Seed from faker ({"seed": n, "items", "finished_goods", "purchase_orders", "received", "runs",
    "sales_orders"}) or from explicit {"records": {...}}; returns what was created."""
    if "records" in body:
        if not isinstance(body["records"], dict):
            raise validation_error("records", "'records' must be an object.")
        return _records(emu, body["records"])
    return _faker_world(emu, body)


def state(emu: Emulator) -> dict[str, Any]:
    """Every QMS table and the webhook tables, ordered by primary key (the clock is at /__erpsim/clock)."""
    dump = emu.store.dump()
    dump.pop("erpsim_clock", None)
    for sub in dump.get("erpsim_webhook_subscriptions", []):
        sub.pop("secret", None)
    return dump
