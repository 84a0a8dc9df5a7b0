"""OAuth 2.0 client-credentials (M2M) token endpoint: a signed JWT assertion in, a bearer token out.

The grant's rules are in ``auth/oauth2.py``; this route parses the form and renders RFC 6749 JSON.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request

from mocks.core.app import current_emulator

from ..auth.oauth2 import TOKEN_PATH, OAuthError, exchange, token_urls
from ..services import NetSuiteServices

bp = Blueprint("ns_oauth2", __name__)


def _json(status: int, body: dict[str, Any]) -> Response:
    # RFC 6749 5.1: token responses must not be cached.
    return Response(
        json.dumps(body),
        status=status,
        content_type="application/json;charset=UTF-8",
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@bp.post(TOKEN_PATH)
def token() -> Response:
    """Exchange a client-credentials JWT assertion for a bearer access token."""
    auth = NetSuiteServices.of(current_emulator()).auth
    if request.mimetype != "application/x-www-form-urlencoded":
        return _json(
            400,
            {
                "error": "invalid_request",
                "error_description": "Content-Type must be application/x-www-form-urlencoded",
            },
        )
    form = dict(request.form.items())
    try:
        body = exchange(auth, form, token_urls(auth, auth.base_url(request)))
    except OAuthError as err:
        auth.audit.append(
            {"at": auth.now(), "kind": "oauth2_token", "reason": err.error, "detail": err.description}
        )
        return _json(err.status, {"error": err.error, "error_description": err.description})
    return _json(200, body)
