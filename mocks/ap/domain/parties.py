"""Vendors and customers (company or person).

A PERSON needs a first and a last name: both given are used; neither given means the name is split
on the first " " (first part = first name, the rest = last name) and a name that cannot be split is
repeated for both (the Cashflow360 -> NetSuite rule); only one of the two given is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mocks.core import validation as v

from .. import errors as X
from ..models import ApDocument, ApParty
from .common import Ctx, ext_id, known_object, parse_id, publish, usd_only
from .listing import Field, list_page

ACCOUNT_TYPES = ("BUSINESS", "PERSON", "NONE")
ADDRESS_KEYS = ("line1", "line2", "city", "stateOrProvince", "zipOrPostalCode", "country")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIELDS = {
    "name",
    "shortName",
    "accountType",
    "firstName",
    "lastName",
    "companyName",
    "email",
    "phone",
    "accountNumber",
    "address",
}
KIND = {"vendor": "vendor", "customer": "customer"}


def render(p: ApParty) -> dict[str, Any]:
    """The BILL view of a vendor or customer."""
    out: dict[str, Any] = {
        "id": ext_id(p.role, p.pk),
        "archived": p.archived,
        "name": p.name,
        "shortName": p.short_name,
        "accountType": p.account_type,
        "firstName": p.first_name,
        "lastName": p.last_name,
        "companyName": p.company_name,
        "email": p.email,
        "phone": p.phone,
        "accountNumber": p.account_number,
        "address": json.loads(p.address or "{}") or None,
    }
    if p.role == "vendor":
        out["billCurrency"] = "USD"
    out["createdTime"], out["updatedTime"] = p.created_time, p.updated_time
    return out


def get(session: Session, role: str, pid: Any, *, status: int = 404, field: str = "id") -> ApParty:
    """The vendor/customer ``pid`` or a not-found refusal (404 for paths, 400 for references)."""
    pk = parse_id(role, pid, field, status=status)
    row = session.get(ApParty, pk)
    if row is None or row.role != role:
        raise X.api_error(status, X.NOT_FOUND, f"{field} '{pid}' does not exist.", field)
    return row


def _address(value: Any) -> str:
    if value is None:
        return "{}"
    a = known_object(value, "address", set(ADDRESS_KEYS))
    clean = {
        k: v.opt(a, k, v.text, max_len=100, where="address") for k in ADDRESS_KEYS if a.get(k) is not None
    }
    return json.dumps(clean)


def _apply(p: ApParty, body: dict[str, Any], creating: bool) -> None:
    """Validate ``body`` onto ``p`` (all fields on create, present fields on update)."""
    if creating or "name" in body:
        p.name = str(v.req(body, "name", v.text, max_len=100, blank=False))
    if creating or "accountType" in body:
        value = str(
            v.opt(body, "accountType", v.text, max_len=10) or ("NONE" if creating else p.account_type)
        )
        if value not in ACCOUNT_TYPES:
            raise X.bad(X.INVALID_VALUE, "accountType must be one of BUSINESS, PERSON, NONE.", "accountType")
        p.account_type = value
    for key, attr, size in (
        ("shortName", "short_name", 40),
        ("firstName", "first_name", 100),
        ("lastName", "last_name", 100),
        ("companyName", "company_name", 100),
        ("phone", "phone", 40),
        ("accountNumber", "account_number", 100),
        ("email", "email", 200),
    ):
        if key in body:
            given = v.opt(body, key, v.text, max_len=size)
            setattr(p, attr, (given.strip() or None) if given is not None else None)
    if p.email is not None and not _EMAIL.match(p.email):
        raise X.bad(X.INVALID_VALUE, "email is not a valid email address.", "email")
    if "address" in body:
        p.address = _address(body["address"])
    if p.account_type == "PERSON":
        if (p.first_name is None) != (p.last_name is None):
            raise X.bad(
                X.REQUIRED,
                "A PERSON needs both firstName and lastName (or neither, to split the name).",
                "lastName" if p.last_name is None else "firstName",
            )
        if p.first_name is None:
            first, _, rest = p.name.strip().partition(" ")
            p.first_name, p.last_name = (
                (first, rest.strip()) if rest.strip() else (p.name.strip(), p.name.strip())
            )
    elif p.account_type == "BUSINESS" and p.company_name is None:
        p.company_name = p.name  # a company needs a company name to sync: the vendor name is it


def create(session: Session, ctx: Ctx, role: str, body: dict[str, Any]) -> ApParty:
    """Create a vendor or customer."""
    known_object(body, "body", FIELDS | ({"billCurrency"} if role == "vendor" else set()))
    usd_only(body, "billCurrency")
    p = ApParty(
        role=role,
        address="{}",
        archived=False,
        synced=False,
        version=1,
        created_time=ctx.ts,
        updated_time=ctx.ts,
    )
    _apply(p, body, creating=True)
    session.add(p)
    session.flush()
    publish(session, ctx, f"{role}.created", role, render(p), p.version)
    return p


def update(session: Session, ctx: Ctx, role: str, pid: str, body: dict[str, Any]) -> ApParty:
    """Change some fields of a vendor or customer."""
    p = get(session, role, pid)
    known_object(body, "body", FIELDS | ({"billCurrency"} if role == "vendor" else set()))
    usd_only(body, "billCurrency")
    if p.archived:
        raise X.bad(X.ARCHIVED, f"The {role} is archived; restore it before changing it.")
    _apply(p, body, creating=False)
    p.version += 1
    p.updated_time = ctx.ts
    publish(session, ctx, f"{role}.updated", role, render(p), p.version)
    return p


def set_archived(session: Session, ctx: Ctx, role: str, pid: str, archived: bool) -> ApParty:
    """Archive or restore; a vendor/customer with open documents cannot be archived."""
    p = get(session, role, pid)
    if p.archived == archived:
        return p
    if archived:
        D = ApDocument
        open_docs = session.execute(
            select(func.count()).where(
                D.party_pk == p.pk,
                D.archived.is_(False),
                D.doc_type != "vendor_credit",
                (D.amount - D.paid - D.credited > 0) | (D.scheduled > 0),
            )
        ).scalar_one()
        if open_docs:
            raise X.bad(
                X.STATE, f"The {role} has {open_docs} open bill(s)/invoice(s) and cannot be archived."
            )
    p.archived, p.version, p.updated_time = archived, p.version + 1, ctx.ts
    publish(session, ctx, f"{role}.{'archived' if archived else 'restored'}", role, render(p), p.version)
    return p


def listing(session: Session, role: str, args: Mapping[str, str]) -> dict[str, Any]:
    """One page of vendors or customers."""
    P = ApParty
    fields = {
        "name": Field(P.name),
        "accountType": Field(P.account_type),
        "email": Field(P.email),
        "archived": Field(P.archived, "bool"),
        "id": Field(P.pk, f"id:{role}"),
        "createdTime": Field(P.created_time),
        "updatedTime": Field(P.updated_time),
    }
    return list_page(
        session, select(P).where(P.role == role), fields, args, lambda rows: [render(r) for r in rows], P.pk
    )
