"""/connect-events/v3: the events catalog and webhook subscriptions."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mocks.core.app import current_emulator
from mocks.core.http import json_response

from ..domain import subscriptions as subs
from ..domain.listing import _cursor, _int_param, _offset
from ..services import ApServices
from . import body, read, write

bp = Blueprint("ap_events", __name__, url_prefix="/connect-events/v3")


def _salt() -> str:
    return ApServices.of(current_emulator()).settings.password


@bp.get("/events/catalog")
def catalog() -> Response:
    """Every event type that can be subscribed to."""
    return json_response([{"type": t, "version": "1", "description": d} for t, d in subs.CATALOG.items()])


@bp.get("/subscriptions")
def list_subscriptions() -> Response:
    """List subscriptions (max, page)."""
    size = _int_param(request.args, "max", 20, 1, 100)
    offset = _offset(request.args.get("page"))

    def _page(s, c):  # type: ignore[no-untyped-def]
        views, more = subs.listing(s, c, offset, size)
        return {
            "results": views,
            "nextPage": _cursor(offset + size) if more else None,
            "prevPage": _cursor(max(0, offset - size)) if offset else None,
        }

    return read(_page)


@bp.post("/subscriptions")
def create_subscription() -> Response:
    """Create a subscription (X-Idempotent-Key required); the securityKey is shown only once."""
    data = body()
    key = request.headers.get("X-Idempotent-Key")
    salt = _salt()
    return write(lambda s, c: subs.create(s, c, data, key, salt))


@bp.get("/subscriptions/<sid>")
def get_subscription(sid: str) -> Response:
    """Get one subscription."""
    return read(lambda s, c: subs.render(subs.get(s, sid), c.org_id))


@bp.patch("/subscriptions/<sid>")
def update_subscription(sid: str) -> Response:
    """Update a subscription (set status.enabled true to re-enable after auto-disable)."""
    data = body()
    return write(lambda s, c: subs.update(s, c, sid, data))


@bp.delete("/subscriptions/<sid>")
def delete_subscription(sid: str) -> Response:
    """Delete a subscription."""
    emu = current_emulator()
    with emu.store.write() as s:
        subs.remove(s, sid)
    return Response(status=204)


@bp.post("/subscriptions/<sid>/security_key")
def rotate_security_key(sid: str) -> Response:
    """Generate a new security key for a subscription."""
    salt = _salt()
    return write(lambda s, c: subs.rotate_key(s, c, sid, salt))
