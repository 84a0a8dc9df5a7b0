"""Webhook subscriptions through the API, signed deliveries to a real receiver, scoping to the client."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from tests.conftest import WebhookReceiver

from .conftest import WmsDriver


@pytest.fixture
def receiver(webhook_receiver: WebhookReceiver) -> tuple[str, WebhookReceiver]:
    return webhook_receiver.url("/hooks"), webhook_receiver


def test_subscribe_list_delete(wms: WmsDriver) -> None:
    sub = wms.ok(
        "POST", "/webhooks", {"url": "https://example.com/wms", "events": ["order.despatched"]}, status=201
    )
    assert sub["id"] == 1 and sub["secret"].startswith("whsec_") and len(sub["secret"]) == 38
    assert sub["events"] == ["order.despatched"] and sub["active"] is True
    listed = wms.ok("GET", "/webhooks")
    assert listed["total"] == 1 and "secret" not in listed["items"][0]
    for bad, field in (
        ({"url": "ftp://x", "events": ["*"]}, "url"),
        ({"url": "https://x", "events": []}, "events"),
        ({"url": "https://x", "events": ["order.shipped"]}, "events[0]"),
        ({"url": "https://x", "events": ["*", "*"]}, "events"),
        ({"url": "https://x", "events": ["*"], "secret": "short"}, "secret"),
    ):
        r = wms.api("POST", "/webhooks", bad)
        assert (r.status_code, r.get_json()["field"]) == (400, field), bad
    wms.seed({"records": {"clients": [{"code": "ACME", "name": "Acme", "apiKey": "acme-key"}]}})
    assert wms.api("DELETE", "/webhooks/1", headers={"X-API-Key": "acme-key"}).status_code == 404
    assert wms.ok("GET", "/webhooks", headers={"X-API-Key": "acme-key"})["total"] == 0
    assert wms.api("DELETE", "/webhooks/1").status_code == 204
    assert wms.api("DELETE", "/webhooks/1").status_code == 404
    assert wms.ok("GET", "/webhooks")["total"] == 0


def test_events_are_signed_and_scoped_to_the_client(
    wms: WmsDriver, receiver: tuple[str, WebhookReceiver]
) -> None:
    url, handler = receiver
    secret = "a-very-secret-signing-key"
    wms.ok(
        "POST",
        "/webhooks",
        {"url": url, "events": ["order.despatched", "order.on_hold"], "secret": secret},
        status=201,
    )
    wms.seed({"records": {"clients": [{"code": "ACME", "name": "Acme", "apiKey": "acme-key"}]}})
    wms.ok(
        "POST",
        "/webhooks",
        {"url": url + "/acme", "events": ["*"]},
        status=201,
        headers={"X-API-Key": "acme-key"},
    )
    wms.order("SO1", [{"sku": "A-1", "quantity": 1}])
    wms.order("SO2", [{"sku": "MISSING", "quantity": 1}])
    for step in ("release", "pick", "pack"):
        wms.act(step, {"order": "SO1"})
    wms.act("despatch", {"order": "SO1", "carrier": "DPD", "trackingNumber": "1551"})
    sent = wms.deliver()
    assert [s["result"] for s in sent["sent"]] == ["delivered", "delivered"] and sent["pending"] == 0
    assert [h["X-WMS-Event"] for h, _ in handler.received] == ["order.on_hold", "order.despatched"]
    for headers, body in handler.received:
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-WMS-Signature"] == f"sha256={expected}"
        assert headers["Content-Type"] == "application/json"
    despatched = json.loads(handler.received[1][1])
    assert (despatched["type"], despatched["clientId"], despatched["data"]["trackingNumber"]) == (
        "order.despatched",
        1,
        "1551",
    )
    assert despatched["id"].startswith("evt_")
