"""The QMS vendor API (/api/v1): thin Flask routes over the domain rules."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    """The vendor API: the /api/v1 blueprint (its ``<id:...>`` converter and API-key check) with every route."""
    from . import items, lots, production, purchasing, sales, webhooks  # noqa: F401 - routes register on import
    from .common import bp

    return [bp]
