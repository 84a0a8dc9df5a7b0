"""Account preferences that change how the emulated NetSuite behaves (set through act/set_preference)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import user_error
from ..models import NsPreference

#: name -> (default, allowed values or a type)
PREFERENCES: dict[str, tuple[Any, Any]] = {
    # Inventory: allow a fulfilment/adjustment to take stock below zero.
    "allowNegativeInventory": (False, bool),
    # Posting into a closed period: "refuse" (USER_ERROR) or "firstOpenPeriod" (re-date the posting).
    "closedPeriodPosting": ("refuse", ("refuse", "firstOpenPeriod")),
    # The account's date format for q date literals and SuiteQL output.
    "dateFormat": ("M/D/YYYY", ("M/D/YYYY", "D/M/YYYY", "YYYY-MM-DD", "DD.MM.YYYY")),
    # The account's time zone (q date filters are evaluated in it).
    "timeZone": ("America/Los_Angeles", str),
    # Setup > Company > Auto-Generated Numbers for entities: entityId is numbered by NetSuite (and may repeat
    # a name), instead of being the client's value or the name, which must then be unique.
    "autoGenerateEntityNumbers": (False, bool),
    # Accounting Preferences > Approval Routing > Vendor Bills: new bills start Pending Approval (1) when on.
    "vendorBillApprovalRouting": (False, bool),
    # Accounting Preferences > "Allow Transaction Date Outside of the Posting Period": "disallow" refuses a
    # posting period that does not contain tranDate; "warn" (NetSuite's default: a UI warning only) and "allow"
    # accept it.
    "transactionDateOutsidePeriod": ("warn", ("disallow", "warn", "allow")),
    # Accounting Preferences > Void Transactions Using Reversing Journals (REVERSALVOIDING): a void posts a
    # reversing journal instead of zeroing the transaction (which types allow which: domain/voiding.py).
    "reversalVoiding": (False, bool),
    # Default ship status of a fulfilment created by !transform when none is sent.
    "defaultShipStatus": ("C", ("A", "B", "C")),
    # Order Management > Fulfillment, commitment: "limitToCommitted" fulfils at most what is committed to each
    # order line (stock on hand after earlier orders), "ignoreCommitment" fulfils any open quantity (stock is
    # checked when it ships). The emulator keeps "ignoreCommitment" as its default, the behaviour it always had;
    # no public source fixes NetSuite's default for a new account.
    "fulfillmentCommitment": ("ignoreCommitment", ("limitToCommitted", "ignoreCommitment")),
}


_T: Any = NsPreference.__table__
#: Built once, and run as Core on the session's connection: every write request reads the preferences.
_SELECT_PREFS = select(_T.c.key, _T.c.value)


def get_prefs(session: Session) -> dict[str, Any]:
    """Every preference, stored values over defaults."""
    prefs = {k: v[0] for k, v in PREFERENCES.items()}
    for key, value in session.connection().execute(_SELECT_PREFS):
        prefs[key] = json.loads(value)
    return prefs


def set_pref(session: Session, key: str, value: Any) -> dict[str, Any]:
    """Validate and store one preference; returns all preferences."""
    if key not in PREFERENCES:
        raise user_error(f"Unknown preference '{key}'. Known: {', '.join(sorted(PREFERENCES))}.")
    _, allowed = PREFERENCES[key]
    ok = isinstance(value, allowed) if isinstance(allowed, type) else value in allowed
    if not ok:
        raise user_error(f"Invalid value {value!r} for preference '{key}'.")
    row = session.get(NsPreference, key)
    if row is None:
        session.add(NsPreference(key=key, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)
    session.flush()
    return get_prefs(session)
