"""The certification report is one self-contained page that a real browser (headless Chromium) renders."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.commands import main as harness_main

from .conftest import CONNECTORS, SCENARIOS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium package (apt-get install chromium)")
def test_the_html_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    out = tmp_path / "cert"
    assert (
        harness_main(
            [
                "certify",
                str(SCENARIOS),
                "--connector",
                str(CONNECTORS / "fake-once.toml"),
                "--mutant",
                "no-cancel-check",
                "--output",
                str(out),
            ]
        )
        == 1
    )
    page = out / "report.html"
    html = page.read_text()
    # self-contained: no script, no external stylesheet, image or font
    assert "<script" not in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    dom = _chromium("--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    parsed = dom.stdout
    assert '<span class="verdict bad" id="verdict">NOT CERTIFIED</span>' in parsed
    assert (
        '<span class="grade" id="grade">F</span>' in parsed
        or '<span class="grade" id="grade">D</span>' in parsed
    )
    assert 'data-flow="orders-to-wms"' in parsed and 'data-flow="cancellations"' in parsed
    assert parsed.count('class="scenario"') == 2
    assert (
        'data-scenario="a cancel after the WMS picked the order is flagged, not lost" data-status="failed"'
        in parsed
    )
    assert "erpsim run " in parsed and "--mutant no-cancel-check" in parsed
    assert "no_unflagged_refund_after_pick" in parsed
    shot = tmp_path / "report.png"
    rendered = _chromium(f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert rendered.returncode == 0 and shot.stat().st_size > 20_000
