"""/connect/v3/login, logout and session info."""

from __future__ import annotations

from flask import Blueprint, Response, g, request

from mocks.core.app import current_emulator
from mocks.core.http import json_response

from .. import auth
from ..models import ApSession
from . import body

bp = Blueprint("ap_auth", __name__, url_prefix="/connect/v3")


@bp.before_app_request
def _gate() -> None:
    """Every request of the app but the control plane's: devKey, concurrency slot, session, hourly cap (BILL
    checks them before it looks at the path, so an unknown path without a devKey is a 401 too)."""
    if not request.path.startswith(("/__erpsim", "/openapi.json")):
        auth.gate()


bp.teardown_app_request(auth.release)


@bp.post("/login")
def login() -> Response:
    """Sign in with devKey, username, password and organizationId; returns a sessionId."""
    emu = current_emulator()
    return json_response(auth.login(emu, body()))


@bp.post("/logout")
def logout() -> Response:
    """End the current session."""
    emu = current_emulator()
    with emu.store.write() as s:
        row = s.get(ApSession, g.ap_session_pk)
        if row is not None:
            row.revoked = True
    return json_response({})


@bp.get("/login/session")
def session_info() -> Response:
    """The current session: user, organization and whether it is MFA-trusted."""
    emu = current_emulator()
    with emu.store.read() as s:
        row = s.get(ApSession, g.ap_session_pk)
    assert row is not None
    return json_response(
        {"sessionId": row.token, "userId": row.user_id, "organizationId": row.org_id, "trusted": row.trusted}
    )
