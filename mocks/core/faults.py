"""Fault plans: data that says which requests (or webhook deliveries) misbehave, when, and how.

The same plan with the same seed always fires on the same requests: each rule draws from its own
``random.Random`` seeded from the plan seed and the rule's position, and counts its own matches.
"""

from __future__ import annotations

import fnmatch
import json
import random
import re
import threading
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Integer, String, Table, Text, delete, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from .store import MACHINERY_TABLES, CoreBase, Store

REQUEST_KINDS = ("latency", "error", "throttle", "hang", "reset_before", "reset_after", "malformed")
WEBHOOK_KINDS = ("drop", "duplicate", "delay", "reorder")

FaultKind = Literal[
    "latency",
    "error",
    "throttle",
    "hang",
    "reset_before",
    "reset_after",
    "malformed",
    "drop",
    "duplicate",
    "delay",
    "reorder",
]


class FaultRule(BaseModel):
    """One rule: a matcher, a firing schedule and a kind of misbehaviour."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    kind: FaultKind
    # matcher (requests)
    method: str | None = None
    path: str | None = Field(default=None, description="regular expression searched in the request path")
    operation: str | None = Field(
        default=None, description="vendor OpenAPI operationId (or route endpoint), fnmatch pattern"
    )
    # matcher (webhooks)
    event: str | None = Field(default=None, description="event type, fnmatch pattern")
    # schedule: none of them = every match
    nth: int | None = Field(default=None, ge=1)
    every: int | None = Field(default=None, ge=1)
    probability: float | None = Field(default=None, ge=0.0, le=1.0)
    times: int | None = Field(default=None, ge=1, description="stop after firing this many times")
    # parameters
    latency_ms: int = Field(default=0, ge=0, le=120_000)
    status: int = Field(default=500, ge=400, le=599)
    code: str | None = None
    message: str = "Injected fault"
    hang_seconds: float = Field(default=30.0, ge=0, le=300)
    delay_seconds: float = Field(default=0.0, ge=0, le=3600)

    @model_validator(mode="after")
    def _check(self) -> FaultRule:
        if self.kind in WEBHOOK_KINDS and self.path is not None:
            raise ValueError(f"'{self.kind}' is a webhook fault: match it with 'event', not 'path'")
        if self.kind in REQUEST_KINDS and self.event is not None:
            raise ValueError(f"'{self.kind}' is a request fault: match it with method/path/operation")
        if self.path is not None:
            try:
                re.compile(self.path)
            except re.error as exc:
                raise ValueError(f"path is not a valid regular expression: {exc}") from None
        return self

    @property
    def is_webhook(self) -> bool:
        """True for drop / duplicate / delay / reorder (they act on webhook deliveries)."""
        return self.kind in WEBHOOK_KINDS


class FaultPlanSpec(BaseModel):
    """The wire form of a plan: a seed and ordered rules."""

    model_config = ConfigDict(extra="forbid")
    seed: int = 0
    rules: list[FaultRule] = Field(default_factory=list)


def fires(rule: FaultRule, index: int, seed: int, matches: int, fired: int) -> bool:
    """Whether the ``matches``-th match of rule ``index`` fires, ``fired`` firings having happened before.

    The random draw depends only on (seed, rule position, match number), so the same plan fires on the
    same requests whichever worker process serves them.
    """
    if rule.times is not None and fired >= rule.times:
        return False
    if rule.nth is not None and matches != rule.nth:
        return False
    if rule.every is not None and matches % rule.every != 0:
        return False
    if (
        rule.probability is not None
        and random.Random(f"{seed}:{index}:{matches}").random() >= rule.probability
    ):
        return False
    return True


class FaultCount(CoreBase):
    """How often a rule of the shared plan matched and fired (``--workers`` > 1)."""

    __tablename__ = "erpsim_fault_counts"
    idx: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    matches: Mapped[int] = mapped_column(Integer, default=0)
    fired: Mapped[int] = mapped_column(Integer, default=0)


class SharedPlanRow(CoreBase):
    """The shared fault plan (one row; a new version, random so that it never repeats across resets, tells
    every process to re-read it)."""

    __tablename__ = "erpsim_fault_plan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[str] = mapped_column(String(32), default="")
    spec: Mapped[str] = mapped_column(Text, default="{}")
    history: Mapped[str] = mapped_column(Text, default="[]")


_COUNTS: Table = FaultCount.__table__  # type: ignore[assignment]
_PLAN: Table = SharedPlanRow.__table__  # type: ignore[assignment]
HISTORY_SIZE = 500
MACHINERY_TABLES.update({_COUNTS.name, _PLAN.name})


class _Compiled:
    """A plan with its regular expressions compiled, ready for matching."""

    def __init__(self, spec: FaultPlanSpec) -> None:
        self.spec = spec
        self.paths = [re.compile(r.path) if r.path else None for r in spec.rules]
        self.has_request_rules = any(not r.is_webhook for r in spec.rules)
        self.needs_operation = any(r.operation for r in spec.rules if not r.is_webhook)

    def request_candidates(
        self, method: str, path: str, operation: str | None, endpoint: str | None = None
    ) -> list[int]:
        """Positions of the request rules whose matchers accept this request (``operation`` matches the
        vendor OpenAPI operationId, or the route's endpoint name)."""
        out = []
        for i, r in enumerate(self.spec.rules):
            if r.is_webhook or (r.method and r.method.upper() != method):
                continue
            path_re = self.paths[i]
            if path_re is not None and not path_re.search(path):
                continue
            if r.operation and not any(
                name and fnmatch.fnmatchcase(name, r.operation) for name in (operation, endpoint)
            ):
                continue
            out.append(i)
        return out

    def webhook_candidates(self, event: str) -> list[int]:
        """Positions of the webhook rules matching ``event``."""
        return [
            i
            for i, r in enumerate(self.spec.rules)
            if r.is_webhook and not (r.event and not fnmatch.fnmatchcase(event, r.event))
        ]


class FaultPlan:
    """The live fault plan: thread-safe matching with per-rule counters.

    In memory by default (one process); with a ``store`` it lives in the store, so every worker process
    matches, counts and fires against one plan (``--workers`` > 1).
    """

    def __init__(self, store: Store | None = None) -> None:
        self._lock = threading.Lock()
        self.store = store
        self._plan = _Compiled(FaultPlanSpec())
        self._version: str | None = None
        self._counts: list[list[int]] = []  # memory mode: [matches, fired] per rule
        self.history: list[dict[str, Any]] = []

    # ---- the plan itself -------------------------------------------------------------------------

    def _current(self) -> _Compiled:
        if self.store is None:
            return self._plan
        rows = self.store.fast_query(
            f"SELECT version, spec FROM {self.store.table_name(_PLAN.name)} WHERE id = 1", ()
        )
        version, raw = (str(rows[0][0]), rows[0][1]) if rows else ("", "{}")
        if version != self._version:
            with self._lock:
                self._plan = _Compiled(FaultPlanSpec.model_validate_json(raw or "{}"))
                self._version = version
        return self._plan

    @property
    def spec(self) -> FaultPlanSpec:
        """The current plan."""
        return self._current().spec

    @property
    def has_request_rules(self) -> bool:
        """True when some rule acts on requests."""
        return self._current().has_request_rules

    @property
    def needs_operation(self) -> bool:
        """True when some request rule matches on the operation."""
        return self._current().needs_operation

    def load(self, spec: FaultPlanSpec) -> None:
        """Replace the plan (counters restart from zero)."""
        if self.store is None:
            with self._lock:
                self._plan = _Compiled(spec)
                self._counts = [[0, 0] for _ in spec.rules]
                self.history = []
            return
        with self.store.write() as session:
            session.execute(delete(_COUNTS))
            if spec.rules:
                session.execute(
                    insert(_COUNTS), [{"idx": i, "matches": 0, "fired": 0} for i in range(len(spec.rules))]
                )
            session.execute(delete(_PLAN))
            session.execute(
                insert(_PLAN).values(
                    id=1, version=uuid.uuid4().hex, spec=spec.model_dump_json(), history="[]"
                )
            )

    def clear(self) -> None:
        """Remove every rule."""
        self.load(FaultPlanSpec())

    # ---- matching --------------------------------------------------------------------------------

    def _fire(self, plan: _Compiled, candidates: list[int], record: dict[str, Any]) -> list[FaultRule]:
        """Count a match of each candidate rule and return the rules that fire, in plan order."""
        rules, seed = plan.spec.rules, plan.spec.seed
        fired: list[FaultRule] = []
        entries = [
            {"rule": rules[i].name or rules[i].kind, "kind": rules[i].kind, **record} for i in candidates
        ]
        if self.store is None:
            with self._lock:
                if plan is not self._plan:
                    return []
                for i, entry in zip(candidates, entries, strict=True):
                    counts = self._counts[i]
                    counts[0] += 1
                    if fires(rules[i], i, seed, counts[0], counts[1]):
                        counts[1] += 1
                        fired.append(rules[i])
                        self.history.append(entry)
                del self.history[:-HISTORY_SIZE]
            return fired
        with self.store.write() as session:  # one transaction: the counters of every worker stay exact
            history: list[dict[str, Any]] = []
            for i, entry in zip(candidates, entries, strict=True):
                row = session.execute(
                    update(_COUNTS)
                    .where(_COUNTS.c.idx == i)
                    .values(matches=_COUNTS.c.matches + 1)
                    .returning(_COUNTS.c.matches, _COUNTS.c.fired)
                ).first()
                if row is None:  # the plan changed under us
                    return []
                if fires(rules[i], i, seed, int(row[0]), int(row[1])):
                    session.execute(
                        update(_COUNTS).where(_COUNTS.c.idx == i).values(fired=_COUNTS.c.fired + 1)
                    )
                    fired.append(rules[i])
                    history.append(entry)
            if history:
                old = session.execute(select(_PLAN.c.history).where(_PLAN.c.id == 1)).scalar() or "[]"
                session.execute(
                    update(_PLAN)
                    .where(_PLAN.c.id == 1)
                    .values(history=json.dumps((json.loads(old) + history)[-HISTORY_SIZE:]))
                )
        return fired

    def match_request(
        self, method: str, path: str, operation: str | None, endpoint: str | None = None
    ) -> list[FaultRule]:
        """The request rules that fire for this request, in plan order."""
        plan = self._current()
        if not plan.has_request_rules:
            return []
        candidates = plan.request_candidates(method, path, operation, endpoint)
        if not candidates:
            return []
        return self._fire(plan, candidates, {"method": method, "path": path})

    def match_webhook(self, event: str) -> list[FaultRule]:
        """The webhook rules that fire for one delivery of ``event``."""
        plan = self._current()
        candidates = plan.webhook_candidates(event)
        return self._fire(plan, candidates, {"event": event}) if candidates else []

    def describe(self) -> dict[str, Any]:
        """The plan as JSON, with how often each rule matched and fired."""
        plan = self._current()
        if self.store is None:
            with self._lock:
                counts = [list(c) for c in self._counts]
                history = list(self.history)
        else:
            with self.store.read() as session:
                by_idx = {
                    int(r[0]): [int(r[1]), int(r[2])]
                    for r in session.execute(select(_COUNTS.c.idx, _COUNTS.c.matches, _COUNTS.c.fired))
                }
                history = json.loads(
                    session.execute(select(_PLAN.c.history).where(_PLAN.c.id == 1)).scalar() or "[]"
                )
            counts = [by_idx.get(i, [0, 0]) for i in range(len(plan.spec.rules))]
        return {
            "seed": plan.spec.seed,
            "rules": [
                {**rule.model_dump(exclude_none=True), "matches": c[0], "fired": c[1]}
                for rule, c in zip(plan.spec.rules, counts, strict=True)
            ],
            "history": history,
        }
