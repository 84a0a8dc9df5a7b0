"""Routes: event subscriptions (where the emulator POSTs its "events SPI" notifications)."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response
from sqlalchemy import Connection, delete, func, select

from mocks.core import validation as v
from mocks.core.http import json_body, json_response

from ..domain.events import EVENT_TYPES, SUBS_TABLE
from ..errors import bad, not_found
from .base import bp, envelope, paging, services

S = SUBS_TABLE.c
_FIELDS = frozenset({"url", "events", "secret", "username", "password"})
_URL = re.compile(r"^https?://[^\s\x00]+$")


def _render(row: Any) -> dict[str, Any]:
    extra = json.loads(row.extra or "{}")
    return {
        "subscriptionid": row.id,
        "url": row.url,
        "events": json.loads(row.events),
        "active": bool(row.active),
        "username": extra.get("username"),
        "datecreated": row.created_at,
    }


def _get(conn: Connection, subid: int) -> Any:
    row = conn.execute(select(SUBS_TABLE).where(S.id == subid)).first()
    if row is None:
        raise not_found(f"Event subscription {subid}")
    return row


@bp.get("/eventsubscriptions.json")
def list_subscriptions(account: str) -> Response:
    """Event subscriptions (secrets are never shown)."""
    start, num = paging()
    with services().read() as conn:
        total = conn.execute(select(func.count()).select_from(SUBS_TABLE)).scalar_one()
        rows = conn.execute(select(SUBS_TABLE).order_by(S.id).offset(start).limit(num))
        return envelope(total, [_render(r) for r in rows])


@bp.post("/eventsubscriptions.json")
def add_subscription(account: str) -> Response:
    """Subscribe a URL to event types (order, warehouse-transaction, z-report); returns its id."""
    body = v.obj(json_body(), "subscription")
    v.known_fields(body, _FIELDS, what="subscription")
    url = v.req(body, "url", v.text, max_len=2000, pattern=_URL)
    kinds = [
        v.text(e, "events", max_len=50)
        for e in v.array(body.get("events") or list(EVENT_TYPES), "events", max_items=10, min_items=1)
    ]
    unknown = [k for k in kinds if k not in EVENT_TYPES and k != "*"]
    if unknown:
        raise bad(f"Unknown event type '{unknown[0]}'; use {', '.join(EVENT_TYPES)}.", "events")
    secret = v.req(body, "secret", v.text, max_len=200, min_len=8)
    extra = {
        "username": v.opt(body, "username", v.text, max_len=100),
        "password": v.opt(body, "password", v.text, max_len=200),
    }
    emu = services().emu
    assert emu.webhooks is not None
    with emu.store.write() as session:
        sub = emu.webhooks.subscribe(
            session, url, sorted(set(kinds)), secret, {k: v for k, v in extra.items() if v is not None}
        )
        subid = sub.id
    return json_response(subid)


@bp.get("/eventsubscriptions/<int:subscriptionid>.json")
def get_subscription(account: str, subscriptionid: int) -> Response:
    """One event subscription."""
    with services().read() as conn:
        return json_response(_render(_get(conn, subscriptionid)))


@bp.delete("/eventsubscriptions/<int:subscriptionid>.json")
def delete_subscription(account: str, subscriptionid: int) -> Response:
    """Stop sending events to a subscription (pending deliveries to it are dropped)."""
    with services().write() as (conn, _ts):
        _get(conn, subscriptionid)
        conn.execute(delete(SUBS_TABLE).where(S.id == subscriptionid))
    return json_response(True)
