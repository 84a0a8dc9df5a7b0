"""Load profiles: one TOML file per profile (world, emulators, engine, shape, rates, SLOs), validated here.

Profiles live in ``load/profiles/<name>.toml``; ``erpsim load --profile NAME`` also accepts a path.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

PROFILE_DIR = Path(__file__).parent / "profiles"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WorldSpec(_Strict):
    """The seeded world: catalogue size, skew, basket and stock."""

    seed: int = 42
    stores: int = Field(default=20, ge=1, le=200)
    skus: int = Field(default=2000, ge=10, le=20_000)
    tracer_skus: int = Field(default=24, ge=1, le=200)
    skew: float = Field(default=1.1, gt=0, le=3)
    lines_per_sale: tuple[int, int] = (1, 3)
    refund_share: float = Field(default=0.03, ge=0, le=0.5)
    #: opening stock per store = expected demand over the run x a seeded factor in this range
    stock_cover: tuple[float, float] = (0.3, 2.0)
    dc_stock: int = Field(default=500, ge=0)
    tracer_stock: int = Field(default=100_000, ge=1)


class EmulatorSpec(_Strict):
    """How the emulators run: workers of the POS/WMS server, NetSuite's governance profile."""

    workers: int = Field(default=2, ge=1, le=16)
    threads: int = Field(default=16, ge=1, le=256)
    netsuite_workers: int = Field(default=1, ge=1, le=16)
    netsuite_concurrency: int = Field(default=5, ge=1, le=1000)
    #: seconds of emulated service time per NetSuite operation (create, update, upsert, get, suiteql, ...)
    netsuite_service_time: dict[str, float] = Field(
        default_factory=lambda: {  # seconds
            "create": 0.2,
            "update": 0.2,
            "upsert": 0.2,
            "delete": 0.2,
            "transform": 0.2,
            "get": 0.05,
            "list": 0.05,
            "suiteql": 0.1,
            "metadata": 0.05,
            "async": 0.05,
        }
    )
    allow_negative_inventory: bool = True


class EngineSpec(_Strict):
    """The connector under test, started in daemon mode with the ERPSIM_* variables."""

    command: list[str] = Field(default_factory=lambda: ["{python}", "-m", "sync", "--daemon"])
    enabled: bool = True
    mutant: str = ""
    env: dict[str, str] = Field(default_factory=dict)
    #: seconds to wait after the load for the engine to catch up before drift is measured
    settle_seconds: float = Field(default=20, ge=0, le=3600)
    #: seconds the engine may take for its first pass before the load starts
    warmup_seconds: float = Field(default=60, ge=0, le=3600)
    #: a line the connector prints on stdout once its first pass (the initial sync) is done: the load starts
    #: then; "" for a connector that prints none (then: its webhook subscriptions, or NetSuite quiet for 3 s)
    ready_line: str = "erpsim-sync daemon: first pass done"


class Stage(_Strict):
    """One stage of the shape: ``seconds`` long, the sale rate moving linearly to ``rate``."""

    seconds: float = Field(gt=0)
    rate: float = Field(ge=0)


class Spike(_Strict):
    """A burst: from ``at`` seconds for ``seconds``, the rate is multiplied by ``factor``."""

    at: float = Field(ge=0)
    seconds: float = Field(gt=0)
    factor: float = Field(gt=0)


class ShapeSpec(_Strict):
    """The arrival rate of POS sales over time; every other channel scales with it."""

    kind: Literal["ramp", "peak", "soak", "steady"] = "peak"
    start_rate: float = Field(default=0, ge=0)
    stages: list[Stage]
    spikes: list[Spike] = Field(default_factory=list)

    @property
    def duration(self) -> float:
        """Seconds from start to the end of the last stage."""
        return sum(s.seconds for s in self.stages)

    @property
    def peak_rate(self) -> float:
        """The highest rate the shape asks for, spikes included."""
        top = max([self.start_rate] + [s.rate for s in self.stages])
        return top * max([1.0] + [s.factor for s in self.spikes])

    def rate_at(self, t: float) -> float | None:
        """POS sales per second wanted at ``t`` seconds, or None once the shape is over."""
        begin, rate = 0.0, self.start_rate
        for stage in self.stages:
            if t < begin + stage.seconds:
                base = rate + (stage.rate - rate) * (t - begin) / stage.seconds
                factor = 1.0
                for spike in self.spikes:
                    if spike.at <= t < spike.at + spike.seconds:
                        factor *= spike.factor
                return base * factor
            begin, rate = begin + stage.seconds, stage.rate
        return None


class RateSpec(_Strict):
    """How fast each kind of user acts; user counts follow the shape so arrival rates do."""

    sales_per_till: float = Field(default=1.0, gt=0, le=50)
    #: warehouse movements and web order attempts per second, at the shape's top (non-spike) rate
    warehouse_per_second: float = Field(default=5, ge=0)
    web_per_second: float = Field(default=2, ge=0)
    actions_per_warehouse_user: float = Field(default=0.5, gt=0)
    actions_per_web_user: float = Field(default=0.5, gt=0)
    #: new lag probes per second (each one sale or movement of a tracer SKU) and NetSuite polls per second
    tracer_per_second: float = Field(default=5, ge=0)
    tracer_poll_per_second: float = Field(default=10, gt=0, le=100)
    monitor_per_second: float = Field(default=1, gt=0, le=10)
    #: share of web attempts asking for a bestseller (top 1 % of SKUs), where stock-outs happen
    web_bestseller_share: float = Field(default=0.6, ge=0, le=1)
    warehouse_mix: dict[str, float] = Field(
        default_factory=lambda: {"receipt": 2.0, "damage": 1.0, "count": 1.0}
    )


class Slo(_Strict):
    """One service-level objective: ``metric op target``; ``severity`` must (FAIL) or should (CONDITIONAL)."""

    name: str
    metric: str
    op: Literal["<=", "<", ">=", ">", "=="]
    target: float
    severity: Literal["must", "should"] = "must"


class Profile(_Strict):
    """A whole load profile."""

    name: str
    description: str = ""
    world: WorldSpec = Field(default_factory=WorldSpec)
    emulators: EmulatorSpec = Field(default_factory=EmulatorSpec)
    engine: EngineSpec = Field(default_factory=EngineSpec)
    shape: ShapeSpec
    rates: RateSpec = Field(default_factory=RateSpec)
    slo: list[Slo] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_metrics(self) -> Profile:
        from .slo import METRICS

        unknown = [s.metric for s in self.slo if s.metric not in METRICS]
        if unknown:
            raise ValueError(
                f"unknown SLO metric(s): {', '.join(unknown)} (known: {', '.join(sorted(METRICS))})"
            )
        return self


def profile_path(name_or_path: str) -> Path:
    """The TOML file of a profile name (``load/profiles/NAME.toml``) or a path."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        return path
    return PROFILE_DIR / f"{name_or_path}.toml"


def load_profile(name_or_path: str) -> Profile:
    """Read and validate a profile; ValueError with the reason when it is missing or wrong."""
    path = profile_path(name_or_path)
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in PROFILE_DIR.glob("*.toml")))
        raise ValueError(f"no load profile {name_or_path!r} (known: {known})")
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return Profile.model_validate(data)


def load_slos(path: str) -> list[Slo]:
    """The ``[[slo]]`` entries of a TOML file (to judge a run against another set of objectives)."""
    with Path(path).open("rb") as fh:
        data = tomllib.load(fh)
    return [Slo.model_validate(s) for s in data.get("slo", [])]
