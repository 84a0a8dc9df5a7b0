"""Scenario files: the YAML loader whose errors name the file and line, discovery, a scenario's family."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .scenario import Scenario, reference_problems


class ScenarioError(ValueError):
    """A scenario file that cannot be loaded: names the file, the line and the problem."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path, self.line, self.problem = str(path), line, problem
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {problem}")


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping and sequence item."""


def _compose_with_lines(text: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    lines: dict[tuple[Any, ...], int] = {}

    def walk(n: yaml.Node, path: tuple[Any, ...]) -> Any:
        lines[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            out = {}
            for key_node, value_node in n.value:
                key = loader_for_scalars.construct_object(key_node)
                lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = walk(value_node, (*path, key))
                lines[(*path, key)] = key_node.start_mark.line + 1
            return out
        if isinstance(n, yaml.SequenceNode):
            return [walk(v, (*path, i)) for i, v in enumerate(n.value)]
        return loader_for_scalars.construct_object(n)

    loader_for_scalars = _LineLoader("")
    data = walk(node, ()) if node is not None else None
    loader_for_scalars.dispose()
    return data, lines


def _line_for(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int | None:
    path = loc
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def _clean_loc(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """The part of a pydantic error location that exists in the YAML data (tags of unions removed)."""
    dedup: list[Any] = []
    for part in loc:  # a tagged union repeats its tag: ('steps', 1, 'act', 'act', 'system')
        if not (dedup and dedup[-1] == part and isinstance(part, str)):
            dedup.append(part)
    loc = tuple(dedup)
    out: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part not in node and out and len(node) == 1:
            continue  # a union tag such as 'sync' already consumed
        else:
            if isinstance(node, dict | list):
                out.append(part)  # a missing key or an extra one: report the parent's line
            break
    return tuple(out)


def load_scenario_text(text: str, path: Path | str = "<string>") -> Scenario:
    """Parse and validate one scenario from YAML text."""
    try:
        data, lines = _compose_with_lines(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ScenarioError(path, mark.line + 1 if mark else None, f"not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(path, None, f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ScenarioError(
            path, lines.get(()), "a scenario is a mapping (name, flows, given, steps, expect)"
        )
    try:
        return Scenario.model_validate(data, context={"lines": lines})
    except ValidationError as exc:
        refs = _ref_error(data, lines)
        if refs is not None:
            raise ScenarioError(path, refs[0], refs[1]) from None
        err = exc.errors(include_url=False)[0]
        loc = _clean_loc(tuple(err["loc"]), data)
        field = ".".join(str(p) for p in loc)
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown key {loc[-1]!r}" if loc else "unknown key"
            field = ".".join(str(p) for p in loc[:-1])
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        raise ScenarioError(
            path, _line_for(loc, lines), f"{field + ': ' if field else ''}{msg}{more}"
        ) from None


def _ref_error(data: dict[str, Any], lines: dict[tuple[Any, ...], int]) -> tuple[int | None, str] | None:
    """The first reference problem with its line, when the file is otherwise valid."""
    try:
        scenario = Scenario.model_validate(data, context={"skip_refs": True})
    except ValidationError:
        return None
    problems = reference_problems(scenario)
    if not problems:
        return None
    loc, msg = problems[0]
    return _line_for(loc, lines), f"{'.'.join(str(p) for p in loc)}: {msg}"


def load_scenario(path: Path | str) -> Scenario:
    """Load one scenario file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(p, None, f"cannot read: {exc.strerror}") from None
    return load_scenario_text(text, p)


def discover(paths: list[Path | str]) -> list[Path]:
    """Scenario files under the given files or folders (``*.yaml`` / ``*.yml``), sorted."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(x for x in p.rglob("*") if x.suffix in (".yaml", ".yml") and x.is_file()))
        elif p.exists():
            found.append(p)
        else:
            raise ScenarioError(p, None, "no such file or folder")
    return found


def family_of(path: Path) -> str:
    """A scenario's family: the folder it sits in under ``scenarios/``."""
    return path.parent.name
