"""Reset and seed start a new world: no cache of any worker process may serve a record of the old one."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from .conftest import REST, NetSuiteDriver, make_app, ref


def _reset(app: Flask) -> None:
    NetSuiteDriver(app).reset()


def _baseline_subsidiary(app: Flask) -> int:
    return int(NetSuiteDriver(app).seed({"baseline": True}).get("subsidiary") or 1)


def test_a_get_after_reset_never_returns_a_record_of_the_previous_world(nsapp: Flask) -> None:
    ns = NetSuiteDriver(nsapp)
    sub = _baseline_subsidiary(nsapp)
    first = ns.create("customer", {"companyName": "Old World Ltd", "subsidiary": ref(sub)})
    assert ns.record("customer", first)["companyName"] == "Old World Ltd"  # rendered and cached
    assert ns.api("GET", f"{REST}/customer/{first}").get_json()["companyName"] == "Old World Ltd"

    # Same id, another record type: the cached customer must not answer.
    _reset(nsapp)
    sub = _baseline_subsidiary(nsapp)
    vendor = ns.create("vendor", {"companyName": "New Vendor Inc", "subsidiary": ref(sub)})
    assert vendor == first
    r = ns.api("GET", f"{REST}/customer/{first}")
    assert r.status_code == 404 and r.get_json()["o:errorDetails"][0]["o:errorCode"] == "NONEXISTENT_ID"
    assert ns.api("GET", f"{REST}/vendor/{vendor}").get_json()["companyName"] == "New Vendor Inc"

    # Same id, same type, same version: still the new body.
    _reset(nsapp)
    sub = _baseline_subsidiary(nsapp)
    again = ns.create("customer", {"companyName": "Third World Co", "subsidiary": ref(sub)})
    assert again == first
    body = ns.api("GET", f"{REST}/customer/{again}").get_json()
    assert body["companyName"] == "Third World Co" and body["entityId"] == "Third World Co"


def test_a_reset_by_one_worker_invalidates_the_caches_of_another(tmp_path: Path) -> None:
    # Two apps on one store are two gunicorn workers: shared database, separate process memory.
    worker_a, worker_b = make_app(tmp_path), make_app(tmp_path)
    ns_a, ns_b = NetSuiteDriver(worker_a), NetSuiteDriver(worker_b)
    sub = _baseline_subsidiary(worker_a)
    rid = ns_a.create("customer", {"companyName": "Cached In B", "subsidiary": ref(sub)})
    assert ns_b.api("GET", f"{REST}/customer/{rid}").get_json()["companyName"] == "Cached In B"

    _reset(worker_a)
    sub = _baseline_subsidiary(worker_a)
    assert ns_a.create("vendor", {"companyName": "Vendor Now", "subsidiary": ref(sub)}) == rid
    assert ns_b.api("GET", f"{REST}/customer/{rid}").status_code == 404
    assert ns_b.api("GET", f"{REST}/vendor/{rid}").get_json()["companyName"] == "Vendor Now"


def test_a_token_created_in_the_old_world_is_refused_by_every_worker_after_reset(tmp_path: Path) -> None:
    worker_a, worker_b = make_app(tmp_path), make_app(tmp_path)
    token = NetSuiteDriver(worker_a).act(
        "create_token",
        {"consumer_key": "ck-2", "consumer_secret": "cs-2", "token_id": "tid-2", "token_secret": "ts-2"},
    )
    assert token
    other = NetSuiteDriver(worker_b, creds=("ck-2", "cs-2", "tid-2", "ts-2"))
    assert other.api("GET", f"{REST}/customer").status_code == 200  # worker B caches the token row
    _reset(worker_a)
    r = other.api("GET", f"{REST}/customer")
    assert r.status_code == 401 and r.get_json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"
    assert (
        NetSuiteDriver(worker_b).api("GET", f"{REST}/customer").status_code == 200
    )  # the configured token is back


def test_seed_moves_the_world_generation(nsapp: Flask) -> None:
    emu = nsapp.extensions["erpsim"]
    before = emu.store.generation()
    _baseline_subsidiary(nsapp)
    assert emu.store.generation() == before + 1
    _reset(nsapp)
    assert emu.store.generation() == before + 2
