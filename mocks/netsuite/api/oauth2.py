"""OAuth 2.0 client-credentials (M2M) token endpoint: a signed JWT assertion in, a bearer token out.

Refusals are RFC 6749 JSON (``error`` / ``error_description``), not NetSuite's record-API error body:
400 for a malformed request or a bad grant (audience, scope, lifetime), 401 ``invalid_client`` when
the client cannot be authenticated (unknown certificate id, bad signature, algorithm, revoked).
"""

from __future__ import annotations

import json
from typing import Any

import jwt
from flask import Blueprint, Response, request

from mocks.core.app import current_emulator

from ..auth import TOKEN_PATH, Authenticator, get_authenticator, split_scopes

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: The algorithms NetSuite accepts for client assertions (no RS256, no HMAC).
ASSERTION_ALGORITHMS = ("PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
#: Leeway for clocks of clients that stamp ``iat`` a little ahead of ours.
CLOCK_SKEW = 300

bp = Blueprint("ns_oauth2", __name__)


class OAuthError(Exception):
    """A token-endpoint refusal, rendered as RFC 6749 JSON."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


def _json(status: int, body: dict[str, Any]) -> Response:
    # RFC 6749 5.1: token responses must not be cached.
    return Response(json.dumps(body), status=status, content_type="application/json;charset=UTF-8",
                    headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def exchange(auth: Authenticator, form: dict[str, str], audiences: set[str]) -> dict[str, Any]:
    """Verify a client-credentials request and return the token response body (raises OAuthError)."""
    grant = form.get("grant_type")
    if not grant:
        raise OAuthError(400, "invalid_request", "grant_type is required")
    if grant != "client_credentials":
        raise OAuthError(400, "unsupported_grant_type", f"grant_type '{grant}' is not supported")
    if form.get("client_assertion_type") != JWT_BEARER:
        raise OAuthError(400, "invalid_request", f"client_assertion_type must be {JWT_BEARER}")
    assertion = form.get("client_assertion", "")
    if not assertion:
        raise OAuthError(400, "invalid_request", "client_assertion is required")
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise OAuthError(400, "invalid_request", "client_assertion is not a JWT") from None
    alg = header.get("alg")
    if alg not in ASSERTION_ALGORITHMS:
        raise OAuthError(401, "invalid_client", f"alg '{alg}' is not allowed; use PS256/384/512 or ES256/384/512")
    kid = header.get("kid")
    client = auth.client_by_certificate(str(kid)) if kid else None
    if client is None:
        raise OAuthError(401, "invalid_client", "Unknown certificate id (kid)")
    if client.revoked:
        raise OAuthError(401, "invalid_client", "The certificate has been revoked")
    try:
        claims = jwt.decode(assertion, client.public_key, algorithms=[alg],  # type: ignore[arg-type]
                            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                                     "verify_aud": False, "verify_iss": False})
    except jwt.PyJWTError:
        raise OAuthError(401, "invalid_client", "Invalid client assertion signature") from None
    if claims.get("iss") != client.client_id:
        raise OAuthError(401, "invalid_client", "iss does not match the certificate's client id")
    aud = claims.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    if not any(isinstance(a, str) and a.rstrip("/") in audiences for a in auds):
        raise OAuthError(400, "invalid_grant", "aud must be the token endpoint URL")
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(iat, int | float) or not isinstance(exp, int | float) or isinstance(iat, bool) \
            or isinstance(exp, bool):
        raise OAuthError(400, "invalid_grant", "iat and exp are required")
    if exp - iat > 3600:
        raise OAuthError(400, "invalid_grant", "exp must be at most 60 minutes after iat")
    now = auth.now()
    if exp <= now:
        raise OAuthError(400, "invalid_grant", "The client assertion has expired")
    if iat > now + CLOCK_SKEW:
        raise OAuthError(400, "invalid_grant", "iat is in the future")
    requested = split_scopes(claims.get("scope"))
    if "rest_webservices" not in requested:
        raise OAuthError(400, "invalid_grant", "scope must include rest_webservices")
    granted = tuple(s for s in requested if s in client.scopes)
    if "rest_webservices" not in granted:
        raise OAuthError(400, "invalid_grant", "The client is not allowed the rest_webservices scope")
    token = auth.issue_access_token(client.client_id, granted)
    # NetSuite documents expires_in as the string "3600" and token_type as "bearer".
    return {"access_token": token, "expires_in": str(auth.token_lifetime), "token_type": "bearer"}


@bp.post(TOKEN_PATH)
def token() -> Response:
    """Exchange a client-credentials JWT assertion for a bearer access token."""
    auth = get_authenticator(current_emulator())
    if request.mimetype != "application/x-www-form-urlencoded":
        return _json(400, {"error": "invalid_request",
                           "error_description": "Content-Type must be application/x-www-form-urlencoded"})
    form = dict(request.form.items())
    try:
        body = exchange(auth, form, auth.token_urls(request))
    except OAuthError as err:
        auth.audit.append({"at": auth.now(), "kind": "oauth2_token", "reason": err.error,
                           "detail": err.description})
        return _json(err.status, {"error": err.error, "error_description": err.description})
    return _json(200, body)
