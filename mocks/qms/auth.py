"""API-key authentication: ``Authorization: Bearer <API_KEY>`` on every /api/v1 request."""

from __future__ import annotations

import hmac

from flask import request

from mocks.core.config import EmulatorConfig

from .errors import unauthorized

DEFAULT_API_KEY = "dnk_erpsim_qms_0123456789abcdef"


def api_key(config: EmulatorConfig) -> str:
    """The API key this emulator accepts (setting ``api_key``, env ERPSIM_QMS_API_KEY)."""
    return str(config.setting("api_key", DEFAULT_API_KEY))


def require_api_key(expected: bytes) -> None:
    """Refuse the request with 401 unless it carries the bearer API key."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("Send the API key as 'Authorization: Bearer <API key>'.")
    if not hmac.compare_digest(token.strip().encode("utf-8", "replace"), expected):
        raise unauthorized("The API key is not valid.")
