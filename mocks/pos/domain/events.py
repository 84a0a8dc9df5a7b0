"""Sitoo "events SPI" notifications: thin events (resource type + id) written to the core outbox.

Written with Core statements (not ``WebhookHub.publish``'s ORM path) because every sale publishes
inside the hottest write; the rows are the core's ``erpsim_webhook_deliveries``, so the core's
dispatcher batches (10 per POST), signs, retries and faults them as usual.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from mocks.core import fastsql
from mocks.core.store import dumps
from mocks.core.webhooks import WebhookDelivery, WebhookSubscription

from .context import PosContext

EVENT_TYPES = ("order", "warehouse-transaction", "z-report")
_NAMESPACE = uuid.UUID("5a1700e5-0000-4000-8000-000000000000")


def _table(model: Any) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


SUBS_TABLE = _table(WebhookSubscription)
DELIVERIES_TABLE = _table(WebhookDelivery)
_ACTIVE_SUBS = (
    select(WebhookSubscription.id, WebhookSubscription.events)
    .where(WebhookSubscription.active.is_(True))
    .order_by(WebhookSubscription.id)
)
_INSERT_DELIVERY = insert(DELIVERIES_TABLE)


def event_id(key: str) -> str:
    """A deterministic uuid-like event id derived from what happened."""
    return str(uuid.uuid5(_NAMESPACE, key))


Subs = list[tuple[int, str]]


def subscriptions(conn: Connection) -> Subs:
    """The active subscriptions (id, event patterns), read once per business write."""
    return [(r[0], r[1]) for r in fastsql.rows(conn, _ACTIVE_SUBS)]


def publish(
    conn: Connection,
    ctx: PosContext,
    event_type: str,
    data: dict[str, Any],
    key: str,
    ts: int,
    subs: Subs | None = None,
) -> int:
    """Queue one event for every active subscription that wants it (in the caller's transaction)."""
    if subs is None:
        subs = subscriptions(conn)
    if not subs:
        return 0
    eid = event_id(key)
    payload = {
        "event_id": eid,
        "event_type": event_type,
        "event_date": ts,
        "account_id": ctx.account_json,
        "data": data,
    }
    text = dumps(payload)
    created = datetime.fromtimestamp(ts, UTC).isoformat()
    rows = [
        {
            "subscription_id": sid,
            "event_type": event_type,
            "event_id": eid,
            "payload": text,
            "status": "pending",
            "attempts": 0,
            "sends": 0,
            "faulted": False,
            "next_attempt_at": 0.0,
            "created_at": created,
        }
        for sid, patterns in subs
        if any(fnmatch.fnmatchcase(event_type, p) for p in json.loads(patterns))
    ]
    if rows:
        fastsql.many(conn, _INSERT_DELIVERY, rows)
    return len(rows)


def order_event(
    conn: Connection,
    ctx: PosContext,
    orderid: int,
    kind: str,
    state: str | None,
    ts: int,
    subs: Subs | None = None,
) -> None:
    """An ``order`` event: add / update, with the state change (open, closed, cancelled)."""
    data: dict[str, Any] = {"eshop_id": ctx.site, "order_id": orderid, "order_event_type": kind}
    if state is not None:
        data["order_state_changed"] = state
    publish(conn, ctx, "order", data, f"order:{orderid}:{kind}:{state}", ts, subs)


def warehouse_transaction_event(
    conn: Connection, ctx: PosContext, warehouseid: int, txid: int, ts: int, subs: Subs | None = None
) -> None:
    """A ``warehouse-transaction`` event for one new transaction."""
    publish(
        conn,
        ctx,
        "warehouse-transaction",
        {"eshop_id": ctx.site, "warehouse_id": warehouseid, "warehouse_transaction_id": txid},
        f"whtx:{txid}",
        ts,
        subs,
    )


def zreport_event(conn: Connection, ctx: PosContext, registerid: str, zreportid: int, ts: int) -> None:
    """A ``z-report`` event when a register closes its day."""
    publish(
        conn,
        ctx,
        "z-report",
        {"eshop_id": ctx.site, "register_id": registerid, "zreport_id": zreportid},
        f"z:{zreportid}",
        ts,
    )


def sign(secret: str, body: bytes) -> str:
    """The signature header value: ``sha256=`` + hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signer(sub: WebhookSubscription, body: bytes, events: list[str]) -> dict[str, str]:
    """Headers of one events POST: HMAC-SHA256 of the raw body, plus Basic auth when configured."""
    headers = {
        "Content-Type": "application/json",
        "X-Sitoo-Signature": sign(sub.secret, body),
        "X-Sitoo-Event-Count": str(len(events)),
    }
    extra = json.loads(sub.extra or "{}")
    if extra.get("username"):
        token = f"{extra['username']}:{extra.get('password') or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
    return headers
