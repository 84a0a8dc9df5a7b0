"""What people inside BILL do, for /__erpsim/act/<name>: approvers, AP clerks, the sync, the bank."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from mocks.core import validation as v
from mocks.core.app import Action, Emulator

from . import auth
from . import errors as X
from .domain import bills, classifications, parties, payments
from .domain import documents as docs
from .domain.common import Ctx, dollars, money, ymd
from .models import ApPayment
from .services import ApServices


def _run(emu: Emulator, fn: Callable[[Session, Ctx], Any]) -> Any:
    st = ApServices.of(emu).settings
    with emu.store.write() as s:
        ctx = Ctx(org_id=st.org_id, user_id=st.user_id, now=emu.clock.now(s))
        return fn(s, ctx)


def approve_bill(emu: Emulator, body: dict[str, Any]) -> Any:
    """An approver approves a bill: {"billId"} -> approvalStatus APPROVED."""
    return _run(emu, lambda s, c: bills.set_approval(s, c, body.get("billId"), True))


def reject_bill(emu: Emulator, body: dict[str, Any]) -> Any:
    """An approver denies a bill: {"billId"} -> approvalStatus DENIED (it cannot be paid)."""
    return _run(emu, lambda s, c: bills.set_approval(s, c, body.get("billId"), False))


SYNC_TARGETS = {
    "billId": ("doc", "bill"),
    "vendorCreditId": ("doc", "vendor_credit"),
    "invoiceId": ("doc", "invoice"),
    "vendorId": ("party", "vendor"),
    "customerId": ("party", "customer"),
    "paymentId": ("payment", "AP"),
    "receivedPaymentId": ("payment", "AR"),
}


def mark_synced(emu: Emulator, body: dict[str, Any]) -> Any:
    """The accounting sync pushed a record: {"billId"|"vendorCreditId"|"invoiceId"|"vendorId"|"customerId"|
    "paymentId"|"receivedPaymentId", "externalId"?}; synced invoices and credits lock their edits, a synced bill
    keeps its vendor (and one with a PO number is unlinked from the PO by an edit)."""
    key = next((k for k in SYNC_TARGETS if k in body), None)
    if key is None:
        raise X.bad(X.REQUIRED, f"Name the record: one of {', '.join(SYNC_TARGETS)}.")
    what, kind = SYNC_TARGETS[key]

    def _do(s: Session, c: Ctx) -> Any:
        row: Any
        if what == "doc":
            row = docs.get(s, kind, body[key], status=404, field=key, lock=True)
        elif what == "party":
            row = parties.get(s, kind, body[key], field=key)
        else:
            row = payments.get(s, kind, body[key], field=key)
        row.synced = True
        row.external_id = v.opt(body, "externalId", v.text, max_len=100) or row.external_id
        return {key: body[key], "synced": True, "externalId": row.external_id}

    return _run(emu, _do)


def _amount(body: dict[str, Any], bill: Any) -> float:
    return body["amount"] if body.get("amount") is not None else dollars(docs.open_balance(bill))


def schedule_payment(emu: Emulator, body: dict[str, Any]) -> Any:
    """An AP clerk schedules a BILL payment: {"billId", "amount"? (default: open balance), "processDate"?}."""
    bank = ApServices.of(emu).settings.bank_account_id

    def _do(s: Session, c: Ctx) -> Any:
        bill = docs.get(s, "bill", body.get("billId"), status=404, field="billId")
        req = {
            "billId": body["billId"],
            "amount": _amount(body, bill),
            "processDate": v.opt(body, "processDate", ymd) or c.today,
            "fundingAccount": {"type": "BANK_ACCOUNT", "id": bank},
        }
        return payments.pay(s, c, req, bank)

    return _run(emu, _do)


def pay_bill(emu: Emulator, body: dict[str, Any]) -> Any:
    """An AP clerk pays a bill inside BILL, settled at once: {"billId", "amount"? (default: open balance)}."""
    bank = ApServices.of(emu).settings.bank_account_id

    def _do(s: Session, c: Ctx) -> Any:
        bill = docs.get(s, "bill", body.get("billId"), status=404, field="billId")
        req = {
            "billId": body["billId"],
            "amount": _amount(body, bill),
            "processDate": c.today,
            "fundingAccount": {"type": "BANK_ACCOUNT", "id": bank},
        }
        return payments.pay(s, c, req, bank, settle=True)

    return _run(emu, _do)


def process_payments(emu: Emulator, body: dict[str, Any]) -> Any:
    """The bank run: every SCHEDULED payment whose processDate has come becomes PAID."""
    return _run(emu, lambda s, c: {"paid": payments.settle_due(s, c)})


def fail_payment(emu: Emulator, body: dict[str, Any]) -> Any:
    """The bank rejects a scheduled payment: {"paymentId"} -> FAILED, the bill is open again."""
    return _run(emu, lambda s, c: payments.cancel(s, c, body.get("paymentId"), failed=True))


def void_payment(emu: Emulator, body: dict[str, Any]) -> Any:
    """An AP clerk voids a PAID payment in BILL: {"paymentId"} (or {"receivedPaymentId"} for AR)."""
    if "receivedPaymentId" in body:
        return _run(emu, lambda s, c: payments.void(s, c, "AR", body["receivedPaymentId"]))
    return _run(emu, lambda s, c: payments.void(s, c, "AP", body.get("paymentId")))


def edit_bill(emu: Emulator, body: dict[str, Any]) -> Any:
    """A user edits a bill in the BILL UI: {"billId", ...PATCH fields}; the PATCH rules (a synced bill keeps its
    vendor; an edit unlinks a synced bill from its PO)."""
    patch = {k: v for k, v in body.items() if k != "billId"}
    threshold = ApServices.of(emu).settings.approval_threshold_cents
    return _run(emu, lambda s, c: bills.update_bill(s, c, body.get("billId"), patch, threshold))


def expire_sessions(emu: Emulator, body: dict[str, Any]) -> Any:
    """Every open API session ends (as after 35 idle minutes): clients get BDC_1109 and must log in."""
    with emu.store.write() as s:
        return {"expired": auth.expire_all(s)}


def set_classification_active(emu: Emulator, body: dict[str, Any]) -> Any:
    """An admin inactivates or reactivates a classification: {"kind", "id", "active": bool}."""
    kind = body.get("kind")
    if kind not in classifications.KINDS:
        raise X.bad(X.INVALID_VALUE, f"kind must be one of {', '.join(classifications.KINDS)}.")
    active = body.get("active", False)
    return _run(
        emu,
        lambda s, c: classifications.render(
            classifications.set_archived(s, c, kind, body.get("id"), not active)
        ),
    )


def payment_total(emu: Emulator, body: dict[str, Any]) -> Any:
    """Totals for assertions: paid, scheduled and voided AP cash, in dollars."""
    with emu.store.read() as s:
        out: dict[str, float] = {}
        for p in s.query(ApPayment).filter(ApPayment.side == "AP"):
            out[p.status] = round(out.get(p.status, 0.0) + p.amount / 100, 2)
    return out


ACTIONS: dict[str, Action] = {
    "approve_bill": approve_bill,
    "reject_bill": reject_bill,
    "mark_synced": mark_synced,
    "schedule_payment": schedule_payment,
    "pay_bill": pay_bill,
    "process_payments": process_payments,
    "fail_payment": fail_payment,
    "void_payment": void_payment,
    "edit_bill": edit_bill,
    "expire_sessions": expire_sessions,
    "set_classification_active": set_classification_active,
    "payment_totals": payment_total,
}
_ = money  # amounts are validated by the domain functions the actions call
