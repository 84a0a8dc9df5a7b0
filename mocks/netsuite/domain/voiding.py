"""Voiding a transaction, as SuiteScript's N/transaction.void does it.

Oracle's N/transaction help: a void keeps the transaction; the account preference "Void Transactions Using
Reversing Journals" (REVERSALVOIDING; ``reversalVoiding`` here) decides how. Off: a direct void sets the total
and every line to zero. On: the transaction stays as it was and a reversing journal, dated the void date,
offsets its GL impact (the Codat seed: "a reversing journal is posted to offset the original transaction and
is then linked to the original transaction"). After a void nothing that impacts the general ledger can change.

Which types support which void comes from Oracle's transaction.Type table: direct only for invoice, cash
sale, cash refund, credit memo, customer payment and journal entry; reversing journal only for check; none
for deposit, credit card refund, fulfilments, receipts and inventory transactions. For bills, bill credits,
bill payments and vendor prepayments the table's rows could not be read by name; they follow NetSuite's UI
(bills and bill credits void directly, bill payments and prepayments either way). The same help says a type
whose void kind the preference excludes throws an error; that refusal is INVALID_RECORD_TYPE here, the code
N/transaction.void documents for "not voidable".

The REST record API has no documented void. It is offered as a record action, the form Oracle documents for
REST (``POST /record/v1/<type>/<id>/@<action>``, "Executing Record Actions"): ``@void``. Every refusal's
wording here is the emulator's own (no public source shows NetSuite's).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..errors import not_voidable, user_error
from ..models import NsRecord
from .gl import gl_lines, item_accounts
from .locks import refuse_if_locked
from .records import Ctx, Rec
from .recordtypes import RECORD_TYPES, VOIDABLE
from .rules import rules_for
from .rules.applications import post_applications
from .rules.banking import chart, is_deposited
from .values import num

DIRECT = set(VOIDABLE) - {"check"}  # a check is voided by reversing journal only
BY_JOURNAL = {"check", "vendorPayment", "vendorPrepayment"}
VOIDED = "V"
#: Header amounts a direct void sets to zero.
_AMOUNTS = (
    "total",
    "subtotal",
    "discountTotal",
    "taxTotal",
    "payment",
    "applied",
    "unapplied",
    "amountRemaining",
    "balance",
    "userTotal",
    "shippingCost",
)
_LINE_AMOUNTS = ("quantity", "amount", "debit", "credit", "paymentAmount")


def void_transaction(ctx: Ctx, rec: Rec) -> Rec:
    """Void ``rec``; returns the voided record (direct void) or the voiding journal."""
    reversal = bool(ctx.prefs.get("reversalVoiding"))
    if rec.rtype.family != "transaction" or rec.rtype.name not in (BY_JOURNAL if reversal else DIRECT):
        raise not_voidable(rec.rtype.name, reversal)
    refuse_if_locked(rec)
    if rec.body.get("voided"):
        raise user_error("This transaction has already been voided.")
    if is_deposited(rec):
        raise user_error(
            "You cannot void a payment that has been deposited. Remove it from the deposit first."
        )
    if num(rec.body.get("amountPaid")) > 0:
        raise user_error("You cannot void a transaction that has payments or credits applied to it.")
    if reversal:
        return _void_by_journal(ctx, rec)
    rules_for(rec.rtype.name).before_delete(ctx, rec)  # what removing it undoes: stock, applications, orders
    _zero(rec)
    _mark_voided(rec)
    ctx.engine.store(ctx, rec)
    return rec


def _zero(rec: Rec) -> None:
    body = rec.body
    for key in _AMOUNTS:
        if key in body:
            body[key] = 0.0
    for sub in rec.rtype.sublists:
        for ln in rec.lines(sub):
            for key in _LINE_AMOUNTS:
                if key in ln:
                    ln[key] = 0.0


def _mark_voided(rec: Rec) -> None:
    body = rec.body
    body["voided"] = True
    body["status"] = VOIDED
    for ln in rec.lines("apply"):
        ln["apply"] = False  # a voided payment or credit applies nothing any more


def _void_by_journal(ctx: Ctx, rec: Rec) -> Rec:
    from .service import create_record  # service imports the rules this module wraps

    lines = gl_lines(rec.rtype.name, rec.body, chart(ctx), item_accounts(_items(ctx)))
    post_applications(ctx, None, rec)  # a voided payment applies nothing: its documents reopen
    payload: dict[str, Any] = {
        "tranDate": ctx.today,
        "memo": f"Void of {rec.rtype.name} {rec.body.get('tranId') or rec.id}",
        "line": {
            "items": [
                {
                    "account": {"id": str(ln.account)},
                    **({"memo": ln.memo} if ln.memo else {}),
                    **({"entity": {"id": str(ln.entity)}} if ln.entity else {}),
                    # the offset: each debit becomes a credit and each credit a debit
                    **({"debit": ln.credit} if ln.credit else {"credit": ln.debit}),
                }
                for ln in lines
            ]
        },
    }
    for key in ("subsidiary", "currency", "exchangeRate"):
        if rec.body.get(key) is not None:
            payload[key] = rec.body[key]
    journal = create_record(ctx, RECORD_TYPES["journalEntry"], payload)
    journal.body["createdFrom"] = {"id": str(rec.id)}
    ctx.engine.store(ctx, journal)
    _mark_voided(rec)
    rec.body["voidJournal"] = {"id": str(journal.id)}
    if "unapplied" in rec.body:
        rec.body["applied"], rec.body["unapplied"] = 0.0, num(rec.body.get("total"))
    ctx.engine.store(ctx, rec)
    return journal


def _items(ctx: Ctx) -> dict[int, dict[str, Any]]:
    families = [t.name for t in RECORD_TYPES.values() if t.family == "item"]
    rows = ctx.session.execute(
        select(NsRecord).where(NsRecord.rtype.in_(families), NsRecord.deleted_at.is_(None))
    ).scalars()
    return {r.id: ctx.engine.to_rec(r).body for r in rows}
