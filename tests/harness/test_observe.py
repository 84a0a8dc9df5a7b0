"""``erpsim journal SYSTEM`` and ``erpsim state SYSTEM`` against a running ``erpsim up``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests

from tests.conftest import ADMIN

from .running import ROOT, Running


def _erpsim(running: Running, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**running.exports}
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**__import__("os").environ, **env},
    )


def test_journal_prints_one_line_per_request_with_filters(running_up: Running) -> None:
    wms = running_up.url("wms")
    requests.delete(f"{wms}/__erpsim/journal", headers=ADMIN, timeout=30)
    requests.post(
        f"{wms}/api/v1/products",
        json={"sku": "J-1", "name": "Jar", "externalId": "J1"},
        headers={"X-API-Key": "wms-test-key"},
        timeout=30,
    )
    requests.get(f"{wms}/api/v1/products/99", headers={"X-API-Key": "wms-test-key"}, timeout=30)
    out = _erpsim(running_up, "journal", "wms")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert [line.split()[2:4] for line in lines] == [["POST", "201"], ["GET", "404"]]
    assert lines[0].endswith("/api/v1/products  operation=createProduct")
    refused = _erpsim(running_up, "journal", "wms", "--status", "4xx", "-b", "--json")
    entries = [json.loads(line) for line in refused.stdout.splitlines()]
    assert [(e["path"], e["status"]) for e in entries] == [("/api/v1/products/99", 404)]
    assert json.loads(entries[0]["response_body"])["errorCode"] == "NOT_FOUND"


def test_state_shows_tables_and_the_clock(running_up: Running) -> None:
    wms = running_up.url("wms")
    requests.post(f"{wms}/__erpsim/reset", json={"seed": 5, "skus": 3}, headers=ADMIN, timeout=30)
    out = _erpsim(running_up, "state", "wms", "--columns", "3")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "wms virtual time 2026-01-05T09:00:00+00:00 (frozen)"
    assert "wms_products (3 rows)" in out.stdout and "SKU-00001" in out.stdout
    one = _erpsim(running_up, "state", "wms", "--table", "wms_products", "--json")
    assert [p["sku"] for p in json.loads(one.stdout)["wms_products"]] == [
        "SKU-00001",
        "SKU-00002",
        "SKU-00003",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["state", "wms", "--table", "nope"], "erpsim: no table 'nope' in wms's state; there are: "),
        (
            ["journal", "qms", "--admin-token", "wrong"],
            "erpsim: qms refused the admin token; pass --admin-token or set ERPSIM_ADMIN_TOKEN",
        ),
        (["journal", "ap", "--status", "4x"], "erpsim: ap answered 400: status must be a status code"),
    ],
)
def test_mistakes_are_one_line(running_up: Running, args: list[str], message: str) -> None:
    out = _erpsim(running_up, *args)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith(message) and out.stderr.count("\n") == 1, out.stderr
