"""Webhook subscription routes: /webhooks."""

from __future__ import annotations

from flask import Blueprint, Response

from mocks.core import validation as v
from mocks.core.app import current_emulator
from mocks.core.http import json_body, json_response

from ..auth import client_id
from ..domain import events
from ..domain.common import URL_RE, paged
from ..errors import bad_request
from .common import paging, path_id

_SUBSCRIPTION = frozenset({"url", "events", "secret"})
EVENT_CHOICES = ("*", *events.EVENT_TYPES)


def create_webhook() -> tuple[Response, int] | Response:
    """Subscribe a URL to events (201); the response shows the signing secret once."""
    body = json_body()
    v.known_fields(body, _SUBSCRIPTION)
    url = v.req(body, "url", v.text, max_len=2000, pattern=URL_RE, blank=False)
    if body.get("events") is None:
        raise bad_request("'events' is required (event types, or \"*\").", "events")
    chosen = [
        v.choice(e, f"events[{i}]", EVENT_CHOICES)
        for i, e in enumerate(v.array(body["events"], "events", min_items=1, max_items=len(EVENT_CHOICES)))
    ]
    if len(set(chosen)) != len(chosen):
        raise bad_request("'events' must not repeat an event type.", "events")
    secret = v.opt(body, "secret", v.text, max_len=200, blank=False)
    if secret is not None and len(secret) < 16:
        raise bad_request("'secret' must be at least 16 characters.", "secret")
    return json_response(events.subscribe(current_emulator(), client_id(), url, chosen, secret), 201)


def list_webhooks() -> Response:
    """The client's subscriptions."""
    page, size = paging()
    items = events.list_subscriptions(current_emulator(), client_id())
    return json_response(paged(items[(page - 1) * size : page * size], len(items), page, size))


def delete_webhook(webhook_id: int) -> Response:
    """Remove a subscription (204)."""
    events.unsubscribe(current_emulator(), client_id(), path_id(webhook_id, "Webhook subscription"))
    return Response(status=204)


def register(bp: Blueprint) -> None:
    """Add the /webhooks routes."""
    bp.add_url_rule("/webhooks", view_func=list_webhooks, methods=["GET"])
    bp.add_url_rule("/webhooks", view_func=create_webhook, methods=["POST"])
    bp.add_url_rule("/webhooks/<int:webhook_id>", view_func=delete_webhook, methods=["DELETE"])
