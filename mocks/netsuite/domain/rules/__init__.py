"""Business rules per record type, plugged into the record engine through ``RULES``."""

from __future__ import annotations

from .base import RULES, Rules, rules_for

__all__ = ["RULES", "Rules", "rules_for"]

# Importing the modules registers their rules.
from . import banking, projects, purchasing, sales, setup, stock  # noqa: E402,F401
