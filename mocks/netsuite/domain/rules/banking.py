"""Banking transactions: checks, credit card refunds, vendor prepayments and deposits.

Every account reference is checked against the account type NetSuite's form offers for that field (a check
is drawn on a bank account, a card refund lands on a credit card account, a deposit goes into a bank
account). No public source gives NetSuite's exact words for a wrong account type; the refusal uses the form
NetSuite uses for references it cannot take (INVALID_KEY_OR_REF, "Invalid <field> reference key <id>").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from mocks.core.errors import ApiError

from ...errors import field_required, invalid_reference, user_error
from ...models import NsRecord
from ..gl import Chart
from ..records import Ctx, Rec
from ..values import num, ref_id
from .base import Rules, register
from .currency import check_currency
from .periods import assign_period, check_not_in_closed_period
from .references import rec_of
from .scope import check_entity_scope, check_scope
from .transactions import entity_transaction, transaction_defaults

_EPS = 1e-9
#: Transactions a deposit can take from Undeposited Funds, and the status letter that means "Deposited".
DEPOSITABLE = {"customerPayment", "cashSale"}
DEPOSITED, NOT_DEPOSITED = "C", "B"


def chart(ctx: Ctx) -> Chart:
    """The account's chart of accounts (live account records)."""
    rows = ctx.session.execute(
        select(NsRecord).where(NsRecord.rtype == "account", NsRecord.deleted_at.is_(None))
    ).scalars()
    return Chart((r.id, ctx.engine.to_rec(r).body) for r in rows)


def check_account(ctx: Ctx, value: Any, field: str, kinds: tuple[str, ...], path: str | None = None) -> None:
    """The account ``value`` (of ``field``) must be an active posting account of one of ``kinds``."""
    account = rec_of(ctx, value, "account")
    if account is None:
        return
    body = account.body
    if body.get("acctType") not in kinds or body.get("isSummary") or body.get("isInactive"):
        raise invalid_reference(field, account.id, path or field)


def require_subsidiary(rec: Rec) -> None:
    """OneWorld: a transaction without an entity to take it from names its subsidiary."""
    if not rec.body.get("subsidiary"):
        raise field_required(["Subsidiary"], path="subsidiary")


def no_lines() -> ApiError:
    """A transaction with nothing on it."""
    return user_error("You must enter at least one line item for this transaction.", path="expense")


@register("check", "creditCardRefund")
class DirectCostRules(Rules):
    """Checks (out of a bank account) and credit card refunds (back onto a card), with expense and item lines."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Defaults, payee scope, account type, lines and total, posting period."""
        entity_transaction(ctx, rec, old, ("expense", "item"))
        require_subsidiary(rec)
        kinds = ("Bank",) if rec.rtype.name == "check" else ("CredCard",)
        check_account(ctx, rec.body.get("account"), "account", kinds)
        for i, ln in enumerate(rec.lines("expense")):
            check_account(ctx, ln.get("account"), "account", _POSTING_KINDS, f"expense.items[{i}].account")
        if not rec.lines("expense") and not rec.lines("item"):
            raise no_lines()
        if num(rec.body.get("total")) <= 0:
            raise user_error("The total must be greater than zero.", path="expense")
        rec.body["userTotal"] = rec.body["total"]
        assign_period(ctx, rec, old)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Refused in a closed period."""
        check_not_in_closed_period(ctx, rec)


#: Account types an expense line may post to (not bank, receivable/payable control or non-posting accounts).
_POSTING_KINDS = (
    "Expense",
    "OthExpense",
    "COGS",
    "OthCurrAsset",
    "FixedAsset",
    "OthAsset",
    "OthCurrLiab",
    "LongTermLiab",
    "Equity",
    "Income",
    "OthIncome",
    "DeferExpense",
    "DeferRevenue",
)


@register("vendorPrepayment")
class VendorPrepaymentRules(Rules):
    """Money paid to a vendor ahead of a bill: debit the prepayment asset, credit the bank.

    Applying a prepayment to bills is not modelled (the Codat seed does not push applications either);
    the whole amount stays unapplied.
    """

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Defaults (bank and prepayment accounts from the chart), amount, period."""
        transaction_defaults(ctx, rec, old)
        check_entity_scope(ctx, rec)
        check_scope(ctx, rec, ())
        check_currency(ctx, rec)
        body = rec.body
        accounts = chart(ctx)
        if not body.get("account") and accounts.first("Bank") is not None:
            body["account"] = {"id": str(accounts.first("Bank"))}
        if not body.get("prepaymentAccount") and accounts.prepayment() is not None:
            body["prepaymentAccount"] = {"id": str(accounts.prepayment())}
        if not body.get("account"):
            raise field_required(["Account"], path="account")
        if not body.get("prepaymentAccount"):
            raise field_required(["Prepayment Account"], path="prepaymentAccount")
        check_account(ctx, rec.body.get("account"), "account", ("Bank",))
        check_account(ctx, rec.body.get("prepaymentAccount"), "prepaymentAccount", ("OthCurrAsset",))
        amount = num(body.get("payment"))
        if amount <= 0:
            raise user_error("The amount must be greater than zero.", path="payment")
        body["total"] = round(amount, 2)
        body["applied"] = 0.0
        body["unapplied"] = body["total"]
        assign_period(ctx, rec, old)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Refused in a closed period."""
        check_not_in_closed_period(ctx, rec)


@register("deposit")
class DepositRules(Rules):
    """Deposits: undeposited payments and cash sales, other receipts, less cash back, into a bank account."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Every deposited payment is undeposited, of the deposit's subsidiary and currency; total; period."""
        body = rec.body
        if old is not None and _deposited(rec) != _deposited(old):
            raise user_error(
                "Deposited payments cannot be changed; delete and re-enter the deposit.", path="payment"
            )
        body["payment"] = [ln for ln in rec.lines("payment") if ln.get("deposit") is not False]
        seen: set[str] = set()
        docs = []
        for i, ln in enumerate(rec.lines("payment")):
            path = f"payment.items[{i}].doc"
            doc = rec_of(ctx, ln.get("doc"), "transaction")
            if doc is None or doc.rtype.name not in DEPOSITABLE:
                raise user_error(
                    f"The transaction on payment line {i + 1} is not a payment that can be deposited.",
                    path=path,
                )
            if str(doc.id) in seen:
                raise user_error(f"Payment {doc.body.get('tranId')} is on the deposit twice.", path=path)
            seen.add(str(doc.id))
            deposited_here = old is not None and str(doc.id) in _deposited(old)
            if not deposited_here and (
                doc.body.get("status") != NOT_DEPOSITED
                or doc.body.get("undepFunds") is False
                or doc.body.get("voided")
            ):
                raise user_error(
                    f"Payment {doc.body.get('tranId')} is not in Undeposited Funds (it was deposited "
                    "or posted straight to a bank account).",
                    path=path,
                )
            ln.update(
                deposit=True,
                paymentAmount=num(doc.body.get("payment", doc.body.get("total"))),
                docNumber=doc.body.get("tranId"),
                type=doc.rtype.name,
                entity=doc.body.get("customer", doc.body.get("entity")),
            )
            docs.append(doc)
        if not body.get("subsidiary") and docs:
            body["subsidiary"] = docs[0].body.get("subsidiary")
        if not body.get("currency") and docs:
            body["currency"] = docs[0].body.get("currency")
        transaction_defaults(ctx, rec, old)
        require_subsidiary(rec)
        for i, doc in enumerate(docs):
            for key in ("subsidiary", "currency"):
                if ref_id(doc.body.get(key)) != ref_id(body.get(key)):
                    raise user_error(
                        f"Payment {doc.body.get('tranId')} has another {key} than the deposit: every "
                        f"deposited payment must share the deposit's {key}.",
                        path=f"payment.items[{i}].doc",
                    )
        check_currency(ctx, rec)
        check_scope(ctx, rec, ("other", "cashBack"))
        check_account(ctx, rec.body.get("account"), "account", ("Bank",))
        for sub in ("other", "cashBack"):
            for i, ln in enumerate(rec.lines(sub)):
                check_account(
                    ctx,
                    ln.get("account"),
                    "account",
                    _POSTING_KINDS + ("Bank", "AcctRec", "CredCard"),
                    f"{sub}.items[{i}].account",
                )
        if not any(rec.lines(s) for s in ("payment", "other")):
            raise user_error("You must enter at least one line item for this transaction.", path="payment")
        total = (
            sum(num(ln.get("paymentAmount")) for ln in rec.lines("payment"))
            + sum(num(ln.get("amount")) for ln in rec.lines("other"))
            - sum(num(ln.get("amount")) for ln in rec.lines("cashBack"))
        )
        if total <= 0:
            raise user_error("The deposit total must be greater than zero.", path="cashBack")
        body["total"] = round(total, 2)
        assign_period(ctx, rec, old)

    def apply(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """The deposited payments and cash sales become Deposited."""
        if old is None:
            _mark(ctx, rec, DEPOSITED)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Deleting a deposit puts its payments back into Undeposited Funds."""
        check_not_in_closed_period(ctx, rec)
        _mark(ctx, rec, NOT_DEPOSITED)


def _deposited(rec: Rec) -> set[str]:
    return {str(ref_id(ln.get("doc"))) for ln in rec.lines("payment") if ln.get("deposit") is not False}


def _mark(ctx: Ctx, rec: Rec, status: str) -> None:
    for ln in rec.lines("payment"):
        doc = rec_of(ctx, ln.get("doc"), "transaction")
        if doc is not None and doc.body.get("status") != status:
            doc.body["status"] = status
            ctx.engine.store(ctx, doc, header_changed=True)


def is_deposited(rec: Rec) -> bool:
    """True for a payment or cash sale a deposit has taken out of Undeposited Funds."""
    return rec.rtype.name in DEPOSITABLE and rec.body.get("status") == DEPOSITED
