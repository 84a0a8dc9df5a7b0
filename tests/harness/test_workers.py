"""``--workers N``: the fault plan, the journal and the TBA nonces are shared by every worker process, so
the emulators behave as one process whichever worker serves a request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.conftest import ADMIN
from tests.mocks.every_system import NS_AUTH

from .running import Running, start_up

WORKERS = 3


@pytest.fixture(scope="module")
def workers_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """NetSuite and the WMS served by three worker processes."""
    running = start_up(
        tmp_path_factory.mktemp("workers"), "--systems", "netsuite,wms", "--workers", str(WORKERS)
    )
    yield running
    running.stop()


def _fresh_get(url: str, **kw: object) -> requests.Response:
    """A GET on a new connection (so gunicorn may hand it to any worker)."""
    with requests.Session() as session:
        return session.get(
            url,
            headers={"Connection": "close", **kw.pop("headers", {})},  # type: ignore[dict-item]
            timeout=30,
            **kw,
        )  # type: ignore[arg-type]


def _journal(url: str, **params: str) -> list[dict[str, object]]:
    return list(
        requests.get(f"{url}/__erpsim/journal", params=params, headers=ADMIN, timeout=30).json()["entries"]
    )


def _served_by_several(url: str, path: str, max_requests: int = 90) -> list[requests.Response]:
    """GET ``path`` of the WMS on new connections until at least two workers answered (bounded)."""
    responses: list[requests.Response] = []
    while len(responses) < max_requests:
        responses.extend(_fresh_get(url + path, headers={"X-API-Key": "wms-test-key"}) for _ in range(6))
        pids = {e["pid"] for e in _journal(url, path=f"^{path}$")}
        if len(pids) >= 2:
            return responses
    raise AssertionError("every request went to one worker")


def test_one_fault_plan_counts_across_workers(workers_up: Running) -> None:
    url = workers_up.url("wms")
    requests.post(f"{url}/__erpsim/reset", json={}, headers=ADMIN, timeout=30)
    plan = {
        "seed": 3,
        "rules": [
            {
                "kind": "error",
                "status": 503,
                "code": "DOWN",
                "method": "GET",
                "operation": "listProducts",
                "every": 3,
            }
        ],
    }
    assert requests.put(f"{url}/__erpsim/faults", json=plan, headers=ADMIN, timeout=30).status_code == 200
    statuses = [r.status_code for r in _served_by_several(url, "/api/v1/products")]
    assert statuses == [200, 200, 503] * (len(statuses) // 3)  # every third, whichever worker served it
    described = requests.get(f"{url}/__erpsim/faults", headers=ADMIN, timeout=30).json()
    assert (described["rules"][0]["matches"], described["rules"][0]["fired"]) == (
        len(statuses),
        len(statuses) // 3,
    )


def test_one_journal_for_every_worker(workers_up: Running) -> None:
    url = workers_up.url("wms")
    requests.delete(f"{url}/__erpsim/journal", headers=ADMIN, timeout=30)
    responses = _served_by_several(url, "/api/v1/warehouses")
    entries = _journal(url)
    assert [e["request_id"] for e in entries] == [r.headers["X-Erpsim-Request-Id"] for r in responses]
    assert {e["operation"] for e in entries} == {"listWarehouses"}
    seqs = [int(str(e["seq"])) for e in entries]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_a_captured_signed_request_is_accepted_once_by_all_workers(workers_up: Running) -> None:
    url = workers_up.url("netsuite")
    requests.post(f"{url}/__erpsim/reset", json={}, headers=ADMIN, timeout=30)
    signed = requests.Request("GET", f"{url}/services/rest/record/v1/customer", auth=NS_AUTH).prepare()
    signed.headers["Connection"] = "close"
    statuses: list[int] = []
    failures: set[str] = set()
    while len({e["pid"] for e in _journal(url)}) < 2 and len(statuses) < 90:
        for _ in range(6):  # the replays land on any worker: none of them may accept it again
            with requests.Session() as session:
                r = session.send(signed, timeout=30)
            statuses.append(r.status_code)
            failures.add(r.headers.get("X-Erpsim-Auth-Failure", ""))
    assert len({e["pid"] for e in _journal(url)}) >= 2
    assert statuses == [200] + [401] * (len(statuses) - 1)
    assert failures == {
        "",
        "tba NonceRejected (replay=True, consumer_key=erpsim-consumer-key, token_id=erpsim-token-id)",
    }
