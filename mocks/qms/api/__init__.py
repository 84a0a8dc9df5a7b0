"""The QMS vendor API (/api/v1): thin Flask routes over the domain rules."""

from __future__ import annotations

from flask import Blueprint, Flask

from mocks.core.app import AsciiIntConverter

from ..domain.values import MAX_ID


class IdConverter(AsciiIntConverter):
    """A positive 64-bit id in ASCII digits in a path (anything else simply matches nothing: 404)."""

    def __init__(self, map: object) -> None:  # noqa: A002 - werkzeug's signature
        super().__init__(map, min=1, max=MAX_ID)  # type: ignore[arg-type]


def make_blueprint() -> Blueprint:
    """The /api/v1 blueprint with every route module registered on it."""
    from . import items, lots, production, purchasing, sales, webhooks  # noqa: F401 - routes register on import
    from .common import bp

    return bp


def register(app: Flask) -> None:
    """Install the id converter and the API blueprint on ``app``."""
    app.url_map.converters["id"] = IdConverter
    app.register_blueprint(make_blueprint())
