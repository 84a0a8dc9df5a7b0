"""QMS value rules on top of the core toolkit: quantities in thousandths, item and lot references, webhook
URLs and event lists. Text fields are trimmed and must keep at least one character (``strip=True,
min_len=1`` in every ``v.text`` call of the QMS)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from mocks.core import validation as v

from ..errors import validation_error

MAX_ID = v.MAX_INT64
#: Largest quantity the API accepts (in units, before scaling to thousandths).
MAX_QTY = 1_000_000_000
SCALE = 1000
_URL = re.compile(r"^https?://[^\s/$.?#][^\s\x00]*$", re.IGNORECASE)


def quantity(value: Any, field: str, *, allow_zero: bool = False) -> int:
    """A decimal quantity with at most 3 decimal places, as integer thousandths."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise validation_error(field, f"'{field}' must be a number.")
    try:
        dec = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise validation_error(field, f"'{field}' must be a number.") from None
    if not dec.is_finite() or dec > MAX_QTY or dec < 0 or (dec == 0 and not allow_zero):
        low = "at least 0" if allow_zero else "greater than 0"
        raise validation_error(field, f"'{field}' must be {low} and at most {MAX_QTY}.")
    scaled = dec * SCALE
    if scaled != scaled.to_integral_value():
        raise validation_error(field, f"'{field}' must have at most 3 decimal places.")
    return int(scaled)


def qty_out(milli: int | None) -> int | float | None:
    """A stored quantity (thousandths) as a JSON number: an integer when whole."""
    if milli is None:
        return None
    if milli % SCALE == 0:
        return milli // SCALE
    return float(Decimal(milli) / SCALE)


def strings(body: dict[str, Any], name: str, *, max_items: int = 50, max_len: int = 100) -> list[str] | None:
    """An optional array of non-empty strings."""
    if not v.given(body, name):
        return None
    value = body[name]
    if (
        not isinstance(value, list)
        or len(value) > max_items
        or not all(isinstance(s, str) and 0 < len(s) <= max_len and "\x00" not in s for s in value)
    ):
        raise validation_error(name, f"'{name}' must be an array of at most {max_items} non-empty strings.")
    return list(value)


def url(body: dict[str, Any], name: str) -> str:
    """An absolute http(s) URL."""
    value = v.req(body, name, v.text, max_len=2000, min_len=1, strip=True)
    if not _URL.match(value):
        raise validation_error(name, f"'{name}' must be an absolute http or https URL.")
    return value


def item_ref(body: dict[str, Any], where: str = "") -> tuple[str, int | str]:
    """How a body names an item: itemId, itemNetsuiteId (the NetSuite external id) or itemSku."""
    if v.given(body, "itemId"):
        return "id", v.req(body, "itemId", v.integer, minimum=1, maximum=MAX_ID, where=where)
    if v.given(body, "itemNetsuiteId"):
        return "netsuiteId", v.req(
            body, "itemNetsuiteId", v.text, max_len=80, min_len=1, strip=True, where=where
        )
    if v.given(body, "itemSku"):
        return "sku", v.req(body, "itemSku", v.text, max_len=80, min_len=1, strip=True, where=where)
    field = v.name(where, "itemId")
    raise validation_error(
        field, f"'{field}', '{v.name(where, 'itemNetsuiteId')}' or '{v.name(where, 'itemSku')}' is required."
    )


def lot_ref(body: dict[str, Any], where: str = "") -> tuple[str, int | str]:
    """How a body names a lot: lotId or lotNumber (what a barcode scanner reads)."""
    if v.given(body, "lotId"):
        return "id", v.req(body, "lotId", v.integer, minimum=1, maximum=MAX_ID, where=where)
    if v.given(body, "lotNumber"):
        return "number", v.req(body, "lotNumber", v.text, max_len=80, min_len=1, strip=True, where=where)
    field = v.name(where, "lotId")
    raise validation_error(field, f"'{field}' or '{v.name(where, 'lotNumber')}' is required.")
