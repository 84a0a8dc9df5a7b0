"""Business events and webhook subscriptions, scoped to the client (3PL customer) that owns them.

Events are written in the business transaction (the ``wms_events`` row gives a sequential id) and
queued in the core outbox for that client's subscriptions only. Deliveries are signed with
HMAC-SHA256 over the raw body in ``X-WMS-Signature: sha256=<hex>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mocks.core.app import Emulator
from mocks.core.store import dumps
from mocks.core.webhooks import WebhookDelivery, WebhookSubscription

from ..errors import not_found
from ..models import Event
from .common import insert_row, now_stamp, table_of

ORDER_DESPATCHED = "order.despatched"
ORDER_CANCELLED = "order.cancelled"
ORDER_ON_HOLD = "order.on_hold"
ASN_BOOKED_IN = "asn.booked_in"
STOCK_CHANGED = "stock.changed"
EVENT_TYPES = (ORDER_DESPATCHED, ORDER_CANCELLED, ORDER_ON_HOLD, ASN_BOOKED_IN, STOCK_CHANGED)
SIGNATURE_HEADER = "X-WMS-Signature"
EVENT_HEADER = "X-WMS-Event"


def signer(sub: WebhookSubscription, body: bytes, events: list[str]) -> dict[str, str]:
    """The WMS webhook headers: event type and HMAC-SHA256 of the raw body with the subscription secret."""
    digest = hmac.new(sub.secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        EVENT_HEADER: events[0] if len(events) == 1 else "batch",
        SIGNATURE_HEADER: f"sha256={digest}",
        "User-Agent": "erpsim-wms-webhooks/1",
    }


def publish(
    emu: Emulator,
    session: Session,
    client_id: int,
    event_type: str,
    data: dict[str, Any],
    at: str | None = None,
) -> str:
    """Record one event and queue it for the client's subscriptions that want it; returns the event id."""
    at = at or now_stamp(emu, session)
    events = table_of(Event)
    pk = insert_row(
        session, events, {"client_id": client_id, "type": event_type, "created_at": at, "payload": "{}"}
    )
    event_id = f"evt_{pk:08d}"
    envelope = {"id": event_id, "type": event_type, "createdAt": at, "clientId": client_id, "data": data}
    payload = dumps(envelope)
    session.execute(update(events).where(events.c.id == pk).values(payload=payload))
    subs = (
        session.execute(
            select(WebhookSubscription)
            .where(WebhookSubscription.active.is_(True))
            .order_by(WebhookSubscription.id)
        )
        .scalars()
        .all()
    )
    for sub in subs:
        if _client_of(sub) == client_id and sub.wants(event_type):
            session.add(
                WebhookDelivery(
                    subscription_id=sub.id,
                    event_type=event_type,
                    event_id=event_id,
                    payload=payload,
                    status="pending",
                    attempts=0,
                    sends=0,
                    faulted=False,
                    next_attempt_at=0.0,
                    created_at=at,
                )
            )
    return event_id


def _client_of(sub: WebhookSubscription) -> int | None:
    extra = json.loads(sub.extra or "{}")
    value = extra.get("clientId")
    return int(value) if isinstance(value, int) else None


def _view(sub: WebhookSubscription, secret: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": sub.id,
        "url": sub.url,
        "events": json.loads(sub.events),
        "active": sub.active,
        "createdAt": sub.created_at,
    }
    if secret:
        out["secret"] = sub.secret
    return out


def subscribe(
    emu: Emulator, client_id: int, url: str, events: list[str], secret: str | None
) -> dict[str, Any]:
    """Add a subscription for the client; without a secret one is derived deterministically."""
    assert emu.webhooks is not None
    with emu.store.write() as s:
        if secret is None:
            n = s.execute(select(func.count()).select_from(WebhookSubscription)).scalar_one()
            secret = "whsec_" + hashlib.sha256(f"wms:{client_id}:{n}:{url}".encode()).hexdigest()[:32]
        sub = emu.webhooks.subscribe(s, url, events, secret, extra={"clientId": client_id})
        return _view(sub, secret=True)


def list_subscriptions(emu: Emulator, client_id: int) -> list[dict[str, Any]]:
    """The client's subscriptions, oldest first (secrets are not shown again)."""
    with emu.store.read() as s:
        subs = s.execute(select(WebhookSubscription).order_by(WebhookSubscription.id)).scalars().all()
        return [_view(sub) for sub in subs if _client_of(sub) == client_id]


def unsubscribe(emu: Emulator, client_id: int, sub_id: int) -> None:
    """Delete one of the client's subscriptions (404 when not the client's); its pending deliveries fail."""
    with emu.store.write() as s:
        sub = s.get(WebhookSubscription, sub_id)
        if sub is None or _client_of(sub) != client_id:
            raise not_found("Webhook subscription", sub_id)
        s.delete(sub)
