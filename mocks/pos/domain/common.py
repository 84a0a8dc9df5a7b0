"""Shared value rules: Sitoo money / decimal strings, patterns and business dates (fields are parsed with
``mocks.core.validation``; the virtual time comes from the core clock)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from ..errors import bad

MAX_INT64 = 2**63 - 1
MAX_MONEY_CENTS = 10**14  # 1e12 currency units: far beyond any till, safely inside 64 bits
_MONEY = re.compile(r"^(-?)(\d{1,12})(?:\.(\d{1,2}))?$")
_DECIMAL = re.compile(r"^(-?)(\d{1,12})(?:\.(\d{1,3}))?$")


# ---- business time -------------------------------------------------------------------------------
def ts_date(ts: int) -> str:
    """The UTC business date of a Unix timestamp."""
    return datetime.fromtimestamp(ts, UTC).date().isoformat()


# ---- money and decimals ---------------------------------------------------------------------------
def money(cents: int) -> str:
    """Cents as a Sitoo money string ("15.00", "-2.50")."""
    sign = "-" if cents < 0 else ""
    c = abs(cents)
    return f"{sign}{c // 100}.{c % 100:02d}"


def decimal3(milli: int) -> str:
    """Thousandths as a Sitoo decimal string ("13.000")."""
    sign = "-" if milli < 0 else ""
    m = abs(milli)
    return f"{sign}{m // 1000}.{m % 1000:03d}"


def _scaled(value: Any, field: str, pattern: re.Pattern[str], digits: int, kind: str) -> int:
    if isinstance(value, bool) or value is None:
        raise bad(f"Field '{field}' must be a {kind} string.", field)
    if isinstance(value, int | float):
        value = repr(value) if isinstance(value, float) else str(value)
    if not isinstance(value, str):
        raise bad(f"Field '{field}' must be a {kind} string.", field)
    m = pattern.match(value.strip())
    if m is None:
        raise bad(f"Field '{field}' must be a {kind} string with at most {digits} decimals.", field)
    sign, whole, frac = m.groups()
    scaled = int(whole) * 10**digits + int((frac or "").ljust(digits, "0") or 0)
    return -scaled if sign else scaled


def parse_money(value: Any, field: str) -> int:
    """A Sitoo money value ("15.00"; numbers tolerated) as integer cents, or a 400."""
    return _scaled(value, field, _MONEY, 2, "money")


def parse_decimal3(value: Any, field: str) -> int:
    """A Sitoo decimal value ("13.000") as integer thousandths, or a 400."""
    return _scaled(value, field, _DECIMAL, 3, "decimal")


def vat_text(bp: int) -> float | int:
    """A VAT rate kept in hundredths of a percent, rendered as a JSON number (25, 12.5)."""
    return bp // 100 if bp % 100 == 0 else bp / 100


def parse_vat(value: Any, field: str) -> int:
    """A VAT percentage (0..100, up to 2 decimals) as hundredths of a percent."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise bad(f"Field '{field}' must be a number.", field)
    bp = _scaled(value, field, _MONEY, 2, "percentage")
    if not 0 <= bp <= 10000:
        raise bad(f"Field '{field}' must be between 0 and 100.", field)
    return bp


# ---- patterns --------------------------------------------------------------------------------------
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
SKU = re.compile(r"^[A-Za-z0-9_+\-/.]{1,100}$")
EMAIL = re.compile(r"^[^@\s\x00]{1,100}@[^@\s\x00]{1,100}\.[^@\s\x00]{1,50}$")
