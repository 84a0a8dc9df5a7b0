"""Durable work items of the QMS and AP flows: stage what was read, write it across, park what cannot be written.

A flow reads a source (a poll or a webhook) and *stages* one work item per record under its natural key, in the
same state transaction as any cursor it moves; it then *processes* pending items: the handler does the remote
write with a natural key and returns what it produced, and the item is finished. A refusal (4xx) or a closed
period parks the item in the exception queue and leaves it pending, so a later pass re-tries it (after the
period is reopened, the missing item is created, ...); when it lands, its exception is resolved. A retryable
failure that outlasts the retries propagates: the pass is incomplete and the item stays pending.

With the ``no-durable-outbox`` mutant the work is kept in memory until the end of the pass (the item is marked
seen at once): a crash loses what was read but not written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ApiRefusal
from ..periods import ClosedPeriod
from ..state import IdMapping, OutboxItem, now_iso
from .base import Context


class Park(Exception):
    """The handler found a problem a person must fix: park the item with a category and keep it pending."""

    def __init__(
        self, category: str, summary: str, records: dict[str, Any] | None = None, error: Any = None
    ) -> None:
        super().__init__(summary)
        self.category, self.summary, self.records, self.error = category, summary, records or {}, error


@dataclass
class Outcome:
    """What a handler did: ``done`` (finished, with a result) or waiting (stays pending, nothing parked)."""

    result: dict[str, Any] = field(default_factory=dict)
    status: str = "done"  # done | skipped | wait
    wrote: bool = True  # False: it was already there (counted as nothing in the pass summary)


def done(**result: Any) -> Outcome:
    """The write landed (or was already there): finish the item with this result."""
    return Outcome(result)


def noop(**result: Any) -> Outcome:
    """Nothing needed writing (it was already there): finish the item, count nothing."""
    return Outcome(result, "done", wrote=False)


def skipped(reason: str, **result: Any) -> Outcome:
    """Nothing to write for this item (by rule); a later sighting may stage it again."""
    return Outcome({"skipped": reason, **result}, "skipped")


def wait(reason: str) -> Outcome:
    """Not writable yet (something it depends on has not landed): keep it pending, park nothing."""
    return Outcome({"waiting": reason}, "wait")


class WorkQueue:
    """The work items of one flow."""

    def __init__(self, flow: str) -> None:
        self.flow = flow
        self.memory: list[tuple[str, dict[str, Any]]] = []  # the no-durable-outbox mutant's in-memory work

    def stage(
        self,
        ctx: Context,
        session: Session,
        key: str,
        payload: dict[str, Any],
        *,
        reopen: tuple[str, ...] = ("skipped",),
    ) -> bool:
        """Record work under ``key`` inside the caller's transaction; True when it is (again) pending.

        Known work is left alone unless its status is in ``reopen`` and the payload changed (a newer sighting
        of the source record); a pending item takes the newer payload.
        """
        text = json.dumps(payload, sort_keys=True, default=str)
        row = session.scalar(select(OutboxItem).where(OutboxItem.key == key))
        durable = ctx.safeguards.on("no-durable-outbox")
        if row is None:
            stamp = now_iso()
            session.add(
                OutboxItem(
                    flow=self.flow,
                    key=key,
                    payload=text,
                    created_at=stamp,
                    updated_at=stamp,
                    status="pending" if durable else "done",
                )
            )
            session.flush()
        elif row.status == "pending" or (row.status in reopen and row.payload != text):
            if row.payload == text and row.status == "pending":
                return True
            row.payload, row.updated_at = text, now_iso()
            row.status = "pending" if durable else row.status
        else:
            return False
        if not durable:
            self.memory = [(k, p) for k, p in self.memory if k != key] + [(key, payload)]
        return True

    def stage_now(
        self, ctx: Context, key: str, payload: dict[str, Any], *, reopen: tuple[str, ...] = ("skipped",)
    ) -> bool:
        """``stage`` in a transaction of its own."""
        with ctx.state.tx() as session:
            return self.stage(ctx, session, key, payload, reopen=reopen)

    def process(
        self,
        ctx: Context,
        handler: Callable[[str, dict[str, Any]], Outcome],
        records: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        """Run ``handler`` on every pending item, oldest first; park refusals and closed periods."""
        items = ctx.state.pending(self.flow) + self.memory
        self.memory = []
        for key, payload in items:
            involved = records(key, payload) if records else {"key": key}
            try:
                outcome = handler(key, payload)
            except ClosedPeriod as exc:
                ctx.park(
                    self.flow,
                    "closed_period",
                    key,
                    f"{key}: {exc}; kept until the period opens",
                    records=involved,
                    error={"day": exc.day, "period": exc.period, "reason": exc.reason},
                )
                continue
            except Park as exc:
                ctx.park(
                    self.flow,
                    exc.category,
                    key,
                    exc.summary,
                    records={**involved, **exc.records},
                    error=exc.error,
                )
                continue
            except ApiRefusal as exc:
                ctx.park_refusal(self.flow, key, exc, involved, category=refusal_category(exc))
                continue
            if outcome.status == "wait":
                ctx.stats.add(self.flow, "waiting")
                continue
            ctx.state.finish(key, outcome.status, outcome.result)
            ctx.state.resolve_exception(key)
            if outcome.wrote:
                ctx.stats.add(self.flow, outcome.status if outcome.status != "done" else "written")


def refusal_category(exc: ApiRefusal) -> str:
    """The exception category of a system's refusal (a closed period is NetSuite's own words)."""
    detail = exc.detail.lower()
    if exc.system == "netsuite" and ("accounting period" in detail or "period (" in detail):
        return "closed_period"
    if exc.system == "qms" and exc.code == "UNKNOWN_REFERENCE" and detail.startswith("item "):
        return "unknown_sku"
    return "validation_error"


def mappings_with_data(ctx: Context, system: str, kind: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every mapping of a kind: key -> (target, data)."""
    with ctx.state.tx() as session:
        rows = session.scalars(select(IdMapping).where(IdMapping.system == system, IdMapping.kind == kind))
        return {r.key: (r.target, json.loads(r.data)) for r in rows}


# --- id map rows inside a caller's transaction (the webhook receiver already holds one) -------------------------
def mapping_in(session: Session, system: str, kind: str, key: str) -> tuple[str, dict[str, Any]] | None:
    """(target, data) of a mapping, read in the caller's transaction."""
    row = session.get(IdMapping, (system, kind, key))
    return (row.target, json.loads(row.data)) if row else None


def set_mapping_in(
    session: Session, system: str, kind: str, key: str, target: str, data: dict[str, Any]
) -> None:
    """Write a mapping in the caller's transaction."""
    row = session.get(IdMapping, (system, kind, key))
    payload = json.dumps(data, sort_keys=True, default=str)
    if row:
        row.target, row.data = target, payload
    else:
        session.add(IdMapping(system=system, kind=kind, key=key, target=target, data=payload))


def keyed(ctx: Context, body: dict[str, Any], external_id: str) -> dict[str, Any]:
    """``body`` with its natural key, unless the ``no-idempotency`` mutant is on."""
    if ctx.safeguards.off("no-idempotency"):
        return body
    return {"externalId": external_id, **body}


def content_hash(value: Any) -> str:
    """A stable fingerprint of what was last written (unchanged content is not written again)."""
    import hashlib

    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:24]
