"""The Sitoo REST API v2 routes of the POS emulator."""

from . import catalog, events, sales  # noqa: F401 - importing registers the routes on ``bp``
from .base import PosServices, bp

__all__ = ["PosServices", "bp"]
