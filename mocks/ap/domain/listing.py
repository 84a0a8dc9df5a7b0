"""BILL v3 list semantics: ``filters=field:op:value,...``, ``sort=field:asc``, ``max`` and ``page`` cursors."""

from __future__ import annotations

import base64
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_
from sqlalchemy.orm import Session

from .. import errors as X
from .common import _ID, PREFIX, money

OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "sw")
_SPLIT = re.compile(r",(?=\s*[A-Za-z_.]+:(?:" + "|".join(OPS) + r"):)")
_FILTER = re.compile(r"^\s*([A-Za-z_.]+):(" + "|".join(OPS) + r"):(.*)$", re.S)


@dataclass(frozen=True)
class Field:
    """A filterable/sortable field: its column and how its text value converts ("str", "bool",
    "money", or "id:<kind>")."""

    column: Any
    kind: str = "str"


def _convert(field: str, spec: Field, raw: str) -> Any:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        raw = raw[1:-1]
    if "\x00" in raw:
        raise X.bad(
            X.INVALID_VALUE, f"Filter value for '{field}' must not contain NUL characters.", "filters"
        )
    if spec.kind == "bool":
        if raw not in ("true", "false"):
            raise X.bad(X.INVALID_VALUE, f"Filter value for '{field}' must be true or false.", "filters")
        return raw == "true"
    if spec.kind == "money":
        try:
            number = float(raw)
        except ValueError:
            raise X.bad(X.INVALID_VALUE, f"Filter value for '{field}' must be a number.", "filters") from None
        return money(number, "filters", allow_negative=True)
    if spec.kind.startswith("id:"):
        m = _ID.match(raw)
        return int(m.group(2)) if m and m.group(1) == PREFIX[spec.kind[3:]] else -1
    return raw


def _condition(spec: Field, field: str, op: str, raw: str) -> Any:
    col = spec.column
    if op in ("in", "nin"):
        if spec.kind == "bool":
            raise X.bad(X.INVALID_VALUE, f"Only eq and ne are allowed on '{field}'.", "filters")
        values = [_convert(field, spec, v) for v in raw.split(",") if v.strip()]
        return col.in_(values) if op == "in" else col.not_in(values)
    value = _convert(field, spec, raw)
    if op == "sw":
        if spec.kind != "str":
            raise X.bad(
                X.INVALID_VALUE, f"Operator 'sw' is only allowed on text fields ('{field}').", "filters"
            )
        escaped = str(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return col.like(escaped + "%", escape="\\")
    if spec.kind == "bool" and op not in ("eq", "ne"):
        raise X.bad(X.INVALID_VALUE, f"Only eq and ne are allowed on '{field}'.", "filters")
    compare = {
        "eq": operator.eq,
        "ne": operator.ne,
        "gt": operator.gt,
        "gte": operator.ge,
        "lt": operator.lt,
        "lte": operator.le,
    }[op]
    return compare(col, value)


def _int_param(args: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    if not re.fullmatch(r"\d{1,6}", raw or ""):
        raise X.bad(X.INVALID_VALUE, f"{name} must be an integer between {lo} and {hi}.", name)
    value = int(raw)  # type: ignore[arg-type]
    if not lo <= value <= hi:
        raise X.bad(X.INVALID_VALUE, f"{name} must be an integer between {lo} and {hi}.", name)
    return value


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _offset(page: str | None) -> int:
    if not page:
        return 0
    try:
        raw = base64.urlsafe_b64decode(page + "=" * (-len(page) % 4)).decode()
        if not re.fullmatch(r"o:\d{1,9}", raw):
            raise ValueError
        return int(raw[2:])
    except (ValueError, UnicodeDecodeError):
        raise X.bad(X.INVALID_VALUE, "page is not a valid page cursor.", "page") from None


def list_page(
    session: Session,
    stmt: Select[Any],
    fields: dict[str, Field],
    args: Mapping[str, str],
    render: Callable[[list[Any]], list[dict[str, Any]]],
    default_order: Any,
) -> dict[str, Any]:
    """Apply filters/sort/max/page to ``stmt`` and render one page as {results, nextPage, prevPage}."""
    conds = []
    raw_filters = args.get("filters") or ""
    if raw_filters.strip():
        for part in _SPLIT.split(raw_filters):
            m = _FILTER.match(part)
            if m is None:
                raise X.bad(
                    X.INVALID_VALUE, f"Invalid filter '{part[:60]}': use field:operator:value.", "filters"
                )
            field, op, raw = m.groups()
            if field not in fields:
                raise X.bad(X.INVALID_VALUE, f"Filtering on '{field}' is not supported.", "filters")
            conds.append(_condition(fields[field], field, op, raw))
    if conds:
        stmt = stmt.where(and_(*conds))
    order = []
    for part in [p for p in (args.get("sort") or "").split(",") if p.strip()]:
        name, _, direction = part.strip().partition(":")
        if name not in fields or direction not in ("", "asc", "desc"):
            raise X.bad(X.INVALID_VALUE, f"Invalid sort '{part[:60]}'.", "sort")
        col = fields[name].column
        order.append(col.desc() if direction == "desc" else col.asc())
    size = _int_param(args, "max", 20, 1, 100)
    offset = _offset(args.get("page"))
    rows = (
        session.execute(stmt.order_by(*order, default_order).offset(offset).limit(size + 1)).scalars().all()
    )
    return {
        "results": render(list(rows[:size])),
        "nextPage": _cursor(offset + size) if len(rows) > size else None,
        "prevPage": _cursor(max(0, offset - size)) if offset > 0 else None,
    }
