"""Fault plans: data that says which requests (or webhook deliveries) misbehave, when, and how.

The same plan with the same seed always fires on the same requests: each rule draws from its own
``random.Random`` seeded from the plan seed and the rule's position, and counts its own matches.
"""

from __future__ import annotations

import fnmatch
import random
import re
import threading
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

REQUEST_KINDS = ("latency", "error", "throttle", "hang", "reset_before", "reset_after", "malformed")
WEBHOOK_KINDS = ("drop", "duplicate", "delay", "reorder")

FaultKind = Literal["latency", "error", "throttle", "hang", "reset_before", "reset_after", "malformed",
                    "drop", "duplicate", "delay", "reorder"]


class FaultRule(BaseModel):
    """One rule: a matcher, a firing schedule and a kind of misbehaviour."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    kind: FaultKind
    # matcher (requests)
    method: str | None = None
    path: str | None = Field(default=None, description="regular expression searched in the request path")
    operation: str | None = Field(default=None, description="route endpoint name, fnmatch pattern")
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


class _RuleState:
    __slots__ = ("rule", "rng", "matches", "fired", "path_re")

    def __init__(self, rule: FaultRule, seed: int, index: int) -> None:
        self.rule = rule
        self.rng = random.Random(f"{seed}:{index}")
        self.matches = 0
        self.fired = 0
        self.path_re = re.compile(rule.path) if rule.path else None

    def should_fire(self) -> bool:
        rule = self.rule
        self.matches += 1
        if rule.times is not None and self.fired >= rule.times:
            return False
        if rule.nth is not None and self.matches != rule.nth:
            return False
        if rule.every is not None and self.matches % rule.every != 0:
            return False
        # Always draw, so one rule's schedule never shifts another rule's random sequence.
        if rule.probability is not None and self.rng.random() >= rule.probability:
            return False
        self.fired += 1
        return True


class FaultPlan:
    """The live plan of one emulator process: thread-safe matching with per-rule counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.spec = FaultPlanSpec()
        self._states: list[_RuleState] = []
        self.has_request_rules = False
        self.needs_operation = False
        self.history: list[dict[str, Any]] = []

    def load(self, spec: FaultPlanSpec) -> None:
        """Replace the plan (counters restart from zero)."""
        with self._lock:
            self.spec = spec
            self._states = [_RuleState(r, spec.seed, i) for i, r in enumerate(spec.rules)]
            self.has_request_rules = any(not r.is_webhook for r in spec.rules)
            self.needs_operation = any(r.operation for r in spec.rules if not r.is_webhook)
            self.history = []

    def clear(self) -> None:
        """Remove every rule."""
        self.load(FaultPlanSpec())

    def match_request(self, method: str, path: str, operation: str | None) -> list[FaultRule]:
        """The request rules that fire for this request, in plan order."""
        if not self.has_request_rules:
            return []
        fired: list[FaultRule] = []
        with self._lock:
            for st in self._states:
                r = st.rule
                if r.is_webhook:
                    continue
                if r.method and r.method.upper() != method:
                    continue
                if st.path_re is not None and not st.path_re.search(path):
                    continue
                if r.operation and not (operation and fnmatch.fnmatchcase(operation, r.operation)):
                    continue
                if st.should_fire():
                    fired.append(r)
                    self.history.append({"rule": r.name or r.kind, "kind": r.kind, "method": method,
                                         "path": path})
        return fired

    def match_webhook(self, event: str) -> list[FaultRule]:
        """The webhook rules that fire for one delivery of ``event``."""
        fired: list[FaultRule] = []
        with self._lock:
            for st in self._states:
                r = st.rule
                if not r.is_webhook or (r.event and not fnmatch.fnmatchcase(event, r.event)):
                    continue
                if st.should_fire():
                    fired.append(r)
                    self.history.append({"rule": r.name or r.kind, "kind": r.kind, "event": event})
        return fired

    def describe(self) -> dict[str, Any]:
        """The plan as JSON, with how often each rule matched and fired."""
        with self._lock:
            return {
                "seed": self.spec.seed,
                "rules": [{**st.rule.model_dump(exclude_none=True), "matches": st.matches, "fired": st.fired}
                          for st in self._states],
                "history": list(self.history[-500:]),
            }
