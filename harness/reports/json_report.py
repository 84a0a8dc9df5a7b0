"""``report.json``: the whole summary, every scenario with its steps, invariants, assertions and replay."""

from __future__ import annotations

import json
from pathlib import Path

from . import Summary


def write_json(summary: Summary, path: Path) -> Path:
    """Write the JSON report; returns its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary.as_dict(), indent=1, default=str), encoding="utf-8")
    return path
