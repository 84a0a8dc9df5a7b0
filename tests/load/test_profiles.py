"""Load profiles, shapes, SLO verdicts, the catalogue and the run's arithmetic (no Locust imported here)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from load.arrival import FIXED_USERS, fitted, users_at, users_at_top
from load.catalog import build_catalogue, opening_stock, zipf_shares
from load.profile import PROFILE_DIR, Profile, Slo, load_profile
from load.results import drift_between, percentile
from load.slo import exit_code, judge


@pytest.mark.parametrize("name", sorted(p.stem for p in PROFILE_DIR.glob("*.toml")))
def test_every_shipped_profile_is_valid(name: str) -> None:
    profile = load_profile(name)
    assert profile.name == name and profile.shape.duration > 0


def test_unknown_profile_and_unknown_metric_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="no load profile 'nope' \\(known: .*smoke"):
        load_profile("nope")
    with pytest.raises(ValidationError, match="unknown SLO metric\\(s\\): lag_p42"):
        Profile.model_validate(
            {
                "name": "x",
                "shape": {"stages": [{"seconds": 1, "rate": 1}]},
                "slo": [{"name": "n", "metric": "lag_p42", "op": "<=", "target": 1}],
            }
        )


def test_peak_shape_ramps_holds_spikes_and_ends() -> None:
    shape = Profile.model_validate(
        {
            "name": "x",
            "shape": {
                "stages": [{"seconds": 10, "rate": 300}, {"seconds": 60, "rate": 300}],
                "spikes": [{"at": 30, "seconds": 5, "factor": 1.5}],
            },
        }
    ).shape
    assert [shape.rate_at(t) for t in (0, 5, 10, 29.9, 30, 34.9, 35, 69.9)] == [
        0,
        150,
        300,
        300,
        450,
        450,
        300,
        300,
    ]
    assert shape.rate_at(70) is None and shape.duration == 70 and shape.peak_rate == 450


def test_run_time_cuts_or_stretches_the_longest_stage() -> None:
    shape = Profile.model_validate(
        {
            "name": "x",
            "shape": {
                "stages": [
                    {"seconds": 10, "rate": 100},
                    {"seconds": 60, "rate": 100},
                    {"seconds": 5, "rate": 0},
                ]
            },
        }
    ).shape
    assert [s.seconds for s in fitted(shape, 20).stages] == [10, 10]
    assert [s.seconds for s in fitted(shape, 135).stages] == [10, 120, 5]
    assert fitted(shape, None) is shape


def test_user_counts_follow_the_arrival_rate() -> None:
    profile = Profile.model_validate(
        {
            "name": "x",
            "shape": {"stages": [{"seconds": 10, "rate": 300}]},
            "rates": {
                "sales_per_till": 2,
                "warehouse_per_second": 5,
                "actions_per_warehouse_user": 0.5,
                "web_per_second": 2,
                "actions_per_web_user": 0.5,
            },
        }
    )
    assert users_at_top(profile) == {"till": 150, "warehouse": 10, "web": 4}
    assert users_at(profile, 300) == FIXED_USERS + 164
    assert users_at(profile, 150) == FIXED_USERS + 75 + 5 + 2
    assert users_at(profile, 0) == FIXED_USERS


def _slo(metric: str, op: str, target: float, severity: str = "must") -> Slo:
    return Slo.model_validate(
        {"name": metric, "metric": metric, "op": op, "target": target, "severity": severity}
    )


def test_verdicts_pass_conditional_and_fail() -> None:
    slos = [_slo("lag_sale_p99_s", "<=", 2), _slo("oversells", "==", 0, "should")]
    verdict, results = judge(slos, {"lag_sale_p99_s": 1.5, "oversells": 0})
    assert (verdict, [r.status for r in results], exit_code(verdict)) == ("PASS", ["PASS", "PASS"], 0)
    verdict, results = judge(slos, {"lag_sale_p99_s": 1.5, "oversells": 3})
    assert (verdict, [r.status for r in results], exit_code(verdict)) == ("CONDITIONAL", ["PASS", "FAIL"], 0)
    verdict, results = judge(slos, {"lag_sale_p99_s": None, "oversells": 0})
    assert (verdict, [r.status for r in results]) == ("CONDITIONAL", ["NO DATA", "PASS"])
    verdict, results = judge(slos, {"lag_sale_p99_s": 2.5, "oversells": 0})
    assert (verdict, [r.status for r in results], exit_code(verdict)) == ("FAIL", ["FAIL", "PASS"], 1)


def test_catalogue_is_reproducible_and_skewed() -> None:
    a, b = build_catalogue(7, 1000, 4, 1.1, 3), build_catalogue(7, 1000, 4, 1.1, 3)
    assert (
        a == b
        and len(a.skus) == 1000
        and [t.sku for t in a.tracers] == ["TRACE-001", "TRACE-002", "TRACE-003"]
    )
    assert all(s.price_cents % 20 == 0 for s in a.skus)
    assert 0.3 < a.top_share(0.01) < 0.5 and abs(sum(zipf_shares(1000, 1.1)) - 1) < 1e-9
    stock = opening_stock(a, 7, 1000.0, (0.5, 1.5))
    assert stock == opening_stock(a, 7, 1000.0, (0.5, 1.5)) and min(stock.values()) == 2
    assert stock[(a.skus[0].sku, 0)] > stock[(a.skus[-1].sku, 0)]


def test_percentiles_by_nearest_rank_and_drift_by_pair() -> None:
    assert (percentile([], 99), percentile([3, 1, 2], 50), percentile(list(range(1, 101)), 99)) == (
        None,
        2,
        99,
    )
    views = {
        "netsuite": {("A", 1): 5.0, ("A", 2): 7.0, ("B", 2): 1.0},
        "wms": {("A", 1): 5.0},
        "pos": {("A", 2): 4.0, ("B", 2): 1.0},
    }
    drift = drift_between(views, dc_location=1)
    other = {
        "sku": "A",
        "location": 2,
        "netsuite": 7.0,
        "satellite": 4.0,
        "diff": 3.0,
        "committed": 0.0,
        "kind": "other",
    }
    assert drift == {
        "pairs": 1,
        "units": 3.0,
        "checked": 3,
        "by_kind": {"committed": 0, "negative": 0, "other": 1},
        "examples": [other],
    }
    views["committed"] = {("A", 2): 3.0}
    views["netsuite"][("B", 2)] = -2.0
    views["pos"][("B", 2)] = 0.0
    assert drift_between(views, dc_location=1)["by_kind"] == {"committed": 1, "negative": 1, "other": 0}
