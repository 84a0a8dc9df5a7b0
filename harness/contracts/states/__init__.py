"""Provider states in business terms ("sales order SO-1001 is pending fulfillment"), set up through the control plane.

Every state starts from an empty world (``reset``), then seeds what its sentence says through ``seed`` and
``act``, the same calls a scenario makes. A state answers the values its set-up produced (internal ids,
line numbers) so a pact's provider-state generators (``${salesOrderId}``) can put them into requests.

The escape hatch: any state may carry parameters that are applied after its own set-up, and a state whose
name is not in the vocabulary is accepted when it carries them:

- ``seed``: a control-plane seed body (``{"records": {...}}`` or ``{"seed": n, ...}``), or a list of them;
- ``act``: ``[{"action": "approve_sales_order", "body": {...}}, ...]``;
- ``faults``: a fault plan; ``clock``: a clock body (``{"advance": "P1D"}``).

What a ``seed`` answers becomes values too: each list in the answer gives ``${<key>}`` (its first id) and
``${<key>_<n>}`` (the n-th, from 0).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..auth import VendorSession
from ..gateway import Inbox
from ..plane import ControlPlane, ProviderStateError

Values = dict[str, Any]


@dataclass
class World:
    """What a state's set-up works with: the emulator's control plane and vendor API, and the webhook inbox."""

    system: str
    plane: ControlPlane
    vendor: VendorSession
    inbox: Inbox
    #: where the emulator should send webhooks (the gateway's inbox)
    hooks_url: str
    #: values answered so far by the states of the current interaction
    values: Values = field(default_factory=dict)


Setup = Callable[[World, dict[str, str]], Values]


@dataclass(frozen=True)
class ProviderState:
    """One sentence of the vocabulary: its template, what it sets up and the values it answers."""

    system: str
    template: str
    summary: str
    values: tuple[str, ...]
    setup: Setup
    example: str = ""

    @property
    def pattern(self) -> re.Pattern[str]:
        """The template as a case-insensitive regex (``{name}`` matches one word)."""
        parts = re.split(r"(\{\w+\})", self.template)
        rx = "".join(f"(?P<{p[1:-1]}>[^\\s]+)" if p.startswith("{") else re.escape(p) for p in parts)
        return re.compile(f"^{rx}$", re.IGNORECASE)


STATES: dict[str, list[ProviderState]] = {}


def provider_state(
    system: str, template: str, summary: str, values: tuple[str, ...] = (), example: str = ""
) -> Callable[[Setup], Setup]:
    """Register a set-up function as the state ``template`` of ``system``."""

    def register(fn: Setup) -> Setup:
        STATES.setdefault(system, []).append(ProviderState(system, template, summary, values, fn, example))
        return fn

    return register


def vocabulary(system: str) -> list[ProviderState]:
    """Every state of one system (the system's module is imported on first use)."""
    _load(system)
    return list(STATES.get(system, []))


def find(system: str, name: str) -> tuple[ProviderState, dict[str, str]] | None:
    """The state whose template matches ``name``, with the words it captured; None when none does."""
    for definition in vocabulary(system):
        match = definition.pattern.match(name.strip())
        if match:
            return definition, match.groupdict()
    return None


ESCAPE_KEYS = ("seed", "act", "faults", "clock")


def apply_escape_hatch(world: World, params: dict[str, Any]) -> Values:
    """Apply ``seed`` / ``act`` / ``faults`` / ``clock`` parameters; answer the seeded ids as values."""
    values: Values = {}
    seeds = params.get("seed")
    for body in seeds if isinstance(seeds, list) else [seeds] if seeds else []:
        if not isinstance(body, dict):
            raise ProviderStateError("the 'seed' parameter is a control-plane seed body or a list of them")
        values.update(seed_values(world.plane.seed(body)))
    acts = params.get("act") or []
    for step in acts if isinstance(acts, list) else [acts]:
        if not isinstance(step, dict) or "action" not in step:
            raise ProviderStateError('each \'act\' step is {"action": name, "body": {...}}')
        world.plane.act(str(step["action"]), step.get("body") or {})
    if params.get("faults"):
        world.plane.faults(params["faults"])
    if params.get("clock"):
        world.plane.clock(params["clock"])
    return values


def seed_values(answer: Any) -> Values:
    """``${key}`` and ``${key_n}`` for every list in a seed answer (ids, or the ``id`` of objects)."""
    values: Values = {}
    if not isinstance(answer, dict):
        return values

    def ident(item: Any) -> Any:
        return item.get("id") if isinstance(item, dict) else item

    for key, value in answer.items():
        if isinstance(value, list) and value:
            values[key] = ident(value[0])
            values.update({f"{key}_{n}": ident(item) for n, item in enumerate(value)})
        elif isinstance(value, dict):
            values.update(seed_values(value))
    return values


class StateRunner:
    """The verifier's state callback: set-up resets once per interaction, then runs each state in turn."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._fresh = True

    def __call__(self, name: str, action: str, params: dict[str, Any]) -> Values:
        """Set up (or tear down) one provider state; answers the values for provider-state generators."""
        if action == "teardown":
            self._fresh = True
            return {}
        world = self.world
        if self._fresh:
            world.plane.reset()
            world.inbox.clear()
            world.values = {}
            world.vendor.refresh()
            self._fresh = False
        found = find(world.system, name) if name else None
        if found is None and name and not any(k in params for k in ESCAPE_KEYS):
            known = "; ".join(s.template for s in vocabulary(world.system))
            raise ProviderStateError(
                f"unknown {world.system} provider state {name!r}; known: {known} "
                f"(or give seed/act/faults/clock parameters)"
            )
        if found is not None:
            definition, words = found
            world.values.update(
                definition.setup(
                    world, {**words, **{k: str(v) for k, v in params.items() if k not in ESCAPE_KEYS}}
                )
            )
        world.values.update(apply_escape_hatch(world, params))
        return dict(world.values)


def _load(system: str) -> None:
    """Import the module that registers ``system``'s states."""
    import importlib

    if system not in STATES:
        try:
            importlib.import_module(f"{__name__}.{system}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{system}":
                raise
            STATES[system] = []
