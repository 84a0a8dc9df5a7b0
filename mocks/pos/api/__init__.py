"""The Sitoo REST API v2 routes of the POS emulator."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """The vendor API: the /v2/accounts/<account> blueprint (Basic auth, account and site guard) with every route."""
    from . import catalog, events, sales  # noqa: F401 - importing registers the routes on ``bp``
    from .base import bp

    return [bp]
