"""Webhook subscriptions of the QMS API and how deliveries are signed."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy import delete, func, select

from mocks.core import validation as v
from mocks.core.webhooks import WebhookSubscription

from ..errors import not_found, validation_error
from . import values
from .common import EVENT_TYPES, Ctx

SIGNATURE_HEADER = "X-DataNinja-Signature"
EVENT_HEADER = "X-DataNinja-Event"
_FAMILIES = {t.split(".")[0] for t in EVENT_TYPES}


def sign(sub: WebhookSubscription, body: bytes, events: list[str]) -> dict[str, str]:
    """HMAC-SHA256 of the raw body keyed with the subscription secret, as ``sha256=<hex>``."""
    digest = hmac.new(sub.secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: f"sha256={digest}",
        EVENT_HEADER: events[0] if len(events) == 1 else "batch",
        "User-Agent": "DataNinja-Webhooks/1.0",
    }


def view(sub: WebhookSubscription, *, with_secret: bool = False) -> dict[str, Any]:
    """A subscription as the API shows it (the secret only in the create response)."""
    out: dict[str, Any] = {
        "id": sub.id,
        "url": sub.url,
        "events": json.loads(sub.events),
        "active": sub.active,
        "createdAt": sub.created_at,
    }
    if with_secret:
        out["secret"] = sub.secret
    return out


def subscribe(ctx: Ctx, body: dict[str, Any], api_key: str) -> WebhookSubscription:
    """Subscribe a URL to event types ("*", an exact type, or "<family>.*"); secret generated if absent."""
    url = values.url(body, "url")
    events = values.strings(body, "events") or ["*"]
    for e in events:
        if e != "*" and e not in EVENT_TYPES and not (e.endswith(".*") and e[:-2] in _FAMILIES):
            raise validation_error("events", f"Unknown event type {e!r}; known: {', '.join(EVENT_TYPES)}.")
    secret = v.opt(body, "secret", v.text, max_len=200, min_len=8, strip=True)
    assert ctx.hub is not None
    if secret is None:
        # Deterministic: the same world and the same calls give the same secret.
        n = ctx.session.execute(select(func.count(WebhookSubscription.id))).scalar_one() + 1
        secret = "whsec_" + hashlib.sha256(f"{api_key}|{url}|{n}".encode()).hexdigest()[:32]
    return ctx.hub.subscribe(ctx.session, url, events, secret)


def get(ctx: Ctx, sub_id: int) -> WebhookSubscription:
    """One subscription or a 404."""
    sub = ctx.session.get(WebhookSubscription, sub_id)
    if sub is None:
        raise not_found("Webhook", sub_id)
    return sub


def list_all(ctx: Ctx) -> list[WebhookSubscription]:
    """Every subscription, oldest first."""
    return list(ctx.session.execute(select(WebhookSubscription).order_by(WebhookSubscription.id)).scalars())


def remove(ctx: Ctx, sub_id: int) -> None:
    """Delete a subscription (its pending deliveries then fail as 'subscription deleted')."""
    get(ctx, sub_id)
    ctx.session.execute(delete(WebhookSubscription).where(WebhookSubscription.id == sub_id))
