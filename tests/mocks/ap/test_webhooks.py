"""Webhook subscriptions: idempotent create, one-time security key, signed deliveries, reorder, auto-disable."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from .conftest import ApDriver, err

EV = "/connect-events/v3"
KEY1 = "3f2b8c1e-7d4a-4b6e-9c2d-1a2b3c4d5e6f"
KEY2 = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"


class Receiver(BaseHTTPRequestHandler):
    got: list[tuple[dict[str, str], bytes]] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802
        data = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).got.append((dict(self.headers), data))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook() -> Iterator[tuple[str, type[Receiver]]]:
    Receiver.got, Receiver.status = [], 200
    srv = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}/bill-hook", Receiver
    srv.shutdown()
    srv.server_close()


def _sub(api: ApDriver, url: str, events: list[str], key: str = KEY1) -> Any:
    body = {
        "name": "sync",
        "status": {"enabled": True},
        "notificationUrl": url,
        "events": [{"type": e, "version": "1"} for e in events],
    }
    return api.api("POST", "/subscriptions", body, prefix=EV, headers={"X-Idempotent-Key": key})


def _subscribe(api: ApDriver, url: str, events: list[str]) -> Any:
    """A subscription created with ``KEY1``; its JSON."""
    r = _sub(api, url, events)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_create_is_idempotent_and_the_key_is_shown_once(api: ApDriver, hook: Any) -> None:
    url, _ = hook
    first = _subscribe(api, url, ["bill.created"])
    assert set(first) == {
        "id",
        "name",
        "organizationId",
        "status",
        "events",
        "notificationUrl",
        "createdTime",
        "updatedTime",
        "securityKey",
    }
    again = _subscribe(api, url, ["bill.created"])
    assert again == {k: v for k, v in first.items() if k != "securityKey"}
    listed = api.ok("GET", "/subscriptions", prefix=EV)
    assert [s["id"] for s in listed["results"]] == [first["id"]] and "securityKey" not in listed["results"][0]
    assert err(_sub(api, url, ["bill.updated"])) == (
        400,
        "BDC_1171",
        "This X-Idempotent-Key was already used with a different request.",
    )
    assert err(_sub(api, url, ["bill.created"], KEY2)) == (
        400,
        "BDC_1171",
        "A subscription for the same events and notificationUrl already exists.",
    )
    r = api.api("POST", "/subscriptions", {}, prefix=EV)
    assert err(r) == (400, "BDC_1106", "The X-Idempotent-Key header is required.")
    assert err(_sub(api, url, ["bill.created"], "not-a-uuid"))[1] == "BDC_1107"
    assert err(_sub(api, url, ["bill.exploded"], KEY2))[1] == "BDC_1107"
    assert len(api.webhooks()["subscriptions"]) == 1


def test_deliveries_are_signed_with_the_security_key(api: ApDriver, hook: Any) -> None:
    url, rcv = hook
    sub = _subscribe(api, url, ["bill.created", "vendor.created"])
    vendor = api.vendor()
    bill = api.bill(vendor["id"])
    sent = api.deliver()["sent"]
    assert [s["result"] for s in sent] == ["delivered", "delivered"]
    (h1, b1), (h2, b2) = rcv.got
    for headers, raw in rcv.got:
        want = base64.b64encode(hmac.new(sub["securityKey"].encode(), raw, hashlib.sha256).digest()).decode()
        assert headers["x-bill-sha-signature"] == want
    p1, p2 = json.loads(b1), json.loads(b2)
    assert p1["metadata"]["eventType"] == "vendor.created" and p1["vendor"]["id"] == vendor["id"]
    assert p2["metadata"] == {
        "eventId": p2["metadata"]["eventId"],
        "subscriptionId": sub["id"],
        "organizationId": "00802ERPSIMORG000001",
        "eventType": "bill.created",
        "version": "1",
    }
    assert p2["bill"] == bill
    # rotating the key changes the signature; the old key no longer verifies
    new_key = api.ok("POST", f"/subscriptions/{sub['id']}/security_key", prefix=EV)["securityKey"]
    assert new_key != sub["securityKey"]
    api.bill(vendor["id"], "INV-2")
    api.deliver()
    headers, raw = rcv.got[-1]
    assert (
        headers["x-bill-sha-signature"]
        == base64.b64encode(hmac.new(new_key.encode(), raw, hashlib.sha256).digest()).decode()
    )


def test_reorder_fault_delivers_out_of_order(api: ApDriver, hook: Any) -> None:
    url, rcv = hook
    _subscribe(api, url, ["bill.created"])
    vid = api.vendor()["id"]
    api.faults({"kind": "reorder", "event": "bill.*", "nth": 1})
    first, second = api.bill(vid, "A"), api.bill(vid, "B")
    api.deliver()
    assert [json.loads(b)["bill"]["id"] for _, b in rcv.got] == [second["id"], first["id"]]


def test_auto_disable_after_failures_and_reenable(app_factory: Any, hook: Any) -> None:
    url, rcv = hook
    api = ApDriver(app_factory(webhook_disable_after=2))
    sub = _subscribe(api, url, ["vendor.created"])
    rcv.status = 500
    api.vendor("A")
    api.vendor("B")
    results = [s["result"] for s in api.deliver()["sent"]]
    assert results == ["failed", "failed"]
    got = api.ok("GET", f"/subscriptions/{sub['id']}", prefix=EV)
    assert got["status"]["enabled"] is False
    rcv.status = 200
    api.vendor("C")  # not queued for a disabled subscription
    assert api.deliver()["sent"] == []
    up = api.ok("PATCH", f"/subscriptions/{sub['id']}", {"status": {"enabled": True}}, prefix=EV)
    assert up["status"]["enabled"] is True
    api.vendor("D")
    assert [s["result"] for s in api.deliver()["sent"]] == ["delivered"]
    assert api.api("DELETE", f"/subscriptions/{sub['id']}", prefix=EV).status_code == 204
    assert err(api.api("GET", f"/subscriptions/{sub['id']}", prefix=EV))[:2] == (404, "BDC_1152")


def test_catalog(api: ApDriver) -> None:
    cat = api.ok("GET", "/events/catalog", prefix=EV)
    assert {"type": "bill.created", "version": "1", "description": "A bill is created"} in cat
    assert {e["type"] for e in cat} >= {
        "payment.created",
        "payment.updated",
        "payment.voided",
        "vendor.updated",
    }
