"""The NetSuite round trip on PostgreSQL (the scale-out store), and no lost stock updates under concurrency."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import requests
from requests_oauthlib import OAuth1

from .conftest import ACCOUNT, CREDS, REST, NetSuiteDriver, make_app, ref

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def pg_app(tmp_path: Path, pg_url: str) -> Any:
    app = make_app(tmp_path, pg_url)
    yield app
    app.extensions["erpsim"].store.dispose()


def test_round_trip_on_postgres(pg_app: Any) -> None:
    ns = NetSuiteDriver(pg_app)
    world = ns.seed({"seed": 5, "customers": 1, "locations": 1, "stock": 10, "items": {"inventory": 1}})
    assert world["subsidiary"] == 1  # ids are per family and restart after a reset on PostgreSQL too
    item, loc = world["items"]["inventory"][0], world["locations"][0]
    body = {
        "entity": ref(world["customers"][0]),
        "location": ref(loc),
        "item": {"items": [{"item": ref(item), "quantity": 4}]},
    }
    first = ns.api("PUT", f"{REST}/salesOrder/eid:PG-1?replace=item", body)
    second = ns.api("PUT", f"{REST}/salesOrder/eid:PG-1?replace=item", body)
    assert first.status_code == second.status_code == 204
    assert first.headers["Location"] == second.headers["Location"]
    so = int(first.headers["Location"].rsplit("/", 1)[1])
    ns.act("approve_sales_order", {"id": so})
    line = ns.record("salesOrder", so)["item"]["items"][0]["line"]
    r = ns.api(
        "POST",
        f"{REST}/salesOrder/{so}/!transform/itemFulfillment",
        {"item": {"items": [{"orderLine": line, "quantity": 3}]}},
    )
    assert r.status_code == 204
    assert ns.stock(item, loc) == 7
    q = ns.api(
        "POST",
        "/services/rest/query/v1/suiteql",
        {"q": f"SELECT status FROM transaction WHERE id = {so}"},
        headers={"Prefer": "transient"},
    )
    assert q.get_json()["items"][0]["status"] == "E"
    ns.act("close_period", {"periodName": "Jan 2026"})
    r = ns.api("POST", f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {})
    assert r.status_code == 400 and ns.stock(item, loc) == 7


def test_concurrent_adjustments_never_lose_an_update_on_postgres(pg_app: Any, serve_app: Any) -> None:
    ns = NetSuiteDriver(pg_app)
    world = ns.seed({"seed": 6, "locations": 1, "items": {"inventory": 1}})
    item, loc, acct = (
        world["items"]["inventory"][0],
        world["locations"][0],
        world["accounts"]["Inventory Adjustments"],
    )
    srv = serve_app(pg_app)
    ck, cs, tid, ts = CREDS
    errors: list[int] = []

    def adjust() -> None:
        auth = OAuth1(ck, cs, tid, ts, signature_method="HMAC-SHA256", realm=ACCOUNT)
        for _ in range(5):
            r = requests.post(
                f"{srv.url}{REST}/inventoryAdjustment",
                auth=auth,
                timeout=30,
                json={
                    "account": ref(acct),
                    "inventory": {"items": [{"item": ref(item), "location": ref(loc), "adjustQtyBy": 1}]},
                },
            )
            if r.status_code != 204:
                errors.append(r.status_code)

    # the default governance limit (5) would refuse some of 8 concurrent clients: lift it for this test
    ns.act("set_governance", {"concurrencyLimit": 50})
    threads = [threading.Thread(target=adjust) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert NetSuiteDriver(pg_app).stock(item, loc) == 40
