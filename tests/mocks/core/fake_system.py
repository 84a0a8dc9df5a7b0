"""A tiny emulator built only from mocks/core, to test the shared machinery in isolation."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response
from sqlalchemy import Integer, String, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mocks.core import validation as v
from mocks.core.app import Emulator, SystemHooks, WebhookOptions, build_app, current_emulator
from mocks.core.config import EmulatorConfig
from mocks.core.errors import ApiError
from mocks.core.http import json_body, json_response


class Base(DeclarativeBase):
    pass


class Stock(Base):
    __tablename__ = "fake_stock"
    sku: Mapped[str] = mapped_column(String(40), primary_key=True)
    qty: Mapped[int] = mapped_column(Integer, default=0)


def render(err: ApiError) -> Response:
    return Response(
        json.dumps({"fault": err.code, "why": err.message}),
        status=err.status,
        content_type="application/json",
    )


def seed(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    with emu.store.write() as s:
        for sku, qty in (body.get("records") or {}).items():
            s.add(Stock(sku=sku, qty=qty))
    return {"skus": sorted(body.get("records") or {})}


def act_bump(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Add one to a SKU's stock."""
    with emu.store.write() as s:
        s.execute(update(Stock).where(Stock.sku == body["sku"]).values(qty=Stock.qty + 1))
    return {"ok": True}


bp = Blueprint("fake", __name__)


@bp.get("/stock/<sku>")
def get_stock(sku: str) -> Response:
    with current_emulator().store.read() as s:
        row = s.get(Stock, sku)
    if row is None:
        raise ApiError(404, "NOPE", f"no sku {sku}")
    return json_response({"sku": row.sku, "qty": row.qty})


@bp.post("/stock/<sku>/label")
def label_stock(sku: str) -> Response:
    """Parse a body with the core toolkit only (no ``SystemHooks.invalid``: the house wording)."""
    body = json_body()
    v.known_fields(body, {"text", "copies"})
    return json_response(
        {
            "sku": sku,
            "text": v.req(body, "text", v.text, max_len=20, blank=False),
            "copies": v.opt(body, "copies", v.integer, minimum=1, maximum=9) or 1,
        }
    )


@bp.post("/stock/<sku>/move")
def move_stock(sku: str) -> Response:
    """Read-modify-write on purpose: the store's write transaction must keep it safe."""
    body = json_body()
    emu = current_emulator()
    with emu.store.write() as s:
        row = s.execute(select(Stock).where(Stock.sku == sku).with_for_update()).scalar_one()
        row.qty = row.qty + int(body["delta"])
        assert emu.webhooks is not None
        emu.webhooks.publish(s, "stock.changed", {"sku": sku, "qty": row.qty}, event_id=f"{sku}-{row.qty}")
    return json_response({"sku": sku, "qty": row.qty})


def create_app(config: EmulatorConfig) -> Flask:
    hooks = SystemHooks(
        render_error=render,
        throttle_error=lambda: ApiError(429, "SLOW_DOWN", "throttled"),
        seed=seed,
        actions={"bump": act_bump},
        webhooks=WebhookOptions(max_attempts=3),
    )
    app, _ = build_app(
        config, [Base.metadata], hooks, import_name=__name__, openapi={"openapi": "3.1.0", "paths": {}}
    )
    app.register_blueprint(bp)
    return app
