"""The load shape: POS sales per second over time (ramp, peak with spikes, soak) turned into user counts.

Each user acts at a fixed pace (``constant_pacing``), so the number of users running is the arrival rate:
tills = sales/s / sales_per_till, and the warehouse and web channels scale with the same curve. The class
weights (users.py) are each class's share at the top rate, so Locust's split of the total keeps the mix.
``ERPSIM_LOAD_RUN_TIME`` (set by ``--run-time``) stretches or cuts the shape to that many seconds.
"""

from __future__ import annotations

from locust import LoadTestShape

from .arrival import fitted, run_time_override, users_at
from .context import load_context


class ProfileShape(LoadTestShape):
    """The profile's shape: ticks every second with the user count for the current arrival rate."""

    def tick(self) -> tuple[int, float] | None:
        """(users, spawn rate) now, or None when the shape is over (Locust then stops)."""
        profile = load_context().profile
        shape = fitted(profile.shape, run_time_override())
        rate = shape.rate_at(self.get_run_time())
        if rate is None:
            return None
        users = users_at(profile, rate)
        return users, float(max(50, users))
