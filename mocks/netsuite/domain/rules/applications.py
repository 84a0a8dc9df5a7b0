"""Payments and credits applied to open documents (invoices, bills): applications, instalments and edits.

A payment or credit applies amounts to documents through its ``apply`` sublist. Editing it later is allowed
as in NetSuite: a memo-only edit leaves the applications alone (even when a document is fully paid by it),
and a credit can be applied in instalments (5 now, 3 more later) by raising a line's amount or adding a
line. Only the difference between the old and the new applications moves the documents' balances.
"""

from __future__ import annotations

from typing import Any

from ...errors import user_error
from ..records import Ctx, Rec
from ..values import num, ref_id
from .references import rec_of

_EPS = 1e-9
#: vendorBill approvalStatus values that cannot be paid (1 Pending Approval, 3 Rejected).
_UNPAYABLE = {"1": "pending approval", "3": "rejected"}


def applied_by(rec: Rec | None) -> dict[str, float]:
    """What a payment or credit applies, per document id (lines with ``apply: false`` apply nothing)."""
    out: dict[str, float] = {}
    if rec is None:
        return out
    for ln in rec.lines("apply"):
        doc = ref_id(ln.get("doc"))
        if doc and ln.get("apply") is not False:
            out[doc] = out.get(doc, 0.0) + num(ln.get("amount"))
    return out


def check_applications(ctx: Ctx, rec: Rec, old: Rec | None, entity_field: str, doc_type: str) -> float:
    """Validate the apply lines against the documents' open balances; returns the total applied.

    A document's balance available to this record is its remaining amount plus what this record already
    applied to it (so an unchanged or memo-only edit of a payment that paid a document in full passes).
    A line without ``amount`` applies all of that.
    """
    before = applied_by(old)
    entity = ref_id(rec.body.get(entity_field))
    total = 0.0
    for i, ln in enumerate(rec.lines("apply")):
        if ln.get("apply") is False:
            continue
        path = f"apply.items[{i}]"
        doc = rec_of(ctx, ln.get("doc"), "transaction")
        if doc is None or doc.rtype.name != doc_type:
            raise user_error(
                f"The document applied on line {i + 1} is not an open {doc_type}.", path=f"{path}.doc"
            )
        if ref_id(doc.body.get("entity")) != entity:
            raise user_error(
                f"{doc_type} {doc.body.get('tranId')} belongs to another entity.", path=f"{path}.doc"
            )
        already = before.get(str(doc.id), 0.0)
        available = num(doc.body.get("amountRemaining", doc.body.get("total"))) + already
        amount = num(ln.get("amount")) if ln.get("amount") is not None else round(available, 2)
        if amount <= 0:
            raise user_error("Applied amounts must be greater than zero.", path=f"{path}.amount")
        if amount - available > 0.005:
            raise user_error(
                f"The amount applied to {doc.body.get('tranId')} ({amount:.2f}) exceeds its "
                f"remaining balance ({available - already:.2f}).",
                path=f"{path}.amount",
            )
        unpayable = _UNPAYABLE.get(str(doc.body.get("approvalStatus"))) if doc_type == "vendorBill" else None
        if unpayable and amount - already > 0.005:
            # A bill that is not approved is not in a payment's or credit's apply list in NetSuite; no public
            # source gives the REST wording for trying anyway, so the message names the reason.
            raise user_error(
                f"Bill {doc.body.get('tranId') or doc.id} is {unpayable} and cannot be paid or "
                "credited until it is approved.",
                path=f"{path}.doc",
            )
        ln["amount"] = amount
        ln["apply"] = True
        total += amount
    return total


def post_applications(ctx: Ctx, new: Rec | None, old: Rec | None, paid_field: str = "amountPaid") -> None:
    """Move the documents' paid and remaining amounts by the difference between old and new applications."""
    after, before = applied_by(new), applied_by(old)
    for doc_id in sorted(set(after) | set(before), key=int):
        delta = round(after.get(doc_id, 0.0) - before.get(doc_id, 0.0), 2)
        if abs(delta) < 0.005:
            continue
        doc = rec_of(ctx, {"id": doc_id}, "transaction")
        if doc is None:
            continue
        _move_balance(ctx, doc, delta, paid_field)


def _move_balance(ctx: Ctx, doc: Rec, delta: float, paid_field: str) -> None:
    body: dict[str, Any] = doc.body
    body[paid_field] = round(num(body.get(paid_field)) + delta, 2)
    body["amountRemaining"] = round(num(body.get("total")) - num(body.get(paid_field)), 2)
    if doc.rtype.name == "vendorBill":
        body["balance"] = body["amountRemaining"]
        if str(body.get("approvalStatus")) not in _UNPAYABLE:
            body["status"] = "B" if body["amountRemaining"] <= _EPS else "A"
    else:
        body["status"] = "B" if body["amountRemaining"] <= _EPS else "A"
    ctx.engine.store(ctx, doc, header_changed=True)
