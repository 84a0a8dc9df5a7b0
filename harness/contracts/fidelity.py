"""Fidelity to the real APIs: their documented examples replayed against the emulators, and the FIDELITY.md table.

An example (``contracts/fidelity/<system>/<name>.yaml``) holds one documented request and response of the real
API and where it is documented. It names a provider state (the same vocabulary as the pacts) for the world it
needs; ``${name}`` in the request takes that state's values. The emulator's answer is compared with the
documented one: the status, the headers that matter (media type, Location with ids normalised, present or
absent), and the body's shape: every documented field must be there with the same JSON type; values are
compared only where the example says so (``exact``), since ids and dates differ.

``differences.yaml`` beside the examples says, per operation, how the emulator knowingly differs from the
real system (or why no documented example applies). FIDELITY.md lists every operation of every emulator with
its examples or its difference; a test fails when a route has neither.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import yaml

from harness.systems import SYSTEMS
from mocks.core.app import load_openapi

from .states import StateRunner, World

ROOT = Path(__file__).resolve().parents[2]
FIDELITY_DIR = ROOT / "contracts" / "fidelity"
TABLE = ROOT / "contracts" / "FIDELITY.md"
_METHODS = ("get", "post", "put", "patch", "delete")
_VAR = re.compile(r"\$\{(\w+)\}")


@dataclass
class Example:
    """One documented request/response of a real API, and where it is documented."""

    system: str
    name: str
    operation: str
    title: str
    source: dict[str, str]
    request: dict[str, Any]
    response: dict[str, Any]
    given: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    compare: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        """``system/name`` (the fixture file without its extension)."""
        return f"{self.system}/{self.name}"


def load_examples(system: str | None = None) -> list[Example]:
    """Every example of one system (or of all), ordered by file name."""
    out = []
    for sys_name in [system] if system else list(SYSTEMS):
        for path in sorted((FIDELITY_DIR / sys_name).glob("*.yaml")):
            if path.name == "differences.yaml":
                continue
            data = yaml.safe_load(path.read_text())
            out.append(
                Example(
                    system=sys_name,
                    name=path.stem,
                    operation=data["operation"],
                    title=data["title"],
                    source=data["source"],
                    request=data["request"],
                    response=data["response"],
                    given=data.get("given", ""),
                    params=data.get("params") or {},
                    compare=data.get("compare") or {},
                )
            )
    return out


def load_differences(system: str) -> dict[str, str]:
    """operationId -> how the emulator knowingly differs (or why no documented example applies).

    ``"*"`` is the note of every operation that has neither an example nor a note of its own.
    """
    path = FIDELITY_DIR / system / "differences.yaml"
    data = yaml.safe_load(path.read_text()) if path.exists() else None
    return {str(k): " ".join(str(v).split()) for k, v in (data or {}).items()}


def substitute(value: Any, values: dict[str, Any]) -> Any:
    """``${name}`` replaced by the state's values (a whole-string placeholder keeps the value's type)."""
    if isinstance(value, str):
        whole = _VAR.fullmatch(value)
        if whole and whole.group(1) in values:
            return values[whole.group(1)]
        return _VAR.sub(lambda m: str(values.get(m.group(1), m.group(0))), value)
    if isinstance(value, list):
        return [substitute(v, values) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, values) for k, v in value.items()}
    return value


@dataclass
class Outcome:
    """What replaying one example found."""

    example: Example
    status: int
    problems: list[str]
    body: Any = None

    @property
    def ok(self) -> bool:
        """True when the emulator answered as documented."""
        return not self.problems


def run_example(example: Example, world: World) -> Outcome:
    """Set up the example's state, send its request through the vendor API, compare with the documented answer."""
    runner = StateRunner(world)
    values = runner(example.given, "setup", dict(example.params))  # no state: an empty world
    values = {**{f"cred_{k}": v for k, v in world.vendor.creds.items()}, **values}
    req = substitute(example.request, values)
    kwargs: dict[str, Any] = {"headers": {k: str(v) for k, v in (req.get("headers") or {}).items()}}
    if "query" in req:
        kwargs["params"] = req["query"]
    if "body" in req:
        kwargs["data"] = json.dumps(req["body"]).encode()
        kwargs["headers"].setdefault("Content-Type", "application/json")
    if req.get("auth") == "none":
        response = requests.request(
            req["method"],
            f"{world.vendor.base_url}{req['path']}",
            timeout=60,
            allow_redirects=False,
            **kwargs,
        )
    else:
        response = world.vendor.request(req["method"], req["path"], **kwargs)
    runner("", "teardown", {})
    documented = substitute(example.response, values)
    problems = compare_response(documented, response, example.compare)
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = response.text[:500]
    return Outcome(example, response.status_code, problems, body)


def compare_response(
    documented: dict[str, Any], response: requests.Response, compare: dict[str, Any]
) -> list[str]:
    """Status, the headers that matter and the body's shape; a list of differences (empty when faithful)."""
    problems = []
    if response.status_code != documented["status"]:
        problems.append(f"status {response.status_code}, documented {documented['status']}")
    modes = compare.get("headers") or {}
    for name, expected in (documented.get("headers") or {}).items():
        actual = response.headers.get(name)
        mode = modes.get(name) or {"content-type": "media-type", "location": "location"}.get(
            name.lower(), "exact"
        )
        if actual is None:
            problems.append(f"header {name} missing (documented {expected!r})")
        elif not _header_matches(mode, str(expected), actual):
            problems.append(f"header {name}: {actual!r}, documented {expected!r} ({mode})")
    for name in compare.get("absent") or []:
        if name in response.headers:
            problems.append(f"header {name} present ({response.headers[name]!r}), documented absent")
    if "body" in documented:
        doc_body = documented["body"]
        if doc_body is None:
            if response.content:
                problems.append(f"a body ({len(response.content)} bytes), documented none")
        else:
            try:
                actual_body = response.json()
            except ValueError:
                return [*problems, f"body is not JSON: {response.text[:200]!r}"]
            problems.extend(
                shape_problems(
                    doc_body,
                    actual_body,
                    "$",
                    _patterns(compare.get("exact")),
                    _patterns(compare.get("ignore")),
                )
            )
            for where, rx in (compare.get("patterns") or {}).items():
                found = _at(actual_body, where)
                if not isinstance(found, str) or not re.search(rx, found):
                    problems.append(f"{where}: {json.dumps(found)[:80]} does not match {rx!r}")
    return problems


def _at(body: Any, where: str) -> Any:
    """The value at a ``$.a[0].b`` path (None when absent)."""
    for key, index in re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", where):
        try:
            body = body[key] if key else body[int(index)]
        except (KeyError, IndexError, TypeError):
            return None
    return body


def _header_matches(mode: str, expected: str, actual: str) -> bool:
    if mode == "present":
        return True
    if mode == "media-type":
        return _norm_media(expected) == _norm_media(actual)
    if mode == "location":
        return _norm_url(expected) == _norm_url(actual)
    if mode.startswith("regex:"):
        return re.search(mode[len("regex:") :], actual) is not None
    return expected == actual


def _norm_media(value: str) -> str:
    return ";".join(part.strip().lower() for part in value.split(";"))


def _norm_url(value: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", value.strip()).lower()
    return re.sub(r"\d+", "{n}", path)


def _patterns(paths: list[str] | None) -> list[re.Pattern[str]]:
    return [re.compile("^" + re.escape(p).replace(r"\[\*\]", r"\[\d+\]") + "$") for p in paths or []]


def json_type(value: Any) -> str:
    """The JSON type of a value (int and float are both 'number')."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def shape_problems(
    doc: Any, actual: Any, path: str, exact: list[re.Pattern[str]], ignore: list[re.Pattern[str]]
) -> list[str]:
    """Where ``actual`` lacks a documented field or has another JSON type (values only where ``exact``)."""
    if any(p.match(path) for p in ignore):
        return []
    if any(p.match(path) for p in exact) and doc != actual:
        return [f"{path}: {json.dumps(actual)[:120]}, documented {json.dumps(doc)[:120]}"]
    if json_type(doc) != json_type(actual):
        return [f"{path}: {json_type(actual)}, documented {json_type(doc)} ({json.dumps(doc)[:60]})"]
    problems: list[str] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key not in actual:
                if not any(p.match(f"{path}.{key}") for p in ignore):
                    problems.append(f"{path}.{key} missing")
                continue
            problems.extend(shape_problems(value, actual[key], f"{path}.{key}", exact, ignore))
    elif isinstance(doc, list) and doc:
        if not actual:
            return [f"{path}: empty, documented {len(doc)} item(s)"]
        for i, item in enumerate(doc):
            problems.extend(
                shape_problems(item, actual[min(i, len(actual) - 1)], f"{path}[{i}]", exact, ignore)
            )
    return problems


def operations(system: str) -> list[tuple[str, str, str]]:
    """(operationId, METHOD, path) of every operation in the system's OpenAPI document, in document order."""
    spec = load_openapi(system)
    return [
        (op["operationId"], method.upper(), path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in _METHODS
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_markdown() -> str:
    """contracts/FIDELITY.md: every operation of every emulator, tested against which example or how it differs."""
    lines = [
        "# Fidelity to the real APIs",
        "",
        "Generated by `python -m harness.contracts.fidelity` from `contracts/fidelity/`; do not edit by hand.",
        "",
        "Every operation of every emulator: **tested** against a documented example of the real API (replayed "
        "by `tests/contracts/test_fidelity.py`: status, the headers that matter, the body's shape with ids and "
        "dates normalised), or **differs**, knowingly, as said. The WMS and QMS emulate systems without a "
        "public API (Scend, DataNinja): their API is designed here after the comparables named.",
        "",
    ]
    for system in SYSTEMS:
        examples = load_examples(system)
        differences = load_differences(system)
        by_op: dict[str, list[Example]] = {}
        for ex in examples:
            by_op.setdefault(ex.operation, []).append(ex)
        tested = sum(1 for op, _, _ in operations(system) if op in by_op)
        lines += [
            f"## {system}",
            "",
            f"{tested} of {len(operations(system))} operations tested against "
            f"{len(examples)} documented examples.",
            "",
            "| operation | request | fidelity | examples (source) / how it differs |",
            "|---|---|---|---|",
        ]
        for op, method, path in operations(system):
            evidence = [
                f"{ex.title} ([{ex.name}](fidelity/{ex.ref}.yaml); [source]({ex.source['url']}))"
                for ex in by_op.get(op, [])
            ]
            note = differences.get(op, "") or ("" if op in by_op else differences.get("*", ""))
            verdict = "tested" if evidence else ("differs" if note else "**no row**")
            if evidence and note:
                verdict = "tested; differs in part"
            text = "; ".join(
                evidence + ([f"differs: {note}"] if evidence and note else [note] if note else [])
            )
            lines.append(f"| `{op}` | `{method} {path}` | {verdict} | {_cell(text)} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Write contracts/FIDELITY.md."""
    TABLE.write_text(table_markdown() + "\n")


if __name__ == "__main__":
    main()
