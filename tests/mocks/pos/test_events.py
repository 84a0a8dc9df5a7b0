"""Events SPI: subscriptions, thin events in signed arrays of at most 10, retries and duplicates."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest

from tests.conftest import WebhookReceiver

from .conftest import BASE, PosDriver, sale


@pytest.fixture
def receiver(webhook_receiver: WebhookReceiver) -> tuple[str, WebhookReceiver]:
    webhook_receiver.ok_status, webhook_receiver.fail_status = 200, 503
    return webhook_receiver.url("/events"), webhook_receiver


def _deliver(pos: PosDriver) -> dict[str, Any]:
    return dict(pos.deliver())


def test_subscriptions_can_be_added_listed_and_deleted(pos: PosDriver) -> None:
    url = f"{BASE}/eventsubscriptions.json"
    r = pos.api(
        "POST",
        url,
        {
            "url": "http://127.0.0.1:9/e",
            "events": ["order"],
            "secret": "s3cret-key",
            "username": "me",
            "password": "pw",
        },
    )
    assert r.get_json() == 1
    assert pos.api("GET", url).get_json() == {
        "totalcount": 1,
        "items": [
            {
                "subscriptionid": 1,
                "url": "http://127.0.0.1:9/e",
                "events": ["order"],
                "active": True,
                "username": "me",
                "datecreated": "2026-01-05T09:00:00+00:00",
            }
        ],
    }
    r = pos.api("POST", url, {"url": "http://x/e", "events": ["shipment"], "secret": "s3cret-key"})
    assert r.get_json() == {
        "statuscode": 400,
        "errortext": "Unknown event type 'shipment'; use order, warehouse-transaction, z-report.",
    }
    r = pos.api("POST", url, {"url": "ftp://x", "secret": "s3cret-key"})
    assert r.get_json() == {"statuscode": 400, "errortext": "Field 'url' has an invalid format."}
    assert pos.api("POST", url, {"url": "http://x/e", "secret": "short"}).status_code == 400
    assert pos.api("DELETE", f"{BASE}/eventsubscriptions/1.json").get_json() is True
    assert pos.api("GET", f"{BASE}/eventsubscriptions/1.json").status_code == 404


def test_events_arrive_signed_in_arrays_of_ten_and_are_retried(
    pos: PosDriver, world: dict[str, Any], receiver: tuple[str, WebhookReceiver]
) -> None:
    url, handler = receiver
    r = pos.api("POST", f"{BASE}/eventsubscriptions.json", {"url": url, "secret": "s3cret-key"})
    assert r.status_code == 200
    reg = world["stores"][0]["registerid"]
    for n in range(6):
        assert pos.api("POST", f"{BASE}/sites/1/orders.json", sale(reg, f"E{n}")).status_code == 200
    pos.act("refund", {"orderid": 1})
    pos.act("close_day", {"registerid": reg})
    handler.fail_first = 1
    first = _deliver(pos)
    assert [s["result"] for s in first["sent"]] == ["failed", "delivered"] and first["pending"] == 10
    second = _deliver(pos)
    assert [s["result"] for s in second["sent"]] == ["delivered"] and second["pending"] == 0
    bodies = [json.loads(b) for _, b in handler.received]
    assert [len(b) for b in bodies] == [10, 5, 10]  # the failed array came again, in order
    events = bodies[2] + bodies[1]
    for headers, raw in handler.received:
        assert (
            headers["X-Sitoo-Signature"]
            == "sha256=" + hmac.new(b"s3cret-key", raw, hashlib.sha256).hexdigest()
        )
        assert headers["Content-Type"] == "application/json"
    kinds = [(e["event_type"], e["data"].get("order_event_type")) for e in events]
    assert kinds[:2] == [("warehouse-transaction", None), ("order", "add")]
    assert kinds[-1] == ("z-report", None) and len(events) == 15
    order_event = events[1]
    assert order_event == {
        "event_id": order_event["event_id"],
        "event_type": "order",
        "event_date": 1767603600,
        "account_id": 10020,
        "data": {"eshop_id": 1, "order_id": 1, "order_event_type": "add", "order_state_changed": "closed"},
    }
    assert events[-1]["data"] == {"eshop_id": 1, "register_id": reg, "zreport_id": 1}
    assert events[13]["data"]["order_id"] == 7  # the refund is an order event too
    assert len({e["event_id"] for e in events}) == 15


def test_duplicate_deliveries_happen_and_keep_the_event_id(
    pos: PosDriver, world: dict[str, Any], receiver: tuple[str, WebhookReceiver]
) -> None:
    url, handler = receiver
    pos.api(
        "POST", f"{BASE}/eventsubscriptions.json", {"url": url, "events": ["order"], "secret": "s3cret-key"}
    )
    pos.faults({"kind": "duplicate", "event": "order"})
    pos.api("POST", f"{BASE}/sites/1/orders.json", sale(world["stores"][0]["registerid"]))
    _deliver(pos)
    first, second = (json.loads(b) for _, b in handler.received)
    assert first == second and first[0]["event_type"] == "order"


def test_only_throttling_and_unavailable_answers_are_retried(
    pos: PosDriver, world: dict[str, Any], receiver: tuple[str, WebhookReceiver]
) -> None:
    url, handler = receiver
    pos.api(
        "POST", f"{BASE}/eventsubscriptions.json", {"url": url, "events": ["order"], "secret": "s3cret-key"}
    )
    handler.fail_first, handler.fail_status = 1, 400
    pos.api("POST", f"{BASE}/sites/1/orders.json", sale(world["stores"][0]["registerid"]))
    assert [s["result"] for s in _deliver(pos)["sent"]] == ["failed"]
    assert _deliver(pos)["sent"] == []  # a 400 is final: nothing is sent again
    deliveries = pos.webhooks()["deliveries"]
    assert [(d["status"], d["attempts"], d["lastStatus"]) for d in deliveries] == [("failed", 1, 400)]
