"""The closed-period policy, read from NetSuite over SuiteQL."""

from __future__ import annotations

from typing import Any

import pytest

from sync.periods import ClosedPeriod
from tests.sync.conftest import World


def test_closed_period_parks_or_redates_to_the_first_open_period(fresh: World, make_engine: Any) -> None:
    fresh.control("netsuite", "POST", "seed", {"baseline": True})
    fresh.act("netsuite", "close_period", {"periodName": "Dec 2025"})
    fresh.act("netsuite", "lock_period", {"periodName": "Nov 2025", "scope": "ap"})
    strict = make_engine().ctx.period_policy
    assert strict.date_for("2026-01-10") == "2026-01-10"
    with pytest.raises(ClosedPeriod, match="2025-12-15 is in accounting period Dec 2025, which is closed"):
        strict.date_for("2025-12-15")
    assert strict.date_for("2025-11-15", "ar") == "2025-11-15"
    with pytest.raises(ClosedPeriod, match="locked for accounts payable"):
        strict.date_for("2025-11-15", "ap")
    redating = make_engine(closed_period="first-open").ctx.period_policy
    assert redating.date_for("2025-12-15") == "2026-01-01"
    # a lock is not a close: re-dating applies to closed periods only
    with pytest.raises(ClosedPeriod):
        redating.date_for("2025-11-15", "ap")
    unchecked = make_engine(mutant="no-period-check").ctx.period_policy
    assert unchecked.date_for("2025-12-15") == "2025-12-15"
