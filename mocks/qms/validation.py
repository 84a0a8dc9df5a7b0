"""Input parsing shared by the API, the act/ actions and the seeder: typed values or a 400 naming the field.

Nothing here touches the database; a request is fully validated before its write transaction starts,
so a refused request never leaves anything half-written.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from mocks.core.errors import ApiError

MAX_ID = 2**63 - 1
#: Largest quantity the API accepts (in units, before scaling to thousandths).
MAX_QTY = 1_000_000_000
SCALE = 1000
_URL = re.compile(r"^https?://[^\s/$.?#][^\s\x00]*$", re.IGNORECASE)


def invalid(field: str, message: str) -> ApiError:
    """The QMS's 400 for one bad field."""
    return ApiError(400, "VALIDATION_ERROR", message, path=field)


def _missing(body: dict[str, Any], name: str) -> bool:
    return name not in body or body[name] is None


def _present(body: dict[str, Any], name: str, field: str, required: bool) -> bool:
    """True when the field was sent; a missing required field is refused with 400."""
    if _missing(body, name):
        if required:
            raise invalid(field, f"'{field}' is required.")
        return False
    return True


def text(body: dict[str, Any], name: str, *, required: bool = True, max_len: int = 200,
         prefix: str = "", min_len: int = 1) -> str | None:
    """A string field without NUL bytes, stripped, 1..max_len characters."""
    field = prefix + name
    if not _present(body, name, field, required):
        return None
    value = body[name]
    if not isinstance(value, str):
        raise invalid(field, f"'{field}' must be a string.")
    if "\x00" in value:
        raise invalid(field, f"'{field}' must not contain NUL characters.")
    value = value.strip()
    if len(value) < min_len or len(value) > max_len:
        raise invalid(field, f"'{field}' must be {min_len} to {max_len} characters.")
    return value


def integer(body: dict[str, Any], name: str, *, required: bool = True, minimum: int = 1,
            maximum: int = MAX_ID, prefix: str = "") -> int | None:
    """An integer field (integral floats like 5.0 accepted; booleans are not integers)."""
    field = prefix + name
    if not _present(body, name, field, required):
        return None
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(field, f"'{field}' must be an integer.")
    if isinstance(value, float):
        if not value.is_integer():
            raise invalid(field, f"'{field}' must be an integer.")
        value = int(value)
    if value < minimum or value > maximum:
        raise invalid(field, f"'{field}' must be between {minimum} and {maximum}.")
    return int(value)


def quantity(body: dict[str, Any], name: str, *, required: bool = True, allow_zero: bool = False,
             prefix: str = "") -> int | None:
    """A decimal quantity with at most 3 decimal places, as integer thousandths."""
    field = prefix + name
    if not _present(body, name, field, required):
        return None
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(field, f"'{field}' must be a number.")
    try:
        dec = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise invalid(field, f"'{field}' must be a number.") from None
    if not dec.is_finite() or dec > MAX_QTY or dec < 0 or (dec == 0 and not allow_zero):
        low = "at least 0" if allow_zero else "greater than 0"
        raise invalid(field, f"'{field}' must be {low} and at most {MAX_QTY}.")
    scaled = dec * SCALE
    if scaled != scaled.to_integral_value():
        raise invalid(field, f"'{field}' must have at most 3 decimal places.")
    return int(scaled)


def choice(body: dict[str, Any], name: str, options: tuple[str, ...], *, required: bool = True,
           prefix: str = "") -> str | None:
    """One of a fixed set of strings."""
    field = prefix + name
    if not _present(body, name, field, required):
        return None
    value = body[name]
    if not isinstance(value, str) or value not in options:
        raise invalid(field, f"'{field}' must be one of {', '.join(options)}.")
    return value


def iso_date(body: dict[str, Any], name: str, *, required: bool = False, prefix: str = "") -> str | None:
    """A calendar date YYYY-MM-DD."""
    field = prefix + name
    if not _present(body, name, field, required):
        return None
    value = body[name]
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise invalid(field, f"'{field}' must be a date (YYYY-MM-DD).")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise invalid(field, f"'{field}' must be a valid date (YYYY-MM-DD).") from None
    return value


def boolean(body: dict[str, Any], name: str, default: bool = False, prefix: str = "") -> bool:
    """A true/false field."""
    if _missing(body, name):
        return default
    if not isinstance(body[name], bool):
        raise invalid(prefix + name, f"'{prefix + name}' must be true or false.")
    return bool(body[name])


def objects(body: dict[str, Any], name: str, *, min_items: int = 1, max_items: int = 500,
            required: bool = True) -> list[dict[str, Any]]:
    """An array of objects."""
    if _missing(body, name):
        if required:
            raise invalid(name, f"'{name}' is required.")
        return []
    value = body[name]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise invalid(name, f"'{name}' must be an array of objects.")
    if not min_items <= len(value) <= max_items:
        raise invalid(name, f"'{name}' must have {min_items} to {max_items} entries.")
    return value


def strings(body: dict[str, Any], name: str, *, max_items: int = 50, max_len: int = 100) -> list[str] | None:
    """An optional array of non-empty strings."""
    if _missing(body, name):
        return None
    value = body[name]
    if (not isinstance(value, list) or len(value) > max_items
            or not all(isinstance(v, str) and 0 < len(v) <= max_len and "\x00" not in v for v in value)):
        raise invalid(name, f"'{name}' must be an array of at most {max_items} non-empty strings.")
    return list(value)


def url(body: dict[str, Any], name: str) -> str:
    """An absolute http(s) URL."""
    value = text(body, name, max_len=2000)
    assert value is not None
    if not _URL.match(value):
        raise invalid(name, f"'{name}' must be an absolute http or https URL.")
    return value


def item_ref(body: dict[str, Any], prefix: str = "") -> tuple[str, int | str]:
    """How a body names an item: itemId, itemNetsuiteId (the NetSuite external id) or itemSku."""
    if not _missing(body, "itemId"):
        return "id", integer(body, "itemId", prefix=prefix) or 0
    if not _missing(body, "itemNetsuiteId"):
        return "netsuiteId", text(body, "itemNetsuiteId", max_len=80, prefix=prefix) or ""
    if not _missing(body, "itemSku"):
        return "sku", text(body, "itemSku", max_len=80, prefix=prefix) or ""
    raise invalid(prefix + "itemId", f"'{prefix}itemId', '{prefix}itemNetsuiteId' or '{prefix}itemSku' is required.")


def lot_ref(body: dict[str, Any], prefix: str = "") -> tuple[str, int | str]:
    """How a body names a lot: lotId or lotNumber (what a barcode scanner reads)."""
    if not _missing(body, "lotId"):
        return "id", integer(body, "lotId", prefix=prefix) or 0
    if not _missing(body, "lotNumber"):
        return "number", text(body, "lotNumber", max_len=80, prefix=prefix) or ""
    raise invalid(prefix + "lotId", f"'{prefix}lotId' or '{prefix}lotNumber' is required.")


def qty_out(milli: int | None) -> int | float | None:
    """A stored quantity (thousandths) as a JSON number: an integer when whole."""
    if milli is None:
        return None
    if milli % SCALE == 0:
        return milli // SCALE
    return float(Decimal(milli) / SCALE)
