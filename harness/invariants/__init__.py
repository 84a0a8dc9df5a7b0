"""The invariant library: cross-system checks on the final state and the journals, Jepsen-style.

Each invariant is a function ``(ctx, **params) -> list[Finding]``; no finding means valid. A finding carries
the evidence: the records and requests that show what was lost, duplicated or wrong. Invariants register
themselves by name and family with :func:`invariant`; scenarios name them in ``expect.invariants``.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..refs import RefMap
from ..views import NetSuiteView, WmsView

FAMILIES = (
    "orders",
    "fulfilment",
    "cancellations",
    "stock",
    "periods",
    "order_lines",
    "pos",
    "lots",
    "ap",
    "failures",
)


@dataclass
class Finding:
    """One thing that is wrong, with the records and requests that show it."""

    message: str
    records: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class InvariantResult:
    """The verdict of one invariant."""

    name: str
    family: str
    valid: bool
    description: str
    findings: list[Finding] = field(default_factory=list)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


class NotApplicable(Exception):
    """Raised by an invariant that has nothing to check in this world (it counts as valid, with a note)."""


@dataclass
class Context:
    """What invariants look at: every system's final state, the journals, the exception queue, the refs."""

    state: dict[str, dict[str, Any]]
    journals: dict[str, list[dict[str, Any]]]
    exceptions: list[dict[str, Any]] | None
    refs: RefMap

    def __post_init__(self) -> None:
        self._views: dict[str, Any] = {}

    @property
    def netsuite(self) -> NetSuiteView:
        """NetSuite's state as a view."""
        if "netsuite" not in self._views:
            self._views["netsuite"] = NetSuiteView(self.state.get("netsuite", {}))
        view: NetSuiteView = self._views["netsuite"]
        return view

    @property
    def wms(self) -> WmsView:
        """The WMS's state as a view."""
        if "wms" not in self._views:
            self._views["wms"] = WmsView(self.state.get("wms", {}))
        view: WmsView = self._views["wms"]
        return view

    def flagged(self, *keys: Any, category: str | None = None) -> list[dict[str, Any]]:
        """Exceptions that mention any of ``keys`` (ids, tranIds, references) and have ``category`` if given."""
        wanted = {str(k) for k in keys if k not in (None, "")}
        out = []
        for exc in self.exceptions or []:
            if category is not None and exc.get("category") != category:
                continue
            values = {str(v) for v in _flat_values(exc.get("records"))}
            text = f" {exc.get('summary', '')} {json.dumps(exc.get('error'), default=str)} "
            if values & wanted or any(_mentions(text, k) for k in wanted if not k.isdigit()):
                out.append(exc)
        return out


def _flat_values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _flat_values(v)]
    if isinstance(value, list):
        return [x for v in value for x in _flat_values(v)]
    return [value]


def _mentions(text: str, key: str) -> bool:
    import re

    return re.search(rf"(?<![A-Za-z0-9_-]){re.escape(key)}(?![A-Za-z0-9_-])", text) is not None


InvariantFn = Callable[..., list[Finding]]


@dataclass
class Registered:
    """An invariant in the registry."""

    name: str
    family: str
    fn: InvariantFn
    description: str


REGISTRY: dict[str, Registered] = {}


def invariant(name: str, family: str) -> Callable[[InvariantFn], InvariantFn]:
    """Register an invariant under ``name`` in ``family``; its docstring is its description."""
    if family not in FAMILIES:
        raise ValueError(f"unknown invariant family {family!r}")

    def deco(fn: InvariantFn) -> InvariantFn:
        REGISTRY[name] = Registered(name, family, fn, inspect.getdoc(fn) or name)
        return fn

    return deco


def load_all() -> dict[str, Registered]:
    """Import every family module (they register themselves) and return the registry."""
    for family in FAMILIES:
        importlib.import_module(f"{__name__}.{family}")
    return REGISTRY


def check(name: str, ctx: Context, params: dict[str, Any] | None = None) -> InvariantResult:
    """Run one invariant by name."""
    registry = load_all()
    reg = registry.get(name)
    if reg is None:
        return InvariantResult(
            name,
            "unknown",
            False,
            "",
            [Finding(f"unknown invariant {name!r}; known: {', '.join(sorted(registry))}")],
        )
    try:
        findings = reg.fn(ctx, **(params or {}))
    except NotApplicable as exc:
        return InvariantResult(name, reg.family, True, reg.description, note=str(exc))
    except TypeError as exc:
        return InvariantResult(name, reg.family, False, reg.description, [Finding(f"bad parameters: {exc}")])
    return InvariantResult(name, reg.family, not findings, reg.description, findings)
