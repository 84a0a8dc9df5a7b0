"""Accounting periods: which period a posting lands in, what closed or locked periods refuse, and an
accountant closing, locking and reopening one.

Only transactions that post to the general ledger are governed. A closed period refuses every posting
and every G/L change; a period locked for all, for accounts receivable or for accounts payable refuses
them for roles without Override Period Restrictions. Non-G/L edits (memo, references, applications) pass a
locked period, and a closed one only when it allows non-G/L changes.
"""

from __future__ import annotations

from sqlalchemy import select

from ...errors import user_error
from ...models import NsRecord
from ..reads import role_permits
from ..records import Ctx, Rec
from .references import rec_of

#: Transactions that post to the general ledger (the only ones accounting periods govern).
POSTING = {
    "itemFulfillment",
    "itemReceipt",
    "invoice",
    "cashSale",
    "cashRefund",
    "creditMemo",
    "customerPayment",
    "vendorBill",
    "vendorCredit",
    "vendorPayment",
    "journalEntry",
    "inventoryAdjustment",
    "inventoryTransfer",
    "assemblyBuild",
    "check",
    "deposit",
    "vendorPrepayment",
    "creditCardRefund",
}
AR_TYPES = {"invoice", "cashSale", "cashRefund", "creditMemo", "customerPayment"}
AP_TYPES = {"vendorBill", "vendorCredit", "vendorPayment", "vendorPrepayment"}
#: Fields whose change is not a G/L change (allowed in a closed period that allows non-G/L changes): notes and
#: references, and the applications of a payment or credit (they move no amount between accounts).
NON_GL_FIELDS = {
    "memo",
    "otherRefNum",
    "email",
    "shipStatus",
    "lastModifiedDate",
    "apply",
    "applied",
    "unapplied",
    "amountRemaining",
    "status",
}
#: The role permission that lets the integration post into locked (not closed) periods.
OVERRIDE_PERIODS = "overridePeriodRestrictions"


#: Built once: every posting reads the periods.
_SELECT_PERIODS = select(NsRecord).where(NsRecord.rtype == "accountingPeriod", NsRecord.deleted_at.is_(None))


def _periods(ctx: Ctx) -> list[Rec]:
    rows = ctx.session.execute(_SELECT_PERIODS).scalars()
    out = [ctx.engine.to_rec(r) for r in rows]
    base = [
        p
        for p in out
        if not p.body.get("isYear") and not p.body.get("isQuarter") and not p.body.get("isAdjust")
    ]
    return sorted(base, key=lambda p: p.body.get("startDate", ""))


def _blocked(ctx: Ctx, period: Rec, rtype: str) -> str | None:
    """Why a period refuses postings of ``rtype`` from the integration (None when it accepts them).

    Closed refuses everyone. The AR, AP and all locks refuse roles without Override Period Restrictions.
    """
    b = period.body
    if b.get("closed"):
        return "closed"
    reason = None
    if b.get("allLocked"):
        reason = "locked"
    elif b.get("arLocked") and rtype in AR_TYPES:
        reason = "locked for accounts receivable"
    elif b.get("apLocked") and rtype in AP_TYPES:
        reason = "locked for accounts payable"
    if reason and role_permits(ctx.session, OVERRIDE_PERIODS):
        return None
    return reason


def period_for(ctx: Ctx, day: str, periods: list[Rec] | None = None) -> Rec | None:
    """The base accounting period containing ``day`` (None when the account keeps no periods)."""
    for p in _periods(ctx) if periods is None else periods:
        if p.body.get("startDate", "") <= day <= p.body.get("endDate", ""):
            return p
    return None


def _check_edit_in_period(ctx: Ctx, rec: Rec, old: Rec) -> set[str]:
    """Refuse what a closed or locked period forbids in an edit; returns the G/L fields that changed.

    G/L changes are refused in a closed period and in a period locked for the role. Non-G/L changes (memo,
    reference numbers, applications of payments and credits) pass in a locked period, and in a closed one
    only when the period allows non-G/L changes: with that switch off NetSuite refuses even a memo edit.
    """
    diff = {k for k in set(rec.body) | set(old.body) if rec.body.get(k) != old.body.get(k)} - {
        "lastModifiedDate"
    }
    changed = diff - NON_GL_FIELDS
    old_period = rec_of(ctx, old.body.get("postingPeriod"), "accountingPeriod")
    reason = _blocked(ctx, old_period, rec.rtype.name) if old_period is not None else None
    if old_period is None or not reason:
        return changed
    name = old_period.body.get("periodName")
    if changed:
        raise user_error(
            f"You cannot change a transaction in a {reason} period ({name}).",
            path=sorted(changed)[0] if "tranDate" not in changed else "tranDate",
        )
    if diff and reason == "closed" and not old_period.body.get("allowNonGLChanges"):
        # No public source gives this refusal's wording; the period's "Allow Non-G/L Changes" box is named.
        raise user_error(
            f"You cannot change a transaction in a closed period ({name}): the period does not "
            "allow non-G/L changes.",
            path=sorted(diff)[0],
        )
    return changed


def assign_period(ctx: Ctx, rec: Rec, old: Rec | None) -> None:
    """Set postingPeriod from tranDate; refuse (or re-date) postings into closed or locked periods."""
    if rec.rtype.name not in POSTING:
        return
    periods = _periods(ctx)
    if not periods:
        return
    body = rec.body
    if old is not None:
        changed = _check_edit_in_period(ctx, rec, old)
        if "tranDate" not in changed and "postingPeriod" not in changed:
            return
    day = body.get("tranDate") or ctx.today
    explicit = rec_of(ctx, body.get("postingPeriod"), "accountingPeriod")
    period = explicit or period_for(ctx, day, periods)
    if period is None:
        raise user_error(
            "The transaction date you specified is not within the date range of your accounting period.",
            path="tranDate",
        )
    if (
        explicit is not None
        and not (explicit.body.get("startDate", "") <= day <= explicit.body.get("endDate", ""))
        and ctx.prefs.get("transactionDateOutsidePeriod") == "disallow"
    ):
        # Accounting Preferences > "Allow Transaction Date Outside of the Posting Period": Disallow refuses with
        # this message; Warn only warns in the UI (web services save), Allow says nothing.
        raise user_error(
            "The transaction date you specified is not within the date range of your accounting period.",
            path="tranDate",
        )
    reason = _blocked(ctx, period, rec.rtype.name)
    if reason:
        if reason == "closed" and ctx.prefs.get("closedPeriodPosting") == "firstOpenPeriod":
            later = [
                p
                for p in periods
                if p.body.get("startDate", "") > period.body.get("endDate", "")
                and not _blocked(ctx, p, rec.rtype.name)
            ]
            if later:
                body["tranDate"] = later[0].body["startDate"]
                body["postingPeriod"] = {"id": str(later[0].id)}
                return
        raise user_error(
            f"The accounting period {period.body.get('periodName')} is {reason}. "
            "The transaction date you specified is not within an open accounting period.",
            path="postingPeriod" if explicit else "tranDate",
        )
    body["postingPeriod"] = {"id": str(period.id)}


def check_not_in_closed_period(ctx: Ctx, rec: Rec) -> None:
    """Deleting a posting in a closed period, or in a period locked for the role, is refused."""
    period = rec_of(ctx, rec.body.get("postingPeriod"), "accountingPeriod")
    reason = _blocked(ctx, period, rec.rtype.name) if period is not None else None
    if period is not None and reason:
        raise user_error(
            f"You cannot delete a transaction in a {reason} period ({period.body.get('periodName')})."
        )


# ---- an accountant's period actions ----------------------------------------------------------------------

#: The lock flag each ``lock_period`` scope sets.
LOCK_FIELDS = {"all": "allLocked", "ar": "arLocked", "ap": "apLocked"}
#: The fields that say what a period accepts.
PERIOD_STATE = ("periodName", "closed", "allLocked", "arLocked", "apLocked", "allowNonGLChanges")


def _set_flags(ctx: Ctx, period: Rec, flags: dict[str, bool]) -> None:
    period.body.update(flags)
    if flags.get("closed"):
        period.body["closedOnDate"] = ctx.today
    elif "closed" in flags:
        period.body.pop("closedOnDate", None)
    ctx.engine.store(ctx, period)


def close_period(ctx: Ctx, period: Rec, allow_non_gl: bool) -> None:
    """Close a period (every lock set, no posting dated in it); ``allow_non_gl`` is its "Allow Non-G/L Changes" box."""
    _set_flags(
        ctx,
        period,
        {
            "closed": True,
            "allLocked": True,
            "arLocked": True,
            "apLocked": True,
            "allowNonGLChanges": allow_non_gl,
        },
    )


def lock_period(ctx: Ctx, period: Rec, scope: str) -> None:
    """Lock a period for everything, accounts receivable or accounts payable (``scope``: all, ar, ap)."""
    _set_flags(ctx, period, {LOCK_FIELDS[scope]: True})


def reopen_period(ctx: Ctx, period: Rec) -> None:
    """Reopen a period: not closed, no lock."""
    _set_flags(ctx, period, {"closed": False, "allLocked": False, "arLocked": False, "apLocked": False})
