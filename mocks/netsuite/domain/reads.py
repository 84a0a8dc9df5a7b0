"""Read rules: workflow locks on GET, which fields a record list can filter, the deleted-records permission."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import locked_by_workflow
from ..models import NsRecord
from .records import Rec
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


def check_readable(rec: Rec) -> None:
    """A record locked by a user-defined workflow is refused on REST GET as on writes (RCRD_LOCKED_BY_WF).

    The lock is invisible through the APIs and REST reads of a locked record fail while SuiteQL reads it
    (Airbyte's REST reader lost locked journal entries, airbyte#79190); every record type is treated alike.
    """
    if rec.locked:
        raise locked_by_workflow()


def filterable_fields(rtype: RecordType) -> list[str]:
    """The ``x-ns-filterable`` list of a record type: what its record list ``q`` accepts."""
    blocked = UNFILTERABLE.get(rtype.name, frozenset())
    names = ["id", *(["externalId"] if rtype.external_id else []),
             *[n for n, f in rtype.fields.items() if f.kind in FILTERABLE_KINDS]]
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
    row = session.execute(select(NsRecord.body).where(NsRecord.rtype == "role", NsRecord.deleted_at.is_(None))
                          .order_by(NsRecord.id).limit(1)).scalar_one_or_none()
    if row is None:
        return False
    body = json.loads(row)
    return bool(body.get(permission)) and not body.get("isInactive")
