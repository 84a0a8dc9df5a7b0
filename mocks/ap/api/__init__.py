"""The BILL v3 vendor API: thin Flask blueprints over the domain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, request
from sqlalchemy.orm import Session

from mocks.core.app import current_emulator
from mocks.core.http import json_body, json_response

from .. import auth
from ..domain.common import Ctx


def write(fn: Callable[[Session, Ctx], Any], status: int = 200) -> Response:
    """Run ``fn(session, ctx)`` in one write transaction and answer its result as JSON."""
    emu = current_emulator()
    with emu.store.write() as s:
        result = fn(s, auth.ctx())
    return json_response(result, status)


def read(fn: Callable[[Session, Ctx], Any]) -> Response:
    """Run ``fn(session, ctx)`` in a read session and answer its result as JSON."""
    emu = current_emulator()
    with emu.store.read() as s:
        result = fn(s, auth.ctx())
    return json_response(result)


def body() -> dict[str, Any]:
    """The request's JSON object body."""
    value: dict[str, Any] = json_body()
    return value


def register(app: Flask) -> None:
    """Mount every vendor blueprint, each behind the auth/limits gate."""
    from .ap_routes import bp as ap_bp
    from .ar_routes import bp as ar_bp
    from .auth_routes import bp as auth_bp
    from .events_routes import bp as events_bp

    for bp in (auth_bp, ap_bp, ar_bp, events_bp):
        app.register_blueprint(bp)

    @app.before_request
    def _gate() -> None:
        if not request.path.startswith(("/__erpsim", "/openapi.json")):
            auth.gate()

    app.teardown_request(auth.release)
