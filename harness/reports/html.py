"""``report.html``: one self-contained page (inline CSS, no script, no external asset) a vendor can open alone.

Top: the verdict and the grade; then one row per flow (pass / fail / grade); then every scenario by family
with its failures, the evidence (findings with records and requests, steps with the connector's output) and
the command that replays it.
"""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from typing import Any

from ..runner import ScenarioResult
from . import Summary

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#1d2330;color:#fff;padding:24px 32px}header h1{margin:0 0 4px;font-size:22px}
header .meta{color:#b9c0cc;font-size:13px}main{padding:24px 32px;max-width:1200px}
.verdict{display:inline-block;font-weight:700;padding:4px 12px;border-radius:4px;margin-right:12px}
.ok{background:#1f8a4c;color:#fff}.bad{background:#c0392b;color:#fff}.skip{background:#8a94a6;color:#fff}
.grade{display:inline-block;font-size:28px;font-weight:800;width:48px;height:48px;line-height:48px;text-align:center;
border-radius:50%;background:#fff;color:#1d2330;vertical-align:middle;margin-right:12px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0 20px}th,td{text-align:left;padding:6px 10px;
border-bottom:1px solid #e3e6eb;vertical-align:top}th{background:#eceff3;font-weight:600}
.badge{font-size:12px;font-weight:700;padding:2px 8px;border-radius:10px}
section.scenario{background:#fff;border:1px solid #e3e6eb;border-radius:6px;padding:14px 18px;margin:12px 0}
section.scenario h3{margin:0 0 6px;font-size:16px}code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;
font-size:12px}pre{background:#f0f2f5;padding:8px;overflow:auto;max-height:360px;white-space:pre-wrap}
.replay{background:#fff8e1;border:1px solid #f0d98a;padding:6px 8px;display:block;margin:6px 0}
ul.fail li{color:#8e2b20}details{margin:4px 0}summary{cursor:pointer;font-weight:600}.muted{color:#6b7485}
"""


def _badge(status: str) -> str:
    cls = {"passed": "ok", "failed": "bad", "error": "bad", "skipped": "skip"}.get(status, "skip")
    return f'<span class="badge {cls}">{escape(status.upper())}</span>'


def _anchor(r: ScenarioResult) -> str:
    return "s-" + re.sub(r"[^A-Za-z0-9_-]+", "-", f"{r.family}-{Path(r.path).stem}")


def _json(value: Any) -> str:
    return escape(json.dumps(value, indent=1, default=str)[:20000])


def _tail(path: str | None, limit: int = 3000) -> str:
    if not path:
        return ""
    try:
        data = Path(path).read_bytes()[-limit:]
    except OSError:
        return ""
    return data.decode("utf-8", "replace")


def _scenario(r: ScenarioResult) -> str:
    parts = [
        f'<section class="scenario" id="{_anchor(r)}" data-scenario="{escape(r.name)}" '
        f'data-status="{escape(r.status)}">',
        f"<h3>{_badge(r.status)} {escape(r.name)}</h3>",
        f'<div class="muted">{escape(r.path)} &middot; flows: {escape(", ".join(r.flows) or "-")} &middot; '
        f"catches: {escape(', '.join(r.catches) or '-')} &middot; seed {r.seed} &middot; {r.seconds:.2f} s</div>",
    ]
    if r.description:
        parts.append(f"<p>{escape(r.description)}</p>")
    failures = r.failures()
    if failures and r.status != "skipped":
        parts.append('<ul class="fail">' + "".join(f"<li>{escape(f)}</li>" for f in failures) + "</ul>")
    elif r.status == "skipped":
        parts.append(f'<p class="muted">Skipped: {escape(r.reason)}</p>')
    if r.status != "skipped":
        parts.append(f'<code class="replay">{escape(r.replay)}</code>')
    if r.invariants:
        rows = []
        for inv in r.invariants:
            ev = "".join(
                f"<details><summary>{escape(f.message)}</summary><pre>{_json({'records': f.records, 'requests': f.requests})}"
                f"</pre></details>"
                for f in inv.findings
            )
            note = f'<div class="muted">{escape(inv.note)}</div>' if inv.note else ""
            rows.append(
                f"<tr><td><code>{escape(inv.name)}</code><div class='muted'>{escape(inv.description)}</div></td>"
                f"<td>{_badge('passed' if inv.valid else 'failed')}</td><td>{ev}{note}</td></tr>"
            )
        parts.append(
            "<table><tr><th>invariant</th><th>verdict</th><th>evidence</th></tr>" + "".join(rows) + "</table>"
        )
    if r.assertions:
        rows = [
            f"<tr><td>{escape(a.kind)}</td><td>{escape(a.description)}</td><td>{_badge('passed' if a.ok else 'failed')}"
            f"</td><td>{escape(a.message)}<details><summary>records</summary><pre>{_json(a.evidence)}</pre></details>"
            f"</td></tr>"
            for a in r.assertions
        ]
        parts.append(
            "<table><tr><th>kind</th><th>assertion</th><th>verdict</th><th>evidence</th></tr>"
            + "".join(rows)
            + "</table>"
        )
    if r.steps:
        rows = []
        for s in r.steps:
            out = _tail(s.output_file)
            extra = (
                f"<details><summary>connector output</summary><pre>{escape(out)}</pre></details>"
                if out
                else ""
            )
            detail = (
                f"<details><summary>response</summary><pre>{_json(s.detail)}</pre></details>"
                if s.detail
                else ""
            )
            rows.append(
                f"<tr><td>{s.index + 1}</td><td><code>{escape(s.text)}</code></td>"
                f"<td>{_badge('passed' if s.ok else 'failed')}</td><td>{s.seconds:.2f} s</td>"
                f"<td>{escape(s.message)}{detail}{extra}</td></tr>"
            )
        parts.append(
            "<details><summary>steps</summary><table><tr><th>#</th><th>step</th><th>verdict</th><th>time</th>"
            "<th>detail</th></tr>" + "".join(rows) + "</table></details>"
        )
    if r.evidence_dir:
        parts.append(
            f'<div class="muted">evidence: <code>{escape(r.evidence_dir)}</code> (state, journals, fault '
            f"plans, exception queue, connector output)</div>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def render_html(summary: Summary) -> str:
    """The report page as text."""
    counts = summary.counts
    verdict = (
        ("CERTIFIED" if summary.ok else "NOT CERTIFIED")
        if "certif" in summary.title.lower()
        else ("PASSED" if summary.ok else "FAILED")
    )
    flows = "".join(
        f'<tr data-flow="{escape(f.flow)}"><td><code>{escape(f.flow)}</code></td><td><b>{escape(f.grade)}</b></td>'
        f"<td>{_badge('passed' if f.ok else 'failed')}</td><td>{len(f.passed)}</td><td>{len(f.failed)}</td>"
        f"<td>{len(f.skipped)}</td><td>{escape(', '.join(f.failed))}</td></tr>"
        for f in summary.flows()
    )
    families: dict[str, list[ScenarioResult]] = {}
    for r in summary.results:
        families.setdefault(r.family, []).append(r)
    body = "".join(
        f"<h2>{escape(family)}</h2>" + "".join(_scenario(r) for r in rs) for family, rs in families.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(summary.title)}: {escape(summary.connector)}</title><style>{CSS}</style></head>
<body><header><h1>{escape(summary.title)}: {escape(summary.connector)}</h1>
<div class="meta">{escape(summary.connector_file)} &middot; mode {escape(summary.mode)} &middot; {escape(summary.created)}
&middot; {summary.seconds:.1f} s on {escape(summary.host)}</div></header>
<main><p><span class="grade" id="grade">{escape(summary.grade)}</span>
<span class="verdict {"ok" if summary.ok else "bad"}" id="verdict">{verdict}</span>
{counts["passed"]} passed, {counts["failed"]} failed, {counts["error"]} errors, {counts["skipped"]} skipped of
{counts["total"]} scenarios</p>
<h2>Flows</h2><table id="flows"><tr><th>flow</th><th>grade</th><th>verdict</th><th>passed</th><th>failed</th>
<th>skipped</th><th>failing scenarios</th></tr>{flows}</table>
{body}
<p class="muted">Generated by erpsim. Each failing scenario shows the command that replays it with the same seed.</p>
</main></body></html>
"""


def write_html(summary: Summary, path: Path) -> Path:
    """Write the HTML report; returns its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(summary), encoding="utf-8")
    return path
