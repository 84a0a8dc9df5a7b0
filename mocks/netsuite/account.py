"""What a new NetSuite account contains before anyone adds a record (and what a plain reset restores).

A real OneWorld account is never empty: the parent subsidiary has internal id 1, the base currency USD has
id 1, there is a chart of accounts, accounting periods around today, and the role the integration's
token logs in with. Third-party clients hard-code ``subsidiary: {"id": "1"}``, so a fresh emulated account
must accept it. Everything here goes through the same record rules as the REST API.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from sqlalchemy import select

from mocks.core.app import Emulator

from .domain import upsert
from .domain.prefs import get_prefs
from .domain.records import Ctx, Records
from .domain.recordtypes import lookup
from .domain.service import create_record
from .models import NsRecord, NsSequence

#: A marker in ns_sequences: 1 once the account has been set up, 0 after a reset that asked to stay empty.
ACCOUNT_MARKER = "_account"
#: NetSuite numbers custom roles from 1000 up (standard roles have small fixed ids, 3 is Administrator).
CUSTOM_ROLE_BASE = 1000
INTEGRATION_ROLE_SCRIPT_ID = "customrole_erpsim_integration"

# The currencies a US OneWorld account lists out of the box. No public source fixes the list for every
# account; these four (USD as "USA", the name SuiteQL's BUILTIN.DF shows) are the ones commonly seen.
_CURRENCIES = [
    ("USA", "USD", 1.0),
    ("British pound", "GBP", 1.27),
    ("Canadian Dollar", "CAD", 0.73),
    ("Euro", "EUR", 1.08),
]
# A small US chart of accounts: (number, name, type, parent number or None, summary). The first seven keep
# the names earlier seeds returned. 6000 is a summary (header) account: postings go to its children.
_ACCOUNTS = [
    ("1000", "Checking", "Bank", None, False),
    ("1100", "Accounts Receivable", "AcctRec", None, False),
    ("1200", "Inventory Asset", "OthCurrAsset", None, False),
    ("2000", "Accounts Payable", "AcctPay", None, False),
    ("4000", "Sales", "Income", None, False),
    ("5000", "Cost of Goods Sold", "COGS", None, False),
    ("5100", "Inventory Adjustments", "COGS", None, False),
    ("1050", "Undeposited Funds", "OthCurrAsset", None, False),
    ("2100", "Sales Tax Payable", "OthCurrLiab", None, False),
    ("2400", "Credit Card", "CredCard", None, False),
    ("3000", "Opening Balance Equity", "Equity", None, False),
    ("4900", "Sales Discounts", "Income", None, False),
    ("6000", "Operating Expenses", "Expense", None, True),
    ("6100", "Office Supplies", "Expense", "6000", False),
    ("6200", "Freight", "Expense", "6000", False),
    # Accounting Preferences > Vendor Prepayment Account points here (an Other Current Asset).
    ("1300", "Vendor Prepayments", "OthCurrAsset", None, False),
]
#: Monthly periods from two months before the clock's month to nine after.
_PERIODS_BEFORE, _PERIODS_TOTAL = 2, 12


def _ctx(emu: Emulator, session: Any) -> Ctx:
    return Ctx(session=session, now=emu.clock.now(session), prefs=get_prefs(session), engine=Records(session))


def _create(ctx: Ctx, type_name: str, payload: dict[str, Any]) -> int:
    rtype = lookup(type_name)
    assert rtype is not None
    return create_record(ctx, rtype, payload).id


def _ids(ctx: Ctx, rtype: str) -> list[tuple[int, dict[str, Any]]]:
    rows = ctx.session.execute(
        select(NsRecord).where(NsRecord.rtype == rtype, NsRecord.deleted_at.is_(None)).order_by(NsRecord.id)
    ).scalars()
    return [(r.id, ctx.engine.to_rec(r).body) for r in rows]


def _set_marker(ctx: Ctx, value: int) -> None:
    row = ctx.session.get(NsSequence, ACCOUNT_MARKER)
    if row is None:
        ctx.session.add(NsSequence(code=ACCOUNT_MARKER, value=value))
    else:
        row.value = value
    ctx.session.flush()


def _populate(ctx: Ctx) -> None:
    currencies = {}
    for name, symbol, rate in _CURRENCIES:
        currencies[symbol] = _create(ctx, "currency", {"name": name, "symbol": symbol, "exchangeRate": rate})
    base = ctx.engine.load(lookup("currency"), currencies["USD"])  # type: ignore[arg-type]
    base.body["isBaseCurrency"] = True
    ctx.engine.store(ctx, base)
    _create(
        ctx,
        "subsidiary",
        {"name": "Parent Company", "currency": {"id": str(currencies["USD"])}, "country": "US"},
    )
    numbers: dict[str, int] = {}
    for number, name, kind, parent, summary in _ACCOUNTS:
        body: dict[str, Any] = {"acctNumber": number, "acctName": name, "acctType": kind}
        if parent:
            body["parent"] = {"id": str(numbers[parent])}
        if summary:
            body["isSummary"] = True
        numbers[number] = _create(ctx, "account", body)
    start = ctx.now.date().replace(day=1)
    for i in range(-_PERIODS_BEFORE, _PERIODS_TOTAL - _PERIODS_BEFORE):
        y, m = divmod(start.month - 1 + i, 12)
        first = date(start.year + y, m + 1, 1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        _create(
            ctx,
            "accountingPeriod",
            {
                "periodName": first.strftime("%b %Y"),
                "startDate": first.isoformat(),
                "endDate": last.isoformat(),
            },
        )
    upsert.add(ctx.session, NsSequence.__table__, {"code": "id:role"}, "value", CUSTOM_ROLE_BASE)
    _create(ctx, "role", {"name": "erpsim Integration", "scriptId": INTEGRATION_ROLE_SCRIPT_ID})


def describe(ctx: Ctx) -> dict[str, Any]:
    """The setup records' ids: currencies by symbol, the parent subsidiary, accounts and periods by name."""
    subsidiaries = _ids(ctx, "subsidiary")
    out: dict[str, Any] = {
        "currencies": {b.get("symbol"): rid for rid, b in _ids(ctx, "currency")},
        "subsidiary": subsidiaries[0][0] if subsidiaries else None,
        "accounts": {b.get("acctName"): rid for rid, b in _ids(ctx, "account")},
        "periods": {b.get("periodName"): rid for rid, b in _ids(ctx, "accountingPeriod")},
    }
    roles = _ids(ctx, "role")
    out["role"] = roles[0][0] if roles else None
    return out


def set_up(ctx: Ctx) -> dict[str, Any]:
    """Give the account what every new account has, unless it has a subsidiary already (idempotent)."""
    if not _ids(ctx, "subsidiary"):
        _populate(ctx)
    _set_marker(ctx, 1)
    return describe(ctx)


def ensure_account(emu: Emulator) -> None:
    """At start-up: set up a brand-new store (never one a reset deliberately left empty)."""
    with emu.store.write() as session:
        if session.get(NsSequence, ACCOUNT_MARKER) is None:
            set_up(_ctx(emu, session))


def after_reset(emu: Emulator, empty: bool) -> None:
    """A plain reset restores a new account; ``empty`` leaves the store truly empty (and says so)."""
    with emu.store.write() as session:
        ctx = _ctx(emu, session)
        if empty:
            _set_marker(ctx, 0)
        else:
            set_up(ctx)
