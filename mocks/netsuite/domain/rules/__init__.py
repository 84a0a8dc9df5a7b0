"""Business rules per record type, plugged into the record engine through ``RULES`` (shared checks: periods,
scope, currency, totals, references, transactions)."""

from __future__ import annotations

from .base import RULES, Rules, rules_for

__all__ = ["RULES", "Rules", "rules_for"]

# Importing the modules registers their rules.
from . import (  # noqa: E402,F401
    banking,
    projects,
    purchasing,
    sales,
    setup,
    stock,
    void_guard,  # last, on purpose: it wraps the rules the modules above registered
)
