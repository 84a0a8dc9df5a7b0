"""API-key authentication: ``Authorization: Bearer <API_KEY>`` on every /api/v1 request."""

from __future__ import annotations

import hmac

from flask import request

from .errors import unauthorized


def require_api_key(expected: bytes) -> None:
    """Refuse the request with 401 unless it carries the bearer API key."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("Send the API key as 'Authorization: Bearer <API key>'.")
    if not hmac.compare_digest(token.strip().encode("utf-8", "replace"), expected):
        raise unauthorized("The API key is not valid.")
