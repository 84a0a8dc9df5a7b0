"""Control-plane actions (``POST /__erpsim/act/<name>``) that manage NetSuite credentials."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select

from mocks.core.app import Action, Emulator
from mocks.core.errors import ApiError

from .auth.oauth2 import DEFAULT_SCOPES, TOKEN_PATH, load_public_key, split_scopes
from .models import NsOAuthClient, NsToken
from .services import NetSuiteServices


def _str(body: dict[str, Any], name: str, default: str | None = None) -> str:
    value = body.get(name, default)
    if not isinstance(value, str) or not value:
        raise ApiError(400, "INVALID_ACTION_BODY", f"'{name}' must be a non-empty string")
    return value


def create_token(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Create a TBA token pair for a consumer (new integration if consumer_secret is given)."""
    auth = NetSuiteServices.of(emu).auth
    consumer_key = _str(body, "consumer_key", auth.consumer_key)
    token_id = _str(body, "token_id", secrets.token_hex(32))  # NetSuite ids/secrets are 64 hex chars
    token_secret = _str(body, "token_secret", secrets.token_hex(32))
    with emu.store.write() as s:
        if s.get(NsToken, token_id) is not None:
            raise ApiError(409, "TOKEN_EXISTS", f"Token '{token_id}' already exists")
        if "consumer_secret" in body:
            consumer_secret = _str(body, "consumer_secret")
        else:
            known = s.execute(
                select(NsToken.consumer_secret).where(NsToken.consumer_key == consumer_key).limit(1)
            ).scalar_one_or_none()
            if known is None and consumer_key == auth.consumer_key:
                known = auth.consumer_secret
            if known is None:
                raise ApiError(
                    404,
                    "UNKNOWN_CONSUMER",
                    f"Unknown consumer '{consumer_key}': give consumer_secret to create it",
                )
            consumer_secret = known
        s.add(
            NsToken(
                token_id=token_id,
                token_secret=token_secret,
                consumer_key=consumer_key,
                consumer_secret=consumer_secret,
                revoked=False,
            )
        )
    auth.invalidate()
    return {
        "consumer_key": consumer_key,
        "consumer_secret": consumer_secret,
        "token_id": token_id,
        "token_secret": token_secret,
        "account": auth.account,
    }


def revoke_token(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Revoke a TBA token: its next request gets 401 INVALID_LOGIN."""
    auth = NetSuiteServices.of(emu).auth
    token_id = _str(body, "token_id")
    with emu.store.write() as s:
        row = s.get(NsToken, token_id)
        if row is None:
            raise ApiError(404, "UNKNOWN_TOKEN", f"Unknown token '{token_id}'")
        row.revoked = True
    auth.invalidate()
    return {"token_id": token_id, "revoked": True}


def register_oauth2_client(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Register (or replace) an OAuth 2.0 M2M client: client_id, certificate_id, public_key_pem, scopes."""
    auth = NetSuiteServices.of(emu).auth
    client_id = _str(body, "client_id")
    certificate_id = _str(body, "certificate_id")
    pem = _str(body, "public_key_pem")
    try:
        load_public_key(pem)
    except ValueError as exc:
        raise ApiError(
            400, "INVALID_PUBLIC_KEY", f"public_key_pem is not a PEM key or certificate: {exc}"
        ) from None
    scopes = split_scopes(body.get("scopes", DEFAULT_SCOPES))
    if not scopes:
        raise ApiError(400, "INVALID_ACTION_BODY", "'scopes' must name at least one scope")
    with emu.store.write() as s:
        clash = s.execute(
            select(NsOAuthClient.client_id).where(
                NsOAuthClient.certificate_id == certificate_id, NsOAuthClient.client_id != client_id
            )
        ).first()
        if clash is not None:
            raise ApiError(
                409, "CERTIFICATE_EXISTS", f"Certificate '{certificate_id}' belongs to another client"
            )
        row = s.get(NsOAuthClient, client_id)
        if row is None:
            row = NsOAuthClient(client_id=client_id)
            s.add(row)
        row.certificate_id = certificate_id
        row.public_key_pem = pem
        row.scopes = ",".join(scopes)
        row.revoked = False
    auth.invalidate()
    return {
        "client_id": client_id,
        "certificate_id": certificate_id,
        "scopes": list(scopes),
        "token_url_path": TOKEN_PATH,
        "account": auth.account,
    }


def revoke_oauth2_client(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Revoke an OAuth 2.0 client's certificate: no new tokens, and its access tokens stop working."""
    auth = NetSuiteServices.of(emu).auth
    with emu.store.write() as s:
        if "client_id" in body:
            row = s.get(NsOAuthClient, _str(body, "client_id"))
        else:
            row = s.execute(
                select(NsOAuthClient).where(NsOAuthClient.certificate_id == _str(body, "certificate_id"))
            ).scalar_one_or_none()
        if row is None:
            raise ApiError(404, "UNKNOWN_CLIENT", "Unknown OAuth 2.0 client or certificate")
        row.revoked = True
        client_id = row.client_id
    auth.invalidate()
    return {"client_id": client_id, "revoked": True}


def login_audit(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """The recent authentication failures and their reasons (NetSuite's Login Audit Trail detail)."""
    entries = list(NetSuiteServices.of(emu).auth.audit)
    limit = body.get("limit")
    if isinstance(limit, int) and limit > 0:
        entries = entries[-limit:]
    return {"count": len(entries), "entries": entries}


#: Register these in the app's SystemHooks.actions.
AUTH_ACTIONS: dict[str, Action] = {
    "create_token": create_token,
    "revoke_token": revoke_token,
    "register_oauth2_client": register_oauth2_client,
    "revoke_oauth2_client": revoke_oauth2_client,
    "login_audit": login_audit,
}
