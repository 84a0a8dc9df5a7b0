"""Outgoing webhooks: subscriptions, a transactional outbox, signed at-least-once delivery.

Events are written to the outbox in the same transaction as the business change that caused them,
so an event exists exactly when its change committed. Delivery happens off the request thread: a
background dispatcher in servers, or ``deliver_now`` (the control plane's "deliver now"), which
drains the outbox in a fixed order so tests and scenarios replay exactly.
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Boolean, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .clock import Clock
from .faults import FaultPlan
from .store import CoreBase, Store, dumps


class WebhookSubscription(CoreBase):
    """Where to send which events, with the secret that signs them."""

    __tablename__ = "erpsim_webhook_subscriptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[str] = mapped_column(Text, default='["*"]')
    secret: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[str] = mapped_column(String(40))
    extra: Mapped[str] = mapped_column(Text, default="{}")

    def wants(self, event_type: str) -> bool:
        """True when this subscription's patterns match ``event_type``."""
        return any(fnmatch.fnmatchcase(event_type, p) for p in json.loads(self.events))

    def as_dict(self) -> dict[str, Any]:
        """JSON view (the secret is not included)."""
        return {
            "id": self.id,
            "url": self.url,
            "events": json.loads(self.events),
            "active": self.active,
            "consecutiveFailures": self.consecutive_failures,
            "createdAt": self.created_at,
            **json.loads(self.extra or "{}"),
        }


class WebhookDelivery(CoreBase):
    """One event for one subscription, and what happened to it."""

    __tablename__ = "erpsim_webhook_deliveries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(Integer)
    event_type: Mapped[str] = mapped_column(String(100))
    event_id: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending/delivered/failed/dropped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sends: Mapped[int] = mapped_column(Integer, default=0)
    faulted: Mapped[bool] = mapped_column(Boolean, default=False)
    next_attempt_at: Mapped[float] = mapped_column(default=0.0)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[str] = mapped_column(String(40))
    delivered_at: Mapped[str | None] = mapped_column(String(40), nullable=True)

    def as_dict(self) -> dict[str, Any]:
        """JSON view of the delivery."""
        return {
            "id": self.id,
            "subscriptionId": self.subscription_id,
            "event": self.event_type,
            "eventId": self.event_id,
            "status": self.status,
            "attempts": self.attempts,
            "sends": self.sends,
            "lastStatus": self.last_status,
            "lastError": self.last_error,
            "createdAt": self.created_at,
            "deliveredAt": self.delivered_at,
            "payload": json.loads(self.payload),
        }


#: Builds the HTTP headers for one delivery body: (subscription, body bytes, event types) -> headers.
Signer = Callable[[WebhookSubscription, bytes, list[str]], dict[str, str]]


def default_signer(sub: WebhookSubscription, body: bytes, events: list[str]) -> dict[str, str]:
    """HMAC-SHA256 of the raw body with the subscription secret, hex, in ``X-Erpsim-Signature``."""
    digest = hmac.new(sub.secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Erpsim-Signature": f"sha256={digest}",
        "X-Erpsim-Event": events[0] if len(events) == 1 else "batch",
    }


class WebhookHub:
    """Outbox writer and deliverer for one emulator."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        plan: FaultPlan,
        *,
        signer: Signer = default_signer,
        batch_size: int = 1,
        max_attempts: int = 8,
        disable_after: int | None = None,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        timeout: float = 5.0,
        retry_on: frozenset[int] | None = None,
    ) -> None:
        self.store, self.clock, self.plan = store, clock, plan
        self.signer, self.batch_size, self.max_attempts = signer, batch_size, max_attempts
        self.disable_after, self.backoff_base, self.backoff_cap = disable_after, backoff_base, backoff_cap
        self.timeout = timeout
        self.retry_on = retry_on
        #: Deliveries looked at per round: a dead endpoint's backlog never makes one round unbounded.
        self.round_size = 500
        self._drain_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: A scenario that wants full control pauses the background dispatcher and drains by hand.
        self.paused = False
        self._http: Any = None  # a requests.Session, made on first delivery (keeps start-up lean)

    # ---- subscriptions -------------------------------------------------------------------------
    def subscribe(
        self, session: Session, url: str, events: list[str], secret: str, extra: dict[str, Any] | None = None
    ) -> WebhookSubscription:
        """Add a subscription (inside the caller's transaction)."""
        sub = WebhookSubscription(
            url=url,
            events=dumps(events or ["*"]),
            secret=secret,
            active=True,
            consecutive_failures=0,
            created_at=self.clock.now(session).isoformat(),
            extra=dumps(extra or {}),
        )
        session.add(sub)
        session.flush()
        return sub

    # ---- outbox --------------------------------------------------------------------------------
    def publish(
        self,
        session: Session,
        event_type: str,
        payload: dict[str, Any],
        event_id: str,
        where: Callable[[WebhookSubscription], bool] | None = None,
    ) -> int:
        """Queue ``payload`` for every active subscription that wants ``event_type`` (and passes ``where``)."""
        subs = (
            session.execute(
                select(WebhookSubscription)
                .where(WebhookSubscription.active.is_(True))
                .order_by(WebhookSubscription.id)
            )
            .scalars()
            .all()
        )
        now = self.clock.now(session).isoformat()
        count = 0
        for sub in subs:
            if sub.wants(event_type) and (where is None or where(sub)):
                session.add(
                    WebhookDelivery(
                        subscription_id=sub.id,
                        event_type=event_type,
                        event_id=event_id,
                        payload=dumps(payload),
                        status="pending",
                        attempts=0,
                        sends=0,
                        faulted=False,
                        next_attempt_at=0.0,
                        created_at=now,
                    )
                )
                count += 1
        return count

    def pending_count(self) -> int:
        """How many deliveries still wait to be sent (the harness's quiescence check uses it)."""
        with self.store.read() as s:
            return len(s.execute(select(WebhookDelivery.id).where(WebhookDelivery.status == "pending")).all())

    # ---- delivery ------------------------------------------------------------------------------
    def deliver_now(self, *, respect_backoff: bool = False) -> list[dict[str, Any]]:
        """Send every pending delivery once, oldest first (faults applied); returns what was sent."""
        with self._drain_lock:
            return self._drain(respect_backoff)

    def _due(self, respect_backoff: bool) -> bool:
        """True when some pending delivery may be sent now (a read: an idle dispatcher round writes nothing)."""
        query = select(WebhookDelivery.id).where(WebhookDelivery.status == "pending")
        if respect_backoff:
            query = query.where(WebhookDelivery.next_attempt_at <= time.time())
        with self.store.read() as s:
            return s.execute(query.limit(1)).first() is not None

    def _drain(self, respect_backoff: bool) -> list[dict[str, Any]]:
        # Three short phases, so no write transaction is open while a subscriber is being called
        # (a subscriber that calls back into this emulator must never wait on our own lock).
        report: list[dict[str, Any]] = []
        if not self._due(respect_backoff):
            return report  # nothing to plan: no write lock taken, no empty transaction committed
        with self.store.write() as session:
            plan = self._plan_round(session, respect_backoff, report)
        if not plan:
            return (
                report  # only drops, delays or inactive subscriptions: the planning transaction recorded them
            )
        sent = [(batch, sub, self._post(sub, batch)) for batch, sub, _copy in plan]
        with self.store.write() as session:
            for batch, sub, outcome in sent:
                report.append(
                    self._record(
                        session, sub.id, [d.id for d in batch], [d.event_type for d in batch], outcome
                    )
                )
        return report

    def _plan_round(
        self, session: Session, respect_backoff: bool, report: list[dict[str, Any]]
    ) -> list[tuple[list[WebhookDelivery], WebhookSubscription, int]]:
        rows = (
            session.execute(
                select(WebhookDelivery)
                .where(WebhookDelivery.status == "pending")
                .order_by(WebhookDelivery.id)
                .limit(self.round_size)
            )
            .scalars()
            .all()
        )
        now_real = time.time()
        queue: list[WebhookDelivery] = []
        deferred: list[WebhookDelivery] = []
        duplicates: set[int] = set()
        for d in rows:
            if respect_backoff and d.next_attempt_at > now_real:
                continue
            if not d.faulted:
                d.faulted = True
                kinds = {r.kind: r for r in self.plan.match_webhook(d.event_type)}
                if "drop" in kinds:
                    d.status, d.last_error = "dropped", "dropped by fault plan"
                    report.append({"deliveries": [d.id], "events": [d.event_type], "result": "dropped"})
                    continue
                if "delay" in kinds:
                    d.next_attempt_at = now_real + kinds["delay"].delay_seconds
                    report.append({"deliveries": [d.id], "events": [d.event_type], "result": "delayed"})
                    continue
                if "duplicate" in kinds:
                    duplicates.add(d.id)
                if "reorder" in kinds:
                    deferred.append(d)
                    continue
            queue.append(d)
        queue.extend(deferred)
        subs = {s.id: s for s in session.execute(select(WebhookSubscription)).scalars()}
        plan: list[tuple[list[WebhookDelivery], WebhookSubscription, int]] = []
        for batch in self._batches(queue):
            sub = subs.get(batch[0].subscription_id)
            if sub is None or not sub.active:
                for d in batch:
                    d.status, d.last_error = "failed", "subscription inactive or deleted"
                continue
            copies = 2 if any(d.id in duplicates for d in batch) else 1
            plan.extend((batch, sub, n) for n in range(copies))
        return plan

    def _batches(self, queue: list[WebhookDelivery]) -> list[list[WebhookDelivery]]:
        if self.batch_size <= 1:
            return [[d] for d in queue]
        by_sub: dict[int, list[list[WebhookDelivery]]] = {}
        order: list[list[WebhookDelivery]] = []
        for d in queue:
            groups = by_sub.setdefault(d.subscription_id, [])
            if not groups or len(groups[-1]) >= self.batch_size:
                groups.append([])
                order.append(groups[-1])
            groups[-1].append(d)
        return order

    def _post(self, sub: WebhookSubscription, batch: list[WebhookDelivery]) -> tuple[int | None, str | None]:
        payloads = [json.loads(d.payload) for d in batch]
        body = dumps(payloads if self.batch_size > 1 else payloads[0]).encode()
        headers = self.signer(sub, body, [d.event_type for d in batch])
        import requests

        if self._http is None:
            self._http = requests.Session()
        try:
            resp = self._http.post(sub.url, data=body, headers=headers, timeout=self.timeout)
            return resp.status_code, None
        except requests.RequestException as exc:
            return None, type(exc).__name__

    def _record(
        self,
        session: Session,
        sub_id: int,
        ids: list[int],
        events: list[str],
        outcome: tuple[int | None, str | None],
    ) -> dict[str, Any]:
        status, error = outcome
        ok = status is not None and 200 <= status < 300
        now_iso = self.clock.now(session).isoformat()
        for d in session.execute(select(WebhookDelivery).where(WebhookDelivery.id.in_(ids))).scalars():
            d.sends += 1
            if d.status != "pending":  # a duplicate copy of an already settled delivery
                continue
            d.attempts += 1
            d.last_status, d.last_error = status, error
            if ok:
                d.status, d.delivered_at = "delivered", now_iso
            elif d.attempts >= self.max_attempts or (
                self.retry_on is not None and status is not None and status not in self.retry_on
            ):
                d.status = "failed"
            else:
                d.next_attempt_at = time.time() + min(self.backoff_cap, self.backoff_base * 2**d.attempts)
        sub = session.get(WebhookSubscription, sub_id)
        if sub is not None:
            if ok:
                sub.consecutive_failures = 0
            else:
                sub.consecutive_failures += 1
                if self.disable_after is not None and sub.consecutive_failures >= self.disable_after:
                    sub.active = False
        return {
            "deliveries": ids,
            "events": events,
            "subscription": sub_id,
            "status": status,
            "error": error,
            "result": "delivered" if ok else "failed",
        }

    # ---- background dispatcher -------------------------------------------------------------
    def start(self, interval: float = 0.2) -> None:
        """Deliver from a daemon thread every ``interval`` seconds, respecting retry backoff."""
        if self._thread is not None:
            return

        def _loop() -> None:
            while not self._stop.wait(interval):
                if self.paused:
                    continue
                try:
                    self.deliver_now(respect_backoff=True)
                except Exception:  # noqa: BLE001 - the dispatcher must outlive one bad round
                    time.sleep(interval)

        self._thread = threading.Thread(target=_loop, name="erpsim-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background dispatcher."""
        self._stop.set()

    def dispatcher_state(self) -> dict[str, Any]:
        """Whether a background dispatcher runs in this process and whether it is paused."""
        return {"running": self._thread is not None and not self._stop.is_set(), "paused": self.paused}
