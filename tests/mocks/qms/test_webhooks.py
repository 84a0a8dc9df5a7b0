"""Webhook subscriptions (subscribe / list / delete) and signed delivery to a real receiver."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from tests.conftest import WebhookReceiver

from .conftest import QmsDriver, err


@pytest.fixture
def receiver(webhook_receiver: WebhookReceiver) -> str:
    webhook_receiver.ok_status = 200
    return webhook_receiver.url("/dn")


def test_subscribe_list_get_delete(api: QmsDriver) -> None:
    r = api.api(
        "POST", "/webhooks", {"url": "https://example.com/hook", "events": ["lot.released", "shipment.*"]}
    )
    assert r.status_code == 201
    created = r.get_json()
    assert created["secret"].startswith("whsec_") and len(created["secret"]) == 38
    assert {k: v for k, v in created.items() if k != "secret"} == {
        "id": 1,
        "url": "https://example.com/hook",
        "events": ["lot.released", "shipment.*"],
        "active": True,
        "createdAt": "2026-01-05T09:00:00+00:00",
    }
    assert api.api("GET", "/webhooks").get_json() == {
        "data": [{k: v for k, v in created.items() if k != "secret"}]
    }
    assert "secret" not in api.api("GET", "/webhooks/1").get_json()
    r = api.api("POST", "/webhooks", {"url": "https://example.com/hook", "events": ["lot.exploded"]})
    assert err(r)[0] == 400 and r.get_json()["details"] == {"field": "events"}
    assert api.api("POST", "/webhooks", {"url": "ftp://example.com"}).status_code == 400
    assert api.api("POST", "/webhooks", {"url": "https://e.com", "secret": "short"}).status_code == 400
    assert api.api("DELETE", "/webhooks/1").status_code == 204
    assert api.api("DELETE", "/webhooks/1").status_code == 404
    assert api.api("GET", "/webhooks").get_json() == {"data": []}


def test_delivery_is_signed_over_the_raw_body(
    api: QmsDriver, receiver: str, webhook_receiver: WebhookReceiver
) -> None:
    api.api("POST", "/webhooks", {"url": receiver, "events": ["lot.*"], "secret": "topsecret!"})
    rm = api.item("RM-1", netsuite_id="55")
    lot = api.released_lot(rm["id"], 5, "1")
    api.api("POST", f"/lots/{lot['id']}/lock", {"reason": "r"})
    sent = api.deliver()
    assert [s["result"] for s in sent["sent"]] == ["delivered", "delivered"] and sent["pending"] == 0
    (h1, b1), (h2, b2) = webhook_receiver.received
    for headers, raw in ((h1, b1), (h2, b2)):
        expected = hmac.new(b"topsecret!", raw, hashlib.sha256).hexdigest()
        assert headers["X-DataNinja-Signature"] == f"sha256={expected}"
    assert (h1["X-DataNinja-Event"], h2["X-DataNinja-Event"]) == ("lot.released", "lot.locked")
    first = json.loads(b1)
    assert (first["id"], first["type"], first["data"]["lot"]["lotNumber"]) == (
        "evt_00000001",
        "lot.released",
        lot["lotNumber"],
    )
    assert json.loads(b2)["data"]["reason"] == "r"


def test_events_without_subscribers_are_not_queued_and_faults_drop(
    api: QmsDriver, receiver: str, webhook_receiver: WebhookReceiver
) -> None:
    rm = api.item("RM-1")
    api.released_lot(rm["id"], 5, "1")
    assert api.deliveries() == []
    api.api("POST", "/webhooks", {"url": receiver, "secret": "topsecret!"})
    api.faults({"kind": "drop", "event": "lot.released", "nth": 1})
    api.released_lot(rm["id"], 5, "2")
    api.released_lot(rm["id"], 5, "3")
    sent = api.deliver()["sent"]
    assert [s["result"] for s in sent] == ["dropped", "delivered"]
    assert len(webhook_receiver.received) == 1
