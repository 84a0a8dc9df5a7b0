"""General-ledger impact: which accounts a posting transaction debits and credits.

A pure function of a transaction body, the chart of accounts and the items' accounts, so the record rules
(reversing journals) and SuiteQL (``transactionaccountingline``) compute the same lines. Accounts come from
the transaction (``account``, ``arAcct``, ``apAcct``, expense lines), from the items (income, asset, COGS)
and otherwise from the account's default of the needed type, as NetSuite's accounting preferences do.

Modelled: sales (invoice, cash sale, cash refund, credit memo), payments and prepayments, bills and bill
credits, checks, credit card refunds, deposits and journals. Inventory postings (COGS on fulfilment, asset
on receipt, adjustments, builds) are not modelled: their value needs item costing, which the emulator keeps
no record of; those transactions have no accounting lines here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

#: Item types whose purchase debits the inventory asset account (not an expense).
_STOCKED = {"InvtPart", "Assembly"}
_EPS = 0.005


@dataclass(frozen=True)
class GlLine:
    """One accounting line: the account, a debit or a credit, and the transaction line it comes from."""

    account: int
    debit: float
    credit: float
    line: int = 0
    entity: int | None = None
    memo: str | None = None


class Chart:
    """The chart of accounts (id -> body), with the defaults NetSuite's preferences would pick."""

    def __init__(self, accounts: Iterable[tuple[int, dict[str, Any]]]) -> None:
        self.accounts = dict(accounts)

    def kind(self, account_id: int | None) -> str | None:
        """The acctType of an account (None when unknown)."""
        body = self.accounts.get(account_id) if account_id is not None else None
        value = (body or {}).get("acctType")
        return str(value) if value else None

    def first(self, acct_type: str, name: str | None = None) -> int | None:
        """The lowest-numbered active posting account of a type (the one named ``name`` first)."""
        candidates = [
            (rid, b)
            for rid, b in sorted(self.accounts.items())
            if b.get("acctType") == acct_type and not b.get("isSummary") and not b.get("isInactive")
        ]
        for rid, b in candidates:
            if name and b.get("acctName") == name:
                return rid
        return candidates[0][0] if candidates else None

    def undeposited(self) -> int | None:
        """The Undeposited Funds account (a system account in NetSuite; found by name here)."""
        for rid, b in sorted(self.accounts.items()):
            if b.get("acctName") == "Undeposited Funds":
                return rid
        return None

    def prepayment(self) -> int | None:
        """The default vendor prepayment account (Accounting Preferences > Vendor Prepayment Account)."""
        return (
            self.first("OthCurrAsset", "Vendor Prepayments")
            if any(b.get("acctName") == "Vendor Prepayments" for b in self.accounts.values())
            else None
        )


#: (item id, which account: "income", "asset", "cogs", "expense") -> account id.
ItemAccount = Callable[[int, str], int | None]


def _ref(value: Any) -> int | None:
    raw = value.get("id") if isinstance(value, dict) else value
    text = str(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    return int(text) if text.isascii() and text.isdigit() else None


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


class _Book:
    """Collects signed postings (debit positive) and turns them into lines."""

    def __init__(self, entity: int | None) -> None:
        self.entity = entity
        self.rows: list[tuple[int, float, int, str | None]] = []

    def post(self, account: int | None, amount: float, line: int = 0, memo: str | None = None) -> None:
        if account is not None and abs(amount) >= _EPS:
            self.rows.append((account, round(amount, 2), line, memo))

    def lines(self) -> list[GlLine]:
        return [
            GlLine(acct, amt if amt > 0 else 0.0, -amt if amt < 0 else 0.0, line, self.entity, memo)
            for acct, amt, line, memo in self.rows
        ]


def _sales_lines(
    book: _Book, body: dict[str, Any], chart: Chart, item_account: ItemAccount, sign: int
) -> None:
    """Credit (sign -1) or debit (+1) income, discount and tax accounts for each item line."""
    for ln in body.get("item") or []:
        item = _ref(ln.get("item"))
        kind = ln.get("itemType")
        if kind == "TaxItem":
            account = chart.first("OthCurrLiab", "Sales Tax Payable")
        elif kind == "Discount":
            account = (item_account(item, "discount") if item else None) or chart.first(
                "Income", "Sales Discounts"
            )
        else:
            account = (item_account(item, "income") if item else None) or chart.first("Income", "Sales")
        book.post(account, sign * _num(ln.get("amount")), int(ln.get("line") or 0), ln.get("description"))
    if _num(body.get("shippingCost")):
        book.post(chart.first("Income", "Sales"), sign * _num(body.get("shippingCost")))


def _cost_lines(
    book: _Book, body: dict[str, Any], chart: Chart, item_account: ItemAccount, sign: int
) -> None:
    """Debit (sign +1) or credit (-1) expense lines' accounts and item lines' asset or expense accounts."""
    for ln in body.get("expense") or []:
        book.post(
            _ref(ln.get("account")), sign * _num(ln.get("amount")), int(ln.get("line") or 0), ln.get("memo")
        )
    for ln in body.get("item") or []:
        item = _ref(ln.get("item"))
        which = "asset" if ln.get("itemType") in _STOCKED else "expense"
        account = (
            (item_account(item, which) if item else None) or chart.first("COGS") or chart.first("Expense")
        )
        book.post(account, sign * _num(ln.get("amount")), int(ln.get("line") or 0), ln.get("description"))


def _cash_account(body: dict[str, Any], chart: Chart) -> int | None:
    """Where received money goes: Undeposited Funds unless the record names a bank account."""
    if body.get("undepFunds") is False and _ref(body.get("account")):
        return _ref(body.get("account"))
    return chart.undeposited() or _ref(body.get("account")) or chart.first("Bank")


def gl_lines(rtype: str, body: dict[str, Any], chart: Chart, item_account: ItemAccount) -> list[GlLine]:
    """The accounting lines of one transaction (empty for non-posting and directly voided ones)."""
    if body.get("voided") and not body.get("voidJournal"):
        return []  # a direct void zeroes the transaction: it no longer posts
    entity = _ref(body.get("entity", body.get("customer")))
    book = _Book(entity)
    total = _num(body.get("total"))
    bank = _ref(body.get("account"))
    if rtype in ("invoice", "creditMemo"):
        sign = 1 if rtype == "invoice" else -1
        book.post(_ref(body.get("account")) or chart.first("AcctRec"), sign * total)
        _sales_lines(book, body, chart, item_account, -sign)
    elif rtype in ("cashSale", "cashRefund"):
        sign = 1 if rtype == "cashSale" else -1
        book.post(_cash_account(body, chart) if sign > 0 else bank or chart.undeposited(), sign * total)
        _sales_lines(book, body, chart, item_account, -sign)
    elif rtype == "customerPayment":
        amount = _num(body.get("payment")) or total
        book.post(_cash_account(body, chart), amount)
        book.post(_ref(body.get("arAcct")) or chart.first("AcctRec"), -amount)
    elif rtype in ("vendorBill", "vendorCredit"):
        sign = 1 if rtype == "vendorBill" else -1
        _cost_lines(book, body, chart, item_account, sign)
        book.post(_ref(body.get("account")) or chart.first("AcctPay"), -sign * total)
    elif rtype == "vendorPayment":
        book.post(_ref(body.get("apAcct")) or chart.first("AcctPay"), total)
        book.post(bank or chart.first("Bank"), -total)
    elif rtype == "vendorPrepayment":
        amount = _num(body.get("payment"))
        book.post(_ref(body.get("prepaymentAccount")) or chart.prepayment(), amount)
        book.post(bank or chart.first("Bank"), -amount)
    elif rtype == "check":
        _cost_lines(book, body, chart, item_account, 1)
        book.post(bank, -total)
    elif rtype == "creditCardRefund":
        book.post(bank, total)
        _cost_lines(book, body, chart, item_account, -1)
    elif rtype == "deposit":
        book.post(bank, total)
        for ln in body.get("payment") or []:
            book.post(
                chart.undeposited(), -_num(ln.get("paymentAmount")), int(ln.get("line") or 0), ln.get("memo")
            )
        for ln in body.get("other") or []:
            book.post(
                _ref(ln.get("account")), -_num(ln.get("amount")), int(ln.get("line") or 0), ln.get("memo")
            )
        for ln in body.get("cashBack") or []:
            book.post(
                _ref(ln.get("account")), _num(ln.get("amount")), int(ln.get("line") or 0), ln.get("memo")
            )
    elif rtype == "journalEntry":
        for ln in body.get("line") or []:
            book.post(
                _ref(ln.get("account")),
                _num(ln.get("debit")) - _num(ln.get("credit")),
                int(ln.get("line") or 0),
                ln.get("memo"),
            )
    return book.lines()


def reversed_lines(lines: list[GlLine]) -> list[GlLine]:
    """The lines that offset ``lines`` exactly (a reversing journal's)."""
    return [GlLine(ln.account, ln.credit, ln.debit, ln.line, ln.entity, ln.memo) for ln in lines]


def item_accounts(items: dict[int, dict[str, Any]]) -> ItemAccount:
    """An item-account lookup over item bodies by id (income, asset, cogs, expense, discount)."""
    fields = {
        "income": "incomeAccount",
        "asset": "assetAccount",
        "cogs": "cogsAccount",
        "expense": "expenseAccount",
        "discount": "account",
    }

    def lookup(item_id: int, which: str) -> int | None:
        body = items.get(item_id) or {}
        found = _ref(body.get(fields[which]))
        if found is None and which == "expense":
            found = _ref(body.get("cogsAccount"))
        return found

    return lookup
