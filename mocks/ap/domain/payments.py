"""Payments: AP payments made in BILL (scheduled, then paid), recorded offline payments, AR payments
received; voiding or cancelling one gives the money (and any vendor credit used) back to the document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mocks.core import validation as v

from .. import errors as X
from ..models import ApAllocation, ApDocument, ApParty, ApPayment
from . import bills
from . import documents as docs
from .common import (
    Ctx,
    dollars,
    ext_id,
    known_object,
    money,
    parse_id,
    publish,
    usd_only,
    ymd,
)
from .listing import Field, list_page

FUNDING_TYPES = ("BANK_ACCOUNT", "CARD_ACCOUNT", "WALLET")
AR_TYPES = ("CASH", "CHECK", "ACH", "CREDIT_CARD", "OTHER")
KIND = {"AP": "payment", "AR": "received_payment"}


def render(session: Session, p: ApPayment, allocs: list[ApAllocation] | None = None) -> dict[str, Any]:
    """The BILL view of a payment (AP) or received payment (AR)."""
    if allocs is None:
        allocs = list(
            session.execute(
                select(ApAllocation).where(ApAllocation.payment_pk == p.pk).order_by(ApAllocation.pk)
            ).scalars()
        )
    party = session.get(ApParty, p.party_pk)
    if p.side == "AR":
        return {
            "id": ext_id("received_payment", p.pk),
            "customerId": ext_id("customer", p.party_pk),
            "customerName": party.name if party else None,
            "amount": dollars(p.amount),
            "paymentDate": p.process_date,
            "paymentType": p.method,
            "status": p.status,
            "referenceNumber": p.reference,
            "description": p.description,
            "invoicePayments": [
                {
                    "id": ext_id("allocation", a.pk),
                    "invoiceId": ext_id("invoice", a.doc_pk),
                    "amount": dollars(a.amount),
                }
                for a in allocs
            ],
            "currency": "USD",
            "synced": p.synced,
            "externalId": p.external_id,
            "createdTime": p.created_time,
            "updatedTime": p.updated_time,
        }
    return {
        "id": ext_id("payment", p.pk),
        "vendorId": ext_id("vendor", p.party_pk),
        "vendorName": party.name if party else None,
        "amount": dollars(p.amount),
        "processDate": p.process_date,
        "status": p.status,
        "onlinePayment": p.online,
        "fundingAccount": {"type": p.funding_type, "id": p.funding_id} if p.funding_type else None,
        "description": p.description,
        "referenceId": p.reference,
        "toPrintCheck": p.to_print_check,
        "billPayments": [
            {
                "id": ext_id("allocation", a.pk),
                "billId": ext_id("bill", a.doc_pk),
                "amount": dollars(a.amount),
            }
            for a in allocs
            if a.credit_pk is None
        ],
        "vendorCredits": [
            {
                "id": ext_id("vendor_credit", a.credit_pk),
                "billId": ext_id("bill", a.doc_pk),
                "amount": dollars(a.amount),
            }
            for a in allocs
            if a.credit_pk is not None
        ],
        "currency": "USD",
        "synced": p.synced,
        "externalId": p.external_id,
        "createdTime": p.created_time,
        "updatedTime": p.updated_time,
    }


def get(session: Session, side: str, pid: Any, *, status: int = 404, field: str = "id") -> ApPayment:
    """The payment ``pid`` (locked for update) or a refusal."""
    pk = parse_id(KIND[side], pid, field, status=status)
    p = session.execute(select(ApPayment).where(ApPayment.pk == pk).with_for_update()).scalar_one_or_none()
    if p is None or p.side != side:
        raise X.api_error(status, X.NOT_FOUND, f"{field} '{pid}' does not exist.", field)
    return p


def _bill_for_payment(
    session: Session, bid: Any, field: str, vendor_pk: int | None, online: bool
) -> ApDocument:
    d = docs.get(session, "bill", bid, status=400, field=field, lock=True)
    if d.archived:
        raise X.bad(X.ARCHIVED, f"Bill '{bid}' is archived.", field)
    if vendor_pk is not None and d.party_pk != vendor_pk:
        raise X.bad(X.INVALID_VALUE, f"Bill '{bid}' belongs to another vendor.", field)
    payable = bills.PAYABLE_APPROVALS if online else ("UNASSIGNED", "ASSIGNED", "APPROVING", "APPROVED")
    if d.approval_status not in payable:
        raise X.bad(
            X.STATE,
            f"Bill '{bid}' approval status is {d.approval_status}; "
            "approvals must be complete before it can be paid.",
            field,
        )
    return d


def _credits(session: Session, ctx: Ctx, bill: ApDocument, raw: Any, where: str, payment_pk: int) -> int:
    total = 0
    for n, item in enumerate(raw or []):
        c = known_object(item, f"{where}[{n}]", {"id", "amount"})
        total += bills.apply_credit(
            session,
            ctx,
            bill,
            c.get("id"),
            money(c.get("amount"), f"{where}[{n}].amount"),
            payment_pk,
            f"{where}[{n}]",
        ).amount
    return total


def _check_cash(bill: ApDocument, amount: int, field: str) -> None:
    if amount > docs.open_balance(bill):
        raise X.bad(
            X.OVER_BALANCE,
            f"{field} {amount / 100:.2f} exceeds the bill's open balance "
            f"{docs.open_balance(bill) / 100:.2f}.",
            field,
        )


def allocate_cash(session: Session, ctx: Ctx, p: ApPayment, doc: ApDocument, amount: int) -> None:
    """Record ``amount`` of payment ``p``'s cash as applied to ``doc`` (the balances are the caller's)."""
    session.add(
        ApAllocation(
            payment_pk=p.pk, doc_pk=doc.pk, credit_pk=None, amount=amount, active=True, created_time=ctx.ts
        )
    )


def _touch(session: Session, ctx: Ctx, d: ApDocument) -> None:
    d.version += 1
    d.updated_time = ctx.ts
    event = "bill.updated" if d.doc_type == "bill" else "invoice.updated"
    publish(
        session, ctx, event, "bill" if d.doc_type == "bill" else "invoice", docs.render(session, d), d.version
    )


def funding_banks(bank_id: str) -> list[dict[str, Any]]:
    """The organization's verified bank accounts: the one configured operating account."""
    return [
        {
            "id": bank_id,
            "name": "Operating account",
            "type": "BANK_ACCOUNT",
            "default": True,
            "status": "VERIFIED",
        }
    ]


def require_trusted(ctx: Ctx) -> None:
    """BILL pays bills only from an MFA-trusted session (403 BDC_1361); recording a payment made outside BILL
    needs no trust."""
    if not ctx.trusted:
        raise X.untrusted_session()


def pay(
    session: Session, ctx: Ctx, body: dict[str, Any], bank_id: str, *, settle: bool = False
) -> dict[str, Any]:
    """Pay a bill through BILL (POST /v3/payments): SCHEDULED until processed; ``settle`` pays at once."""
    known_object(
        body,
        "body",
        {
            "vendorId",
            "billId",
            "amount",
            "processDate",
            "fundingAccount",
            "description",
            "vendorCredits",
            "currency",
        },
    )
    usd_only(body, "currency")
    vendor_pk = None
    if body.get("vendorId") is not None:
        vendor_pk = parse_id("vendor", body["vendorId"], "vendorId")
    if body.get("billId") is None:
        raise X.bad(X.REQUIRED, "billId is required.", "billId")
    bill = _bill_for_payment(session, body["billId"], "billId", vendor_pk, online=True)
    if body.get("amount") is None:
        raise X.bad(X.REQUIRED, "amount is required.", "amount")
    amount = money(body["amount"], "amount")
    if amount <= 0:
        raise X.bad(X.INVALID_VALUE, "amount must be greater than 0.", "amount")
    day = str(v.req(body, "processDate", ymd, blank=False))
    if day < ctx.today:
        raise X.bad(X.INVALID_VALUE, f"processDate must be today ({ctx.today}) or later.", "processDate")
    if body.get("fundingAccount") is None:
        raise X.bad(X.REQUIRED, "fundingAccount is required.", "fundingAccount")
    fa = known_object(body["fundingAccount"], "fundingAccount", {"type", "id"})
    ftype = v.choice(v.req(fa, "type", v.text, max_len=40, blank=False), "type", FUNDING_TYPES)
    fid = v.req(fa, "id", v.text, max_len=40, blank=False, where="fundingAccount")
    if ftype != "BANK_ACCOUNT" or fid != bank_id:
        raise X.bad(
            X.INVALID_VALUE,
            f"fundingAccount {ftype} '{fid}' is not a verified funding account.",
            "fundingAccount",
        )
    p = ApPayment(
        side="AP",
        party_pk=bill.party_pk,
        amount=amount,
        process_date=day,
        status="PAID" if settle else "SCHEDULED",
        online=True,
        funding_type=ftype,
        funding_id=fid,
        description=v.opt(body, "description", v.text, max_len=70),
        to_print_check=False,
        synced=False,
        version=1,
        created_time=ctx.ts,
        updated_time=ctx.ts,
    )
    session.add(p)
    session.flush()
    _credits(session, ctx, bill, v.opt(body, "vendorCredits", v.array, max_items=50), "vendorCredits", p.pk)
    _check_cash(bill, amount, "amount")
    if settle:
        bill.paid += amount
    else:
        bill.scheduled += amount
    allocate_cash(session, ctx, p, bill, amount)
    session.flush()
    _touch(session, ctx, bill)
    view = render(session, p)
    publish(session, ctx, "payment.created", "payment", view, p.version)
    return view


def record(session: Session, ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """Record a payment made outside BILL against one or more bills of a vendor (PAID at once)."""
    known_object(
        body,
        "body",
        {"vendorId", "processDate", "toPrintCheck", "description", "referenceId", "payments", "currency"},
    )
    usd_only(body, "currency")
    if body.get("vendorId") is None:
        raise X.bad(X.REQUIRED, "vendorId is required.", "vendorId")
    from . import parties

    vendor = parties.get(session, "vendor", body["vendorId"], status=400, field="vendorId")
    day = str(v.req(body, "processDate", ymd, blank=False))
    if "toPrintCheck" not in body:
        raise X.bad(X.REQUIRED, "toPrintCheck is required.", "toPrintCheck")
    items = v.req(body, "payments", v.array, max_items=100, min_items=1)
    p = ApPayment(
        side="AP",
        party_pk=vendor.pk,
        amount=0,
        process_date=day,
        status="PAID",
        online=False,
        description=v.opt(body, "description", v.text, max_len=200),
        reference=v.opt(body, "referenceId", v.text, max_len=100),
        to_print_check=v.boolean(body.get("toPrintCheck", False), "toPrintCheck"),
        synced=False,
        version=1,
        created_time=ctx.ts,
        updated_time=ctx.ts,
    )
    session.add(p)
    session.flush()
    touched: dict[int, ApDocument] = {}
    for n, raw in enumerate(items):
        where = f"payments[{n}]"
        item = known_object(raw, where, {"billId", "amount", "vendorCredits"})
        if item.get("billId") is None:
            raise X.bad(X.REQUIRED, f"{where}.billId is required.", f"{where}.billId")
        bill = _bill_for_payment(session, item["billId"], f"{where}.billId", vendor.pk, online=False)
        if item.get("amount") is None:
            raise X.bad(X.REQUIRED, f"{where}.amount is required.", f"{where}.amount")
        amount = money(item["amount"], f"{where}.amount")
        credited = _credits(session, ctx, bill, item.get("vendorCredits"), f"{where}.vendorCredits", p.pk)
        if amount + credited <= 0:
            raise X.bad(
                X.INVALID_VALUE, f"{where}: the amount plus vendor credits must be greater than 0.", where
            )
        _check_cash(bill, amount, f"{where}.amount")
        if amount:
            bill.paid += amount
            p.amount += amount
            allocate_cash(session, ctx, p, bill, amount)
        touched[bill.pk] = bill
    session.flush()
    for bill in touched.values():
        _touch(session, ctx, bill)
    view = render(session, p)
    publish(session, ctx, "payment.created", "payment", view, p.version)
    return view


def _unwind(session: Session, ctx: Ctx, p: ApPayment, status: str) -> dict[str, Any]:
    """Give back every active allocation of ``p`` (cash and credits) and set its final status."""
    allocs = list(
        session.execute(
            select(ApAllocation).where(ApAllocation.payment_pk == p.pk, ApAllocation.active.is_(True))
        ).scalars()
    )
    touched: dict[int, ApDocument] = {}
    for a in allocs:
        d = session.execute(
            select(ApDocument).where(ApDocument.pk == a.doc_pk).with_for_update()
        ).scalar_one()
        if a.credit_pk is not None:
            credit = session.execute(
                select(ApDocument).where(ApDocument.pk == a.credit_pk).with_for_update()
            ).scalar_one()
            credit.credited -= a.amount
            d.credited -= a.amount
            credit.version += 1
            credit.updated_time = ctx.ts
            publish(
                session,
                ctx,
                "vendor-credit.updated",
                "vendorCredit",
                docs.render(session, credit),
                credit.version,
            )
        elif p.status == "SCHEDULED":
            d.scheduled -= a.amount
        else:
            d.paid -= a.amount
        a.active = False
        touched[d.pk] = d
    p.status, p.version, p.updated_time = status, p.version + 1, ctx.ts
    session.flush()
    for d in touched.values():
        _touch(session, ctx, d)
    return render(session, p)


def void(session: Session, ctx: Ctx, side: str, pid: Any) -> dict[str, Any]:
    """Void a PAID payment: the documents' balances (and vendor credits used) are restored."""
    p = get(session, side, pid)
    if p.status != "PAID":
        hint = " Cancel a scheduled payment instead." if p.status == "SCHEDULED" else ""
        raise X.bad(X.STATE, f"Only a PAID payment can be voided; this one is {p.status}.{hint}")
    view = _unwind(session, ctx, p, "VOIDED")
    publish(
        session,
        ctx,
        "payment.voided" if side == "AP" else "received-payment.voided",
        "payment" if side == "AP" else "receivedPayment",
        view,
        p.version,
    )
    return view


def cancel(session: Session, ctx: Ctx, pid: Any, *, failed: bool = False) -> dict[str, Any]:
    """Cancel (or fail) a SCHEDULED payment: nothing was paid, the scheduled amount is released."""
    p = get(session, "AP", pid)
    if p.status != "SCHEDULED":
        raise X.bad(
            X.STATE,
            f"Only a SCHEDULED payment can be {'failed' if failed else 'cancelled'}; this one is {p.status}.",
        )
    view = _unwind(session, ctx, p, "FAILED" if failed else "CANCELLED")
    publish(session, ctx, "payment.failed" if failed else "payment.updated", "payment", view, p.version)
    return view


def settle_due(session: Session, ctx: Ctx) -> list[str]:
    """Process every SCHEDULED payment whose processDate has come: it becomes PAID."""
    due = (
        session.execute(
            select(ApPayment)
            .where(
                ApPayment.side == "AP", ApPayment.status == "SCHEDULED", ApPayment.process_date <= ctx.today
            )
            .order_by(ApPayment.pk)
            .with_for_update()
        )
        .scalars()
        .all()
    )
    done = []
    for p in due:
        for a in session.execute(
            select(ApAllocation).where(
                ApAllocation.payment_pk == p.pk,
                ApAllocation.active.is_(True),
                ApAllocation.credit_pk.is_(None),
            )
        ).scalars():
            d = session.execute(
                select(ApDocument).where(ApDocument.pk == a.doc_pk).with_for_update()
            ).scalar_one()
            d.scheduled -= a.amount
            d.paid += a.amount
            _touch(session, ctx, d)
        p.status, p.version, p.updated_time = "PAID", p.version + 1, ctx.ts
        publish(session, ctx, "payment.updated", "payment", render(session, p), p.version)
        done.append(ext_id("payment", p.pk))
    return done


def listing(session: Session, side: str, args: Mapping[str, str]) -> dict[str, Any]:
    """One page of payments (AP) or received payments (AR)."""
    P = ApPayment
    role = "vendor" if side == "AP" else "customer"
    fields = {
        "id": Field(P.pk, f"id:{KIND[side]}"),
        f"{role}Id": Field(P.party_pk, f"id:{role}"),
        "status": Field(P.status),
        "amount": Field(P.amount, "money"),
        "synced": Field(P.synced, "bool"),
        "processDate" if side == "AP" else "paymentDate": Field(P.process_date),
        "createdTime": Field(P.created_time),
        "updatedTime": Field(P.updated_time),
    }
    return list_page(
        session,
        select(P).where(P.side == side),
        fields,
        args,
        lambda rows: [render(session, r) for r in rows],
        P.pk,
    )
