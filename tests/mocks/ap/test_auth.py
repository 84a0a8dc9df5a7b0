"""Login, sessions (35 idle virtual minutes), devKey, MFA trust, concurrency and hourly limits."""

from __future__ import annotations

import threading
from typing import Any

import requests

from mocks.ap.services import ApServices
from tests.conftest import ADMIN

from .conftest import DEV_KEY, LOGIN, V3, ApDriver, err, login


def test_login_returns_a_session_and_session_info(api: ApDriver) -> None:
    info = api.ok("GET", "/login/session")
    assert info == {
        "sessionId": api.session["sessionId"],
        "userId": "00602000000000000001",
        "organizationId": "00802ERPSIMORG000001",
        "trusted": True,
    }


def test_login_refusals_use_bill_codes(app: Any) -> None:
    c = app.test_client()
    assert err(c.post(f"{V3}/login", json={**LOGIN, "password": "nope"})) == (
        401,
        "BDC_1101",
        "User name and/or password do not match our records.",
    )
    assert err(c.post(f"{V3}/login", json={**LOGIN, "devKey": "bad"})) == (
        401,
        "BDC_1102",
        "Developer key is invalid.",
    )
    assert err(c.post(f"{V3}/login", json={**LOGIN, "organizationId": "00802OTHER"}))[:2] == (401, "BDC_1103")
    assert err(c.post(f"{V3}/login", json={"username": "x"}))[:2] == (400, "BDC_1106")
    assert err(c.post(f"{V3}/login", json={**LOGIN, "extra": 1}))[:2] == (400, "BDC_1002")
    assert err(c.post(f"{V3}/login", data="{", content_type="application/json"))[:2] == (400, "BDC_1002")
    assert err(c.post(f"{V3}/login", data="a=b", content_type="text/plain"))[:2] == (415, "BDC_1002")
    assert err(c.post(f"{V3}/login", json={**LOGIN, "username": "a\x00b"}))[:2] == (400, "BDC_1107")
    assert c.get("/__erpsim/state", headers=ADMIN).get_json()["ap_sessions"] == []


def test_every_call_needs_devkey_and_a_live_session(api: ApDriver) -> None:
    assert err(api.api("GET", "/vendors", auth=False)) == (401, "BDC_1102", "Developer key is invalid.")
    assert err(api.api("GET", "/vendors", auth=False, headers={"devKey": DEV_KEY})) == (
        401,
        "BDC_1109",
        "Session is invalid. Please log in.",
    )
    assert (
        err(api.api("GET", "/vendors", headers={"devKey": DEV_KEY, "sessionId": "x" * 500}))[1] == "BDC_1109"
    )
    assert err(api.api("GET", "/nope")) == (404, "BDC_1121", "API not supported.")
    assert err(api.api("DELETE", "/bills"))[:2] == (405, "BDC_1121")


def test_session_expires_after_35_idle_virtual_minutes_and_calls_refresh_it(api: ApDriver) -> None:
    api.clock({"advance": {"minutes": 34}})
    assert api.api("GET", "/vendors").status_code == 200  # refreshes the idle timer
    api.clock({"advance": {"minutes": 34}})
    assert api.api("GET", "/vendors").status_code == 200
    api.clock({"advance": {"minutes": 36}})
    assert err(api.api("GET", "/vendors"))[:2] == (401, "BDC_1109")
    api.login()
    assert api.api("GET", "/vendors").status_code == 200


def test_expire_sessions_action_and_logout(api: ApDriver) -> None:
    other = login(api.client)
    assert api.act("expire_sessions") == {"expired": 2}
    assert err(api.api("GET", "/vendors"))[1] == "BDC_1109"
    assert err(api.api("GET", "/vendors", headers=other))[1] == "BDC_1109"
    api.login()
    assert api.api("POST", "/logout").get_json() == {}
    assert err(api.api("GET", "/vendors"))[1] == "BDC_1109"


def test_payments_need_an_mfa_trusted_session(app: Any) -> None:
    api = ApDriver(app, trusted=False)
    assert api.ok("GET", "/login/session")["trusted"] is False
    r = api.api("POST", "/payments", {"billId": "00n02000000000000001", "amount": 1})
    assert err(r)[:2] == (403, "BDC_1361")


def test_hourly_cap_per_devkey_in_virtual_hours(app_factory: Any) -> None:
    api = ApDriver(app_factory(hourly_limit=3))
    assert [api.api("GET", "/vendors").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert err(api.api("GET", "/vendors")) == (
        429,
        "BDC_1144",
        "Max number of allowed requests per hour reached: 3.",
    )
    api.clock({"advance": {"minutes": 61}})  # 10:01: a new virtual hour window
    api.login()
    assert api.api("GET", "/vendors").status_code == 200


def test_login_hourly_cap(app_factory: Any) -> None:
    c = app_factory(login_hourly_limit=2).test_client()
    codes = [c.post(f"{V3}/login", json=LOGIN).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_failed_logins_count_towards_the_hourly_login_cap(app_factory: Any) -> None:
    c = app_factory(login_hourly_limit=3).test_client()
    guesses = [c.post(f"{V3}/login", json={**LOGIN, "password": f"guess-{n}"}).status_code for n in range(3)]
    assert guesses == [401, 401, 401]
    assert err(c.post(f"{V3}/login", json={**LOGIN, "password": "guess-4"})) == (
        429,
        "BDC_1144",
        "Max number of allowed logins per hour reached: 3.",
    )
    assert (
        c.post(f"{V3}/login", json=LOGIN).status_code == 429
    )  # the right password waits for the next hour too
    assert c.get("/__erpsim/state", headers=ADMIN).get_json()["ap_sessions"] == []
    c.post("/__erpsim/clock", json={"advance": {"minutes": 61}}, headers=ADMIN)
    assert c.post(f"{V3}/login", json=LOGIN).status_code == 200


def test_three_concurrent_requests_per_devkey_then_bdc_1322(app: Any, serve_app: Any) -> None:
    srv = serve_app(app)
    api = ApDriver(app)
    # Three requests in flight hold the devKey's three slots; the fourth is refused.
    limiter = ApServices.of(app.extensions["erpsim"]).limiter
    held = [limiter.slot(DEV_KEY, 3) for _ in range(3)]
    assert all(h.__enter__() for h in held)
    r = requests.get(f"{srv.url}{V3}/vendors", headers=api.session, timeout=5)
    assert r.status_code == 429 and r.json()[0]["code"] == "BDC_1322"
    held[0].__exit__(None, None, None)
    assert requests.get(f"{srv.url}{V3}/vendors", headers=api.session, timeout=5).status_code == 200
    for h in held[1:]:
        h.__exit__(None, None, None)
    # Real overlap: 6 threads against 3 slots; some may be refused, none fails otherwise.
    barrier = threading.Barrier(6)
    codes: list[int] = []

    def call() -> None:
        barrier.wait()
        codes.append(
            requests.get(f"{srv.url}{V3}/vendors?max=100", headers=api.session, timeout=10).status_code
        )

    threads = [threading.Thread(target=call) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(codes) <= {200, 429} and codes.count(200) >= 1


def test_throttle_fault_answers_bdc_1322(api: ApDriver) -> None:
    api.faults({"kind": "throttle", "path": "/bills", "nth": 1})
    assert err(api.api("GET", "/bills")) == (
        429,
        "BDC_1322",
        "Max number of concurrent requests per organization reached.",
    )
    assert api.api("GET", "/bills").status_code == 200
