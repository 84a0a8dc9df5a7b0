"""Which scenarios run: the files under the given paths and pytest-style ``-k`` selection among them."""

from __future__ import annotations

import re
from pathlib import Path

from .scenario import Scenario
from .scenario_loader import ScenarioError, discover, family_of, load_scenario

_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def matches_expression(expr: str, haystack: str) -> bool:
    """pytest-style ``-k``: words (substrings, case-insensitive) joined by and / or / not and parentheses."""
    parts = []
    for token in _TOKEN.findall(expr):
        low = token.lower()
        if low in ("and", "or", "not", "(", ")"):
            parts.append(low)
        else:
            parts.append(str(low in haystack.lower()))
    try:
        return bool(eval(" ".join(parts) or "True", {"__builtins__": {}}, {}))  # noqa: S307 - only True/False/ops
    except SyntaxError:
        raise ValueError(f"-k {expr!r} is not a valid expression") from None


#: scenarios parsed by :func:`select` in this process, by file (and its size and mtime): a job is handed the
#: parsed scenario instead of reading and validating the file again
_PARSED: dict[str, tuple[tuple[int, int], Scenario]] = {}


def _file_key(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def parsed(path: Path) -> Scenario | None:
    """The scenario :func:`select` parsed from ``path``, if the file has not changed since."""
    hit = _PARSED.get(str(path))
    try:
        return hit[1] if hit is not None and hit[0] == _file_key(path) else None
    except OSError:
        return None


def select(paths: list[Path], expr: str | None) -> list[tuple[Path, Scenario | None, str]]:
    """Load scenario files and keep those matching ``-k`` (by name, path, family, flows, catches, tags).

    Files that do not load are kept (with their error) so that the run reports them.
    """
    out: list[tuple[Path, Scenario | None, str]] = []
    for path in paths:
        try:
            key = _file_key(path)
            scenario = load_scenario(path)
        except ScenarioError as exc:
            out.append((path, None, str(exc)))
            continue
        except OSError as exc:
            out.append((path, None, str(ScenarioError(path, None, f"cannot read: {exc.strerror}"))))
            continue
        _PARSED[str(path)] = (key, scenario)
        haystack = " ".join(
            [str(path), scenario.name, family_of(path), *scenario.flows, *scenario.catches, *scenario.tags]
        )
        if expr is None or matches_expression(expr, haystack):
            out.append((path, scenario, ""))
    return out


def scenario_files(paths: list[str]) -> list[Path]:
    """Scenario files under the given paths (default: ``scenarios/`` here, else the catalogue of this checkout)."""
    if paths:
        return discover([Path(p) for p in paths])
    here = Path("scenarios")
    shipped = Path(__file__).resolve().parents[1] / "scenarios"
    return discover([here if here.is_dir() or not shipped.is_dir() else shipped])
