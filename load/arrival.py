"""Arrival rates as user counts (pure functions, no Locust import: the run process uses them too).

Each user acts at a fixed pace, so the number of users running is the arrival rate: tills = sales/s /
sales_per_till; the warehouse and web channels scale with the same curve.
"""

from __future__ import annotations

import math
import os

from .profile import Profile, ShapeSpec, Stage

FIXED_USERS = 2  # the tracer and the monitor


def users_at_top(profile: Profile) -> dict[str, float]:
    """Users of each class at the shape's top (non-spike) sale rate."""
    rates = profile.rates
    top = max([profile.shape.start_rate] + [s.rate for s in profile.shape.stages]) or 1.0
    return {
        "till": top / rates.sales_per_till,
        "warehouse": rates.warehouse_per_second / rates.actions_per_warehouse_user,
        "web": rates.web_per_second / rates.actions_per_web_user,
    }


def fitted(shape: ShapeSpec, run_time: float | None) -> ShapeSpec:
    """The shape cut or stretched to ``run_time`` seconds (the longest stage absorbs the difference)."""
    if not run_time or abs(run_time - shape.duration) < 1e-9:
        return shape
    if run_time < shape.duration:
        stages, left = [], run_time
        for stage in shape.stages:
            if left <= 0:
                break
            stages.append(Stage(seconds=min(stage.seconds, left), rate=stage.rate))
            left -= stage.seconds
        return shape.model_copy(update={"stages": stages})
    longest = max(range(len(shape.stages)), key=lambda i: shape.stages[i].seconds)
    stages = [
        Stage(seconds=s.seconds + (run_time - shape.duration if i == longest else 0), rate=s.rate)
        for i, s in enumerate(shape.stages)
    ]
    return shape.model_copy(update={"stages": stages})


def run_time_override() -> float | None:
    """Seconds from ``ERPSIM_LOAD_RUN_TIME``, if set."""
    raw = os.environ.get("ERPSIM_LOAD_RUN_TIME", "")
    return float(raw) if raw else None


def users_at(profile: Profile, rate: float) -> int:
    """Total users (fixed probes included) for a sale rate."""
    top = max([profile.shape.start_rate] + [s.rate for s in profile.shape.stages]) or 1.0
    factor = rate / top
    return FIXED_USERS + sum(math.ceil(n * factor - 1e-9) for n in users_at_top(profile).values())
