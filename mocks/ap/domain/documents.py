"""Bills, vendor credits and invoices share one table: their lines, balances, views and lists."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, select
from sqlalchemy.orm import Session

from mocks.core import validation as v

from .. import errors as X
from ..models import ApAllocation, ApDocument, ApLine, ApParty
from . import classifications
from .common import cents_of, decimal_value, dollars, ext_id, known_object, money, parse_id
from .listing import Field, list_page

ROLE = {"bill": "vendor", "vendor_credit": "vendor", "invoice": "customer"}
LINES_KEY = {"bill": "billLineItems", "vendor_credit": "vendorCreditLineItems", "invoice": "invoiceLineItems"}
LABEL = {"bill": "Bill", "vendor_credit": "Vendor credit", "invoice": "Invoice"}
APPROVAL_STATES = ("UNASSIGNED", "ASSIGNED", "APPROVING", "APPROVED", "DENIED")


def get(
    session: Session, doc_type: str, did: Any, *, status: int = 404, field: str = "id", lock: bool = False
) -> ApDocument:
    """The document ``did`` of ``doc_type`` (row-locked for update when ``lock``) or a refusal."""
    pk = parse_id(doc_type, did, field, status=status)
    if lock:
        row = session.execute(
            select(ApDocument).where(ApDocument.pk == pk).with_for_update()
        ).scalar_one_or_none()
    else:
        row = session.get(ApDocument, pk)
    if row is None or row.doc_type != doc_type:
        raise X.api_error(status, X.NOT_FOUND, f"{field} '{did}' does not exist.", field)
    return row


def parse_lines(session: Session, doc_type: str, items: list[Any]) -> list[ApLine]:
    """Validate line items into unsaved ApLine rows (amounts computed from quantity x price)."""
    key = LINES_KEY[doc_type]
    allowed = {"amount", "quantity", "price", "description", "classifications"}
    if doc_type == "vendor_credit":
        allowed = {"amount", "description", "classifications"}
    lines = []
    for n, raw in enumerate(items):
        where = f"{key}[{n}]"
        item = known_object(raw, where, allowed)
        qty = price = None
        if doc_type == "invoice":
            qty = (
                decimal_value(item["quantity"], f"{where}.quantity", positive=True)
                if "quantity" in item
                else Decimal(1)
            )
            if item.get("price") is None:
                raise X.bad(X.REQUIRED, f"{where}.price is required.", f"{where}.price")
            price = decimal_value(item["price"], f"{where}.price")
            amount = cents_of(qty * price)
        elif item.get("quantity") is not None or item.get("price") is not None:
            if item.get("quantity") is None or item.get("price") is None:
                raise X.bad(X.REQUIRED, f"{where}: set both quantity and price, or amount.", where)
            qty = decimal_value(item["quantity"], f"{where}.quantity", positive=True)
            price = decimal_value(item["price"], f"{where}.price")
            amount = cents_of(qty * price)
            if (
                item.get("amount") is not None
                and money(item["amount"], f"{where}.amount", allow_negative=True) != amount
            ):
                raise X.bad(
                    X.INVALID_VALUE, f"{where}.amount does not equal quantity x price.", f"{where}.amount"
                )
        else:
            if item.get("amount") is None:
                raise X.bad(X.REQUIRED, f"{where}.amount is required.", f"{where}.amount")
            amount = money(item["amount"], f"{where}.amount", allow_negative=doc_type == "bill")
        cls = classifications.resolve_line(session, item.get("classifications"), f"{where}.classifications")
        lines.append(
            ApLine(
                line_no=n + 1,
                amount=amount,
                quantity=None if qty is None else str(qty),
                price=None if price is None else str(price),
                description=v.opt(item, "description", v.text, max_len=4000, where=where),
                **cls,
            )
        )
    total = sum(line.amount for line in lines)
    if total < 0 or (doc_type == "vendor_credit" and total == 0):
        raise X.bad(
            X.INVALID_VALUE,
            f"The total of {key} must be {'greater than' if total == 0 else 'at least'} 0.",
            key,
        )
    return lines


def duplicate_number(session: Session, d: ApDocument, number: str, party_pk: int) -> None:
    """Refuse a second live document of the same type with the same number (per vendor; invoices per org)."""
    D = ApDocument
    stmt = select(D.pk).where(D.doc_type == d.doc_type, D.number == number, D.archived.is_(False))
    if d.doc_type != "invoice":
        stmt = stmt.where(D.party_pk == party_pk)
    if d.pk is not None:
        stmt = stmt.where(D.pk != d.pk)
    if session.execute(stmt.limit(1)).first():
        what = {
            "bill": "invoice number for this vendor",
            "vendor_credit": "reference number for this vendor",
            "invoice": "invoice number",
        }[d.doc_type]
        raise X.bad(X.DUPLICATE, f"{LABEL[d.doc_type]} with the same {what} already exists: '{number}'.")


def open_balance(d: ApDocument) -> int:
    """What can still be paid or credited: amount - settled - scheduled."""
    return d.amount - d.paid - d.credited - d.scheduled


def payment_status(d: ApDocument) -> str:
    """UNPAID / PARTIAL / PAID / SCHEDULED (a $0 document with nothing applied is UNPAID)."""
    settled = d.paid + d.credited
    if d.scheduled > 0:
        return "SCHEDULED"
    if settled > 0 and settled >= d.amount:
        return "PAID"
    return "PARTIAL" if settled > 0 else "UNPAID"


def credit_status(d: ApDocument) -> str:
    """NOT_APPLIED / PARTIALLY_APPLIED / FULLY_APPLIED for a vendor credit."""
    if d.credited == 0:
        return "NOT_APPLIED"
    return "FULLY_APPLIED" if d.credited >= d.amount else "PARTIALLY_APPLIED"


def _line_view(line: ApLine) -> dict[str, Any]:
    return {
        "id": ext_id("line", line.pk),
        "amount": dollars(line.amount),
        "quantity": float(line.quantity) if line.quantity is not None else None,
        "price": float(line.price) if line.price is not None else None,
        "description": line.description,
        "classifications": classifications.render_line(line),
    }


def render(
    session: Session,
    d: ApDocument,
    lines: list[ApLine] | None = None,
    usage: list[ApAllocation] | None = None,
) -> dict[str, Any]:
    """The BILL view of a bill, vendor credit or invoice."""
    if lines is None:
        lines = list(
            session.execute(select(ApLine).where(ApLine.doc_pk == d.pk).order_by(ApLine.line_no)).scalars()
        )
    party = session.get(ApParty, d.party_pk)
    role = ROLE[d.doc_type]
    out: dict[str, Any] = {
        "id": ext_id(d.doc_type, d.pk),
        "archived": d.archived,
        f"{role}Id": ext_id(role, d.party_pk),
        f"{role}Name": party.name if party else None,
    }
    items = [_line_view(line) for line in lines]
    if d.doc_type == "bill":
        out.update(
            {
                "invoice": {"invoiceNumber": d.number, "invoiceDate": d.doc_date},
                "dueDate": d.due_date,
                "description": d.description,
                "poNumber": d.po_number,
                "amount": dollars(d.amount),
                "dueAmount": dollars(d.amount - d.paid - d.credited),
                "paidAmount": dollars(d.paid),
                "creditAmount": dollars(d.credited),
                "scheduledAmount": dollars(d.scheduled),
                "paymentStatus": payment_status(d),
                "approvalStatus": d.approval_status,
                "billLineItems": items,
            }
        )
    elif d.doc_type == "vendor_credit":
        if usage is None:
            usage = list(
                session.execute(
                    select(ApAllocation)
                    .where(ApAllocation.credit_pk == d.pk, ApAllocation.active.is_(True))
                    .order_by(ApAllocation.pk)
                ).scalars()
            )
        out.update(
            {
                "referenceNumber": d.number,
                "creditDate": d.doc_date,
                "description": d.description,
                "amount": dollars(d.amount),
                "appliedAmount": dollars(d.credited),
                "remainingAmount": dollars(d.amount - d.credited),
                "creditStatus": credit_status(d),
                "vendorCreditLineItems": items,
                "usage": [{"billId": ext_id("bill", u.doc_pk), "amount": dollars(u.amount)} for u in usage],
            }
        )
    else:
        out.update(
            {
                "invoiceNumber": d.number,
                "invoiceDate": d.doc_date,
                "dueDate": d.due_date,
                "description": d.description,
                "poNumber": d.po_number,
                "amount": dollars(d.amount),
                "dueAmount": dollars(d.amount - d.paid),
                "paidAmount": dollars(d.paid),
                "paymentStatus": payment_status(d),
                "invoiceLineItems": items,
            }
        )
    out.update(
        {
            "currency": "USD",
            "synced": d.synced,
            "externalId": d.external_id,
            "createdTime": d.created_time,
            "updatedTime": d.updated_time,
        }
    )
    return out


def render_many(session: Session, docs: list[ApDocument]) -> list[dict[str, Any]]:
    """Render a page of documents with one query for all their lines."""
    by_doc: dict[int, list[ApLine]] = {d.pk: [] for d in docs}
    if docs:
        for line in session.execute(
            select(ApLine).where(ApLine.doc_pk.in_(list(by_doc))).order_by(ApLine.doc_pk, ApLine.line_no)
        ).scalars():
            by_doc[line.doc_pk].append(line)
    return [render(session, d, by_doc[d.pk]) for d in docs]


def listing(session: Session, doc_type: str, args: Mapping[str, str]) -> dict[str, Any]:
    """One page of bills, vendor credits or invoices."""
    D = ApDocument
    role = ROLE[doc_type]
    number = {"bill": "invoice.invoiceNumber", "vendor_credit": "referenceNumber", "invoice": "invoiceNumber"}
    fields = {
        "id": Field(D.pk, f"id:{doc_type}"),
        f"{role}Id": Field(D.party_pk, f"id:{role}"),
        number[doc_type]: Field(D.number),
        "archived": Field(D.archived, "bool"),
        "amount": Field(D.amount, "money"),
        "synced": Field(D.synced, "bool"),
        "createdTime": Field(D.created_time),
        "updatedTime": Field(D.updated_time),
    }
    if doc_type != "vendor_credit":
        fields["dueDate"] = Field(D.due_date)
    if doc_type == "bill":
        fields["approvalStatus"] = Field(D.approval_status)
    if doc_type != "vendor_credit":
        settled = D.paid + D.credited
        fields["paymentStatus"] = Field(
            case(
                (D.scheduled > 0, "SCHEDULED"),
                (and_(settled > 0, settled >= D.amount), "PAID"),
                (settled > 0, "PARTIAL"),
                else_="UNPAID",
            )
        )
    return list_page(
        session,
        select(D).where(D.doc_type == doc_type),
        fields,
        args,
        lambda rows: render_many(session, rows),
        D.pk,
    )
