"""The README's first hour works as written: its Python snippets run against a real ``erpsim up``."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from tests.harness.running import Running

README = Path(__file__).resolve().parents[1] / "README.md"


def _first_hour_snippets() -> list[str]:
    text = README.read_text()
    section = text[text.index("## The first hour") : text.index("\n## ", text.index("## The first hour") + 5)]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_the_first_hour_snippets_run(running_up: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    snippets = _first_hour_snippets()
    assert len(snippets) == 2
    for key, value in running_up.exports.items():
        monkeypatch.setenv(key, value)
    outputs = []
    for code in snippets:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(README), "exec"), {"__name__": "readme"})  # noqa: S102 - our own README
        outputs.append(out.getvalue().splitlines())
    signed, third_party = outputs
    assert re.fullmatch(r"204 http://127\.0\.0\.1:\d+/services/rest/record/v1/customer/\d+", signed[0])
    assert signed[1] == "Northwind"
    assert "'companyname': 'Northwind'" in third_party[0]
