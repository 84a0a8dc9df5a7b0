"""Stock movements on their way into NetSuite: durable deltas, coalesced per item and location, posted in batches.

Every movement a satellite reports becomes one ``StockDelta`` row keyed by its source (a WMS event id, a POS
order line, a reconciliation run and SKU), written in the same state transaction as the cursor that read it, so
a movement is never lost and never counted twice. A flush resolves SKUs and locations, sums the pending deltas
per (day, subsidiary, item, location) and writes them as multi-line inventory adjustments of
ERPSIM_SYNC_BATCH_LINES lines. A batch is made durable first (an outbox item whose key is the adjustment's
externalId, and the deltas assigned to it, in one transaction), then posted with ``create_keyed``: after a
crash or an ambiguous failure the same externalId is looked up before anything is re-sent. Several batches are
in flight at once, up to the NetSuite concurrency cap, so throughput is bounded by NetSuite's governance
(limit / service time x lines per request), not by one request per event.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, and_, func, or_, select, update
from sqlalchemy.orm import Session

from ..errors import AmbiguousWriteError, ApiRefusal, RetryableError
from ..periods import ClosedPeriod
from ..state import ExceptionEntry, OutboxItem, StockDelta
from .base import Context
from .stockmaps import ItemIndex, LocationMap, items_of

log = logging.getLogger("erpsim.sync")

FLOW = "inventory"
NO_WRITE = "-"  # batch of deltas that need no NetSuite write (they cancel out, or a mutant dropped them)
DROP = ("", "")  # a delta the no-sku-check mutant forgets
_LINE_PATH = re.compile(r"^inventory\.items\[(\d+)\]")
_EPS = 1e-9


@dataclass(frozen=True)
class Movement:
    """One stock movement reported by a satellite, before it is recorded."""

    source_key: str
    sku: str
    location: str  # satellite location: "wms:<id>" or "pos:<id>"
    quantity: float
    occurred_at: str  # ISO time the movement happened in its system
    batch: str | None = None  # set when another posting carries the movement (a POS cash sale)


def record(session: Session, movements: Iterable[Movement], observed_at: float | None = None) -> int:
    """Insert movements not seen before (by source key) inside the caller's transaction; returns how many."""
    rows = [
        {
            "source_key": m.source_key,
            "item": m.sku,
            "location": m.location,
            "quantity": m.quantity,
            "occurred_at": m.occurred_at,
            "observed_at": observed_at if observed_at is not None else _now(),
            "batch": m.batch,
        }
        for m in movements
        if abs(m.quantity) > _EPS or m.batch is not None
    ]
    if not rows:
        return 0
    table = cast(Table, StockDelta.__table__)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table).on_conflict_do_nothing(index_elements=["source_key"])
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).on_conflict_do_nothing(index_elements=["source_key"])
    total = 0
    for start in range(0, len(rows), 2000):
        result = session.execute(stmt, rows[start : start + 2000])
        total += max(int(getattr(result, "rowcount", 0) or 0), 0)
    return total


def _now() -> float:
    return datetime.now(UTC).timestamp()


def _unconfirmed_filter() -> Any:
    """Deltas whose effect is not yet in NetSuite: unbatched, or in a batch (or posting) not done."""
    done = select(OutboxItem.key).where(OutboxItem.status == "done")
    return or_(StockDelta.batch.is_(None), and_(StockDelta.batch != NO_WRITE, StockDelta.batch.not_in(done)))


def unconfirmed(
    session: Session, *, upto_id: int | None = None, location_prefix: str = ""
) -> dict[tuple[str, str], float]:
    """Per (SKU, satellite location): the quantity moved in a satellite but not (yet) in NetSuite."""
    stmt = select(StockDelta.item, StockDelta.location, func.sum(StockDelta.quantity)).where(
        _unconfirmed_filter()
    )
    if upto_id is not None:
        stmt = stmt.where(StockDelta.id <= upto_id)
    if location_prefix:
        stmt = stmt.where(StockDelta.location.startswith(location_prefix))
    rows = session.execute(stmt.group_by(StockDelta.item, StockDelta.location)).all()
    return {(sku, loc): float(qty) for sku, loc, qty in rows if abs(float(qty)) > _EPS}


def last_delta_id(session: Session) -> int:
    """The highest delta id so far (0 when there is none)."""
    return int(session.scalar(select(func.max(StockDelta.id))) or 0)


def pairs_after(session: Session, after_id: int) -> set[tuple[str, str]]:
    """(SKU, satellite location) of the deltas recorded after ``after_id`` (they arrived during a read)."""
    rows = session.execute(
        select(StockDelta.item, StockDelta.location).where(StockDelta.id > after_id).distinct()
    ).all()
    return {(sku, loc) for sku, loc in rows}


# ---- batches --------------------------------------------------------------------------------------------


@dataclass
class Line:
    """One adjustment line: an item at a location, the summed quantity, and the deltas it carries."""

    item: str
    location: str
    quantity: float
    sources: list[list[str]] = field(default_factory=list)  # [[sku, satellite location], ...]


@dataclass
class Batch:
    """One inventory adjustment to post: its key (the externalId), posting day, subsidiary and lines."""

    key: str
    day: str
    subsidiary: str
    lines: list[Line]
    fresh: bool = False  # never sent before (no look-up needed unless the create is ambiguous)

    def payload(self) -> dict[str, Any]:
        """What the outbox keeps (enough to re-send the same adjustment after a crash)."""
        return {
            "day": self.day,
            "subsidiary": self.subsidiary,
            "lines": [[ln.item, ln.location, ln.quantity, ln.sources] for ln in self.lines],
        }

    @classmethod
    def from_outbox(cls, key: str, payload: dict[str, Any]) -> Batch:
        """A batch read back from the outbox."""
        return cls(
            key,
            payload["day"],
            payload.get("subsidiary", ""),
            [Line(str(i), str(loc), float(q), list(src)) for i, loc, q, src in payload["lines"]],
        )


class StockLedger:
    """Flushes pending deltas into NetSuite inventory adjustments (see the module docstring)."""

    def __init__(self, ctx: Context, locations: LocationMap, items: ItemIndex) -> None:
        self.ctx, self.locations, self.items = ctx, locations, items
        self._account: str | None = None
        self.failures: list[Exception] = []

    # --- planning ------------------------------------------------------------------------------------------
    def plan(self) -> list[Batch]:
        """Group unbatched deltas into batches and make them durable (outbox + assignment, one transaction)."""
        ctx = self.ctx
        batching = ctx.safeguards.on("no-batching")
        with ctx.state.tx() as s:
            rows = s.execute(
                select(
                    StockDelta.id,
                    StockDelta.item,
                    StockDelta.location,
                    StockDelta.quantity,
                    StockDelta.occurred_at,
                    StockDelta.source_key,
                )
                .where(StockDelta.batch.is_(None))
                .order_by(StockDelta.id)
            ).all()
            waiting = set(
                s.scalars(
                    select(ExceptionEntry.key).where(
                        ExceptionEntry.resolved == 0, ExceptionEntry.key.startswith("inventory:")
                    )
                )
            )
        self.items = items_of(ctx, {row[1] for row in rows})
        self.items.learn_wms_skus(ctx, {row[1] for row in rows if str(row[2]).startswith("wms:")})
        groups: dict[tuple[str, ...], tuple[Line, list[int]]] = {}
        sources: dict[int, str] = {}
        dropped: list[int] = []
        resolved: set[str] = set()
        for delta_id, sku, satellite, qty, occurred, source in rows:
            sources[delta_id] = source
            target = self._target(sku, satellite)
            if target is not None:
                resolved.update((f"inventory:sku:{sku}", f"inventory:location:{satellite}"))
            if target is DROP:
                dropped.append(delta_id)
                continue
            if target is None:
                continue
            item, location = target
            day = (occurred or "")[:10]  # '' = NetSuite's today (a repair found now)
            sub = self.locations.subsidiary(location)
            key = (day, sub, item, location) + ((str(delta_id),) if not batching else ())
            line, ids = groups.setdefault(key, (Line(item, location, 0.0), []))
            line.quantity += float(qty)
            if [sku, satellite] not in line.sources:
                line.sources.append([sku, satellite])
            ids.append(delta_id)
        per_day: dict[tuple[str, str], list[tuple[Line, list[int]]]] = {}
        zero: list[int] = list(dropped)
        for key, (line, ids) in groups.items():
            if abs(line.quantity) <= _EPS:
                zero.extend(ids)
                continue
            line.quantity = round(line.quantity, 6)
            per_day.setdefault((key[0], key[1]), []).append((line, ids))
        size = ctx.config.batch_lines if batching else 1
        batches: list[Batch] = []
        with ctx.state.tx() as s:
            if zero:
                _assign(s, zero, NO_WRITE)
            for (day, sub), entries in sorted(per_day.items()):
                for start in range(0, len(entries), size):
                    chunk = entries[start : start + size]
                    batch = Batch(
                        batch_key(sources[i] for _, ids in chunk for i in ids),
                        day,
                        sub,
                        [line for line, _ in chunk],
                        fresh=True,
                    )
                    ctx.state.enqueue(s, FLOW, batch.key, batch.payload())
                    _assign(s, [i for _, ids in chunk for i in ids], batch.key)
                    batches.append(batch)
        for waited in sorted(
            resolved & waiting
        ):  # what waited for a SKU or a location mapping has gone through
            ctx.state.resolve_exception(waited)
        if rows:
            ctx.stats.add(FLOW, "deltas_batched", len(rows) - len(zero) + len(dropped))
        return batches

    def _target(self, sku: str, satellite: str) -> tuple[str, str] | None:
        """(NetSuite item, location) of a delta; None after parking why it cannot be resolved (it waits)."""
        location = self.locations.resolve(satellite)
        if location is None:
            self.ctx.park(
                FLOW,
                "unknown_location",
                f"inventory:location:{satellite}",
                f"{self.locations.label(satellite)} is not mapped to a NetSuite location: its stock "
                "movements wait (set ERPSIM_SYNC_LOCATION_MAP or give the location that external id)",
                records={"location": satellite},
            )
            return None
        item = self.items.resolve(sku, satellite)
        if item is None:
            if self.ctx.safeguards.off("no-sku-check"):
                return DROP  # the naive connector skips what it cannot match, and forgets it
            self.ctx.park(
                FLOW,
                "unknown_sku",
                f"inventory:sku:{sku}",
                f"SKU {sku} moved in {self.locations.label(satellite)} but NetSuite has no stock "
                "item with that SKU: its movements wait",
                records={"sku": sku, "location": satellite},
            )
            return None
        if item.lot:
            self.ctx.park(
                FLOW,
                "validation_error",
                f"inventory:lot:{sku}",
                f"SKU {sku} is lot-numbered in NetSuite; a movement without lot detail cannot be "
                "adjusted (lots reach NetSuite through the QMS flows)",
                records={"sku": sku},
            )
            return None
        return item.id, location

    # --- posting -------------------------------------------------------------------------------------------
    def flush(self) -> int:
        """Plan new batches and post every pending one, several at a time; returns the lines posted.

        Raises the first retryable failure after every batch had its chance (the pass is then incomplete and the
        unposted batches stay pending for the next one).
        """
        carried = [Batch.from_outbox(key, payload) for key, payload in self.ctx.state.pending(FLOW)]
        pending = carried + self.plan()
        if not pending:
            return 0
        workers = self.ctx.config.netsuite_concurrency
        if self.ctx.safeguards.off("no-concurrency-cap"):
            workers = 64  # the naive connector fires everything at once
        self.failures = []
        with ThreadPoolExecutor(
            max_workers=max(1, min(workers, len(pending))), thread_name_prefix="erpsim-inventory"
        ) as pool:
            posted = sum(pool.map(self._post_safely, pending))
        if self.failures:
            raise self.failures[0]
        return posted

    def _post_safely(self, batch: Batch) -> int:
        """Post one batch; a refusal is parked, a retryable failure leaves it pending for the next pass."""
        try:
            return self.post(batch)
        except MissingAccount as exc:
            self.ctx.park(
                FLOW,
                "validation_error",
                "inventory:account",
                str(exc),
                records={"setting": "ERPSIM_SYNC_ADJUSTMENT_ACCOUNT"},
            )
        except ApiRefusal as exc:
            self._refused(batch, exc)
        except ClosedPeriod as exc:
            self.ctx.park(
                FLOW,
                "closed_period",
                f"inventory:period:{batch.key}",
                f"inventory adjustment {batch.key} ({len(batch.lines)} lines) is dated {exc.day}: {exc}; "
                "it waits for the period to reopen or the policy to allow re-dating",
                records={"batch": batch.key, "day": batch.day},
            )
        except RetryableError as exc:  # the system stayed unavailable: the batch stays pending
            log.warning("inventory batch %s not posted this pass: %s", batch.key, exc)
            self.ctx.stats.add(FLOW, "batches_deferred")
            self.failures.append(exc)
        return 0

    def post(self, batch: Batch) -> int:
        """Create the adjustment of one batch exactly once, then mark it done."""
        ctx = self.ctx
        day = ctx.period_policy.date_for(batch.day, "inventory") if batch.day else ""
        body: dict[str, Any] = {
            "account": {"id": self.account()},
            "memo": f"erpsim sync: stock movements ({len(batch.lines)} lines)",
            "inventory": {
                "items": [
                    {"item": {"id": ln.item}, "location": {"id": ln.location}, "adjustQtyBy": ln.quantity}
                    for ln in batch.lines
                ]
            },
        }
        if day:
            body["tranDate"] = day
        if batch.subsidiary:
            body["subsidiary"] = {"id": batch.subsidiary}
        keyed = ctx.safeguards.on("no-idempotency")
        if keyed:
            body["externalId"] = batch.key
        new_id = None
        if batch.fresh:  # never sent: no look-up first (one request), unless the create turns out ambiguous
            try:
                new_id = ctx.netsuite.create("inventoryAdjustment", body)
            except AmbiguousWriteError:
                log.info("inventory batch %s: ambiguous create, looking it up by externalId", batch.key)
        if new_id is None:
            new_id = ctx.netsuite.create_keyed("inventoryAdjustment", body)
        # One state transaction per posted batch: the five posting threads take turns on the state store.
        ctx.state.finish(
            batch.key,
            "done",
            {"id": new_id, "day": day, "lines": len(batch.lines)},
            resolve=(f"inventory:period:{batch.key}", f"inventory:refused:{batch.key}"),
        )
        ctx.stats.add(FLOW, "adjustments")
        ctx.stats.add(FLOW, "adjustment_lines", len(batch.lines))
        return len(batch.lines)

    def account(self) -> str:
        """The adjustment account (ERPSIM_SYNC_ADJUSTMENT_ACCOUNT: a name or number), read once."""
        if self._account is None:
            wanted = self.ctx.config.adjustment_account
            rows = self.ctx.netsuite.suiteql(
                "SELECT id, acctnumber, fullname FROM account WHERE isinactive = 'F'"
            )
            for row in rows:
                if wanted in (str(row.get("acctnumber") or ""), str(row.get("fullname") or "")):
                    self._account = str(row["id"])
                    break
            else:
                raise MissingAccount(
                    f"NetSuite has no active account named or numbered {wanted!r} for inventory "
                    "adjustments (ERPSIM_SYNC_ADJUSTMENT_ACCOUNT): adjustments wait"
                )
        return self._account

    def _refused(self, batch: Batch, exc: ApiRefusal) -> None:
        """A refusal names its line (``o:errorPath``): split that line off and park it; else park the batch."""
        ctx = self.ctx
        path = ""
        if isinstance(exc.body, dict):
            details = exc.body.get("o:errorDetails") or [{}]
            path = str(details[0].get("o:errorPath") or "") if isinstance(details[0], dict) else ""
        match = _LINE_PATH.match(path)
        if match is None or len(batch.lines) == 1:
            ctx.state.finish(batch.key, "parked", {"error": exc.detail})
            ctx.park_refusal(
                FLOW,
                f"inventory:refused:{batch.key}",
                exc,
                {"batch": batch.key, "lines": [[ln.item, ln.location, ln.quantity] for ln in batch.lines]},
                category="rejected_posting",
            )
            return
        bad = batch.lines[int(match.group(1))] if int(match.group(1)) < len(batch.lines) else batch.lines[0]
        rest = [ln for ln in batch.lines if ln is not bad]
        with ctx.state.tx() as s:
            mine = [
                (i, src)
                for sku, satellite in bad.sources
                for i, src in s.execute(
                    select(StockDelta.id, StockDelta.source_key).where(
                        StockDelta.batch == batch.key,
                        StockDelta.item == sku,
                        StockDelta.location == satellite,
                    )
                )
            ]
            alone = Batch(batch_key(src for _, src in mine), batch.day, batch.subsidiary, [bad])
            ctx.state.enqueue(s, FLOW, alone.key, alone.payload())
            _assign(s, [i for i, _ in mine], alone.key)
            s.execute(
                update(OutboxItem)
                .where(OutboxItem.key == batch.key)
                .values(
                    payload=json.dumps(
                        Batch(batch.key, batch.day, batch.subsidiary, rest).payload(), sort_keys=True
                    )
                )
            )
        ctx.state.finish(alone.key, "parked", {"error": exc.detail})
        ctx.park_refusal(
            FLOW,
            f"inventory:refused:{alone.key}",
            exc,
            {
                "batch": alone.key,
                "item": bad.item,
                "location": bad.location,
                "quantity": bad.quantity,
                "sources": bad.sources,
            },
            category="rejected_posting",
        )
        self._post_safely(Batch(batch.key, batch.day, batch.subsidiary, rest, fresh=batch.fresh))

    def retry_parked(self) -> None:
        """Put parked adjustments back in the queue (a later pass may succeed: stock arrived, period reopened)."""
        with self.ctx.state.tx() as s:
            s.execute(
                update(OutboxItem)
                .where(OutboxItem.flow == FLOW, OutboxItem.status == "parked")
                .values(status="pending")
            )


def _assign(session: Session, ids: list[int], batch: str) -> None:
    for start in range(0, len(ids), 500):
        session.execute(
            update(StockDelta).where(StockDelta.id.in_(ids[start : start + 500])).values(batch=batch)
        )


def batch_key(source_keys: Iterable[str]) -> str:
    """A batch's key and its adjustment's externalId: a digest of the movements it carries.

    Every movement belongs to exactly one batch, so two batches never share a key; and the same movements always
    give the same key, so even an engine that lost its state and read them again would find the adjustment that
    carries them in NetSuite instead of posting it twice.
    """
    digest = hashlib.sha256("\n".join(sorted(source_keys)).encode()).hexdigest()
    return f"ERPSIM-ADJ-{digest[:24]}"


class MissingAccount(Exception):
    """The configured adjustment account does not exist in NetSuite."""
