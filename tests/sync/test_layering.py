"""The engine is a connector like any vendor's: it never imports the emulators nor calls their control plane."""

from __future__ import annotations

import ast
from pathlib import Path

SYNC = Path(__file__).resolve().parents[2] / "sync"


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_sync_never_imports_mocks_or_the_harness() -> None:
    offenders = {
        str(p.relative_to(SYNC)): name
        for p in SYNC.rglob("*.py")
        for name in _imports(p)
        if name.split(".")[0] in ("mocks", "harness")
    }
    assert offenders == {}


def test_sync_never_calls_the_control_plane() -> None:
    offenders = [str(p.relative_to(SYNC)) for p in SYNC.rglob("*.py") if "__erpsim" in p.read_text()]
    assert offenders == []
