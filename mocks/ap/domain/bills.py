"""Bills and vendor credits: creation, edits (a synced bill keeps its vendor, a PO-linked one is unlinked by an edit;
synced credits lock), approvals, credit application."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mocks.core import validation as v

from .. import errors as X
from ..models import ApAllocation, ApDocument, ApLine
from . import documents as docs
from . import parties
from .common import Ctx, known_object, money, publish, usd_only, ymd

BILL_FIELDS = {
    "vendorId",
    "invoice",
    "dueDate",
    "description",
    "poNumber",
    "billLineItems",
    "vendorCredits",
    "currency",
}
BILL_PATCH = {
    "vendorId",
    "invoice",
    "dueDate",
    "description",
    "poNumber",
    "billLineItems",
    "currency",
    "synced",
    "externalId",
}
CREDIT_FIELDS = {
    "vendorId",
    "referenceNumber",
    "creditDate",
    "description",
    "vendorCreditLineItems",
    "currency",
}
CREDIT_PATCH = {
    "referenceNumber",
    "creditDate",
    "description",
    "vendorCreditLineItems",
    "currency",
    "synced",
    "externalId",
}
PAYABLE_APPROVALS = ("UNASSIGNED", "APPROVED")


def _vendor(session: Session, vid: Any) -> int:
    v = parties.get(session, "vendor", vid, status=400, field="vendorId")
    if v.archived:
        raise X.bad(X.ARCHIVED, f"vendorId '{vid}' is archived.", "vendorId")
    return v.pk


def _invoice(body: dict[str, Any]) -> tuple[str, str]:
    if body.get("invoice") is None:
        raise X.bad(X.REQUIRED, "invoice is required.", "invoice")
    inv = known_object(body["invoice"], "invoice", {"invoiceNumber", "invoiceDate"})
    number = str(v.req(inv, "invoiceNumber", v.text, max_len=100, blank=False, where="invoice"))
    day = str(v.req(inv, "invoiceDate", ymd, blank=False, where="invoice"))
    return number, day


def _approval_for(amount: int, threshold: int) -> str:
    """A bill at or above the approval policy threshold gets approvers assigned."""
    return "ASSIGNED" if threshold and amount >= threshold else "UNASSIGNED"


def _save_lines(session: Session, d: ApDocument, lines: list[ApLine]) -> None:
    for line in lines:
        line.doc_pk = d.pk
    session.add_all(lines)
    session.flush()


def create_bill(session: Session, ctx: Ctx, body: dict[str, Any], threshold: int) -> dict[str, Any]:
    """Create a bill (optionally applying vendor credits) and return its view."""
    known_object(body, "body", BILL_FIELDS)
    usd_only(body, "currency")
    if body.get("vendorId") is None:
        raise X.bad(X.REQUIRED, "vendorId is required.", "vendorId")
    vendor_pk = _vendor(session, body["vendorId"])
    number, inv_date = _invoice(body)
    due = str(v.req(body, "dueDate", ymd, blank=False))
    lines = docs.parse_lines(
        session, "bill", v.req(body, "billLineItems", v.array, min_items=1, max_items=500)
    )
    credits = v.opt(body, "vendorCredits", v.array, max_items=50) or []
    amount = sum(line.amount for line in lines)
    d = ApDocument(
        doc_type="bill",
        party_pk=vendor_pk,
        number=number,
        doc_date=inv_date,
        due_date=due,
        description=v.opt(body, "description", v.text, max_len=4000),
        po_number=v.opt(body, "poNumber", v.text, max_len=100),
        amount=amount,
        paid=0,
        credited=0,
        scheduled=0,
        approval_status=_approval_for(amount, threshold),
        archived=False,
        synced=False,
        version=1,
        created_time=ctx.ts,
        updated_time=ctx.ts,
    )
    docs.duplicate_number(session, d, number, vendor_pk)
    session.add(d)
    session.flush()
    _save_lines(session, d, lines)
    for n, raw in enumerate(credits):
        item = known_object(raw, f"vendorCredits[{n}]", {"id", "amount"})
        apply_credit(
            session,
            ctx,
            d,
            item.get("id"),
            money(item.get("amount"), f"vendorCredits[{n}].amount"),
            None,
            f"vendorCredits[{n}]",
        )
    view = docs.render(session, d, lines)
    publish(session, ctx, "bill.created", "bill", view, d.version)
    return view


def apply_credit(
    session: Session,
    ctx: Ctx,
    bill: ApDocument,
    credit_id: Any,
    amount: int,
    payment_pk: int | None,
    where: str,
) -> ApAllocation:
    """Apply ``amount`` of a vendor credit to a bill: at most the credit remaining and the bill balance."""
    credit = docs.get(session, "vendor_credit", credit_id, status=400, field=f"{where}.id", lock=True)
    if credit.archived:
        raise X.bad(X.ARCHIVED, f"Vendor credit '{credit_id}' is archived.", f"{where}.id")
    if credit.party_pk != bill.party_pk:
        raise X.bad(X.INVALID_VALUE, f"Vendor credit '{credit_id}' belongs to another vendor.", f"{where}.id")
    if amount <= 0:
        raise X.bad(X.INVALID_VALUE, f"{where}.amount must be greater than 0.", f"{where}.amount")
    remaining = credit.amount - credit.credited
    if amount > remaining:
        raise X.bad(
            X.OVER_BALANCE,
            f"{where}.amount {amount / 100:.2f} exceeds the credit remaining {remaining / 100:.2f}.",
            f"{where}.amount",
        )
    if amount > docs.open_balance(bill):
        raise X.bad(
            X.OVER_BALANCE,
            f"{where}.amount {amount / 100:.2f} exceeds the bill balance "
            f"{docs.open_balance(bill) / 100:.2f}.",
            f"{where}.amount",
        )
    credit.credited += amount
    bill.credited += amount
    credit.version += 1
    credit.updated_time = bill.updated_time = ctx.ts
    alloc = ApAllocation(
        payment_pk=payment_pk,
        doc_pk=bill.pk,
        credit_pk=credit.pk,
        amount=amount,
        active=True,
        created_time=ctx.ts,
    )
    session.add(alloc)
    session.flush()
    publish(
        session, ctx, "vendor-credit.updated", "vendorCredit", docs.render(session, credit), credit.version
    )
    return alloc


def _sync_flag(d: ApDocument, body: dict[str, Any]) -> None:
    """``synced``/``externalId``: what the accounting sync sets; a synced document cannot be unsynced."""
    if "synced" in body:
        flag = v.boolean(body.get("synced", False), "synced")
        if d.synced and not flag:
            raise X.bad(
                X.SYNCED_LOCKED,
                f"{docs.LABEL[d.doc_type]} has been synced; it cannot be marked unsynced.",
                "synced",
            )
        d.synced = flag
    if "externalId" in body:
        d.external_id = v.opt(body, "externalId", v.text, max_len=100)


def _line_key(line: ApLine) -> tuple[Any, ...]:
    return (
        line.amount,
        line.quantity,
        line.price,
        line.description,
        line.chart_of_account_pk,
        line.department_pk,
        line.accounting_class_pk,
        line.location_pk,
    )


def _content_changed(
    session: Session,
    d: ApDocument,
    body: dict[str, Any],
    number: str,
    inv_date: str,
    lines: list[ApLine] | None,
) -> bool:
    """Whether the edit changes what the accounting sync writes: invoice, due date, description or lines."""
    if (number, inv_date) != (d.number, d.doc_date):
        return True
    if "dueDate" in body and v.req(body, "dueDate", ymd, blank=False) != d.due_date:
        return True
    if "description" in body and v.opt(body, "description", v.text, max_len=4000) != d.description:
        return True
    if lines is None:
        return False
    old = session.execute(select(ApLine).where(ApLine.doc_pk == d.pk).order_by(ApLine.line_no)).scalars()
    return [_line_key(x) for x in old] != [_line_key(x) for x in lines]


def _synced_edit(
    session: Session,
    d: ApDocument,
    body: dict[str, Any],
    vendor_pk: int,
    number: str,
    inv_date: str,
    lines: list[ApLine] | None,
) -> bool:
    """The rules of an edit of a synced bill; True when the edit unlinks it from its purchase order.

    A synced bill can be edited in BILL (the sync carries the edit to the accounting system on its next run, as
    the Cashflow360 seed's notes on line items and amortization schedules imply); only its vendor stays fixed.
    A synced bill that carries a PO number came from a purchase order in the accounting system (the seed: "The
    PO Number field on bills in Cashflow360 will populate with the Oracle NetSuite Purchase Order number"), and
    editing it "will unlink the bill from the PO in Oracle NetSuite" (seeds/002): the edit succeeds and clears
    the PO number, which is how a client sees the link is gone. The purchase order itself exists only in the
    accounting system, so BILL cannot set or change the PO number of a synced bill, only clear it. No public
    BILL document gives the wording or code of these refusals; BDC_1260 is the emulator's synced-lock code.
    """
    if vendor_pk != d.party_pk:
        raise X.bad(
            X.SYNCED_LOCKED,
            "The bill has been synced with the accounting system: vendorId can't be edited in BILL.",
            "vendorId",
        )
    po = v.opt(body, "poNumber", v.text, max_len=100) if "poNumber" in body else d.po_number
    if po is not None and po != d.po_number:
        raise X.bad(
            X.SYNCED_LOCKED,
            "The bill has been synced with the accounting system: its PO number comes "
            "from the purchase order there and can't be set in BILL.",
            "poNumber",
        )
    return d.po_number is not None and (
        po is None or _content_changed(session, d, body, number, inv_date, lines)
    )


def update_bill(session: Session, ctx: Ctx, bid: Any, body: dict[str, Any], threshold: int) -> dict[str, Any]:
    """Edit a bill; a synced one keeps its vendor and, if linked to a PO, is unlinked by the edit."""
    d = docs.get(session, "bill", bid, lock=True)
    known_object(body, "body", BILL_PATCH)
    usd_only(body, "currency")
    if d.archived:
        raise X.bad(X.ARCHIVED, "The bill is archived; restore it before changing it.")
    applied = d.paid + d.credited + d.scheduled
    vendor_pk, number, inv_date = d.party_pk, d.number, d.doc_date
    if "vendorId" in body:
        vendor_pk = _vendor(session, body["vendorId"])
    if "invoice" in body:
        number, inv_date = _invoice(body)
    lines = (
        docs.parse_lines(session, "bill", v.req(body, "billLineItems", v.array, min_items=1, max_items=500))
        if "billLineItems" in body
        else None
    )
    unlink = d.synced and _synced_edit(session, d, body, vendor_pk, number, inv_date, lines)
    if vendor_pk != d.party_pk and applied:
        raise X.bad(
            X.STATE, "The vendor of a bill with payments or credits applied cannot be changed.", "vendorId"
        )
    if (number, vendor_pk) != (d.number, d.party_pk):
        docs.duplicate_number(session, d, number, vendor_pk)
    if lines is not None:
        amount = sum(line.amount for line in lines)
        if amount < applied:
            raise X.bad(
                X.OVER_BALANCE,
                f"The new amount {amount / 100:.2f} is less than what is already paid, "
                f"scheduled or credited ({applied / 100:.2f}).",
                "billLineItems",
            )
    d.party_pk, d.number, d.doc_date = vendor_pk, number, inv_date
    if "dueDate" in body:
        d.due_date = str(v.req(body, "dueDate", ymd, blank=False))
    if "description" in body:
        d.description = v.opt(body, "description", v.text, max_len=4000)
    if "poNumber" in body:
        d.po_number = v.opt(body, "poNumber", v.text, max_len=100)
    if unlink:
        d.po_number = None  # the bill is no longer linked to the accounting system's purchase order
    if lines is not None:
        amount = sum(line.amount for line in lines)
        session.execute(delete(ApLine).where(ApLine.doc_pk == d.pk))
        _save_lines(session, d, lines)
        if amount != d.amount and d.approval_status in ("APPROVED", "DENIED", "APPROVING"):
            d.approval_status = _approval_for(
                amount, threshold
            )  # a changed amount goes through approval again
        elif amount != d.amount and d.approval_status == "UNASSIGNED":
            d.approval_status = _approval_for(amount, threshold)
        d.amount = amount
    _sync_flag(d, body)
    d.version += 1
    d.updated_time = ctx.ts
    view = docs.render(session, d, lines)
    publish(session, ctx, "bill.updated", "bill", view, d.version)
    return view


def set_bill_archived(session: Session, ctx: Ctx, bid: str, archived: bool) -> dict[str, Any]:
    """Archive (delete) or restore a bill; a bill with money applied cannot be archived."""
    d = docs.get(session, "bill", bid, lock=True)
    if d.archived != archived:
        if archived and d.paid + d.credited + d.scheduled:
            raise X.bad(
                X.STATE, "A bill with payments, scheduled payments or credits applied cannot be archived."
            )
        if not archived:
            docs.duplicate_number(session, d, d.number, d.party_pk)
        d.archived, d.version, d.updated_time = archived, d.version + 1, ctx.ts
    view = docs.render(session, d)
    publish(session, ctx, f"bill.{'archived' if archived else 'restored'}", "bill", view, d.version)
    return view


def set_approval(session: Session, ctx: Ctx, bid: Any, approve: bool) -> dict[str, Any]:
    """An approver approves (APPROVED) or denies (DENIED) a bill."""
    d = docs.get(session, "bill", bid, status=400, field="billId", lock=True)
    if d.archived:
        raise X.bad(X.ARCHIVED, "The bill is archived.")
    if not approve and (d.paid or d.scheduled):
        raise X.bad(X.STATE, "A bill with payments cannot be denied.")
    target = "APPROVED" if approve else "DENIED"
    if d.approval_status != target:
        d.approval_status, d.version, d.updated_time = target, d.version + 1, ctx.ts
        publish(session, ctx, "bill.updated", "bill", docs.render(session, d), d.version)
    return docs.render(session, d)


# ---- vendor credits --------------------------------------------------------------------------
def create_credit(session: Session, ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """Create a vendor credit."""
    known_object(body, "body", CREDIT_FIELDS)
    usd_only(body, "currency")
    if body.get("vendorId") is None:
        raise X.bad(X.REQUIRED, "vendorId is required.", "vendorId")
    vendor_pk = _vendor(session, body["vendorId"])
    number = str(v.req(body, "referenceNumber", v.text, max_len=100, blank=False))
    day = str(v.req(body, "creditDate", ymd, blank=False))
    lines = docs.parse_lines(
        session, "vendor_credit", v.req(body, "vendorCreditLineItems", v.array, min_items=1, max_items=500)
    )
    d = ApDocument(
        doc_type="vendor_credit",
        party_pk=vendor_pk,
        number=number,
        doc_date=day,
        due_date=None,
        description=v.opt(body, "description", v.text, max_len=4000),
        amount=sum(x.amount for x in lines),
        paid=0,
        credited=0,
        scheduled=0,
        approval_status="UNASSIGNED",
        archived=False,
        synced=False,
        version=1,
        created_time=ctx.ts,
        updated_time=ctx.ts,
    )
    docs.duplicate_number(session, d, number, vendor_pk)
    session.add(d)
    session.flush()
    _save_lines(session, d, lines)
    view = docs.render(session, d, lines, [])
    publish(session, ctx, "vendor-credit.created", "vendorCredit", view, d.version)
    return view


def update_credit(session: Session, ctx: Ctx, cid: str, body: dict[str, Any]) -> dict[str, Any]:
    """Edit a vendor credit: locked fields once synced; never below what is already applied."""
    d = docs.get(session, "vendor_credit", cid, lock=True)
    known_object(body, "body", CREDIT_PATCH)
    usd_only(body, "currency")
    if d.archived:
        raise X.bad(X.ARCHIVED, "The vendor credit is archived.")
    number = (
        str(v.req(body, "referenceNumber", v.text, max_len=100, blank=False))
        if "referenceNumber" in body
        else d.number
    )
    lines = (
        docs.parse_lines(
            session,
            "vendor_credit",
            v.req(body, "vendorCreditLineItems", v.array, min_items=1, max_items=500),
        )
        if "vendorCreditLineItems" in body
        else None
    )
    if d.synced and (lines is not None or number != d.number):
        raise X.bad(
            X.SYNCED_LOCKED,
            "The vendor credit has been synced with the accounting system: "
            "its reference number and line items can't be edited in BILL.",
        )
    if number != d.number:
        docs.duplicate_number(session, d, number, d.party_pk)
        d.number = number
    if "creditDate" in body:
        d.doc_date = str(v.req(body, "creditDate", ymd, blank=False))
    if "description" in body:
        d.description = v.opt(body, "description", v.text, max_len=4000)
    if lines is not None:
        amount = sum(x.amount for x in lines)
        if amount < d.credited:
            raise X.bad(
                X.OVER_BALANCE,
                f"The new amount {amount / 100:.2f} is less than the applied amount {d.credited / 100:.2f}.",
                "vendorCreditLineItems",
            )
        session.execute(delete(ApLine).where(ApLine.doc_pk == d.pk))
        _save_lines(session, d, lines)
        d.amount = amount
    _sync_flag(d, body)
    d.version += 1
    d.updated_time = ctx.ts
    view = docs.render(session, d, lines)
    publish(session, ctx, "vendor-credit.updated", "vendorCredit", view, d.version)
    return view
