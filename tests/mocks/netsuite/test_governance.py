"""Governance (concurrency limit, 429), async jobs with idempotency keys, and SuiteQL over the API."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import requests
from requests_oauthlib import OAuth1

from mocks.netsuite.services import NetSuiteServices
from tests.conftest import ADMIN

from .conftest import ACCOUNT, CREDS, REST, NetSuiteDriver, detail, make_app, ref


def _tba() -> OAuth1:
    ck, cs, tid, ts = CREDS
    return OAuth1(ck, cs, tid, ts, signature_method="HMAC-SHA256", realm=ACCOUNT)


def test_six_parallel_clients_over_a_limit_of_five_get_429_and_nothing_else(
    tmp_path: Path, serve_app: Any
) -> None:
    app = make_app(tmp_path, concurrency_limit=5, service_time=0.4)
    srv = serve_app(app)
    requests.post(f"{srv.url}/__erpsim/seed", json={"seed": 3, "customers": 1}, headers=ADMIN)
    cid = requests.post(
        f"{srv.url}/__erpsim/seed",
        json={"records": {"customer": [{"companyName": "Par", "subsidiary": {"id": "1"}}]}},
        headers=ADMIN,
    ).json()["customer"][0]
    barrier = threading.Barrier(6)
    results: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def client() -> None:
        barrier.wait(10)
        r = requests.get(f"{srv.url}{REST}/customer/{cid}", auth=_tba(), timeout=30)
        with lock:
            results.append((r.status_code, r.json()))

    threads = [threading.Thread(target=client) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    statuses = sorted(s for s, _ in results)
    assert len(results) == 6 and set(statuses) <= {200, 429} and statuses.count(429) >= 1
    assert statuses.count(200) >= 1
    throttled = next(body for s, body in results if s == 429)
    assert throttled == {
        "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html",
        "title": "Too Many Requests",
        "status": 429,
        "o:errorDetails": [
            {
                "detail": "Concurrent request limit exceeded. Request blocked.",
                "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED",
            }
        ],
    }
    for _, body in results:
        if "id" in body:
            assert body["id"] == str(cid) and body["companyName"] == "Par"
    # slots are released: a later request goes through
    assert requests.get(f"{srv.url}{REST}/customer/{cid}", auth=_tba(), timeout=30).status_code == 200


def test_governance_settings_follow_tier_and_licences(tmp_path: Path) -> None:
    app = make_app(tmp_path, service_tier="premium", suitecloud_plus_licences=2)
    assert NetSuiteServices.of(app.extensions["erpsim"]).governance.limit == 35
    ns = NetSuiteDriver(app)
    ns.act("set_governance", {"concurrencyLimit": 0}, status=400)
    out = ns.act("set_governance", {"concurrencyLimit": 7, "serviceTime": "realistic"})
    assert out["concurrencyLimit"] == 7 and out["serviceTime"]["create"] == 0.45


def test_async_request_runs_as_a_job_and_idempotency_key_is_honoured(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    headers = {"Prefer": "respond-async", "X-NetSuite-Idempotency-Key": "k-123"}
    body = {"companyName": "Async Co", "subsidiary": ref(world["subsidiary"])}
    r = ns.api("POST", f"{REST}/customer", body, headers=headers)
    assert r.status_code == 202 and r.headers["Preference-Applied"] == "respond-async"
    job_url = r.headers["Location"]
    assert job_url == "http://localhost/services/rest/async/v1/job/1"
    job = ns.api("GET", "/services/rest/async/v1/job/1").get_json()
    assert (job["completed"], job["progress"]) == (False, "pending")
    again = ns.api("POST", f"{REST}/customer", body, headers=headers)
    assert again.status_code == 400 and again.headers["Location"] == job_url
    assert again.get_json()["title"] == "Conflict" and detail(again)["o:errorCode"] == "IDEMPOTENCY_ERROR"
    assert ns.act("run_async_jobs") == {"ran": [{"job": 1, "status": 204}]}
    task = ns.api("GET", "/services/rest/async/v1/job/1/task/1").get_json()
    assert task["completed"] is True and task["progress"] == "succeeded"
    result = ns.api("GET", "/services/rest/async/v1/job/1/task/1/result")
    assert result.status_code == 204 and "/services/rest/record/v1/customer/" in result.headers["Location"]
    assert [c["body"]["companyName"] for c in ns.state()["records"]["customer"]].count("Async Co") == 1
    # synchronous requests ignore the key (another customer: entity ids are unique)
    assert (
        ns.api(
            "POST",
            f"{REST}/customer",
            {**body, "companyName": "Async Co 2"},
            headers={"X-NetSuite-Idempotency-Key": "k-123"},
        ).status_code
        == 204
    )


def test_failed_async_job_keeps_the_error(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    r = ns.api(
        "POST", f"{REST}/customer", {"companyName": "No Subsidiary"}, headers={"Prefer": "respond-async"}
    )
    job_id = r.headers["Location"].rsplit("/", 1)[1]
    ns.act("run_async_jobs")
    assert ns.api("GET", f"/services/rest/async/v1/job/{job_id}").get_json()["progress"] == "failed"
    result = ns.api("GET", f"/services/rest/async/v1/job/{job_id}/task/1/result")
    assert result.status_code == 400 and result.get_json()["o:errorDetails"][0]["o:errorCode"] == "USER_ERROR"
    assert ns.api("GET", "/services/rest/async/v1/job/999").status_code == 404


def test_suiteql_reads_back_what_the_record_api_wrote(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    item = world["items"]["inventory"][0]
    so = ns.create(
        "salesOrder",
        {
            "entity": ref(world["customers"][0]),
            "orderStatus": "B",
            "location": ref(world["locations"][0]),
            "item": {"items": [{"item": ref(item), "quantity": 4}]},
        },
    )
    ns.api(
        "POST",
        f"{REST}/salesOrder/{so}/!transform/itemFulfillment",
        {"item": {"items": [{"orderLine": 1, "quantity": 1}]}},
    )
    r = ns.api(
        "POST",
        "/services/rest/query/v1/suiteql?limit=10",
        {
            "q": f"SELECT t.id, t.tranid, t.status, BUILTIN.DF(t.entity) AS customer FROM transaction t "
            f"WHERE t.type = 'SalesOrd' AND t.id = {so}"
        },
        headers={"Prefer": "transient"},
    )
    assert r.status_code == 200
    row = r.get_json()["items"][0]
    assert (row["id"], row["tranid"], row["status"]) == (str(so), "SO1", "E")
    r = ns.api(
        "POST",
        "/services/rest/query/v1/suiteql",
        {"q": "SELECT nosuchcolumn FROM transaction"},
        headers={"Prefer": "transient"},
    )
    assert r.status_code == 400 and "Unknown identifier" in detail(r)["detail"]
    r = ns.api("POST", "/services/rest/query/v1/suiteql", {"q": "SELECT id FROM transaction"})
    assert r.status_code == 400 and detail(r)["o:errorHeader"] == "Prefer"
    r = ns.api(
        "POST",
        "/services/rest/query/v1/suiteql?limit=5000",
        {"q": "SELECT id FROM transaction"},
        headers={"Prefer": "transient"},
    )
    assert r.status_code == 400 and detail(r)["o:errorQueryParam"] == "limit"


def test_the_limit_holds_across_worker_processes(tmp_path: Path) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ERPSIM_NETSUITE_CONCURRENCY_LIMIT": "3", "ERPSIM_NETSUITE_SERVICE_TIME": "0.5"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "netsuite",
            "--port",
            str(port),
            "--workers",
            "2",
            "--data-dir",
            str(tmp_path),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{url}/__erpsim/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        results: list[int] = []
        lock = threading.Lock()
        barrier = threading.Barrier(8)

        def client() -> None:
            barrier.wait(10)
            r = requests.get(f"{url}{REST}/metadata-catalog", auth=_tba(), timeout=30)
            with lock:
                results.append(r.status_code)

        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        # 8 requests at once on 2 worker processes, each request holding a slot for 0.5 s: at most 3 succeed.
        assert sorted(results) == [200] * results.count(200) + [429] * results.count(429)
        assert len(results) == 8 and 1 <= results.count(200) <= 3
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(20)


def test_the_service_time_is_the_whole_stay_in_the_slot_processing_included(
    tmp_path: Path, serve_app: Any
) -> None:
    app = make_app(tmp_path, concurrency_limit=1, service_time=0.3)
    srv = serve_app(app)
    cid = requests.post(
        f"{srv.url}/__erpsim/seed",
        json={"records": {"customer": [{"companyName": "Slow", "subsidiary": {"id": "1"}}]}},
        headers=ADMIN,
    ).json()["customer"][0]
    began = time.monotonic()
    r = requests.get(f"{srv.url}{REST}/customer/{cid}", auth=_tba(), timeout=30)
    # a lower bound only: the answer waits out the service time after the route ran (and holds the slot till then)
    assert r.status_code == 200 and r.json()["companyName"] == "Slow" and time.monotonic() - began >= 0.3
