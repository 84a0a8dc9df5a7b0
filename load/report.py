"""The peak-readiness report: the SLO table (target vs observed), and plots of lag, engine throughput against
NetSuite's governance bound, 429s, oversells and CPU per process over the run. One self-contained HTML file
(plots embedded) plus each plot as a PNG beside it.
"""

from __future__ import annotations

import base64
import csv
import html
import os
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .profile import Profile  # noqa: E402
from .results import percentile, read_jsonl  # noqa: E402
from .slo import METRICS, SloResult  # noqa: E402

PLOTS = ("lag", "throughput", "refusals", "oversells", "cpu")


def _figure() -> tuple[Any, Any]:
    fig, ax = plt.subplots(figsize=(9, 3.4), dpi=100)
    ax.grid(alpha=0.3)
    return fig, ax


def _save(fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_lag(run_dir: Path, start: float, end: float, target: float | None) -> Path:
    """Lag of every probe against the time of its sale/movement, with a rolling p99 and the SLO target."""
    rows = read_jsonl(run_dir, "lag")
    fig, ax = _figure()
    for kind, colour in (("sale", "tab:blue"), ("movement", "tab:green")):
        pts = [(r["t0"] - start, r["lag_s"]) for r in rows if r["kind"] == kind and r["lag_s"] is not None]
        if pts:
            ax.scatter(*zip(*pts, strict=True), s=6, alpha=0.5, color=colour, label=f"{kind} -> NetSuite")
    open_pts = [(r["t0"] - start, end - r["t0"]) for r in rows if r["lag_s"] is None]
    if open_pts:
        ax.scatter(
            *zip(*open_pts, strict=True),
            s=14,
            marker="^",
            color="tab:red",
            label="not in NetSuite when the load stopped (lower bound)",
        )
    sales = sorted(
        (r["t0"] - start, r["lag_s"]) for r in rows if r["kind"] == "sale" and r["lag_s"] is not None
    )
    if sales:
        xs, ys = [], []
        for x, _ in sales[:: max(1, len(sales) // 200)]:
            window = [lag for t, lag in sales if x - 10 <= t <= x]
            xs.append(x)
            ys.append(percentile(window, 99))
        ax.plot(xs, ys, color="black", linewidth=1, label="p99 of the last 10 s")
    if target is not None:
        ax.axhline(target, color="tab:red", linestyle="--", linewidth=1, label=f"SLO p99 <= {target:g} s")
    ax.set_xlabel("time of the sale or movement (s from load start)")
    ax.set_ylabel("stock lag (s)")
    ax.set_title("Stock lag: satellite -> NetSuite on hand")
    ax.legend(fontsize=7, loc="upper left")
    return _save(fig, run_dir / "plot-lag.png")


def _sales_rate(run_dir: Path, start: float) -> list[tuple[float, float]]:
    path = run_dir / "locust_stats_history.csv"
    if not path.is_file():
        return []
    with path.open() as fh:
        rows = [r for r in csv.DictReader(fh) if r["Name"] == "pos: sale"]
    out, prev = [], None
    for r in rows:
        t, n = int(r["Timestamp"]), int(r["Total Request Count"])
        if prev is not None and t > prev[0]:
            out.append((t - start, (n - prev[1]) / (t - prev[0])))
        prev = (t, n)
    return out


def plot_throughput(run_dir: Path, start: float, bound: float | None) -> Path:
    """Engine adjustment writes/s against the governance bound, lines/s and POS sales/s."""
    rows = read_jsonl(run_dir, "monitor")
    fig, ax = _figure()
    xs = [r["t"] - start for r in rows]
    ax.plot(xs, [r["writes"] / r["dt"] for r in rows], color="tab:orange", label="engine adjustment writes/s")
    if bound:
        ax.axhline(
            bound,
            color="tab:red",
            linestyle="--",
            linewidth=1,
            label=f"governance bound {bound:g} writes/s (limit / write service time)",
        )
    ax.set_ylabel("writes/s")
    ax2 = ax.twinx()
    ax2.plot(
        xs, [r["lines"] / r["dt"] for r in rows], color="tab:blue", linewidth=1, label="adjustment lines/s"
    )
    sales = _sales_rate(run_dir, start)
    if sales:
        ax2.plot(*zip(*sales, strict=True), color="tab:gray", linewidth=1, linestyle=":", label="POS sales/s")
    ax2.set_ylabel("lines/s, sales/s")
    ax.set_xlabel("s from load start")
    ax.set_title("Engine throughput into NetSuite")
    handles = ax.get_legend_handles_labels()
    handles2 = ax2.get_legend_handles_labels()
    ax.legend(handles[0] + handles2[0], handles[1] + handles2[1], fontsize=7, loc="upper left")
    return _save(fig, run_dir / "plot-throughput.png")


def plot_refusals(run_dir: Path, start: float) -> Path:
    """NetSuite 429s per second (every caller) and 5xx."""
    rows = read_jsonl(run_dir, "monitor")
    fig, ax = _figure()
    xs = [r["t"] - start for r in rows]
    ax.plot(
        xs, [r["r429"] / r["dt"] for r in rows], color="tab:red", label="429 CONCURRENCY_LIMIT_EXCEEDED /s"
    )
    ax.plot(xs, [r["errors5xx"] / r["dt"] for r in rows], color="black", linewidth=1, label="5xx /s")
    ax.set_xlabel("s from load start")
    ax.set_ylabel("per second")
    ax.set_title("NetSuite refusals")
    ax.legend(fontsize=7, loc="upper left")
    return _save(fig, run_dir / "plot-429s.png")


def plot_oversells(run_dir: Path, start: float) -> Path:
    """Web orders accepted and oversells, cumulative."""
    rows = read_jsonl(run_dir, "web")
    fig, ax = _figure()
    xs = [r["t"] - start for r in rows]
    ax.step(xs, range(1, len(rows) + 1), where="post", color="tab:blue", label="web orders accepted")
    over = [r["t"] - start for r in rows if r["oversold"]]
    ax.step(
        over, range(1, len(over) + 1), where="post", color="tab:red", label="oversold (tills had sold it)"
    )
    ax.set_xlabel("s from load start")
    ax.set_ylabel("orders (cumulative)")
    ax.set_title("Web orders and oversells")
    ax.legend(fontsize=7, loc="upper left")
    return _save(fig, run_dir / "plot-oversells.png")


def plot_cpu(run_dir: Path, start: float) -> Path:
    """CPU cores used by each process tree over time (from /proc), and the machine's load average."""
    rows = read_jsonl(run_dir, "cpu")
    fig, ax = _figure()
    names = sorted({k for r in rows for k in r if k not in ("t", "load1")})
    for name in names:
        pts = []
        for a, b in zip(rows, rows[1:], strict=False):
            if name in a and name in b and b["t"] > a["t"]:
                pts.append((b["t"] - start, (b[name] - a[name]) / (b["t"] - a["t"])))
        if pts:
            ax.plot(*zip(*pts, strict=True), linewidth=1, label=name)
    ax.plot(
        [r["t"] - start for r in rows],
        [r["load1"] for r in rows],
        color="black",
        linestyle=":",
        linewidth=1,
        label="load average (1 min)",
    )
    ax.set_xlabel("s from load start")
    ax.set_ylabel("CPU cores")
    ax.set_title("CPU per process tree (2 cores on this machine)")
    ax.legend(fontsize=7, loc="upper left", ncol=2)
    return _save(fig, run_dir / "plot-cpu.png")


def health_table(run_dir: Path, start: float, end: float) -> str:
    """Emulator health: the load's requests per emulator (Locust), NetSuite's whole journal, CPU per process."""
    per: dict[str, dict[str, float]] = {}
    path = run_dir / "locust_stats.csv"
    if path.is_file():
        with path.open() as fh:
            for r in csv.DictReader(fh):
                if r["Type"] in ("BUSINESS", "") or ":" not in r["Name"]:
                    continue
                sys_name = r["Name"].split(":", 1)[0]
                agg = per.setdefault(sys_name, {"n": 0, "fail": 0, "rps": 0.0, "ms": 0.0, "p95": 0.0})
                n = int(r["Request Count"])
                agg["n"] += n
                agg["fail"] += int(r["Failure Count"])
                agg["rps"] += float(r["Requests/s"] or 0)
                agg["ms"] += n * float(r["Average Response Time"] or 0)
                agg["p95"] = max(agg["p95"], float(r["95%"] or 0))
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{int(v['n'])}</td><td>{v['rps']:.1f}</td><td>{int(v['fail'])}</td>"
        f"<td>{v['ms'] / max(1, v['n']):.0f}</td><td>{v['p95']:.0f}</td></tr>"
        for k, v in sorted(per.items())
    )
    monitor = [r for r in read_jsonl(run_dir, "monitor") if start <= r["t"] <= end + 1]
    if monitor:
        n = sum(r["requests"] for r in monitor)
        secs = max(1e-9, sum(r["dt"] for r in monitor))
        mean = sum(r["mean_ms"] * r["requests"] for r in monitor) / max(1, n)
        rows += (
            f"<tr><td>netsuite (every caller, journal)</td><td>{n}</td><td>{n / secs:.1f}</td>"
            f"<td>{sum(r['r429'] for r in monitor)} x 429, {sum(r['errors5xx'] for r in monitor)} x 5xx</td>"
            f"<td>{mean:.0f}</td><td>-</td></tr>"
        )
    cpu = [r for r in read_jsonl(run_dir, "cpu") if start <= r["t"] <= end]
    cores = ""
    if len(cpu) >= 2:
        a, b = cpu[0], cpu[-1]
        span = max(1e-9, b["t"] - a["t"])
        cores = ", ".join(f"{k} {(b[k] - a[k]) / span:.2f}" for k in b if k not in ("t", "load1") and k in a)
        cores = (
            f"<p>CPU cores used during the load (from /proc): {html.escape(cores)}; load average "
            f"{sum(r['load1'] for r in cpu) / len(cpu):.1f} on {os.cpu_count()} cores.</p>"
        )
    return (
        "<table><tr><th>emulator</th><th>requests</th><th>per s</th><th>failures</th><th>mean ms</th>"
        f"<th>worst p95 ms</th></tr>{rows}</table>{cores}"
    )


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<p><img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}"></p>'


def write_report(
    profile: Profile,
    run_dir: Path,
    meta: dict[str, Any],
    observed: dict[str, Any],
    verdict: str,
    results: list[SloResult],
) -> Path:
    """Write ``peak-readiness.html`` (and the plot PNGs) into the run folder; returns its path."""
    start, end = meta["load_start"], meta["load_end"]
    lag_target = next((r.target for r in results if r.metric == "lag_sale_p99_s"), None)
    plots = [
        plot_lag(run_dir, start, end, lag_target),
        plot_throughput(run_dir, start, observed.get("governance_bound_writes_per_s")),
        plot_refusals(run_dir, start),
        plot_oversells(run_dir, start),
        plot_cpu(run_dir, start),
    ]
    colour = {"PASS": "#1a7f37", "FAIL": "#cf222e", "CONDITIONAL": "#9a6700", "NO DATA": "#9a6700"}
    rows = "".join(
        f"<tr><td>{html.escape(r.name)}</td><td><code>{r.metric}</code></td><td>{r.op} {r.target:g} "
        f"{METRICS[r.metric][0]}</td><td>{'-' if r.observed is None else f'{r.observed:.4g}'}</td>"
        f"<td style='color:{colour[r.status]}'><b>{r.status}</b>{'' if r.severity == 'must' else ' (should)'}"
        f"</td></tr>"
        for r in results
    )
    metrics = "".join(
        f"<tr><td><code>{k}</code></td><td>{'-' if v is None else (f'{v:.4g}' if isinstance(v, float) else v)}"
        f"</td><td>{html.escape(METRICS[k][1])}</td></tr>"
        for k, v in observed.items()
        if k in METRICS
    )
    w, e = profile.world, profile.emulators
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>Peak readiness: {html.escape(profile.name)}</title>
<style>body{{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}}td,th{{border-bottom:1px solid #ddd;
padding:4px 8px;text-align:left;font-size:14px}}table{{border-collapse:collapse}}</style></head><body>
<h1>Peak readiness: <span style="color:{colour[verdict]}">{verdict}</span></h1>
<p>Profile <b>{html.escape(profile.name)}</b>{" with the engine mutant <b>" + html.escape(meta["mutant"]) + "</b>" if meta.get("mutant") else ""}:
{html.escape(profile.description)}<br>World: {w.stores} stores, {w.skus} SKUs (Zipf {w.skew}), {w.tracer_skus} tracer SKUs.
NetSuite: concurrency limit {e.netsuite_concurrency}, service time {html.escape(str(e.netsuite_service_time))}.
Load {end - start:.0f} s, Locust workers: {meta.get("workers") or "local"}; then {meta.get("settled_s", 0):.1f} s for the engine
to settle (drifting item/location pairs at seconds after the load: {html.escape(", ".join(f"{int(p)} at {t:g} s" for t, p in meta.get("drift_while_settling", [])))}).
Load average before {meta["load_before"][0]:.2f}, after {meta.get("load_after", [0])[0]:.2f}.</p>
<h2>Service-level objectives</h2><table><tr><th>objective</th><th>metric</th><th>target</th><th>observed</th><th>status</th></tr>{rows}</table>
<h2>Emulator health</h2>{health_table(run_dir, start, end)}
<h2>Plots</h2>{"".join(_img(p) for p in plots)}
<h2>Every metric</h2><table>{metrics}</table>
<p>Locust's own report: <a href="locust.html">locust.html</a>; its CSV: locust_stats.csv, locust_stats_history.csv
(business metrics are the rows of type BUSINESS). Raw samples: lag-*.jsonl, monitor-*.jsonl, web-*.jsonl, cpu-*.jsonl;
drift: drift.json.</p></body></html>"""
    path = run_dir / "peak-readiness.html"
    path.write_text(page)
    return path
