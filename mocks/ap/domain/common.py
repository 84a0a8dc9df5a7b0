"""Shared domain helpers: BILL-style ids, money in cents, input validation, times and events."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mocks.core import validation as v
from mocks.core.store import dumps
from mocks.core.webhooks import WebhookDelivery, WebhookSubscription

from .. import errors as X

# ---- ids -------------------------------------------------------------------------------------
#: BILL id prefixes (vendor 009, bill 00n, vendor credit vcr, organization 008 are documented).
PREFIX = {
    "vendor": "009",
    "customer": "0cu",
    "bill": "00n",
    "vendor_credit": "vcr",
    "invoice": "00e",
    "line": "0li",
    "payment": "stp",
    "received_payment": "0rp",
    "allocation": "0bp",
    "chart-of-accounts": "0ca",
    "departments": "0de",
    "accounting-classes": "cls",
    "locations": "loc",
    "user": "006",
    "organization": "008",
    "bank": "bac",
}
_ID = re.compile(r"^([0-9a-z]{3})02(\d{15})$")


def ext_id(kind: str, pk: int) -> str:
    """The 20-character BILL id of row ``pk`` of ``kind`` (prefix + "02" + 15 digits)."""
    return f"{PREFIX[kind]}02{pk:015d}"


def parse_id(kind: str, value: Any, field: str, *, status: int = 400) -> int:
    """The row pk behind a BILL id of ``kind``; a malformed or foreign id is "not found"."""
    if not isinstance(value, str) or not value:
        raise X.bad(
            X.REQUIRED if value in (None, "") else X.INVALID_VALUE,
            f"{field} is required and must be a string.",
            field,
        )
    m = _ID.match(value)
    if m is None or m.group(1) != PREFIX[kind] or int(m.group(2)) == 0:
        raise X.api_error(status, X.NOT_FOUND, f"{field} '{value[:40]}' does not exist.", field)
    return int(m.group(2))


def stable_uuid(*parts: Any) -> str:
    """A deterministic uuid4-shaped id (webhook event and subscription ids)."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


# ---- times -----------------------------------------------------------------------------------
def stamp(now: datetime) -> str:
    """BILL's timestamp format, YYYY-MM-DDThh:mm:ss.sss+0000 (fixed width, so string order is time order)."""
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"


# ---- money -----------------------------------------------------------------------------------
MAX_CENTS = 10**13  # $100 billion: far above anything real, far below 64-bit overflow
CENT = Decimal("0.01")


def money(value: Any, field: str, *, allow_negative: bool = False) -> int:
    """Cents from a JSON number with at most two decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise X.bad(X.INVALID_VALUE, f"{field} must be a number.", field)
    try:
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise X.bad(X.INVALID_VALUE, f"{field} must be a number.", field) from None
    if not d.is_finite() or abs(d) * 100 >= MAX_CENTS:
        raise X.bad(X.INVALID_VALUE, f"{field} is out of range.", field)
    if d != d.quantize(CENT):
        raise X.bad(X.INVALID_VALUE, f"{field} must have at most 2 decimal places.", field)
    if d < 0 and not allow_negative:
        raise X.bad(X.INVALID_VALUE, f"{field} must not be negative.", field)
    return int(d * 100)


def decimal_value(value: Any, field: str, *, positive: bool = False) -> Decimal:
    """A JSON number as Decimal (quantity, price), bounded, at most 6 decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise X.bad(X.INVALID_VALUE, f"{field} must be a number.", field)
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not d.is_finite() or abs(d) >= Decimal(10**9) or d != d.quantize(Decimal("0.000001")):
        raise X.bad(X.INVALID_VALUE, f"{field} is out of range or has more than 6 decimals.", field)
    if positive and d <= 0:
        raise X.bad(X.INVALID_VALUE, f"{field} must be greater than 0.", field)
    return d


def cents_of(d: Decimal) -> int:
    """Decimal dollars to cents, rounded half up."""
    return int((d * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def dollars(cents: int) -> float:
    """Cents as a JSON number of dollars."""
    return cents / 100 if cents % 100 else float(cents // 100)


# ---- input (parsed with mocks.core.validation; these are BILL's own rules on top of it) --------------------
def known_object(value: Any, field: str, allowed: set[str]) -> dict[str, Any]:
    """A JSON object whose keys are all in ``allowed``; BILL names the alphabetically first unknown key."""
    v.obj(value, field)
    v.known_fields(sorted(value), allowed, where="" if field == "body" else field)
    return value


def ymd(value: Any, field: str, *, blank: bool = True) -> str:
    """A yyyy-MM-dd date (``blank=False`` when the field is required: a blank one is then "required")."""
    return v.iso_date(v.text(value, field, max_len=10, blank=blank), field)


def usd_only(body: dict[str, Any], key: str) -> None:
    """Refuse any currency but USD (Cashflow360/BILL sync is USD only)."""
    value = v.opt(body, key, v.text, max_len=3)
    if value is not None and value != "USD":
        raise X.bad(X.CURRENCY, f"Currency '{value}' is not supported. Only USD is supported.", key)


# ---- events ----------------------------------------------------------------------------------
@dataclass
class Ctx:
    """Who is calling and when: the organization, the user, the virtual now, and whether the session is
    MFA-trusted (an act/ action or a seed is the emulator itself: not a session, never trusted)."""

    org_id: str
    user_id: str
    now: datetime
    trusted: bool = False

    @property
    def ts(self) -> str:
        """Now in BILL's timestamp format."""
        return stamp(self.now)

    @property
    def today(self) -> str:
        """Today's virtual date as yyyy-MM-dd."""
        return self.now.date().isoformat()


def publish(
    session: Session, ctx: Ctx, event_type: str, entity: str, body: dict[str, Any], version: int
) -> None:
    """Queue a BILL notification for each enabled subscription that wants ``event_type``.

    BILL's payload names the receiving subscription in ``metadata``, so each subscription gets its
    own payload (the core hub's ``publish`` writes one shared payload, hence the rows written here).
    """
    subs = (
        session.execute(
            select(WebhookSubscription)
            .where(WebhookSubscription.active.is_(True))
            .order_by(WebhookSubscription.id)
        )
        .scalars()
        .all()
    )
    if not subs:
        return
    event_id = stable_uuid("event", event_type, body.get("id"), version)
    for sub in subs:
        if not sub.wants(event_type):
            continue
        sub_uuid = stable_uuid("subscription", sub.id)
        payload = {
            "metadata": {
                "eventId": event_id,
                "subscriptionId": sub_uuid,
                "organizationId": ctx.org_id,
                "eventType": event_type,
                "version": "1",
            },
            entity: body,
        }
        session.add(
            WebhookDelivery(
                subscription_id=sub.id,
                event_type=event_type,
                event_id=event_id,
                payload=dumps(payload),
                status="pending",
                attempts=0,
                sends=0,
                faulted=False,
                next_attempt_at=0.0,
                created_at=ctx.now.isoformat(),
            )
        )
