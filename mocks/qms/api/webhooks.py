"""Routes: webhook subscriptions."""

from __future__ import annotations

from flask import Response

from ..domain import webhooks as D
from ..services import QmsServices
from .common import body, bp, emu, ok, reading, writing


@bp.get("/webhooks")
def list_webhooks() -> Response:
    """List webhook subscriptions."""
    with reading() as ctx:
        return ok({"data": [D.view(s) for s in D.list_all(ctx)]})


@bp.post("/webhooks")
def create_webhook() -> Response:
    """Subscribe a URL to events; the response carries the signing secret."""
    data = body()
    with writing() as ctx:
        sub = D.subscribe(ctx, data, QmsServices.of(emu()).settings.api_key)
        return ok(D.view(sub, with_secret=True), 201)


@bp.get("/webhooks/<id:webhook_id>")
def get_webhook(webhook_id: int) -> Response:
    """One webhook subscription."""
    with reading() as ctx:
        return ok(D.view(D.get(ctx, webhook_id)))


@bp.delete("/webhooks/<id:webhook_id>")
def delete_webhook(webhook_id: int) -> Response:
    """Delete a webhook subscription."""
    with writing() as ctx:
        D.remove(ctx, webhook_id)
    return Response(status=204)
