"""What every transaction shares: numbering, dates, posting periods, subsidiary scope, currency, totals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from mocks.core.errors import ApiError

from ...errors import field_required, user_error
from ...models import NsRecord, NsSequence
from .. import upsert
from ..reads import role_permits
from ..records import Ctx, Rec
from ..values import ref_id
from .references import check_references

#: Transactions that post to the general ledger (the only ones accounting periods govern).
POSTING = {"itemFulfillment", "itemReceipt", "invoice", "cashSale", "cashRefund", "creditMemo",
           "customerPayment", "vendorBill", "vendorCredit", "vendorPayment", "journalEntry",
           "inventoryAdjustment", "inventoryTransfer", "assemblyBuild", "check", "deposit", "vendorPrepayment",
           "creditCardRefund"}
AR_TYPES = {"invoice", "cashSale", "cashRefund", "creditMemo", "customerPayment"}
AP_TYPES = {"vendorBill", "vendorCredit", "vendorPayment", "vendorPrepayment"}
PREFIX = {"SalesOrd": "SO", "PurchOrd": "PO", "ItemShip": "IF", "ItemRcpt": "IR", "CustInvc": "INV",
          "CashSale": "CS", "CashRfnd": "CR", "CustCred": "CM", "RtnAuth": "RMA", "CustPymt": "PYMT",
          "VendBill": "BILL", "VendCred": "VC", "VendPymt": "CHK", "Journal": "JE", "InvAdjst": "ADJ",
          "InvTrnfr": "TRF", "WorkOrd": "WO", "Build": "BLD", "Check": "", "Deposit": "DEP", "VPrep": "VPREP",
          "CardRfnd": "CCR"}
#: Fields whose change is not a G/L change (allowed in a closed period that allows non-G/L changes): notes and
#: references, and the applications of a payment or credit (they move no amount between accounts).
NON_GL_FIELDS = {"memo", "otherRefNum", "email", "shipStatus", "lastModifiedDate", "apply", "applied", "unapplied",
                 "amountRemaining", "status"}


def next_tran_id(ctx: Ctx, code: str) -> str:
    """The next document number of a transaction type (SO1, SO2, ...), never reused, race-free."""
    n = upsert.add(ctx.session, NsSequence.__table__, {"code": code}, "value", 1)
    return f"{PREFIX.get(code, code)}{n}"


def num(value: Any) -> float:
    """A stored number (missing = 0)."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def rec_of(ctx: Ctx, value: Any, target: str) -> Rec | None:
    """The record a stored reference to ``target`` (a record type or family) points at."""
    return ctx.engine.ref_rec(value, target)


def transaction_defaults(ctx: Ctx, rec: Rec, old: Rec | None, entity_field: str = "entity") -> None:
    """tranDate, tranId, subsidiary and currency defaults, as NetSuite fills them on create."""
    body = rec.body
    if old is None:
        body.setdefault("tranDate", ctx.today)
        if not body.get("tranId") and rec.rtype.tran_code and rec.rtype.name not in ("vendorBill", "vendorCredit"):
            body["tranId"] = next_tran_id(ctx, rec.rtype.tran_code)
    entity = rec_of(ctx, body.get(entity_field), "entity")
    if entity is not None and entity.rtype.family == "entity":
        if not body.get("subsidiary") and entity.body.get("subsidiary"):
            body["subsidiary"] = entity.body["subsidiary"]
        if not body.get("currency") and entity.body.get("currency"):
            body["currency"] = entity.body["currency"]
    subsidiary = rec_of(ctx, body.get("subsidiary"), "subsidiary")
    if not body.get("currency") and subsidiary is not None and subsidiary.body.get("currency"):
        body["currency"] = subsidiary.body["currency"]
    check_references(ctx, rec, old)


def entity_transaction(ctx: Ctx, rec: Rec, old: Rec | None, sublists: tuple[str, ...] = ("item",),
                       entity_field: str = "entity") -> None:
    """What every transaction with an entity and lines gets: defaults, scope, currency, amounts, totals."""
    transaction_defaults(ctx, rec, old, entity_field)
    check_entity_scope(ctx, rec, entity_field)
    check_scope(ctx, rec, sublists)
    check_currency(ctx, rec, entity_field)
    fill_item_lines(ctx, rec)
    compute_totals(rec, sublists, header_discount(ctx, rec, sublists))


def check_entity_scope(ctx: Ctx, rec: Rec, entity_field: str = "entity") -> None:
    """The entity must belong to the transaction's subsidiary."""
    entity = rec_of(ctx, rec.body.get(entity_field), "entity")
    sub = ref_id(rec.body.get("subsidiary"))
    if entity is not None and sub and ref_id(entity.body.get("subsidiary")) not in (None, sub):
        raise ApiError(400, "INVALID_KEY_OR_REF",
                       f"Invalid {entity_field} reference key {entity.id} for subsidiary {sub}.", path=entity_field)


#: The record type each subsidiary-scoped field refers to.
_SCOPED_TARGETS = {"location": "location", "transferLocation": "location", "adjLocation": "location",
                   "department": "department", "class": "classification", "item": "item"}


def _in_subsidiary(target: Rec, sub: str) -> bool:
    subs = target.body.get("subsidiary")
    if isinstance(subs, list):
        return not subs or sub in subs
    return ref_id(subs) in (None, sub)


def check_scope(ctx: Ctx, rec: Rec, sublists: tuple[str, ...]) -> None:
    """Locations, departments, classes and items must be available to the transaction's subsidiary."""
    sub = ref_id(rec.body.get("subsidiary"))
    if not sub:
        return

    def _check(field: str, value: Any, path: str) -> None:
        target = rec_of(ctx, value, _SCOPED_TARGETS[field])
        if target is not None and not _in_subsidiary(target, sub):
            raise ApiError(400, "INVALID_KEY_OR_REF",
                           f"Invalid {field} reference key {target.id} for subsidiary {sub}.", path=path)

    for field in ("location", "department", "class", "transferLocation", "adjLocation"):
        if rec.body.get(field):
            _check(field, rec.body[field], field)
    for sublist in sublists:
        for i, line in enumerate(rec.lines(sublist)):
            for field in ("item", "location", "department", "class"):
                if line.get(field):
                    _check(field, line[field], f"{sublist}.items[{i}].{field}")


def check_currency(ctx: Ctx, rec: Rec, entity_field: str = "entity") -> None:
    """Foreign currencies need an exchange rate; the entity's currency must match."""
    body = rec.body
    currency = rec_of(ctx, body.get("currency"), "currency")
    if currency is None:
        return
    entity = rec_of(ctx, body.get(entity_field), "entity")
    if entity is not None and entity.body.get("currency") and ref_id(entity.body["currency"]) != str(currency.id):
        raise ApiError(400, "INVALID_KEY_OR_REF",
                       f"Invalid currency reference key {currency.id} for entity {entity.id}.", path="currency")
    if currency.body.get("isBaseCurrency"):
        body["exchangeRate"] = 1.0
        return
    if not body.get("exchangeRate"):
        rate = currency.body.get("exchangeRate")
        if not rate:
            raise field_required(["Exchange Rate"], path="exchangeRate")
        body["exchangeRate"] = rate


# ---- accounting periods ------------------------------------------------------------------------

def _periods(ctx: Ctx) -> list[Rec]:
    rows = ctx.session.execute(select(NsRecord).where(NsRecord.rtype == "accountingPeriod",
                                                      NsRecord.deleted_at.is_(None))).scalars()
    out = [ctx.engine.to_rec(r) for r in rows]
    base = [p for p in out if not p.body.get("isYear") and not p.body.get("isQuarter") and not p.body.get("isAdjust")]
    return sorted(base, key=lambda p: p.body.get("startDate", ""))


#: The role permission that lets the integration post into locked (not closed) periods.
OVERRIDE_PERIODS = "overridePeriodRestrictions"


def _blocked(ctx: Ctx, period: Rec, rtype: str) -> str | None:
    """Why a period refuses postings of ``rtype`` from the integration (None when it accepts them).

    Closed refuses everyone. The AR, AP and all locks refuse roles without Override Period Restrictions.
    """
    b = period.body
    if b.get("closed"):
        return "closed"
    reason = None
    if b.get("allLocked"):
        reason = "locked"
    elif b.get("arLocked") and rtype in AR_TYPES:
        reason = "locked for accounts receivable"
    elif b.get("apLocked") and rtype in AP_TYPES:
        reason = "locked for accounts payable"
    if reason and role_permits(ctx.session, OVERRIDE_PERIODS):
        return None
    return reason


def period_for(ctx: Ctx, day: str) -> Rec | None:
    """The base accounting period containing ``day`` (None when the account keeps no periods)."""
    for p in _periods(ctx):
        if p.body.get("startDate", "") <= day <= p.body.get("endDate", ""):
            return p
    return None


def _check_edit_in_period(ctx: Ctx, rec: Rec, old: Rec) -> set[str]:
    """Refuse what a closed or locked period forbids in an edit; returns the G/L fields that changed.

    G/L changes are refused in a closed period and in a period locked for the role. Non-G/L changes (memo,
    reference numbers, applications of payments and credits) pass in a locked period, and in a closed one
    only when the period allows non-G/L changes: with that switch off NetSuite refuses even a memo edit.
    """
    diff = {k for k in set(rec.body) | set(old.body) if rec.body.get(k) != old.body.get(k)} - {"lastModifiedDate"}
    changed = diff - NON_GL_FIELDS
    old_period = rec_of(ctx, old.body.get("postingPeriod"), "accountingPeriod")
    reason = _blocked(ctx, old_period, rec.rtype.name) if old_period is not None else None
    if old_period is None or not reason:
        return changed
    name = old_period.body.get("periodName")
    if changed:
        raise user_error(f"You cannot change a transaction in a {reason} period ({name}).",
                         path=sorted(changed)[0] if "tranDate" not in changed else "tranDate")
    if diff and reason == "closed" and not old_period.body.get("allowNonGLChanges"):
        # No public source gives this refusal's wording; the period's "Allow Non-G/L Changes" box is named.
        raise user_error(f"You cannot change a transaction in a closed period ({name}): the period does not "
                         "allow non-G/L changes.", path=sorted(diff)[0])
    return changed


def assign_period(ctx: Ctx, rec: Rec, old: Rec | None) -> None:
    """Set postingPeriod from tranDate; refuse (or re-date) postings into closed or locked periods."""
    if rec.rtype.name not in POSTING:
        return
    periods = _periods(ctx)
    if not periods:
        return
    body = rec.body
    if old is not None:
        changed = _check_edit_in_period(ctx, rec, old)
        if "tranDate" not in changed and "postingPeriod" not in changed:
            return
    day = body.get("tranDate") or ctx.today
    explicit = rec_of(ctx, body.get("postingPeriod"), "accountingPeriod")
    period = explicit or period_for(ctx, day)
    if period is None:
        raise user_error("The transaction date you specified is not within the date range of your "
                         "accounting period.", path="tranDate")
    if explicit is not None and not (explicit.body.get("startDate", "") <= day <= explicit.body.get("endDate", "")) \
            and ctx.prefs.get("transactionDateOutsidePeriod") == "disallow":
        # Accounting Preferences > "Allow Transaction Date Outside of the Posting Period": Disallow refuses with
        # this message; Warn only warns in the UI (web services save), Allow says nothing.
        raise user_error("The transaction date you specified is not within the date range of your "
                         "accounting period.", path="tranDate")
    reason = _blocked(ctx, period, rec.rtype.name)
    if reason:
        if reason == "closed" and ctx.prefs.get("closedPeriodPosting") == "firstOpenPeriod":
            later = [p for p in periods if p.body.get("startDate", "") > period.body.get("endDate", "")
                     and not _blocked(ctx, p, rec.rtype.name)]
            if later:
                body["tranDate"] = later[0].body["startDate"]
                body["postingPeriod"] = {"id": str(later[0].id)}
                return
        raise user_error(f"The accounting period {period.body.get('periodName')} is {reason}. "
                         "The transaction date you specified is not within an open accounting period.",
                         path="postingPeriod" if explicit else "tranDate")
    body["postingPeriod"] = {"id": str(period.id)}


def check_not_in_closed_period(ctx: Ctx, rec: Rec) -> None:
    """Deleting a posting in a closed period, or in a period locked for the role, is refused."""
    period = rec_of(ctx, rec.body.get("postingPeriod"), "accountingPeriod")
    reason = _blocked(ctx, period, rec.rtype.name) if period is not None else None
    if period is not None and reason:
        raise user_error(f"You cannot delete a transaction in a {reason} period "
                         f"({period.body.get('periodName')}).")


# ---- lines and totals --------------------------------------------------------------------------

def _pct_or_amount(rate: Any, base: float) -> float:
    text = str(rate or "0").strip()
    if text.endswith("%"):
        return round(base * float(text[:-1]) / 100, 2)
    return round(float(text), 2)


def fill_item_lines(ctx: Ctx, rec: Rec, sublist: str = "item") -> None:
    """Line defaults (itemType, rate from the item) and amounts, discount and tax lines included."""
    previous_amount = 0.0
    taxable_since_tax = 0.0
    for line in rec.lines(sublist):
        item = rec_of(ctx, line.get("item"), "item")
        if item is None:
            continue
        kind = item.rtype.item_type or ""
        line["itemType"] = kind
        if kind == "Discount":
            try:
                line["amount"] = _pct_or_amount(line.get("rate", item.body.get("rate")), previous_amount)
            except ValueError:
                raise user_error(f"Invalid discount rate on item {item.body.get('itemId')}.") from None
            line.setdefault("quantity", 1)
            taxable_since_tax += line["amount"]
        elif kind == "TaxItem":
            try:
                line["amount"] = _pct_or_amount(line.get("rate", item.body.get("rate")), taxable_since_tax)
            except ValueError:
                raise user_error(f"Invalid tax rate on item {item.body.get('itemId')}.") from None
            line.setdefault("quantity", 1)
            taxable_since_tax = 0.0
        else:
            qty = num(line.get("quantity", 1))
            line.setdefault("quantity", qty)
            if "rate" not in line:
                if "amount" in line and qty:
                    line["rate"] = round(num(line["amount"]) / qty, 6)
                else:
                    line["rate"] = num(item.body.get("rate"))
            if "amount" not in line:
                line["amount"] = round(qty * num(line["rate"]), 2)
            previous_amount = line["amount"]
            taxable_since_tax += line["amount"]


def header_discount(ctx: Ctx, rec: Rec, sublists: tuple[str, ...] = ("item",)) -> float:
    """The header discount (``discountItem`` + ``discountRate``) on the lines' net amount; 0 without one.

    ``discountRate`` defaults to the item's rate. It is a percentage when the discount item's rate is one
    ("-10%": send -10), else an amount, as the UI's Rate field reads it (no public source shows how REST
    takes a percentage here). A discount item "Apply Before Tax" (``isPreTax``) also lowers the tax lines in
    proportion, as it lowers the taxable amount; an after-tax one leaves tax alone. Posting and non-posting
    discount items total the same; they differ only in the general ledger (a posting discount posts to its
    account, a non-posting one nets into the items' income), which the emulator does not keep.
    """
    body = rec.body
    item = rec_of(ctx, body.get("discountItem"), "item")
    if item is None or item.rtype.item_type != "Discount":
        body.pop("discountRate", None)
        return 0.0
    text = str(item.body.get("rate") or "0").strip()
    percent = text.endswith("%")
    if body.get("discountRate") is None:
        try:
            body["discountRate"] = float(text.rstrip("%"))
        except ValueError:
            raise user_error(f"Invalid discount rate on item {item.body.get('itemId')}.") from None
    rate = num(body.get("discountRate"))
    lines = [ln for sub in sublists for ln in rec.lines(sub)]
    base = sum(num(ln.get("amount")) for ln in lines if ln.get("itemType") != "TaxItem")
    amount = round(base * rate / 100, 2) if percent else round(rate, 2)
    if item.body.get("isPreTax") and base > 0:
        for ln in lines:
            if ln.get("itemType") == "TaxItem":
                ln["amount"] = round(num(ln.get("amount")) * (base + amount) / base, 2)
    return amount


def compute_totals(rec: Rec, sublists: tuple[str, ...] = ("item",), header_discount: float = 0.0) -> None:
    """subtotal, discountTotal, taxTotal and total from the lines (discount and tax are their own lines)
    and the header discount."""
    subtotal, discount, tax = 0.0, header_discount, 0.0
    for sublist in sublists:
        for line in rec.lines(sublist):
            amount = num(line.get("amount"))
            kind = line.get("itemType")
            if kind == "Discount":
                discount += amount
            elif kind == "TaxItem":
                tax += amount
            else:
                subtotal += amount
    body = rec.body
    body["subtotal"] = round(subtotal, 2)
    body["discountTotal"] = round(discount, 2)
    body["taxTotal"] = round(tax, 2)
    body["total"] = round(subtotal + discount + tax + num(body.get("shippingCost")), 2)


def line_location(rec: Rec, line: dict[str, Any]) -> int | None:
    """The location a line moves stock at (the line's, else the header's)."""
    loc = ref_id(line.get("location")) or ref_id(rec.body.get("location"))
    return int(loc) if loc else None
