"""Field values: parsing what clients send into the stored form, and rendering the stored form as REST does.

Stored form (JSON in ``ns_records.body``): strings, numbers, booleans; dates ``YYYY-MM-DD``; references
``{"id": "7"}``; enumerations the bare id ``"B"``; collections a list of ids; address and inventory
detail subrecords as dicts; each sublist a list of line dicts carrying ``line`` (int).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ..errors import invalid_content, invalid_value
from .recordtypes import Field

MAX_INT = 2**53
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ADDRESS_FIELDS = {
    "addr1",
    "addr2",
    "addr3",
    "addressee",
    "attention",
    "addrPhone",
    "city",
    "state",
    "zip",
    "country",
    "override",
    "externalId",
}
ASSIGNMENT_FIELDS = {
    "receiptInventoryNumber",
    "issueInventoryNumber",
    "quantity",
    "binNumber",
    "toBinNumber",
    "expirationDate",
    "inventoryStatus",
    "toInventoryStatus",
}

#: Resolves a reference value to an internal id: (field, raw value, error path) -> id string.
RefResolver = Callable[[Field, Any, str], str]


def _type_error(field: Field, expected: str, path: str) -> Exception:
    return invalid_content(f"Invalid value type for field '{field.name}': expected {expected}.", path=path)


def check_string(value: Any, field: Field, path: str, max_len: int = 4000) -> str:
    """A string without NUL characters and within NetSuite's field length."""
    if not isinstance(value, str):
        raise _type_error(field, "a string", path)
    if "\x00" in value:
        raise invalid_content(f"Invalid character in field '{field.name}'.", path=path)
    if len(value) > max_len:
        raise invalid_content(
            f"The value of field '{field.name}' is longer than {max_len} characters.", path=path
        )
    return value


def check_number(value: Any, field: Field, path: str, *, integer: bool = False) -> float | int:
    """A finite JSON number (booleans refused); integers must be integral and within 2^53."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _type_error(field, "an integer" if integer else "a number", path)
    if isinstance(value, float) and not math.isfinite(value):
        raise _type_error(field, "a finite number", path)
    if abs(value) >= MAX_INT:
        raise invalid_content(f"The value of field '{field.name}' is out of range.", path=path)
    if integer:
        if value != int(value):
            raise _type_error(field, "an integer", path)
        return int(value)
    return int(value) if isinstance(value, int) else value


def check_date(value: Any, field: Field, path: str) -> str:
    """A ``YYYY-MM-DD`` date (an ISO datetime is cut to its date, as NetSuite accepts both)."""
    if not isinstance(value, str):
        raise _type_error(field, "a date (YYYY-MM-DD)", path)
    text = value[:10]
    if not _DATE.match(text):
        raise invalid_content(
            f"Invalid date value '{value[:40]}' for field '{field.name}'. Use YYYY-MM-DD.", path=path
        )
    try:
        date.fromisoformat(text)
    except ValueError:
        raise invalid_content(
            f"Invalid date value '{value[:40]}' for field '{field.name}'.", path=path
        ) from None
    return text


def parse_value(field: Field, value: Any, path: str, resolve: RefResolver) -> Any:
    """Parse one client value into the stored form, or raise the 400 NetSuite would."""
    if value is None:
        return None
    kind = field.kind
    if kind == "s":
        return check_string(value, field, path)
    if kind in ("n", "i"):
        return check_number(value, field, path, integer=kind == "i")
    if kind == "b":
        if not isinstance(value, bool):
            raise _type_error(field, "a boolean", path)
        return value
    if kind == "d":
        return check_date(value, field, path)
    if kind == "t":
        text = check_string(value, field, path, 40)
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise invalid_content(f"Invalid datetime value for field '{field.name}'.", path=path) from None
        return text
    if kind == "e":
        raw = value.get("id") if isinstance(value, dict) else value
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            raise _type_error(field, "an enumeration value", path)
        raw = str(raw)
        if field.enum_values and raw not in field.enum_values:
            raise invalid_value(raw, field.name, path)
        return raw
    if kind == "r":
        return {"id": resolve(field, value, path)}
    if kind == "c":
        items = value.get("items") if isinstance(value, dict) else value
        if not isinstance(items, list):
            raise _type_error(field, "a collection {items: [...]}", path)
        return [resolve(field, v, f"{path}.items[{i}]") for i, v in enumerate(items)]
    if kind == "a":
        return parse_address(field, value, path)
    if kind == "v":
        return parse_inventory_detail(field, value, path, resolve)
    raise invalid_content(f"Field '{field.name}' cannot be set.", path=path)


def parse_address(field: Field, value: Any, path: str) -> dict[str, Any]:
    """An address subrecord: known string fields, country as an ISO code."""
    if not isinstance(value, dict):
        raise _type_error(field, "an address object", path)
    out: dict[str, Any] = {}
    for key, raw in value.items():
        if key not in ADDRESS_FIELDS:
            continue
        sub = Field(key, "b" if key == "override" else "s")
        if key == "country" and isinstance(raw, dict):
            raw = raw.get("id")
        out[key] = parse_value(sub, raw, f"{path}.{key}", lambda *_: "")
    return out


def parse_inventory_detail(field: Field, value: Any, path: str, resolve: RefResolver) -> dict[str, Any]:
    """An inventory detail subrecord: quantity and inventoryAssignment lines (lots and bins)."""
    if not isinstance(value, dict):
        raise _type_error(field, "an inventoryDetail object", path)
    out: dict[str, Any] = {}
    if "quantity" in value:
        out["quantity"] = check_number(value["quantity"], Field("quantity", "n"), f"{path}.quantity")
    assignment = value.get("inventoryAssignment", {"items": []})
    items = assignment.get("items") if isinstance(assignment, dict) else assignment
    if not isinstance(items, list):
        raise _type_error(Field("inventoryAssignment", "c"), "{items: [...]}", f"{path}.inventoryAssignment")
    lines = []
    for i, raw in enumerate(items):
        lpath = f"{path}.inventoryAssignment.items[{i}]"
        if not isinstance(raw, dict):
            raise _type_error(Field("inventoryAssignment", "c"), "an object", lpath)
        line: dict[str, Any] = {}
        for key, v in raw.items():
            if key not in ASSIGNMENT_FIELDS or v is None:
                continue
            if key == "receiptInventoryNumber":
                line[key] = check_string(v, Field(key, "s"), f"{lpath}.{key}", 300)
            elif key == "quantity":
                line[key] = check_number(v, Field(key, "n"), f"{lpath}.{key}")
            elif key == "expirationDate":
                line[key] = check_date(v, Field(key, "d"), f"{lpath}.{key}")
            elif key in ("issueInventoryNumber",):
                line[key] = resolve(Field(key, "r", "inventoryNumber"), v, f"{lpath}.{key}")
            elif key in ("binNumber", "toBinNumber"):
                line[key] = resolve(Field(key, "r", "bin"), v, f"{lpath}.{key}")
        if "receiptInventoryNumber" in line and "issueInventoryNumber" in line:
            raise invalid_content(
                "Set either receiptInventoryNumber or issueInventoryNumber, not both.", path=lpath
            )
        if "quantity" not in line:
            raise invalid_content(
                "Please enter a value for quantity in inventory assignment.", path=f"{lpath}.quantity"
            )
        lines.append(line)
    out["inventoryAssignment"] = lines
    return out


def num(value: Any) -> float:
    """A stored number (missing = 0)."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def ref_id(value: Any) -> str | None:
    """The id of a stored reference (or None)."""
    return value.get("id") if isinstance(value, dict) else None


def minute_precision(instant: str) -> str:
    """NetSuite renders datetimes to the minute, with seconds always 00, in UTC with a Z."""
    dt = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    return dt.strftime("%Y-%m-%dT%H:%M:00Z")
