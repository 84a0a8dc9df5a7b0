"""Webhook subscriptions like BILL's: idempotent create (X-Idempotent-Key), a one-time securityKey,
HMAC-SHA256 base64 signatures in ``x-bill-sha-signature``, auto-disable after repeated failures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mocks.core import validation as v
from mocks.core.store import dumps
from mocks.core.webhooks import WebhookSubscription

from .. import errors as X
from ..models import ApIdempotency
from .common import Ctx, known_object, stable_uuid

CATALOG = {
    "vendor.created": "A vendor is created",
    "vendor.updated": "A vendor is updated",
    "vendor.archived": "A vendor is archived",
    "vendor.restored": "A vendor is restored",
    "customer.created": "A customer is created",
    "customer.updated": "A customer is updated",
    "customer.archived": "A customer is archived",
    "customer.restored": "A customer is restored",
    "bill.created": "A bill is created",
    "bill.updated": "A bill is updated (incl. payment and approval status)",
    "bill.archived": "A bill is archived",
    "bill.restored": "A bill is restored",
    "vendor-credit.created": "A vendor credit is created",
    "vendor-credit.updated": "A vendor credit is updated or applied",
    "payment.created": "A payment is created or recorded",
    "payment.updated": "A payment changes status",
    "payment.voided": "A payment is voided",
    "payment.failed": "A scheduled payment failed",
    "invoice.created": "An invoice is created",
    "invoice.updated": "An invoice is updated or paid",
    "received-payment.created": "A customer payment is recorded",
    "received-payment.voided": "A customer payment is voided",
}
MAX_SUBSCRIPTIONS = 10
_UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.I)
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


def signer(sub: WebhookSubscription, body: bytes, events: list[str]) -> dict[str, str]:
    """BILL's notification headers: base64 HMAC-SHA256 of the raw body with the security key."""
    digest = hmac.new(sub.secret.encode(), body, hashlib.sha256).digest()
    return {"Content-Type": "application/json", "x-bill-sha-signature": base64.b64encode(digest).decode()}


def _extra(sub: WebhookSubscription) -> dict[str, Any]:
    extra: dict[str, Any] = json.loads(sub.extra or "{}")
    return extra


def render(sub: WebhookSubscription, org_id: str) -> dict[str, Any]:
    """The BILL view of a subscription (never the security key)."""
    e = _extra(sub)
    return {
        "id": e["uuid"],
        "name": e["name"],
        "organizationId": org_id,
        "status": {"enabled": sub.active, "statusChangedTime": e.get("statusChangedTime")},
        "events": [{"type": t, "version": "1"} for t in json.loads(sub.events)],
        "notificationUrl": sub.url,
        "createdTime": e["createdTime"],
        "updatedTime": e["updatedTime"],
    }


def _key(org_id: str, sub_id: int, rotation: int, salt: str) -> str:
    raw = hashlib.sha256(f"{salt}:{org_id}:subscription:{sub_id}:{rotation}".encode()).digest()
    return base64.b64encode(raw).decode()


def _parse(body: dict[str, Any], partial: bool) -> dict[str, Any]:
    known_object(body, "body", {"name", "status", "events", "notificationUrl"})
    out: dict[str, Any] = {}
    if not partial or "name" in body:
        out["name"] = v.req(body, "name", v.text, max_len=100, blank=False)
    if not partial or "status" in body:
        if body.get("status") is None:
            raise X.bad(X.REQUIRED, "status is required.", "status")
        st = known_object(body["status"], "status", {"enabled"})
        if "enabled" not in st:
            raise X.bad(X.REQUIRED, "status.enabled is required.", "status.enabled")
        out["enabled"] = v.boolean(st.get("enabled", False), "enabled")
    if not partial or "events" in body:
        types = []
        for n, raw in enumerate(v.req(body, "events", v.array, max_items=len(CATALOG), min_items=1) or []):
            ev = known_object(raw, f"events[{n}]", {"type", "version"})
            etype = v.req(ev, "type", v.text, max_len=60, blank=False, where=f"events[{n}]")
            version = v.req(ev, "version", v.text, max_len=10, blank=False, where=f"events[{n}]")
            if etype not in CATALOG:
                raise X.bad(
                    X.INVALID_VALUE,
                    f"Event type '{etype}' is not in the events catalog.",
                    f"events[{n}].type",
                )
            if version != "1":
                raise X.bad(
                    X.INVALID_VALUE,
                    f"Event version '{version}' is not available for {etype}.",
                    f"events[{n}].version",
                )
            if etype not in types:
                types.append(etype)
        out["events"] = types
    if not partial or "notificationUrl" in body:
        url = str(v.req(body, "notificationUrl", v.text, max_len=2000, blank=False))
        if not _URL.match(url):
            raise X.bad(X.INVALID_VALUE, "notificationUrl must be an http(s) URL.", "notificationUrl")
        out["url"] = url
    return out


def _all(session: Session) -> list[WebhookSubscription]:
    return list(session.execute(select(WebhookSubscription).order_by(WebhookSubscription.id)).scalars())


def _clash(session: Session, url: str, events: list[str], skip: int | None) -> None:
    for other in _all(session):
        if other.id != skip and other.url == url and sorted(json.loads(other.events)) == sorted(events):
            raise X.bad(X.DUPLICATE, "A subscription for the same events and notificationUrl already exists.")


def create(
    session: Session, ctx: Ctx, body: dict[str, Any], idem_key: str | None, salt: str
) -> dict[str, Any]:
    """Create a subscription once per X-Idempotent-Key; the securityKey is in the first answer only."""
    if not idem_key:
        raise X.bad(X.REQUIRED, "The X-Idempotent-Key header is required.", "X-Idempotent-Key")
    if not _UUID4.match(idem_key):
        raise X.bad(X.INVALID_VALUE, "The X-Idempotent-Key header must be a UUID4.", "X-Idempotent-Key")
    fields = _parse(body, partial=False)
    body_hash = hashlib.sha256(dumps(body).encode()).hexdigest()
    seen = session.execute(
        select(ApIdempotency).where(ApIdempotency.key == idem_key.lower())
    ).scalar_one_or_none()
    if seen is not None:
        if seen.body_hash != body_hash:
            raise X.bad(
                X.DUPLICATE,
                "This X-Idempotent-Key was already used with a different request.",
                "X-Idempotent-Key",
            )
        sub = session.get(WebhookSubscription, seen.subscription_id)
        if sub is None:
            raise X.api_error(
                404, X.NOT_FOUND, "The subscription created with this X-Idempotent-Key was deleted."
            )
        return render(sub, ctx.org_id)
    if len(_all(session)) >= MAX_SUBSCRIPTIONS:
        raise X.bad(
            X.LIMIT, f"You can create up to {MAX_SUBSCRIPTIONS} webhook subscriptions per organization."
        )
    _clash(session, fields["url"], fields["events"], None)
    sub = WebhookSubscription(
        url=fields["url"],
        events=dumps(fields["events"]),
        secret="",
        active=fields["enabled"],
        consecutive_failures=0,
        created_at=ctx.now.isoformat(),
        extra="{}",
    )
    session.add(sub)
    session.flush()
    sub.secret = _key(ctx.org_id, sub.id, 0, salt)
    sub.extra = dumps(
        {
            "uuid": stable_uuid("subscription", sub.id),
            "name": fields["name"],
            "rotation": 0,
            "createdTime": ctx.ts,
            "updatedTime": ctx.ts,
            "statusChangedTime": ctx.ts,
        }
    )
    session.add(ApIdempotency(key=idem_key.lower(), body_hash=body_hash, subscription_id=sub.id))
    return {**render(sub, ctx.org_id), "securityKey": sub.secret}


def get(session: Session, sid: str) -> WebhookSubscription:
    """The subscription with BILL id ``sid`` or 404."""
    for sub in _all(session):
        if _extra(sub).get("uuid") == sid:
            return sub
    raise X.api_error(404, X.NOT_FOUND, f"Subscription '{sid[:60]}' does not exist.", "subscriptionId")


def update(session: Session, ctx: Ctx, sid: str, body: dict[str, Any]) -> dict[str, Any]:
    """Change a subscription; enabling it again (after auto-disable) clears its failure count."""
    sub = get(session, sid)
    fields = _parse(body, partial=True)
    e = _extra(sub)
    url, events = fields.get("url", sub.url), fields.get("events", json.loads(sub.events))
    _clash(session, url, events, sub.id)
    sub.url, sub.events = url, dumps(events)
    if "name" in fields:
        e["name"] = fields["name"]
    if "enabled" in fields and fields["enabled"] != sub.active:
        sub.active = fields["enabled"]
        sub.consecutive_failures = 0
        e["statusChangedTime"] = ctx.ts
    e["updatedTime"] = ctx.ts
    sub.extra = dumps(e)
    return render(sub, ctx.org_id)


def rotate_key(session: Session, ctx: Ctx, sid: str, salt: str) -> dict[str, Any]:
    """A new security key (the old one stops signing at once)."""
    sub = get(session, sid)
    e = _extra(sub)
    e["rotation"] = int(e.get("rotation", 0)) + 1
    e["updatedTime"] = ctx.ts
    sub.secret = _key(ctx.org_id, sub.id, e["rotation"], salt)
    sub.extra = dumps(e)
    return {"securityKey": sub.secret}


def remove(session: Session, sid: str) -> None:
    """Delete a subscription (its pending deliveries are dropped by the hub)."""
    session.delete(get(session, sid))


def listing(session: Session, ctx: Ctx, offset: int, size: int) -> tuple[list[dict[str, Any]], bool]:
    """Subscriptions page: (views, more)."""
    subs = _all(session)
    return [render(s, ctx.org_id) for s in subs[offset : offset + size]], len(subs) > offset + size
