"""Classifications: chart of accounts, departments, accounting classes, locations.

Cashflow360 only carries classifications on lines; an unknown or archived (inactive) one is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mocks.core import validation as v

from .. import errors as X
from ..models import ApClassification
from .common import Ctx, ext_id, known_object, parse_id
from .listing import Field, list_page

KINDS = ("chart-of-accounts", "departments", "accounting-classes", "locations")
#: line ``classifications`` key -> kind
LINE_KEYS = {
    "chartOfAccountId": "chart-of-accounts",
    "departmentId": "departments",
    "accountingClassId": "accounting-classes",
    "locationId": "locations",
}
PK_ATTR = {
    "chart-of-accounts": "chart_of_account_pk",
    "departments": "department_pk",
    "accounting-classes": "accounting_class_pk",
    "locations": "location_pk",
}
ACCOUNT_TYPES = (
    "EXPENSE",
    "COST_OF_GOODS_SOLD",
    "OTHER_EXPENSE",
    "INCOME",
    "OTHER_INCOME",
    "BANK",
    "ACCOUNTS_PAYABLE",
    "ACCOUNTS_RECEIVABLE",
    "CREDIT_CARD",
    "FIXED_ASSET",
    "OTHER_ASSET",
    "OTHER_CURRENT_ASSET",
    "OTHER_CURRENT_LIABILITY",
    "LONG_TERM_LIABILITY",
    "EQUITY",
)


def render(c: ApClassification) -> dict[str, Any]:
    """The BILL view of a classification."""
    out: dict[str, Any] = {
        "id": ext_id(c.kind, c.pk),
        "name": c.name,
        "archived": c.archived,
        "parentId": ext_id(c.kind, c.parent_pk) if c.parent_pk else None,
    }
    if c.kind == "chart-of-accounts":
        out["account"] = {"number": c.account_number, "type": c.account_type}
    out["createdTime"], out["updatedTime"] = c.created_time, c.updated_time
    return out


def get(session: Session, kind: str, cid: Any, *, status: int = 404) -> ApClassification:
    """The classification ``cid`` of ``kind`` or a not-found refusal."""
    pk = parse_id(kind, cid, "id", status=status)
    row = session.get(ApClassification, pk)
    if row is None or row.kind != kind:
        raise X.api_error(status, X.NOT_FOUND, f"{kind} id '{cid}' does not exist.", "id")
    return row


def create(session: Session, ctx: Ctx, kind: str, body: dict[str, Any]) -> ApClassification:
    """Create a classification (names are unique per kind)."""
    allowed = {"name", "parentId"} | ({"account"} if kind == "chart-of-accounts" else set())
    known_object(body, "body", allowed)
    name = str(v.req(body, "name", v.text, max_len=200, blank=False))
    number = account_type = None
    if "account" in body and body["account"] is not None:
        acct = known_object(body["account"], "account", {"number", "type"})
        number = v.opt(acct, "number", v.text, max_len=40, where="account")
        account_type = v.opt(acct, "type", v.text, max_len=40, where="account")
        if account_type is not None and account_type not in ACCOUNT_TYPES:
            raise X.bad(
                X.INVALID_VALUE, f"account.type must be one of {', '.join(ACCOUNT_TYPES)}.", "account.type"
            )
    parent_pk = None
    if body.get("parentId") is not None:
        parent_pk = get(session, kind, body["parentId"], status=400).pk
    clash = session.execute(
        select(ApClassification.pk).where(ApClassification.kind == kind, ApClassification.name == name)
    ).first()
    if clash:
        raise X.bad(X.DUPLICATE, f"A {kind} classification named '{name}' already exists.", "name")
    row = ApClassification(
        kind=kind,
        name=name,
        account_number=number,
        account_type=account_type,
        parent_pk=parent_pk,
        archived=False,
        created_time=ctx.ts,
        updated_time=ctx.ts,
    )
    session.add(row)
    session.flush()
    return row


def set_archived(session: Session, ctx: Ctx, kind: str, cid: Any, archived: bool) -> ApClassification:
    """Archive (make inactive) or restore a classification."""
    row = get(session, kind, cid)
    if row.archived != archived:
        row.archived, row.updated_time = archived, ctx.ts
    return row


def listing(session: Session, kind: str, args: Mapping[str, str]) -> dict[str, Any]:
    """One page of classifications of ``kind``."""
    C = ApClassification
    fields = {
        "name": Field(C.name),
        "archived": Field(C.archived, "bool"),
        "id": Field(C.pk, f"id:{kind}"),
        "createdTime": Field(C.created_time),
        "updatedTime": Field(C.updated_time),
    }
    return list_page(
        session, select(C).where(C.kind == kind), fields, args, lambda rows: [render(r) for r in rows], C.pk
    )


def resolve_line(session: Session, value: Any, field: str) -> dict[str, int | None]:
    """Line ``classifications`` -> {pk attribute: pk}; unknown or archived ones are refused."""
    out: dict[str, int | None] = dict.fromkeys(PK_ATTR.values())
    if value is None:
        return out
    c = known_object(value, field, set(LINE_KEYS))
    for key, kind in LINE_KEYS.items():
        cid = c.get(key)
        if cid is None:
            continue
        where = f"{field}.{key}"
        if not isinstance(cid, str) or "\x00" in cid:
            raise X.bad(X.INVALID_VALUE, f"{where} must be a string.", where)
        row = get(session, kind, cid, status=400)
        if row.archived:
            raise X.bad(X.ARCHIVED, f"{where} '{cid}' is inactive and cannot be used.", where)
        out[PK_ATTR[kind]] = row.pk
    return out


def render_line(line: Any) -> dict[str, Any]:
    """The ``classifications`` object of a line."""
    return {
        key: ext_id(kind, getattr(line, PK_ATTR[kind])) if getattr(line, PK_ATTR[kind]) else None
        for key, kind in LINE_KEYS.items()
    }
