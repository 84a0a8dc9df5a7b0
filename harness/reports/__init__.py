"""Reports of a run or a certification: JSON (``report.json``), JUnit XML (``junit.xml``), HTML (``report.html``).

All three are built from the same :class:`Summary` of scenario results, so they always agree.
"""

from __future__ import annotations

import platform
import time
from dataclasses import dataclass, field
from typing import Any

from ..runner import ScenarioResult

GRADES = ((1.0, "A"), (0.9, "B"), (0.75, "C"), (0.5, "D"), (0.0, "F"))


def grade(passed: int, total: int) -> str:
    """A letter for a pass rate: A only when everything passed."""
    if total == 0:
        return "-"
    rate = passed / total
    return next(letter for bound, letter in GRADES if rate >= bound)


@dataclass
class FlowSummary:
    """Pass / fail of the scenarios that exercise one flow."""

    flow: str
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def grade(self) -> str:
        """The flow's letter grade."""
        return grade(len(self.passed), len(self.passed) + len(self.failed))

    @property
    def ok(self) -> bool:
        """True when no scenario of this flow failed."""
        return not self.failed


@dataclass
class Summary:
    """Everything a report shows."""

    title: str
    connector: str
    connector_file: str
    mode: str
    results: list[ScenarioResult]
    seconds: float
    declared_flows: list[str] = field(default_factory=list)
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    host: str = field(default_factory=platform.node)

    @property
    def counts(self) -> dict[str, int]:
        """How many scenarios passed, failed, errored, were skipped."""
        out = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        out["total"] = len(self.results)
        return out

    @property
    def ok(self) -> bool:
        """True when nothing failed or errored."""
        return all(r.passed for r in self.results)

    @property
    def grade(self) -> str:
        """The overall letter grade over the scenarios that ran."""
        ran = [r for r in self.results if r.status != "skipped"]
        return grade(sum(r.status == "passed" for r in ran), len(ran))

    def flows(self) -> list[FlowSummary]:
        """Per flow: which scenarios passed, failed or were skipped."""
        by_flow: dict[str, FlowSummary] = {f: FlowSummary(f) for f in self.declared_flows}
        for r in self.results:
            for flow in r.flows or ["(unloaded)"]:
                entry = by_flow.setdefault(flow, FlowSummary(flow))
                bucket = (
                    entry.passed
                    if r.status == "passed"
                    else entry.skipped
                    if r.status == "skipped"
                    else entry.failed
                )
                bucket.append(r.name)
        return list(by_flow.values())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the body of ``report.json``)."""
        return {
            "title": self.title,
            "created": self.created,
            "host": self.host,
            "connector": self.connector,
            "connectorFile": self.connector_file,
            "mode": self.mode,
            "seconds": round(self.seconds, 3),
            "ok": self.ok,
            "grade": self.grade,
            "counts": self.counts,
            "flows": [
                {
                    "flow": f.flow,
                    "grade": f.grade,
                    "ok": f.ok,
                    "passed": f.passed,
                    "failed": f.failed,
                    "skipped": f.skipped,
                }
                for f in self.flows()
            ],
            "scenarios": [r.as_dict() for r in self.results],
        }
