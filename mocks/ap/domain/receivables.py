"""AR: invoices (not editable once synced) and payments received against them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from mocks.core import validation as v

from .. import errors as X
from ..models import ApDocument, ApLine
from . import documents as docs
from . import parties, payments
from .common import Ctx, known_object, money, publish, usd_only, ymd

INVOICE_FIELDS = {
    "customerId",
    "invoiceNumber",
    "invoiceDate",
    "dueDate",
    "description",
    "poNumber",
    "invoiceLineItems",
    "currency",
}
INVOICE_PATCH = {
    "invoiceNumber",
    "invoiceDate",
    "dueDate",
    "description",
    "poNumber",
    "invoiceLineItems",
    "currency",
    "synced",
    "externalId",
}


def create_invoice(session: Session, ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """Create an invoice (numbers are unique in the organization)."""
    known_object(body, "body", INVOICE_FIELDS)
    usd_only(body, "currency")
    if body.get("customerId") is None:
        raise X.bad(X.REQUIRED, "customerId is required.", "customerId")
    customer = parties.get(session, "customer", body["customerId"], status=400, field="customerId")
    if customer.archived:
        raise X.bad(X.ARCHIVED, f"customerId '{body['customerId']}' is archived.", "customerId")
    number = str(v.req(body, "invoiceNumber", v.text, max_len=100, blank=False))
    day = str(v.req(body, "invoiceDate", ymd, blank=False))
    due = str(v.req(body, "dueDate", ymd, blank=False))
    lines = docs.parse_lines(
        session, "invoice", v.req(body, "invoiceLineItems", v.array, min_items=1, max_items=500)
    )
    d = ApDocument(
        doc_type="invoice",
        party_pk=customer.pk,
        number=number,
        doc_date=day,
        due_date=due,
        description=v.opt(body, "description", v.text, max_len=4000),
        po_number=v.opt(body, "poNumber", v.text, max_len=100),
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
    docs.duplicate_number(session, d, number, customer.pk)
    session.add(d)
    session.flush()
    for line in lines:
        line.doc_pk = d.pk
    session.add_all(lines)
    session.flush()
    view = docs.render(session, d, lines)
    publish(session, ctx, "invoice.created", "invoice", view, d.version)
    return view


def update_invoice(session: Session, ctx: Ctx, iid: str, body: dict[str, Any]) -> dict[str, Any]:
    """Edit an invoice; once it has synced with the accounting system it can't be edited at all."""
    d = docs.get(session, "invoice", iid, lock=True)
    known_object(body, "body", INVOICE_PATCH)
    usd_only(body, "currency")
    if d.archived:
        raise X.bad(X.ARCHIVED, "The invoice is archived.")
    edits = set(body) - {"synced", "externalId"}
    if d.synced and edits:
        raise X.bad(
            X.SYNCED_LOCKED,
            "Once an invoice has synced with the accounting system it can't be edited in BILL.",
            sorted(edits)[0],
        )
    if "invoiceNumber" in body:
        number = str(v.req(body, "invoiceNumber", v.text, max_len=100, blank=False))
        if number != d.number:
            docs.duplicate_number(session, d, number, d.party_pk)
            d.number = number
    if "invoiceDate" in body:
        d.doc_date = str(v.req(body, "invoiceDate", ymd, blank=False))
    if "dueDate" in body:
        d.due_date = str(v.req(body, "dueDate", ymd, blank=False))
    for key, attr, size in (("description", "description", 4000), ("poNumber", "po_number", 100)):
        if key in body:
            setattr(d, attr, v.opt(body, key, v.text, max_len=size))
    lines = None
    if "invoiceLineItems" in body:
        lines = docs.parse_lines(
            session, "invoice", v.req(body, "invoiceLineItems", v.array, min_items=1, max_items=500)
        )
        amount = sum(x.amount for x in lines)
        if amount < d.paid:
            raise X.bad(
                X.OVER_BALANCE,
                f"The new amount {amount / 100:.2f} is less than the amount already "
                f"received {d.paid / 100:.2f}.",
                "invoiceLineItems",
            )
        session.execute(delete(ApLine).where(ApLine.doc_pk == d.pk))
        for line in lines:
            line.doc_pk = d.pk
        session.add_all(lines)
        session.flush()
        d.amount = amount
    if "synced" in body or "externalId" in body:
        from .bills import _sync_flag

        _sync_flag(d, body)
    d.version += 1
    d.updated_time = ctx.ts
    view = docs.render(session, d, lines)
    publish(session, ctx, "invoice.updated", "invoice", view, d.version)
    return view


def record_payment(session: Session, ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """Record a payment received from a customer against one or more of its invoices."""
    from ..models import ApPayment

    known_object(
        body,
        "body",
        {
            "customerId",
            "paymentDate",
            "paymentType",
            "referenceNumber",
            "description",
            "invoices",
            "currency",
        },
    )
    usd_only(body, "currency")
    if body.get("customerId") is None:
        raise X.bad(X.REQUIRED, "customerId is required.", "customerId")
    customer = parties.get(session, "customer", body["customerId"], status=400, field="customerId")
    day = str(v.req(body, "paymentDate", ymd, blank=False))
    method = v.choice(
        v.req(body, "paymentType", v.text, max_len=40, blank=False), "paymentType", payments.AR_TYPES
    )
    items = v.req(body, "invoices", v.array, max_items=100, min_items=1)
    p = ApPayment(
        side="AR",
        party_pk=customer.pk,
        amount=0,
        process_date=day,
        status="PAID",
        online=False,
        method=method,
        description=v.opt(body, "description", v.text, max_len=200),
        reference=v.opt(body, "referenceNumber", v.text, max_len=100),
        to_print_check=False,
        synced=False,
        version=1,
        created_time=ctx.ts,
        updated_time=ctx.ts,
    )
    session.add(p)
    session.flush()
    touched: dict[int, ApDocument] = {}
    for n, raw in enumerate(items):
        where = f"invoices[{n}]"
        item = known_object(raw, where, {"invoiceId", "amount"})
        if item.get("invoiceId") is None:
            raise X.bad(X.REQUIRED, f"{where}.invoiceId is required.", f"{where}.invoiceId")
        inv = docs.get(
            session, "invoice", item["invoiceId"], status=400, field=f"{where}.invoiceId", lock=True
        )
        if inv.archived:
            raise X.bad(X.ARCHIVED, f"Invoice '{item['invoiceId']}' is archived.", f"{where}.invoiceId")
        if inv.party_pk != customer.pk:
            raise X.bad(
                X.INVALID_VALUE,
                f"Invoice '{item['invoiceId']}' belongs to another customer.",
                f"{where}.invoiceId",
            )
        if item.get("amount") is None:
            raise X.bad(X.REQUIRED, f"{where}.amount is required.", f"{where}.amount")
        amount = money(item["amount"], f"{where}.amount")
        if amount <= 0:
            raise X.bad(X.INVALID_VALUE, f"{where}.amount must be greater than 0.", f"{where}.amount")
        if amount > inv.amount - inv.paid:
            raise X.bad(
                X.OVER_BALANCE,
                f"{where}.amount {amount / 100:.2f} exceeds the invoice's open balance "
                f"{(inv.amount - inv.paid) / 100:.2f}.",
                f"{where}.amount",
            )
        inv.paid += amount
        p.amount += amount
        payments.allocate_cash(session, ctx, p, inv, amount)
        touched[inv.pk] = inv
    session.flush()
    for inv in touched.values():
        payments._touch(session, ctx, inv)
    view = payments.render(session, p)
    publish(session, ctx, "received-payment.created", "receivedPayment", view, p.version)
    return view


def money_check(value: Any) -> int:
    """(kept for symmetry with AP) cents of a JSON amount."""
    return money(value, "amount")
