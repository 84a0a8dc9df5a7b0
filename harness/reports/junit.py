"""``junit.xml``: one test case per scenario (classname = family), failures with their evidence and replay."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from . import Summary


def write_junit(summary: Summary, path: Path) -> Path:
    """Write JUnit XML that CI servers (Jenkins, GitLab, GitHub actions) read; returns its path."""
    counts = summary.counts
    suites = ET.Element(
        "testsuites",
        name=summary.title,
        tests=str(counts["total"]),
        failures=str(counts["failed"]),
        errors=str(counts["error"]),
        time=f"{summary.seconds:.3f}",
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"erpsim.{summary.connector}",
        tests=str(counts["total"]),
        failures=str(counts["failed"]),
        errors=str(counts["error"]),
        skipped=str(counts["skipped"]),
        time=f"{summary.seconds:.3f}",
        timestamp=summary.created,
    )
    for r in summary.results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"scenarios.{r.family}",
            name=r.name,
            file=r.path,
            time=f"{r.seconds:.3f}",
        )
        lines = r.failures()
        text = "\n".join(lines + ["", f"replay: {r.replay}", f"evidence: {r.evidence_dir}"])
        if r.status == "failed":
            ET.SubElement(
                case, "failure", message=(lines[0] if lines else "failed")[:500], type="ScenarioFailed"
            ).text = text
        elif r.status == "error":
            ET.SubElement(
                case, "error", message=(lines[0] if lines else "error")[:500], type="ScenarioError"
            ).text = text
        elif r.status == "skipped":
            ET.SubElement(case, "skipped", message=r.reason)
        props = ET.SubElement(case, "properties")
        for key, value in (
            ("flows", ",".join(r.flows)),
            ("catches", ",".join(r.catches)),
            ("seed", str(r.seed)),
            ("replay", r.replay),
        ):
            ET.SubElement(props, "property", name=key, value=value)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)
    return path
