"""The catalogue as text: scenarios by family (``erpsim run --list``) and the mutant matrix (``--matrix``).

Plain functions over loaded scenarios and run results, so the CLI, the CI test and a closing note all print the
same grid: one row per scenario, one column per mutant, the engine's verdict first.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .connectors import Connector, ConnectorError
from .runner import ScenarioResult, caught_for_its_reason
from .scenario import Scenario
from .scenario_loader import family_of

CAUGHT, MISSED = "✓", "✗"


# ---- the mutants a connector declares ----------------------------------------------------------------------
def connector_mutants(connector: Connector) -> list[str]:
    """The mutant names the connector's ``mutants`` command prints (name first on each line), in its order."""
    argv = connector.spec.mutants
    if not argv:
        return []
    try:
        out = subprocess.run(
            connector.argv(argv),
            cwd=connector.folder,
            capture_output=True,
            text=True,
            timeout=connector.spec.timeout_seconds,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConnectorError(f"the mutants command {argv[0]!r} could not run: {exc}") from None
    if out.returncode != 0:
        raise ConnectorError(f"the mutants command exited with {out.returncode}: {out.stderr[-500:]}")
    return [line.split()[0] for line in out.stdout.splitlines() if line.strip()]


# ---- the matrix ----------------------------------------------------------------------------------------------
@dataclass
class MatrixRow:
    """One scenario of the matrix: its run against the engine and against each mutant it names."""

    path: str
    family: str
    name: str
    engine: ScenarioResult | None = None
    mutants: dict[str, ScenarioResult] = field(default_factory=dict)

    @property
    def engine_passed(self) -> bool:
        """True when the scenario passed against the engine."""
        return self.engine is not None and self.engine.status == "passed"

    def caught(self, mutant: str) -> bool | None:
        """True: the mutant failed it for its reason; False: it did not; None: the scenario does not name it."""
        result = self.mutants.get(mutant)
        return None if result is None else caught_for_its_reason(result)

    @property
    def proven(self) -> bool:
        """Passes on the engine and every mutant it names fails it for its reason."""
        return self.engine_passed and bool(self.mutants) and all(self.caught(m) for m in self.mutants)


@dataclass
class Matrix:
    """Scenarios x mutants, with the mutants the connector declares that no scenario names."""

    rows: list[MatrixRow]
    declared: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, results: Iterable[ScenarioResult], declared: Iterable[str] = ()) -> Matrix:
        """Group run results (engine and mutant runs of each scenario file) into rows, sorted by family."""
        rows: dict[str, MatrixRow] = {}
        for res in results:
            row = rows.setdefault(res.path, MatrixRow(res.path, res.family, Path(res.path).stem))
            if res.mutant is None:
                row.engine = res
            else:
                row.mutants[res.mutant] = res
        ordered = sorted(rows.values(), key=lambda r: (r.family, r.name))
        return cls(ordered, list(declared))

    @property
    def mutants(self) -> list[str]:
        """Columns: the declared mutants in their order, then any other mutant a scenario names."""
        named = sorted({m for row in self.rows for m in row.mutants} - set(self.declared))
        return [*self.declared, *named]

    def caught_by(self, mutant: str) -> list[MatrixRow]:
        """The scenarios that catch a mutant for their reason."""
        return [row for row in self.rows if row.caught(mutant)]

    @property
    def uncaught(self) -> list[str]:
        """Mutants (declared or named) that no scenario catches."""
        return [m for m in self.mutants if not self.caught_by(m)]

    @property
    def proven(self) -> int:
        """How many scenarios are proven."""
        return sum(row.proven for row in self.rows)

    def cell(self, row: MatrixRow, mutant: str) -> str:
        """The mark of one cell: caught, missed (named but not caught) or empty (not named)."""
        caught = row.caught(mutant)
        return "" if caught is None else (CAUGHT if caught else MISSED)

    def engine_cell(self, row: MatrixRow) -> str:
        """The engine column: pass, or the status of a run that did not pass."""
        return "pass" if row.engine_passed else (row.engine.status.upper() if row.engine else "-")

    def markdown(self) -> str:
        """A Markdown table: scenario rows (family/file), the engine, one column per mutant; a legend below."""
        cols = self.mutants
        lines = [
            "| scenario | engine | " + " | ".join(f"`{m}`" for m in cols) + " |",
            "|---|---|" + "---|" * len(cols),
        ]
        for row in self.rows:
            lines.append(
                f"| {row.family}/{row.name} | {self.engine_cell(row)} | "
                + " | ".join(self.cell(row, m) for m in cols)
                + " |"
            )
        lines += [
            "",
            f"{CAUGHT} the scenario fails against the mutant for its reason (an invariant or expectation); "
            f"{MISSED} it names the mutant but does not catch it; empty: not named.",
            f"{self.proven} of {len(self.rows)} scenarios proven; "
            + (
                f"mutants no scenario catches: {', '.join(self.uncaught)}"
                if self.uncaught
                else f"every one of the {len(cols)} mutants is caught"
            ),
        ]
        return "\n".join(lines) + "\n"

    def text(self) -> list[str]:
        """The grid for a terminal: mutants numbered as columns (a legend first), one line per scenario."""
        cols = self.mutants
        width = max((len(f"{r.family}/{r.name}") for r in self.rows), default=8)
        out = [f"  {i + 1:>2} {m} (caught by {len(self.caught_by(m))})" for i, m in enumerate(cols)]
        out.append(f"{'scenario':<{width}}  engine " + "".join(f"{i + 1:>3}" for i in range(len(cols))))
        for row in self.rows:
            marks = "".join(f"{self.cell(row, m) or '·':>3}" for m in cols)
            out.append(f"{row.family + '/' + row.name:<{width}}  {self.engine_cell(row):<6} {marks}")
        return out

    def as_json(self) -> dict[str, Any]:
        """JSON-ready: per scenario the engine status and each named mutant's verdict."""
        return {
            "mutants": self.mutants,
            "uncaught": self.uncaught,
            "proven": self.proven,
            "scenarios": [
                {
                    "path": r.path,
                    "family": r.family,
                    "name": r.name,
                    "engine": self.engine_cell(r),
                    "proven": r.proven,
                    "mutants": {m: bool(r.caught(m)) for m in r.mutants},
                }
                for r in self.rows
            ],
        }

    def write(self, folder: Path) -> list[Path]:
        """``matrix.md`` and ``matrix.json`` in ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        md, js = folder / "matrix.md", folder / "matrix.json"
        md.write_text(self.markdown(), encoding="utf-8")
        js.write_text(json.dumps(self.as_json(), indent=1), encoding="utf-8")
        return [md, js]


# ---- the catalogue list --------------------------------------------------------------------------------------
def by_family(entries: Iterable[tuple[Path, Scenario]]) -> dict[str, list[tuple[Path, Scenario]]]:
    """Scenarios grouped by family (families and files sorted)."""
    out: dict[str, list[tuple[Path, Scenario]]] = {}
    for path, scenario in sorted(entries, key=lambda e: (family_of(e[0]), e[0].name)):
        out.setdefault(family_of(path), []).append((path, scenario))
    return out


def list_text(groups: dict[str, list[tuple[Path, Scenario]]]) -> str:
    """Plain text, one block per scenario: file, seed, catches; its name; its source (no table, any width)."""
    lines: list[str] = []
    total = sum(len(v) for v in groups.values())
    for family, entries in groups.items():
        lines.append(f"{family} ({len(entries)})")
        for path, s in entries:
            lines.append(
                f"  {path.stem}  seed {s.seed}  catches {', '.join(s.catches) or '-'}  "
                f"flows {', '.join(s.flows)}"
            )
            lines.append(f"      {s.name}")
            lines.append(f"      source: {s.source or '-'}")
        lines.append("")
    lines.append(f"{total} scenarios in {len(groups)} families")
    return "\n".join(lines) + "\n"


def list_markdown(groups: dict[str, list[tuple[Path, Scenario]]]) -> str:
    """Markdown, a table per family: scenario (name and file), seed, source, catches."""
    lines: list[str] = []
    for family, entries in groups.items():
        lines += [
            f"### {family} ({len(entries)})",
            "",
            "| scenario | seed | source | catches |",
            "|---|---|---|---|",
        ]
        for path, s in entries:
            name = s.name.replace("|", "\\|")
            source = (s.source or "").replace("|", "\\|")
            lines.append(f"| {name} (`{path.stem}`) | {s.seed} | {source} | {', '.join(s.catches)} |")
        lines.append("")
    return "\n".join(lines)
