"""The scenario format: pydantic models and their JSON Schema (``scenario_loader`` reads the YAML files).

A scenario is plain data (a program can generate it): ``given`` (one coherent world, plus raw per-system
seeds), ``steps`` (one key each: ``sync``, ``act``, ``api``, ``faults``, ``clock``, ``webhooks``, ``wait``,
``check``) and ``expect`` (invariants, record, exception-queue and journal assertions). Strings may refer
to the world's records as ``${REF}`` (NetSuite internal id) or ``${REF.attr}`` (see :mod:`harness.refs`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .world_spec import (  # noqa: F401 - re-exported: the scenario format is one import
    PHYSICAL_KINDS,
    REF_RE,
    SATELLITES,
    Given,
    ItemKind,
    ItemSpec,
    LineSpec,
    LocationSpec,
    LotSpec,
    PartySpec,
    SalesOrderSpec,
    Satellite,
    WorldSpec,
)

SYSTEMS = ("netsuite", "qms", "wms", "pos", "ap")
System = Literal["netsuite", "qms", "wms", "pos", "ap"]
Mode = Literal["once", "daemon"]
MODES: tuple[Mode, ...] = ("once", "daemon")
Flow = Literal[
    "items",
    "orders-to-wms",
    "despatch-to-netsuite",
    "cancellations",
    "inventory",
    "pos-stock",
    "pos-sales",
    "pos-customers",
    "periods",
    "qms-purchasing",
    "qms-lots",
    "qms-production",
    "qms-shipments",
    "recall",
    "ap-vendors",
    "ap-bills",
    "ap-payments",
    "ap-invoices",
]
FLOWS: tuple[Flow, ...] = get_args(Flow)
#: connector settings a scenario may give (never the world's endpoints, credentials, the mutant or the flows)
CONNECTOR_ENV_RE = re.compile(r"ERPSIM_SYNC_[A-Z0-9_]+")
CONNECTOR_ENV_RESERVED = ("ERPSIM_SYNC_MUTANT", "ERPSIM_SYNC_FLOWS")
TEMPLATE = re.compile(r"\$\{([A-Za-z][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)\}")


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


# ---- steps ------------------------------------------------------------------------------------------
class SyncArgs(_Data):
    """One sync pass (once mode: run the command; daemon mode: wait for quiescence)."""

    expect: Literal["ok", "fail", "any"] = Field(default="ok", description="the pass's exit status")
    times: int = Field(default=1, ge=1, le=20)
    mutant: str | None = Field(default=None, description="not for scenarios: set by the runner")


class ActArgs(BaseModel):
    """``POST /__erpsim/act/<action>`` on one system; every other key is the action's body."""

    model_config = ConfigDict(extra="allow")
    system: System
    action: str = Field(pattern=r"^[a-z_]+$")
    expect_status: int = 200

    def body(self) -> dict[str, Any]:
        """The action's body (the extra keys)."""
        return dict(self.model_extra or {})


class ApiArgs(_Data):
    """A vendor-API request with the system's own authentication (what a user or another app does)."""

    system: System
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    path: str = Field(min_length=1)
    body: Any = None
    query: dict[str, Any] = Field(default_factory=dict)
    expect_status: int | list[int] | None = None
    save: str | None = Field(default=None, pattern=REF_RE, description="keep the JSON response as ${NAME}")


class FaultsArgs(_Data):
    """Install (or clear) one system's fault plan; rules are those of the emulators' fault plans."""

    system: System
    rules: list[dict[str, Any]] = Field(default_factory=list)
    seed: int | None = Field(default=None, description="default: the scenario's seed")
    clear: bool = False

    @field_validator("rules")
    @classmethod
    def _rules(cls, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from mocks.core.faults import FaultRule

        for i, rule in enumerate(rules):
            try:
                FaultRule.model_validate(rule)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise ValueError(f"rule {i}: {where + ': ' if where else ''}{first['msg']}") from None
        return rules


class ClockArgs(_Data):
    """Move every system's clock together."""

    set: str | None = None
    advance: float | str | dict[str, float] | None = None

    @model_validator(mode="after")
    def _one(self) -> ClockArgs:
        if (self.set is None) == (self.advance is None):
            raise ValueError(
                "give exactly one of 'set' (ISO instant) or 'advance' (seconds, 'P1D', {days: 1})"
            )
        return self


class WebhooksArgs(_Data):
    """Deliver every pending webhook now (all systems, or the one named), in one round (faults applied);
    ``hold`` then stops (true) or restarts (false) the background delivery, so events raised while held wait
    for the next deliver step and are sent together (a deterministic duplicate or reorder of a burst)."""

    deliver: bool = True
    system: System | None = None
    hold: bool | None = Field(
        default=None,
        description="true: hold deliveries until a webhooks step; false: deliver in the background again",
    )


class WaitArgs(_Data):
    """Wait until the world is quiet (no request, no pending webhook) for ``settle_seconds``; with ``until``,
    first until those checks hold (polled; a daemon connector works at its own pace) or ``timeout_seconds`` pass
    (quiescence then has the connector's timeout).
    An ``until`` that never holds does not fail the step: the scenario's checks say what is wrong."""

    quiescence: bool = Field(
        default=True,
        description="false (with until): go on as soon as the checks hold, "
        "without the settle window (a precondition, not a verdict)",
    )
    settle_seconds: float | None = Field(default=None, gt=0, le=60)
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    until: Expect | None = Field(
        default=None, description="checks to wait for (records, journal, invariants...)"
    )
    activity: Literal["connector", "requests"] = Field(
        default="connector",
        description="what breaks the quiet: the connector's own quiescence rule, or any "
        "request at all (a daemon that polls is then quiet only while it is blocked)",
    )

    @model_validator(mode="after")
    def _something_to_wait_for(self) -> WaitArgs:
        if not self.quiescence and self.until is None:
            raise ValueError("quiescence: false waits for nothing without until")
        return self


class ConnectorArgs(_Data):
    """Stop, kill or (re)start a daemon connector (crash and restart scenarios)."""

    do: Literal["stop", "kill", "start", "restart"]


class RecordAssertion(_Data):
    """Rows of one system's state: select by collection and ``where`` (or by ``ref``), then check."""

    system: System
    collection: str | None = Field(default=None, description="record type (NetSuite) or table, as in /state")
    ref: str | None = Field(default=None, description="the record linked to this world ref in that system")
    where: dict[str, Any] = Field(default_factory=dict, description="dotted field paths -> expected values")
    count: int | None = Field(default=None, ge=0)
    fields: dict[str, Any] = Field(
        default_factory=dict, description="every selected row must have these values"
    )

    @model_validator(mode="after")
    def _target(self) -> RecordAssertion:
        if (self.collection is None) == (self.ref is None):
            raise ValueError("give exactly one of 'collection' or 'ref'")
        return self


class ExceptionAssertion(_Data):
    """The connector's exception queue: how many entries of a category (and flow) it holds."""

    category: str
    flow: str | None = None
    count: int | None = Field(default=None, ge=0)
    min: int | None = Field(default=None, ge=0)
    mentions: str | None = Field(default=None, description="a text the summary or records must contain")

    @model_validator(mode="after")
    def _bound(self) -> ExceptionAssertion:
        if self.count is None and self.min is None:
            self.min = 1
        return self


class JournalAssertion(_Data):
    """Requests a system served: count those matching method / path (regex) / status."""

    system: System
    method: str | None = None
    path: str | None = None
    status: int | None = None
    count: int | None = Field(default=None, ge=0)
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)


class InvariantRef(_Data):
    """An invariant by name, with parameters."""

    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class Expect(_Data):
    """What must hold at the end (or at a ``check`` step)."""

    invariants: list[str | InvariantRef] = Field(default_factory=list)
    records: list[RecordAssertion] = Field(default_factory=list)
    exceptions: list[ExceptionAssertion] = Field(default_factory=list)
    no_exceptions: bool = Field(
        default=False, description="no exception-queue entry from the scenario's flows"
    )
    journal: list[JournalAssertion] = Field(default_factory=list)

    def invariant_refs(self) -> list[InvariantRef]:
        """The invariants as name + params."""
        return [InvariantRef(name=i) if isinstance(i, str) else i for i in self.invariants]


WaitArgs.model_rebuild()


class SyncStep(_Data):
    sync: SyncArgs


class ActStep(_Data):
    act: ActArgs


class ApiStep(_Data):
    api: ApiArgs


class FaultsStep(_Data):
    faults: FaultsArgs


class ClockStep(_Data):
    clock: ClockArgs


class WebhooksStep(_Data):
    webhooks: WebhooksArgs


class WaitStep(_Data):
    wait: WaitArgs


class ConnectorStep(_Data):
    connector: ConnectorArgs


class CheckStep(_Data):
    check: Expect


STEP_KINDS = ("sync", "act", "api", "faults", "clock", "webhooks", "wait", "connector", "check")


def _step_kind(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        return key if key in STEP_KINDS else None
    if isinstance(value, BaseModel):
        return next(iter(type(value).model_fields))
    return None


Step = Annotated[
    Annotated[SyncStep, Tag("sync")]
    | Annotated[ActStep, Tag("act")]
    | Annotated[ApiStep, Tag("api")]
    | Annotated[FaultsStep, Tag("faults")]
    | Annotated[ClockStep, Tag("clock")]
    | Annotated[WebhooksStep, Tag("webhooks")]
    | Annotated[WaitStep, Tag("wait")]
    | Annotated[ConnectorStep, Tag("connector")]
    | Annotated[CheckStep, Tag("check")],
    Discriminator(
        _step_kind,
        custom_error_type="unknown_step",
        custom_error_message=f"a step is a mapping with exactly one of: {', '.join(STEP_KINDS)}",
    ),
]


class Scenario(_Data):
    """One scenario script."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    source: str | None = Field(default=None, description="the seed document or reference it comes from")
    flows: list[Flow] = Field(min_length=1)
    catches: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]] = Field(
        default_factory=list, description="mutants of the reference engine this scenario must fail"
    )
    tags: list[str] = Field(default_factory=list)
    seed: int = Field(default=0, ge=0)
    modes: list[Mode] = Field(default_factory=lambda: list(MODES))
    connector_env: dict[str, str] = Field(
        default_factory=dict,
        description="how the business has its integration configured: settings given to the connector as "
        "environment variables (the reference engine reads ERPSIM_SYNC_*, e.g. "
        "ERPSIM_SYNC_LEDGER_MODE: daily-summary); a connector ignores those it does not know",
    )
    timeout_seconds: float = Field(default=120.0, gt=0, le=3600)
    given: Given = Field(default_factory=Given)
    steps: list[Step] = Field(default_factory=list)
    expect: Expect = Field(default_factory=Expect)

    @field_validator("connector_env")
    @classmethod
    def _settings(cls, env: dict[str, str]) -> dict[str, str]:
        for key in env:
            if not CONNECTOR_ENV_RE.fullmatch(key) or key in CONNECTOR_ENV_RESERVED:
                raise ValueError(
                    f"{key!r} is not a connector setting a scenario may give (ERPSIM_SYNC_*, not "
                    f"{' or '.join(CONNECTOR_ENV_RESERVED)})"
                )
        return env

    @field_validator("steps", mode="before")
    @classmethod
    def _bare_steps(cls, steps: Any) -> Any:
        if isinstance(steps, list):
            return [{s: {}} if isinstance(s, str) and s in STEP_KINDS else s for s in steps]
        return steps

    @model_validator(mode="after")
    def _references(self, info: ValidationInfo) -> Scenario:
        if info.context and info.context.get("skip_refs"):
            return self
        problems = reference_problems(self)
        if problems:
            loc, msg = problems[0]
            raise ValueError(f"{'.'.join(str(p) for p in loc)}: {msg}")
        return self

    def uses_daemon_only_steps(self) -> bool:
        """True when the scenario stops or restarts the connector (daemon mode only)."""
        return any(isinstance(s, ConnectorStep) for s in self.steps)


def reference_problems(scenario: Scenario) -> list[tuple[tuple[Any, ...], str]]:
    """Every ``${REF}`` and ``ref:`` that names nothing the world defines or a step saved, with its location."""
    known = scenario.given.world.ref_names()
    hint = ", ".join(sorted(known)) or "none"
    saved: set[str] = set()
    out: list[tuple[tuple[Any, ...], str]] = []

    def check(expect: Expect, loc: tuple[Any, ...]) -> None:
        for name in _template_names(expect.model_dump()):
            if name not in known and name not in saved:
                out.append((loc, f"unknown ref ${{{name}}}; the world defines: {hint}"))
        for j, rec in enumerate(expect.records):
            if rec.ref is not None and rec.ref not in known:
                out.append(
                    ((*loc, "records", j, "ref"), f"unknown ref {rec.ref!r}; the world defines: {hint}")
                )

    for i, step in enumerate(scenario.steps):
        if isinstance(step, CheckStep):
            check(step.check, ("steps", i, "check"))
            continue
        for name in _template_names(step.model_dump()):
            if name not in known and name not in saved:
                out.append((("steps", i), f"unknown ref ${{{name}}}; the world defines: {hint}"))
        if isinstance(step, ApiStep) and step.api.save:
            saved.add(step.api.save)
    check(scenario.expect, ("expect",))
    return out


def _template_names(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        for m in TEMPLATE.finditer(value):
            yield m.group(1)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _template_names(v)
    elif isinstance(value, list):
        for v in value:
            yield from _template_names(v)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "erpsim scenario"
    return schema


def schema_text() -> str:
    """The JSON Schema as indented JSON text."""
    return json.dumps(json_schema(), indent=2, sort_keys=False)
