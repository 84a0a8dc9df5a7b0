"""A run's observed metrics, from Locust's CSV, the probes' JSON lines files and the end-of-run stock views."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .profile import Profile

BUSINESS = "BUSINESS"


def read_jsonl(run_dir: Path, kind: str) -> list[dict[str, Any]]:
    """Every row of every process's ``<kind>-<pid>.jsonl`` file, in time order when rows have ``t``/``t0``."""
    rows: list[dict[str, Any]] = []
    for path in sorted(run_dir.glob(f"{kind}-*.jsonl")):
        for line in path.read_text().splitlines():
            if line.strip():
                rows.append(json.loads(line))
    rows.sort(key=lambda r: r.get("t", r.get("t0", 0)) or 0)
    return rows


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) by nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def locust_rows(run_dir: Path) -> list[dict[str, str]]:
    """The rows of Locust's ``locust_stats.csv`` (every request name, then Aggregated)."""
    path = run_dir / "locust_stats.csv"
    if not path.is_file():
        return []
    with path.open() as fh:
        return list(csv.DictReader(fh))


def _slope_per_minute(points: Iterable[tuple[float, float]]) -> float | None:
    pts = list(points)
    if len(pts) < 3:
        return None
    n = len(pts)
    mx = sum(x for x, _ in pts) / n
    my = sum(y for _, y in pts) / n
    var = sum((x - mx) ** 2 for x, _ in pts)
    if var == 0:
        return None
    return 60 * sum((x - mx) * (y - my) for x, y in pts) / var


def busiest(rows: list[dict[str, Any]], key: str, window: float = 10.0) -> float | None:
    """The highest per-second rate of ``key`` over any ``window`` seconds of monitor rows."""
    if not rows:
        return None
    best = 0.0
    for i, row in enumerate(rows):
        total, span, j = 0.0, 0.0, i
        while j < len(rows) and rows[j]["t"] - row["t"] < window:
            total += rows[j][key]
            span += rows[j]["dt"]
            j += 1
        if span >= window * 0.8:
            best = max(best, total / span)
    return best if best else (sum(r[key] for r in rows) / max(1e-9, sum(r["dt"] for r in rows)))


def load_window(run_dir: Path, fallback: tuple[float, float]) -> tuple[float, float]:
    """First and last second in which Locust's users sent requests (from its stats history)."""
    path = run_dir / "locust_stats_history.csv"
    if not path.is_file():
        return fallback
    with path.open() as fh:
        stamps = [
            int(r["Timestamp"])
            for r in csv.DictReader(fh)
            if r["Name"] == "Aggregated" and float(r["Requests/s"] or 0) > 0
        ]
    return (float(min(stamps)), float(max(stamps))) if len(stamps) >= 2 else fallback


def observe(
    profile: Profile, run_dir: Path, window: tuple[float, float], drift: dict[str, Any] | None
) -> dict[str, Any]:
    """Every metric of ``load.slo.METRICS`` that the run produced (None where it has no data)."""
    start, end = load_window(run_dir, window)
    lags = read_jsonl(run_dir, "lag")
    sale_lags = [
        r["lag_s"] if r["lag_s"] is not None else max(0.0, end - r["t0"]) for r in lags if r["kind"] == "sale"
    ]
    move_lags = [
        r["lag_s"] if r["lag_s"] is not None else max(0.0, end - r["t0"])
        for r in lags
        if r["kind"] == "movement"
    ]
    monitor = [r for r in read_jsonl(run_dir, "monitor") if start <= r["t"] <= end + 1]
    web = read_jsonl(run_dir, "web")
    stats = {r["Name"]: r for r in locust_rows(run_dir)}
    by_type = [r for r in locust_rows(run_dir) if r["Type"] != BUSINESS and r["Name"] != "Aggregated"]
    requests = sum(int(r["Request Count"]) for r in by_type)
    failures = sum(int(r["Failure Count"]) for r in by_type)
    sale = stats.get("pos: sale")
    sales = int(sale["Request Count"]) - int(sale["Failure Count"]) if sale else 0
    duration = max(1e-9, end - start)
    seconds = sum(r["dt"] for r in monitor)
    svc = profile.emulators.netsuite_service_time.get("create", 0.0)
    # resolved probes only: an unresolved one's lower bound (end - t0) shrinks with t0 and would fake a fall
    sale_points = [
        (r["t0"] - start, r["lag_s"]) for r in lags if r["kind"] == "sale" and r["lag_s"] is not None
    ]
    out: dict[str, Any] = {
        "lag_sale_p50_s": percentile(sale_lags, 50),
        "lag_sale_p95_s": percentile(sale_lags, 95),
        "lag_sale_p99_s": percentile(sale_lags, 99),
        "lag_sale_max_s": max(sale_lags) if sale_lags else None,
        "lag_movement_p99_s": percentile(move_lags, 99),
        "lag_samples": len(lags),
        "lag_unresolved": sum(1 for r in lags if r["lag_s"] is None),
        "lag_growth_s_per_min": _slope_per_minute(sale_points),
        "sales_total": sales,
        "sales_per_s": sales / duration,
        "sales_per_s_peak": _peak_sales(run_dir, sales / duration),
        "engine_lines_per_s": sum(r["lines"] for r in monitor) / seconds if seconds else None,
        "engine_writes_per_s": sum(r["writes"] for r in monitor) / seconds if seconds else None,
        "engine_writes_per_s_peak": busiest(monitor, "writes"),
        "governance_bound_writes_per_s": profile.emulators.netsuite_concurrency / svc if svc else None,
        "netsuite_429s": sum(r["r429"] for r in monitor) if monitor else None,
        "oversells": sum(1 for r in web if r["oversold"]),
        "web_orders": len(web),
        "drift_pairs": drift["pairs"] if drift else None,
        "drift_units": drift["units"] if drift else None,
        "drift_pairs_unexplained": drift["by_kind"]["other"] if drift else None,
        "error_rate": failures / requests if requests else None,
        "requests_total": requests,
    }
    return out


def _peak_sales(run_dir: Path, fallback: float) -> float:
    path = run_dir / "locust_stats_history.csv"
    if not path.is_file():
        return fallback
    with path.open() as fh:
        rows = [r for r in csv.DictReader(fh) if r["Name"] == "pos: sale"]
    points = [(int(r["Timestamp"]), int(r["Total Request Count"])) for r in rows]
    best = 0.0
    for i, (t, n) in enumerate(points):
        for t2, n2 in points[i + 1 :]:
            if t2 - t >= 10:
                best = max(best, (n2 - n) / (t2 - t))
                break
    return best or fallback


def drift_between(views: dict[str, dict[tuple[str, int], float]], dc_location: int) -> dict[str, Any]:
    """Item/location pairs whose NetSuite on hand differs from the satellite that holds the stock, by kind."""
    ns = views["netsuite"]
    satellite = {**views["pos"], **views["wms"]}
    keys = set(satellite) | {k for k in ns if k[1] == dc_location or k in views["pos"]}
    committed = views.get("committed", {})
    diffs: list[dict[str, Any]] = []
    kinds = {"committed": 0, "negative": 0, "other": 0}
    for key in sorted(keys):
        a, b = ns.get(key, 0.0), satellite.get(key, 0.0)
        if abs(a - b) > 1e-6:
            # what the satellite holds instead: NetSuite's availability (on hand less web-order commitments),
            # or zero where NetSuite is negative -- the shapes an availability push gives
            kind = (
                "committed"
                if abs(a - committed.get(key, 0.0) - b) < 1e-6
                else "negative"
                if a < 0 and abs(b) < 1e-6
                else "other"
            )
            kinds[kind] += 1
            diffs.append(
                {
                    "sku": key[0],
                    "location": key[1],
                    "netsuite": a,
                    "satellite": b,
                    "diff": a - b,
                    "committed": committed.get(key, 0.0),
                    "kind": kind,
                }
            )
    return {
        "pairs": len(diffs),
        "units": sum(abs(float(d["diff"])) for d in diffs),
        "checked": len(keys),
        "by_kind": kinds,
        "examples": [d for d in diffs if d["kind"] == "other"][:50]
        + [d for d in diffs if d["kind"] != "other"][:20],
    }
