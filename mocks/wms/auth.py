"""API-key authentication: ``X-API-Key`` names the client (3PL customer) every request acts for."""

from __future__ import annotations

from flask import g, request

from mocks.core.app import current_emulator

from .domain.clients import client_for_key
from .errors import unauthorized

API_KEY_HEADER = "X-API-Key"


def authenticate() -> None:
    """Resolve the API key to a client, or refuse with the WMS 401."""
    key = request.headers.get(API_KEY_HEADER)
    if not key:
        raise unauthorized(f"Missing API key: send it in the {API_KEY_HEADER} header.")
    client_id = client_for_key(current_emulator(), key)
    if client_id is None:
        raise unauthorized("Invalid API key.")
    g.wms_client_id = client_id


def client_id() -> int:
    """The authenticated client of this request."""
    value: int = g.wms_client_id
    return value
