"""The BILL v3 vendor API: thin Flask blueprints over the domain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response
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


def blueprints() -> list[Blueprint]:
    """The vendor API: login/session, AP, AR and events blueprints; the devKey / concurrency / session gate of
    every request is installed by the login blueprint (``auth_routes``)."""
    from .ap_routes import bp as ap_bp
    from .ar_routes import bp as ar_bp
    from .auth_routes import bp as auth_bp
    from .events_routes import bp as events_bp

    return [auth_bp, ap_bp, ar_bp, events_bp]
