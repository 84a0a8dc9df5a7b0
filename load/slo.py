"""SLO evaluation: each objective against the run's observed metrics, and the verdict of the run.

PASS: every objective met. FAIL: a ``must`` objective missed (the run exits non-zero). CONDITIONAL: only
``should`` objectives missed, or an objective had no data (its metric was never observed in the run).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .profile import Slo

#: metric name -> (unit, what it is); the run computes each one (see load/results.py)
METRICS: dict[str, tuple[str, str]] = {
    "lag_sale_p50_s": (
        "s",
        "stock lag POS sale -> NetSuite on hand, median (tracer sales; unresolved count as lower bounds)",
    ),
    "lag_sale_p95_s": ("s", "stock lag POS sale -> NetSuite, 95th percentile"),
    "lag_sale_p99_s": ("s", "stock lag POS sale -> NetSuite, 99th percentile"),
    "lag_sale_max_s": ("s", "stock lag POS sale -> NetSuite, worst"),
    "lag_movement_p99_s": ("s", "stock lag WMS movement -> NetSuite, 99th percentile"),
    "lag_samples": ("", "lag probes taken (sales and movements)"),
    "lag_unresolved": ("", "lag probes NetSuite had not shown when the load stopped"),
    "lag_growth_s_per_min": (
        "s/min",
        "slope of the resolved sale lags against the time of sale (a growing queue: positive)",
    ),
    "sales_total": ("", "POS sales rung (till users, accepted by the POS)"),
    "sales_per_s": ("1/s", "POS sales per second over the run"),
    "sales_per_s_peak": ("1/s", "POS sales per second in the busiest 10 s"),
    "engine_lines_per_s": ("1/s", "inventory adjustment lines written into NetSuite per second (whole run)"),
    "engine_writes_per_s": ("1/s", "inventory adjustment writes into NetSuite per second (whole run)"),
    "engine_writes_per_s_peak": ("1/s", "inventory adjustment writes per second in the busiest 10 s"),
    "governance_bound_writes_per_s": ("1/s", "NetSuite's bound: concurrency limit / write service time"),
    "netsuite_429s": ("", "NetSuite requests refused with 429 (every caller)"),
    "oversells": ("", "web orders accepted on NetSuite availability for stock the tills had already sold"),
    "web_orders": ("", "web orders NetSuite accepted"),
    "drift_pairs": (
        "",
        "item/location pairs whose on hand differs between NetSuite and the satellite at the end",
    ),
    "drift_units": ("", "sum of the absolute on-hand differences at the end"),
    "drift_pairs_unexplained": (
        "",
        "drifting pairs where the satellite holds neither NetSuite's availability (on hand "
        "less commitments) nor zero for a negative NetSuite on hand",
    ),
    "error_rate": ("", "share of the load's own requests that failed (business metrics excluded)"),
    "requests_total": ("", "requests the load users sent"),
}

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
}


@dataclass(frozen=True)
class SloResult:
    """One objective judged: PASS, FAIL, or NO DATA."""

    name: str
    metric: str
    op: str
    target: float
    severity: str
    observed: float | None
    status: str


def judge(slos: Sequence[Slo], observed: Mapping[str, float | None]) -> tuple[str, list[SloResult]]:
    """The verdict (PASS / CONDITIONAL / FAIL) and each objective's result."""
    results = []
    for slo in slos:
        value = observed.get(slo.metric)
        if value is None:
            status = "NO DATA"
        else:
            status = "PASS" if _OPS[slo.op](float(value), slo.target) else "FAIL"
        results.append(SloResult(slo.name, slo.metric, slo.op, slo.target, slo.severity, value, status))
    if any(r.status == "FAIL" and r.severity == "must" for r in results):
        verdict = "FAIL"
    elif any(r.status != "PASS" for r in results):
        verdict = "CONDITIONAL"
    else:
        verdict = "PASS"
    return verdict, results


def exit_code(verdict: str) -> int:
    """The process exit status for a verdict: non-zero only on FAIL."""
    return 1 if verdict == "FAIL" else 0
