"""BILL v3 authentication: devKey + login sessions (35 idle minutes of virtual time), MFA trust,
3 concurrent requests per devKey (BDC_1322) and an hourly request cap per devKey (BDC_1144)."""

from __future__ import annotations

import hashlib
import hmac
from contextlib import ExitStack
from typing import Any

from flask import g, request
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mocks.core import validation as v
from mocks.core.app import Emulator, current_emulator

from . import errors as X
from .domain.common import Ctx, known_object
from .models import ApRateWindow, ApSession
from .services import ApServices


def _bump(session: Session, dev_key: str, bucket: str, limit: int, what: str) -> None:
    """Count one request in the virtual hour's bucket; refuse once the cap is reached."""
    row = session.get(ApRateWindow, (dev_key, bucket))
    if row is None:
        session.add(ApRateWindow(dev_key=dev_key, bucket=bucket, count=1))
        return
    if row.count >= limit:
        raise X.api_error(429, X.HOURLY_LIMIT, f"Max number of allowed {what} per hour reached: {limit}.")
    row.count += 1


def login(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Check the credentials and open a session (trusted when rememberMeId + device match).

    Every attempt with a valid devKey counts towards the hourly login cap in its own transaction, so a
    refused password is counted too: guessing passwords is throttled like any other login.
    """
    st = ApServices.of(emu).settings
    known_object(body, "body", {"username", "password", "organizationId", "devKey", "rememberMeId", "device"})
    fields = {
        k: v.req(body, k, v.text, max_len=200, blank=False)
        for k in ("username", "password", "organizationId", "devKey")
    }
    remember = v.opt(body, "rememberMeId", v.text, max_len=200)
    device = v.opt(body, "device", v.text, max_len=200)
    if not hmac.compare_digest(str(fields["devKey"]).encode(), st.dev_key.encode()):
        raise X.api_error(401, X.BAD_DEV_KEY, "Developer key is invalid.")
    with emu.store.write() as session:
        now = emu.clock.now(session)
        _bump(session, st.dev_key, f"login:{now:%Y-%m-%dT%H}", st.login_hourly_limit, "logins")
    if fields["username"] != st.username or not hmac.compare_digest(
        str(fields["password"]).encode(), st.password.encode()
    ):
        raise X.api_error(401, X.BAD_CREDENTIALS, "User name and/or password do not match our records.")
    if fields["organizationId"] != st.org_id:
        raise X.api_error(401, X.BAD_ORGANIZATION, "Organization ID is invalid for this user.")
    trusted = remember is not None and remember == st.remember_me_id and device == st.device
    with emu.store.write() as session:
        row = ApSession(
            token="",
            dev_key=st.dev_key,
            user_id=st.user_id,
            org_id=st.org_id,
            trusted=trusted,
            last_used=now.timestamp(),
            revoked=False,
        )
        session.add(row)
        session.flush()
        # Deterministic but not guessable from the pk alone without the password.
        row.token = hashlib.sha256(f"{st.password}:{st.org_id}:session:{row.pk}".encode()).hexdigest()[:40]
        token = row.token
    return {
        "sessionId": token,
        "userId": st.user_id,
        "organizationId": st.org_id,
        "trusted": trusted,
        "apiEndPoint": request.host_url.rstrip("/") + "/connect",
    }


def check_session(session: Session, emu: Emulator, token: str | None, dev_key: str) -> tuple[ApSession, Ctx]:
    """The live session behind ``token`` (refreshed), after counting the request; or BDC_1109."""
    st = ApServices.of(emu).settings
    now = emu.clock.now(session)
    _bump(session, dev_key, f"api:{now:%Y-%m-%dT%H}", st.hourly_limit, "requests")
    row = None
    if token and len(token) <= 100:
        row = session.execute(select(ApSession).where(ApSession.token == token)).scalar_one_or_none()
    if row is None or row.revoked or row.dev_key != dev_key:
        raise X.api_error(401, X.SESSION_INVALID, "Session is invalid. Please log in.")
    ts = now.timestamp()
    if ts - row.last_used > st.idle_seconds:
        raise X.api_error(401, X.SESSION_INVALID, "Session is invalid. Please log in.")
    if ts > row.last_used:  # any call resets the idle timer (no write while the clock is frozen)
        row.last_used = ts
    return row, Ctx(org_id=row.org_id, user_id=row.user_id, now=now, trusted=row.trusted)


def expire_all(session: Session) -> int:
    """Revoke every open session (what 35 idle minutes, a password change or a logout do)."""
    result = session.execute(update(ApSession).where(ApSession.revoked.is_(False)).values(revoked=True))
    return int(getattr(result, "rowcount", 0) or 0)


# ---- Flask glue ------------------------------------------------------------------------------
PUBLIC_ENDPOINTS = {"ap_auth.login"}


def gate() -> None:
    """before_request of every vendor route: devKey, concurrency slot, session, hourly cap."""
    emu = current_emulator()
    st = ApServices.of(emu).settings
    dev_key = request.headers.get("devKey", "")
    if not hmac.compare_digest(dev_key.encode(), st.dev_key.encode()):
        if request.endpoint in PUBLIC_ENDPOINTS:
            return  # login reports the devKey of its body
        raise X.api_error(401, X.BAD_DEV_KEY, "Developer key is invalid.")
    stack = ExitStack()
    limiter = ApServices.of(emu).limiter
    if not stack.enter_context(limiter.slot(dev_key, st.max_concurrent)):
        stack.close()
        raise X.api_error(
            429, X.CONCURRENCY_LIMIT, "Max number of concurrent requests per organization reached."
        )
    g.ap_slot = stack
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    with emu.store.write() as s:
        row, ctx = check_session(s, emu, request.headers.get("sessionId"), dev_key)
        g.ap_ctx, g.ap_session_pk = ctx, row.pk


def release(_exc: BaseException | None = None) -> None:
    """teardown_request: give the concurrency slot back."""
    stack = g.pop("ap_slot", None)
    if stack is not None:
        stack.close()


def ctx() -> Ctx:
    """The authenticated caller of the current request."""
    c: Ctx = g.ap_ctx
    return c
