"""Stored values as SuiteQL column values: text, numbers, T/F checkboxes, references, dates, statuses."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ...models import NsRecord
from ..recordtypes import RecordType
from .schema import STATUS_LABELS


def _body(raw: str) -> dict[str, Any]:
    try:
        parsed = json.loads(raw or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and v != "" else None


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    return None


def _num(v: Any) -> float | int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return v
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return None
    return None


def _signed(sign: int, v: float | int | None) -> float | int | None:
    return None if v is None else sign * v


def _bool(v: Any) -> str:
    # SuiteQL renders checkboxes as 'T'/'F'; an unset checkbox is 'F', never NULL.
    return "T" if v is True else "F"


def _ref(v: Any) -> int | None:
    return _int(v.get("id")) if isinstance(v, dict) else _int(v)


def _enum(v: Any) -> str | None:
    raw = v.get("id") if isinstance(v, dict) else v
    return str(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) and raw != "" else None


def _date(v: Any) -> str | None:
    # Stored like datetimes (midnight) so dates compare correctly with TO_DATE, SYSDATE and datetimes.
    if not isinstance(v, str):
        return None
    try:
        return f"{date.fromisoformat(v[:10]).isoformat()} 00:00:00"
    except ValueError:
        return None


def _extid(rec: NsRecord, body: dict[str, Any]) -> str | None:
    return _str(body.get("externalId")) or rec.external_key


def _status(rt: RecordType, b: dict[str, Any]) -> str | None:
    raw = _enum(b.get("status"))
    labels = {v: k for k, v in _status_labels(rt).items()}
    if raw is not None:
        # A label stored instead of the letter (REST shows status.id as text) maps back to the letter.
        return labels.get(raw, raw)
    if rt.name == "itemFulfillment":
        return _enum(b.get("shipStatus"))
    return _enum(b.get("orderStatus"))


def _status_labels(rt: RecordType) -> dict[str, str]:
    return STATUS_LABELS.get(rt.tran_code or "", {})


def _total(rt: RecordType, b: dict[str, Any]) -> float | int | None:
    total = _num(b.get("total"))
    if total is None and rt.name == "customerPayment":
        total = _num(b.get("payment"))
    if total is not None:
        return total
    values: list[float | int] = []
    for sub in ("item", "expense"):
        for line in b.get(sub) or [] if sub in rt.sublists else []:
            if not isinstance(line, dict):
                continue
            amount, qty, rate = _num(line.get("amount")), _num(line.get("quantity")), _num(line.get("rate"))
            if amount is None and qty is not None and rate is not None:
                amount = qty * rate
            if amount is not None:
                values.append(amount)
    return sum(values) if values else None
