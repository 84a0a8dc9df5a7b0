"""The WMS vendor API under /api/v1: thin routes that validate input, call the domain and render."""

from __future__ import annotations

from flask import Blueprint

from ..auth import authenticate
from . import asns, orders, products, stock, webhooks

PREFIX = "/api/v1"


def blueprints() -> list[Blueprint]:
    """The vendor API: the /api/v1 blueprint with every route registered and API-key auth in front."""
    bp = Blueprint("wms", __name__, url_prefix=PREFIX)
    bp.before_request(authenticate)
    for module in (products, orders, stock, asns, webhooks):
        module.register(bp)
    return [bp]
