"""The minimal NetSuite app the authentication tests sign requests for, its credentials and NetSuite's 401."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, g, jsonify, request

from mocks.core.app import Emulator, SystemHooks, build_app
from mocks.core.config import EmulatorConfig
from mocks.netsuite.actions_auth import AUTH_ACTIONS
from mocks.netsuite.api import oauth2
from mocks.netsuite.auth.authenticator import Authenticator
from mocks.netsuite.errors import INVALID_LOGIN_DETAIL, render_error, throttle_error
from mocks.netsuite.models import Base
from mocks.netsuite.services import NetSuiteServices

ACCOUNT = "1234567_SB1"
CK, CS, TID, TS = "erpsim-consumer-key", "erpsim-consumer-secret", "erpsim-token-id", "erpsim-token-secret"
RECORD = "/services/rest/record/v1/customer"
INVALID_LOGIN_BODY = {
    "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html",
    "title": "Unauthorized",
    "status": 401,
    "o:errorDetails": [{"detail": INVALID_LOGIN_DETAIL, "o:errorCode": "INVALID_LOGIN"}],
}
BEARER_CHALLENGE = (
    f'Bearer realm="{ACCOUNT}", error="invalid_token", error_description="Invalid login attempt."'
)


def make_app(
    tmp_path: Path, db_name: str = "ns.db", **settings: Any
) -> tuple[Flask, Emulator, Authenticator]:
    """A minimal NetSuite app: auth actions, the token endpoint and one protected record route."""
    config = EmulatorConfig(
        system="netsuite", db_url=f"sqlite:///{tmp_path / db_name}", data_dir=tmp_path, settings=settings
    )
    hooks = SystemHooks(
        render_error=render_error,
        throttle_error=throttle_error,
        seed=lambda emu, body: {},
        actions=dict(AUTH_ACTIONS),
    )
    app, emu = build_app(
        config, [Base.metadata], hooks, import_name=__name__, openapi={"openapi": "3.1.0", "paths": {}}
    )
    services = NetSuiteServices.build(emu, lambda job: (500, {}, b""))
    emu.set_services(services)
    auth = services.auth
    with emu.store.write() as s:
        auth.ensure_defaults(s)
    app.register_blueprint(oauth2.bp)
    bp = Blueprint("protected", __name__)

    @bp.before_request
    def _authenticate() -> None:
        g.principal = auth.authenticate(request)

    @bp.route(f"{RECORD}/<rid>", methods=["GET", "POST", "PATCH"])
    def record(rid: str) -> Response:
        return jsonify({"id": rid, "principal": asdict(g.principal)})

    app.register_blueprint(bp)
    return app, emu, auth


def assert_invalid_login(resp: Any, auth: Authenticator | None = None, reason: str | None = None) -> None:
    """Exactly NetSuite's 401 INVALID_LOGIN; the audit trail names the real reason."""
    assert resp.status_code == 401
    assert resp.headers["Content-Type"] == "application/vnd.oracle.resource+json; type=error"
    body = resp.json() if callable(resp.json) else resp.json
    assert body == INVALID_LOGIN_BODY
    if auth is not None and reason is not None:
        assert auth.audit[-1]["reason"] == reason
