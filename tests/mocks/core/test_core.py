"""The shared machinery through a tiny emulator: control plane, clock, faults, journal, store."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from mocks.core.config import EmulatorConfig, SettingError
from mocks.core.middleware import ConnectionDropped
from tests.conftest import ADMIN, WebhookReceiver

from .fake_system import create_app


@pytest.fixture
def app(tmp_path: Path) -> Any:
    cfg = EmulatorConfig(system="fake", db_url=f"sqlite:///{tmp_path / 'fake.db'}", data_dir=tmp_path)
    app = create_app(cfg)
    client = app.test_client()
    client.post("/__erpsim/seed", json={"records": {"A": 10}}, headers=ADMIN)
    return app


def test_control_plane_requires_the_admin_token(app: Any) -> None:
    client = app.test_client()
    r = client.get("/__erpsim/state")
    assert r.status_code == 401
    assert r.get_json() == {
        "error": "ADMIN_TOKEN_REQUIRED",
        "message": "Send the admin token in the X-Erpsim-Admin-Token header.",
    }
    assert client.get("/__erpsim/state", headers={"X-Erpsim-Admin-Token": "wrong"}).status_code == 401
    assert client.get("/__erpsim/health").get_json() == {"system": "fake", "status": "ok"}


def test_a_system_reaches_its_typed_services_through_the_emulator(app: Any) -> None:
    class FakeServices:
        pass

    emu = app.extensions["erpsim"]
    with pytest.raises(TypeError):
        emu.get_services(FakeServices)  # none set yet
    services = FakeServices()
    emu.set_services(services)
    assert emu.get_services(FakeServices) is services
    with pytest.raises(TypeError):
        emu.get_services(dict)  # another system's type is refused, not returned
    with pytest.raises(RuntimeError):
        emu.set_services(FakeServices())  # set once, in create_app


def test_seed_state_reset_and_act(app: Any) -> None:
    client = app.test_client()
    assert client.post("/__erpsim/act/bump", json={"sku": "A"}, headers=ADMIN).get_json() == {"ok": True}
    state = client.get("/__erpsim/state", headers=ADMIN).get_json()
    assert state["fake_stock"] == [{"sku": "A", "qty": 11}]
    r = client.post("/__erpsim/act/nope", json={}, headers=ADMIN)
    assert r.status_code == 404 and r.get_json()["error"] == "UNKNOWN_ACTION"
    assert client.get("/__erpsim/act", headers=ADMIN).get_json() == {"bump": "Add one to a SKU's stock."}
    client.post("/__erpsim/reset", headers=ADMIN)
    assert client.get("/__erpsim/state", headers=ADMIN).get_json()["fake_stock"] == []


def test_state_survives_a_restart(tmp_path: Path) -> None:
    cfg = EmulatorConfig(system="fake", db_url=f"sqlite:///{tmp_path / 'p.db'}", data_dir=tmp_path)
    create_app(cfg).test_client().post("/__erpsim/seed", json={"records": {"KEEP": 3}}, headers=ADMIN)
    again = create_app(cfg).test_client()
    assert again.get("/stock/KEEP").get_json() == {"sku": "KEEP", "qty": 3}


def test_clock_set_advance_and_refusals(app: Any) -> None:
    client = app.test_client()
    assert client.get("/__erpsim/clock", headers=ADMIN).get_json() == {
        "now": "2026-01-05T09:00:00+00:00",
        "today": "2026-01-05",
        "rate": 0.0,
    }
    r = client.post("/__erpsim/clock", json={"advance": "P1DT2H"}, headers=ADMIN)
    assert r.get_json()["now"] == "2026-01-06T11:00:00+00:00"
    r = client.post("/__erpsim/clock", json={"advance": {"minutes": 30}}, headers=ADMIN)
    assert r.get_json()["now"] == "2026-01-06T11:30:00+00:00"
    r = client.post("/__erpsim/clock", json={"set": "2026-03-31"}, headers=ADMIN)
    assert r.get_json()["today"] == "2026-03-31"
    assert client.post("/__erpsim/clock", json={"advance": -5}, headers=ADMIN).status_code == 400
    assert client.post("/__erpsim/clock", json={"set": "yesterday"}, headers=ADMIN).status_code == 400
    assert client.post("/__erpsim/clock", json={}, headers=ADMIN).status_code == 400


def test_error_fault_uses_the_system_error_shape_and_nth_schedule(app: Any) -> None:
    client = app.test_client()
    plan = {
        "seed": 1,
        "rules": [
            {
                "kind": "error",
                "path": "^/stock/",
                "nth": 2,
                "status": 503,
                "code": "DOWN",
                "message": "maintenance",
            }
        ],
    }
    assert client.put("/__erpsim/faults", json=plan, headers=ADMIN).status_code == 200
    assert client.get("/stock/A").status_code == 200
    r = client.get("/stock/A")
    assert (r.status_code, r.get_json()) == (503, {"fault": "DOWN", "why": "maintenance"})
    assert client.get("/stock/A").status_code == 200
    desc = client.get("/__erpsim/faults", headers=ADMIN).get_json()
    assert desc["rules"][0]["matches"] == 3 and desc["rules"][0]["fired"] == 1


def test_throttle_every_and_probability_replay_identically(app: Any) -> None:
    client = app.test_client()

    def run() -> list[int]:
        plan = {"seed": 42, "rules": [{"kind": "throttle", "method": "GET", "probability": 0.3}]}
        client.put("/__erpsim/faults", json=plan, headers=ADMIN)
        return [client.get("/stock/A").status_code for _ in range(40)]

    first, second = run(), run()
    assert first == second
    assert set(first) == {200, 429} and 4 <= first.count(429) <= 20
    client.put("/__erpsim/faults", json={"kind": "throttle", "every": 3}, headers=ADMIN)
    assert [client.get("/stock/A").status_code for _ in range(6)] == [200, 200, 429, 200, 200, 429]


def test_invalid_fault_plan_is_refused(app: Any) -> None:
    client = app.test_client()
    r = client.put("/__erpsim/faults", json={"kind": "explode"}, headers=ADMIN)
    assert r.status_code == 400 and r.get_json()["error"] == "INVALID_FAULT_PLAN"
    r = client.put("/__erpsim/faults", json={"kind": "drop", "path": "/x"}, headers=ADMIN)
    assert r.status_code == 400


def test_reset_before_commit_writes_nothing_reset_after_commit_writes(app: Any, serve_app: Any) -> None:
    srv = serve_app(app)
    s = requests.Session()
    s.put(
        f"{srv.url}/__erpsim/faults", json={"kind": "reset_before", "method": "POST", "nth": 1}, headers=ADMIN
    )
    with pytest.raises(requests.ConnectionError):
        s.post(f"{srv.url}/stock/A/move", json={"delta": 5}, timeout=5)
    assert s.get(f"{srv.url}/stock/A").json()["qty"] == 10
    s.put(
        f"{srv.url}/__erpsim/faults", json={"kind": "reset_after", "method": "POST", "nth": 1}, headers=ADMIN
    )
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{srv.url}/stock/A/move", json={"delta": 5}, timeout=5)
    assert s.get(f"{srv.url}/stock/A").json()["qty"] == 15


def test_reset_in_process_raises_connection_dropped(app: Any) -> None:
    client = app.test_client()
    client.put("/__erpsim/faults", json={"kind": "reset_after", "method": "POST"}, headers=ADMIN)
    with pytest.raises(ConnectionDropped):
        client.post("/stock/A/move", json={"delta": 1})
    assert client.get("/stock/A").get_json()["qty"] == 11


def test_malformed_and_latency_faults(app: Any, serve_app: Any) -> None:
    srv = serve_app(app)
    requests.put(
        f"{srv.url}/__erpsim/faults",
        json={
            "rules": [
                {"kind": "malformed", "method": "GET"},
                {"kind": "latency", "method": "GET", "latency_ms": 50},
            ]
        },
        headers=ADMIN,
    )
    r = requests.get(f"{srv.url}/stock/A", timeout=5)
    assert r.status_code == 200 and r.elapsed.total_seconds() >= 0.05
    with pytest.raises(ValueError):
        json.loads(r.content)


def test_journal_records_vendor_requests_not_control(app: Any) -> None:
    client = app.test_client()
    client.delete("/__erpsim/journal", headers=ADMIN)
    client.get("/stock/A", headers={"X-Request-Id": "abc"})
    client.get("/stock/ZZZ")
    j = client.get("/__erpsim/journal", headers=ADMIN).get_json()
    assert [(e["method"], e["path"], e["status"]) for e in j["entries"]] == [
        ("GET", "/stock/A", 200),
        ("GET", "/stock/ZZZ", 404),
    ]
    assert j["entries"][0]["request_id"] == "abc"
    since = j["entries"][0]["seq"]
    assert len(client.get(f"/__erpsim/journal?since={since}", headers=ADMIN).get_json()["entries"]) == 1


def test_bad_json_and_unknown_route_use_the_system_shape(app: Any) -> None:
    client = app.test_client()
    r = client.post("/stock/A/move", data="{nope", content_type="application/json")
    assert r.status_code == 400 and r.get_json()["fault"] == "ERPSIM_BAD_JSON"
    r = client.post("/stock/A/move", data="x=1", content_type="text/plain")
    assert r.status_code == 415
    r = client.get("/no/such/route")
    assert r.status_code == 404 and r.get_json()["fault"] == "ERPSIM_NOT_FOUND"
    r = client.delete("/stock/A")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    assert client.get("/stock/A").get_json()["qty"] == 10


def test_concurrent_read_modify_write_never_loses_an_update(app: Any, serve_app: Any) -> None:
    srv = serve_app(app)

    def move(_: int) -> int:
        return requests.post(f"{srv.url}/stock/A/move", json={"delta": 1}, timeout=30).status_code

    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(move, range(200)))
    assert statuses == [200] * 200
    assert requests.get(f"{srv.url}/stock/A").json()["qty"] == 210


@pytest.fixture
def receiver(webhook_receiver: WebhookReceiver) -> tuple[str, WebhookReceiver]:
    return webhook_receiver.url("/hook"), webhook_receiver


def _subscribe(app: Any, url: str) -> None:
    emu = app.extensions["erpsim"]
    with emu.store.write() as s:
        emu.webhooks.subscribe(s, url, ["stock.*"], "s3cret")


def test_webhooks_are_signed_retried_and_faulted_deterministically(app: Any, receiver: Any) -> None:
    url, handler = receiver
    _subscribe(app, url)
    client = app.test_client()
    handler.fail_first = 1
    client.post("/stock/A/move", json={"delta": 1})
    sent = client.post("/__erpsim/webhooks/deliver", headers=ADMIN).get_json()
    assert [s["result"] for s in sent["sent"]] == ["failed"] and sent["pending"] == 1
    sent = client.post("/__erpsim/webhooks/deliver", headers=ADMIN).get_json()
    assert [s["result"] for s in sent["sent"]] == ["delivered"] and sent["pending"] == 0
    headers, body = handler.received[-1]
    assert json.loads(body) == {"sku": "A", "qty": 11}
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Erpsim-Signature"] == f"sha256={expected}"

    handler.received.clear()
    client.put(
        "/__erpsim/faults",
        json={
            "rules": [
                {"kind": "drop", "event": "stock.*", "nth": 1},
                {"kind": "duplicate", "event": "stock.*", "nth": 2},
                {"kind": "reorder", "event": "stock.*", "nth": 3},
            ]
        },
        headers=ADMIN,
    )
    for _ in range(4):
        client.post("/stock/A/move", json={"delta": 1})
    client.post("/__erpsim/webhooks/deliver", headers=ADMIN)
    assert [json.loads(b)["qty"] for _, b in handler.received] == [13, 13, 15, 14]


def test_webhook_gives_up_after_max_attempts(app: Any, receiver: Any) -> None:
    url, handler = receiver
    _subscribe(app, url)
    client = app.test_client()
    handler.fail_first = 99
    client.post("/stock/A/move", json={"delta": 1})
    for _ in range(4):
        client.post("/__erpsim/webhooks/deliver", headers=ADMIN)
    deliveries = client.get("/__erpsim/webhooks", headers=ADMIN).get_json()["deliveries"]
    assert [(d["status"], d["attempts"], d["lastStatus"]) for d in deliveries] == [("failed", 3, 500)]


def test_an_idle_dispatcher_round_takes_no_write_lock(app: Any, receiver: Any, monkeypatch: Any) -> None:
    url, handler = receiver
    _subscribe(app, url)
    emu = app.extensions["erpsim"]
    hub, store = emu.webhooks, emu.store
    hub.backoff_base = 60.0  # the failed delivery's retry is minutes away, however slow this machine is
    handler.fail_first = 1
    app.test_client().post("/stock/A/move", json={"delta": 1})
    assert [r["result"] for r in hub.deliver_now(respect_backoff=True)] == ["failed"]
    real_write, writes = store.write, []

    def counting_write() -> Any:
        writes.append(1)
        return real_write()

    monkeypatch.setattr(store, "write", counting_write)
    # the one pending delivery waits out its backoff: a background round neither sends nor writes
    assert hub.deliver_now(respect_backoff=True) == [] and writes == []
    # "deliver now" ignores the backoff: sent, recorded
    assert [r["result"] for r in hub.deliver_now()] == ["delivered"] and len(writes) == 2
    # nothing pending at all: no transaction
    assert hub.deliver_now() == [] and hub.deliver_now(respect_backoff=True) == [] and len(writes) == 2
    assert [json.loads(b)["qty"] for _, b in handler.received] == [11, 11]


def test_a_delayed_request_that_outlives_its_world_is_dropped_not_applied_to_the_next(
    app: Any, serve_app: Any
) -> None:
    srv = serve_app(app)
    requests.put(
        f"{srv.url}/__erpsim/faults",
        json={"kind": "latency", "method": "POST", "latency_ms": 2000, "times": 1},
        headers=ADMIN,
    )
    with ThreadPoolExecutor(max_workers=1) as pool:
        late = pool.submit(requests.post, f"{srv.url}/stock/A/move", json={"delta": 1}, timeout=30)
        deadline = time.monotonic() + 30
        while requests.get(f"{srv.url}/__erpsim/faults", headers=ADMIN).json()["rules"][0]["fired"] == 0:
            assert time.monotonic() < deadline, "the delayed request never arrived"
        # the next scenario's world, while the request still waits out its latency
        requests.post(f"{srv.url}/__erpsim/reset", json={}, headers=ADMIN)
        requests.post(f"{srv.url}/__erpsim/seed", json={"records": {"A": 10}}, headers=ADMIN)
        with pytest.raises(requests.exceptions.ConnectionError):
            late.result()
    assert requests.get(f"{srv.url}/stock/A").json() == {"sku": "A", "qty": 10}
    journal = requests.get(f"{srv.url}/__erpsim/journal", headers=ADMIN).json()["entries"]
    assert [e for e in journal if e["path"] == "/stock/A/move"] == []  # nor is it the new world's request
    # without a reset the same delay is only a delay
    requests.put(
        f"{srv.url}/__erpsim/faults",
        json={"kind": "latency", "method": "POST", "latency_ms": 50},
        headers=ADMIN,
    )
    assert requests.post(f"{srv.url}/stock/A/move", json={"delta": 1}, timeout=30).json() == {
        "sku": "A",
        "qty": 11,
    }


def test_hang_fault_holds_the_request_until_the_client_times_out(app: Any, serve_app: Any) -> None:
    srv = serve_app(app)
    requests.put(
        f"{srv.url}/__erpsim/faults",
        json={"kind": "hang", "method": "POST", "hang_seconds": 1.5},
        headers=ADMIN,
    )
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(f"{srv.url}/stock/A/move", json={"delta": 1}, timeout=0.3)
    assert requests.get(f"{srv.url}/stock/A").json()["qty"] == 10
    journal = requests.get(f"{srv.url}/__erpsim/journal", headers=ADMIN).json()["entries"]
    assert [(e["method"], e["fault"]) for e in journal if e["method"] == "POST"] in ([], [("POST", "hang")])


def test_background_dispatcher_can_be_paused_for_deterministic_scenarios(
    tmp_path: Path, receiver: Any
) -> None:
    cfg = EmulatorConfig(
        system="fake", db_url=f"sqlite:///{tmp_path / 'd.db'}", data_dir=tmp_path, webhook_dispatcher=True
    )
    app = create_app(cfg)
    client = app.test_client()
    client.post("/__erpsim/seed", json={"records": {"A": 1}}, headers=ADMIN)
    url, handler = receiver
    _subscribe(app, url)
    emu = app.extensions["erpsim"]
    assert (
        client.post("/__erpsim/webhooks/dispatcher", json={"paused": "yes"}, headers=ADMIN).status_code == 400
    )
    assert client.post("/__erpsim/webhooks/dispatcher", json={"paused": True}, headers=ADMIN).get_json() == {
        "running": False,
        "paused": True,
    }
    emu.start_background()
    client.post("/stock/A/move", json={"delta": 1})
    time.sleep(0.5)
    assert handler.received == [] and emu.webhooks.pending_count() == 1
    client.post("/__erpsim/webhooks/dispatcher", json={"paused": False}, headers=ADMIN)
    deadline = time.monotonic() + 5
    while emu.webhooks.pending_count() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(handler.received) == 1
    emu.webhooks.stop()


def test_from_env_is_the_only_reader_of_the_variables(tmp_path: Path) -> None:
    env = {
        "ERPSIM_WMS_API_KEY": "k1",
        "ERPSIM_WMS_PORT": "9001",
        "ERPSIM_WMS_DB": "sqlite://",
        "ERPSIM_QMS_API_KEY": "other",
        "ERPSIM_DATA_DIR": str(tmp_path),
        "ERPSIM_ADMIN_TOKEN": "t",
    }
    cfg = EmulatorConfig.from_env("wms", env=env, settings={"currency": "EUR"})
    assert (cfg.port, cfg.db_url, cfg.data_dir, cfg.admin_token) == (9001, "sqlite://", tmp_path, "t")
    assert cfg.settings == {"api_key": "k1", "currency": "EUR"}  # its own system's, fields left out
    assert cfg.setting("api_key") == "k1" and cfg.setting("missing", 7) == 7
    assert EmulatorConfig.from_env("wms", env=env, settings={"api_key": "k2"}).setting("api_key") == "k2"
    # A config built directly sees no variable: tests and in-process emulators get the defaults.
    assert EmulatorConfig(system="wms", data_dir=tmp_path).setting("api_key", "default") == "default"
    with pytest.raises(SettingError, match="ERPSIM_WMS_PORT_COUNT='x' is not a whole number"):
        EmulatorConfig.from_env("wms", env={"ERPSIM_WMS_PORT_COUNT": "x"}).setting("port_count", 1, int)
