"""Read rules: workflow locks on GET, computed sublists, which fields a record list can filter, the
deleted-records permission."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import unknown_sublist
from ..models import NsRecord
from .locks import refuse_if_locked
from .quantities import computed_fields
from .records import Rec, Records
from .recordtypes import RecordType

#: Field kinds a record list ``q`` can filter on (text, numbers, booleans, dates, references, enums).
FILTERABLE_KINDS = frozenset("snibdtre")

#: Fields a record type shows but its record list cannot filter on. NetSuite's employee record lists
#: ``lastModifiedDate`` in the REST browser, yet ``q=lastModifiedDate AFTER ...`` fails NONEXISTENT_FIELD and the
#: metadata catalog leaves it out of ``x-ns-filterable`` (airbyte#35401, fixed by checking x-ns-filterable in
#: airbyte#35620). Employee is the one public case; no source lists the others, so only it is marked.
UNFILTERABLE: dict[str, frozenset[str]] = {"employee": frozenset({"lastModifiedDate"})}

#: The role permission that opens the deleted-records feed (Setup > Users/Roles > Lists > "Deleted Records").
DELETED_RECORDS_PERMISSION = "deletedRecords"


def read_record(session: Session, rtype: RecordType, ref: str) -> Rec:
    """The record a REST GET names (id or ``eid:``); a workflow-locked one is refused (RCRD_LOCKED_BY_WF)."""
    rec = Records(session).load_ref(rtype, ref)
    refuse_if_locked(rec)
    return rec


def sublist_lines(session: Session, rec: Rec, sublist: str) -> list[dict[str, Any]]:
    """A sublist's lines as REST reads them (an item's ``locations`` are computed from stock)."""
    if sublist not in rec.rtype.sublists:
        raise unknown_sublist(sublist, rec.rtype.name)
    if sublist == "locations" and rec.rtype.family == "item":
        return list(computed_fields(session, rec).get("locations", []))
    return rec.lines(sublist)


def filterable_fields(rtype: RecordType) -> list[str]:
    """The ``x-ns-filterable`` list of a record type: what its record list ``q`` accepts."""
    blocked = UNFILTERABLE.get(rtype.name, frozenset())
    names = [
        "id",
        *(["externalId"] if rtype.external_id else []),
        *[n for n, f in rtype.fields.items() if f.kind in FILTERABLE_KINDS],
    ]
    if "lastModifiedDate" not in names:
        names.append("lastModifiedDate")
    return [n for n in names if n not in blocked]


def is_unfilterable(rtype: RecordType, name: str) -> bool:
    """True for a field the record shows but its list cannot filter on (NONEXISTENT_FIELD in ``q``)."""
    return name in UNFILTERABLE.get(rtype.name, frozenset())


def role_permits(session: Session, permission: str) -> bool:
    """True when the integration's role (the account's role record) has ``permission`` switched on.

    The account has one role, the integration's (account.py); an account reset to empty has none, and then
    nothing is permitted.
    """
    row = session.execute(
        select(NsRecord.body)
        .where(NsRecord.rtype == "role", NsRecord.deleted_at.is_(None))
        .order_by(NsRecord.id)
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return False
    body = json.loads(row)
    return bool(body.get(permission)) and not body.get("isInactive")
