"""The gunicorn server behind ``erpsim up``: refusals before a request reaches an emulator still come in the
emulator's own error body."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
from pathlib import Path
from typing import Any

import psutil
import pytest
import requests

from harness.systems import SYSTEMS
from tests.conftest import ADMIN

from .running import Running, start_up

#: What each system's body says for an over-long request: a predicate on the parsed JSON.
SAYS = {
    "netsuite": lambda b, msg: b["o:errorDetails"][0]["detail"] == msg,
    "qms": lambda b, msg: b["message"] == msg,
    "wms": lambda b, msg: b["message"] == msg,
    "pos": lambda b, msg: b["errortext"] == msg,
    "ap": lambda b, msg: b[0]["message"] == msg,
}


def _raw(port: int, request: bytes) -> tuple[int, dict[str, str], Any]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, json.loads(body)


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_an_over_long_request_line_is_414_in_the_systems_body(running_up: Running, system: str) -> None:
    status, headers, body = _raw(
        running_up.port(system), b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    assert status == 414
    assert headers["content-type"].startswith("application/")
    assert SAYS[system](body, "The request line is too long.")


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_over_long_headers_are_431_in_the_systems_body(running_up: Running, system: str) -> None:
    status, _headers, body = _raw(
        running_up.port(system), b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n"
    )
    assert status == 431
    assert SAYS[system](body, "The request headers are too large.")


def test_a_worker_forked_while_the_world_is_busy_serves_the_control_plane(tmp_path: Path) -> None:
    """gunicorn forks a new worker whenever one dies. No thread of the master may use the store then: a
    worker forked while one held a store lock or connection used to hang on its first write (about 1 start
    in 100, when the NetSuite async-job runner still ran in the master)."""
    first = start_up(tmp_path, command="netsuite")
    assert first.stop() == 0
    with sqlite3.connect(
        tmp_path / "netsuite.db"
    ) as db:  # work for the async-job runner, queued before start
        db.executemany(
            "INSERT INTO ns_async_jobs (method, path, query, body, headers, progress, result_headers, "
            "result_body, created_at) VALUES ('POST', '/services/rest/record/v1/customer', '', ?, ?, "
            "'pending', '{}', '', '2026-01-05T09:00:00+00:00')",
            [('{"companyName": "x"}', '{"Content-Type": "application/json"}')] * 2000,
        )
    running = start_up(tmp_path, command="netsuite")
    try:
        url = running.url("netsuite")
        for _ in range(4):
            workers = psutil.Process(running.proc.pid).children()
            for worker in workers:
                worker.kill()
            for worker in workers:
                worker.wait(30)
            moved = requests.post(f"{url}/__erpsim/clock", json={"advance": 1}, headers=ADMIN, timeout=60)
            assert moved.status_code == 200, moved.text
    finally:
        assert running.stop() == 0


def test_one_log_line_per_request_at_info(running_up: Running) -> None:
    url = running_up.url("wms")
    r = requests.get(f"{url}/api/v1/products/7", headers={"X-API-Key": "wms-test-key"}, timeout=30)
    assert r.status_code == 404
    bad = requests.get(f"{url}/api/v1/products", headers={"X-API-Key": "nope"}, timeout=30)
    rid, bad_rid = r.headers["X-Erpsim-Request-Id"], bad.headers["X-Erpsim-Request-Id"]
    lines = [
        line.split(" erpsim.access: ", 1)[1]
        for line in running_up.output().splitlines()
        if " erpsim.access: " in line
    ]
    ours = [line for line in lines if line.endswith((rid, f"({bad_rid})", bad_rid))]
    assert [re.sub(r" \d+\.\dms", " <t>", line) for line in ours] == [
        f"wms GET /api/v1/products/7 404 <t> op=getProduct {rid}",
        f"wms GET /api/v1/products refused: Invalid API key. ({bad_rid})",
        f"wms GET /api/v1/products 401 <t> op=listProducts auth=Invalid API key. {bad_rid}",
    ]
    assert "\n# erpsim: netsuite, qms, wms, pos, ap ready (pid " in running_up.output()
