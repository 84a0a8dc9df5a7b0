"""POS money in NetSuite's terms: cash sales and cash refunds per order, or one daily journal per store.

Money is exact: Sitoo's 2-decimal strings are read as decimals and every NetSuite amount is a sum of Sitoo's
own row amounts (net and VAT per row, as the till rounded them), never recomputed from rates, so the postings
add up to the Z report to the cent. Discounts are their own lines (a discount item after its product; in the
journal a debit to the discounts account) and tax is its own line per VAT rate (a sales tax item whose amount
is the rows' VAT; in the journal a credit to the tax account).

Mutants: ``no-discount-lines`` folds each discount into its product's amount and drops the tax lines;
``naive-rounding`` recomputes VAT per rate from net amounts with binary floats and Python's round-half-even.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .base import Context
from .pos_orders import ITEM_DISCOUNT, ITEM_PRODUCT, ITEM_SHIPPING, is_refund, money

CENT = Decimal("0.01")
DEFAULT_ACCOUNTS = {
    "sales": "Sales",
    "discounts": "Sales",
    "returns": "Sales",
    "tax": "Sales Tax Payable",
    "payment": "Checking",
}


class Unpostable(Exception):
    """An order or summary that cannot be built yet; ``category`` and ``records`` go to the exception queue."""

    def __init__(self, category: str, message: str, records: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.category, self.records = category, records or {}


def rate_key(value: Any) -> str:
    """A VAT rate as a canonical string ("20", "12.5")."""
    return format(Decimal(str(value or 0)).normalize(), "f")


@dataclass
class LedgerSetup:
    """NetSuite's payment methods, discount item, tax items, currencies and accounts (read once per pass)."""

    ctx: Context
    _methods: dict[str, str] | None = None
    _discount: str | None = None
    _taxes: dict[str, str] | None = None
    _currencies: dict[str, tuple[str, bool]] | None = None
    _accounts: dict[str, str] | None = None

    def payment_method(self, name: str) -> str:
        """The NetSuite paymentMethod with this name (case-insensitive)."""
        if self._methods is None:  # built aside, then published: posting threads may ask at once
            methods = {}
            for rid in self.ctx.netsuite.list_ids("paymentMethod"):
                record = self.ctx.netsuite.get("paymentMethod", rid, expand=False)
                methods[str(record.get("name", "")).lower()] = rid
            self._methods = methods
        found = self._methods.get(name.lower())
        if found is None:
            raise Unpostable(
                "validation_error", f"NetSuite has no payment method named {name!r}", {"payment_method": name}
            )
        return found

    def discount_item(self) -> str:
        """The discount item (ERPSIM_SYNC_POS_DISCOUNT_ITEM, else the only/first discount item)."""
        if self._discount is None:
            rows = self.ctx.netsuite.suiteql(
                "SELECT id, itemid FROM item WHERE itemtype = 'Discount' AND isinactive = 'F' ORDER BY id"
            )
            wanted = self.ctx.config.pos_discount_item
            match = [r for r in rows if str(r.get("itemid")) == wanted] or rows
            if not match:
                raise Unpostable(
                    "validation_error",
                    "NetSuite has no discount item for POS discounts (ERPSIM_SYNC_POS_DISCOUNT_ITEM)",
                    {"setting": "ERPSIM_SYNC_POS_DISCOUNT_ITEM"},
                )
            self._discount = str(match[0]["id"])
        return self._discount

    def tax_item(self, rate: str) -> str:
        """The sales tax item whose rate is ``rate`` percent."""
        if self._taxes is None:
            taxes: dict[str, str] = {}
            rows = self.ctx.netsuite.suiteql(
                "SELECT id FROM item WHERE itemtype = 'TaxItem' AND isinactive = 'F' ORDER BY id"
            )
            for row in rows:
                record = self.ctx.netsuite.get("salesTaxItem", str(row["id"]), expand=False)
                text = str(record.get("rate", "")).strip().rstrip("%")
                try:
                    taxes.setdefault(rate_key(text), str(row["id"]))
                except ArithmeticError:
                    continue
            self._taxes = taxes
        found = self._taxes.get(rate)
        if found is None:
            raise Unpostable(
                "validation_error", f"NetSuite has no sales tax item with rate {rate}%", {"vat_rate": rate}
            )
        return found

    def currency(self, code: str) -> tuple[str, bool]:
        """(NetSuite currency id, is base currency) of an ISO code."""
        if self._currencies is None:
            rows = self.ctx.netsuite.suiteql("SELECT id, symbol, isbasecurrency FROM currency")
            self._currencies = {
                str(r.get("symbol", "")).upper(): (str(r["id"]), r.get("isbasecurrency") == "T") for r in rows
            }
        found = self._currencies.get(code.upper())
        if found is None:
            raise Unpostable("unsupported_currency", f"NetSuite has no currency {code}", {"currency": code})
        return found

    def account(self, role: str) -> str:
        """The account of a journal role (``sales``, ``tax``, ``payment:Card``...), by ERPSIM_SYNC_POS_ACCOUNTS."""
        if self._accounts is None:
            rows = self.ctx.netsuite.suiteql(
                "SELECT id, acctnumber, fullname FROM account WHERE isinactive = 'F'"
            )
            accounts: dict[str, str] = {}
            for row in rows:
                for key in (row.get("acctnumber"), row.get("fullname")):
                    if key:
                        accounts.setdefault(str(key), str(row["id"]))
            self._accounts = accounts
        configured = {**DEFAULT_ACCOUNTS, **self.ctx.config.pos_accounts}
        name = configured.get(role) or configured.get(role.split(":")[0]) or ""
        found = self._accounts.get(name)
        if found is None:
            raise Unpostable(
                "validation_error",
                f"NetSuite has no account {name!r} for POS {role} (ERPSIM_SYNC_POS_ACCOUNTS)",
                {"role": role, "account": name},
            )
        return found


# ---- per order: cash sale / cash refund ---------------------------------------------------------------------


def tax_by_rate(order: dict[str, Any], naive: bool) -> dict[str, Decimal]:
    """VAT per rate of an order: the sum of the till's row VAT (or, naively, recomputed with floats)."""
    out: dict[str, Decimal] = {}
    floats: dict[str, float] = {}
    for row in order.get("orderitems") or []:
        rate = rate_key(row.get("vatvalue"))
        out[rate] = out.get(rate, Decimal(0)) + money(row.get("moneyitemtotal_vat"))
        floats[rate] = floats.get(rate, 0.0) + float(row.get("moneyitemtotal_net") or 0) * float(rate) / 100
    if naive:
        return {rate: Decimal(str(round(value, 2))) for rate, value in floats.items()}
    return out


def order_body(
    ctx: Context,
    setup: LedgerSetup,
    order: dict[str, Any],
    *,
    items: dict[str, str],
    locations: dict[str, str],
    entity: str,
    day: str,
    subsidiary: str,
) -> dict[str, Any]:
    """The cash sale (or, for a refund, cash refund) of one POS order.

    ``items``: SKU -> NetSuite item; ``locations``: Sitoo warehouse id -> NetSuite location.
    """
    refund = is_refund(order)
    sign = Decimal(-1) if refund else Decimal(1)
    if str(order.get("warehouseid") or "") not in locations:
        raise Unpostable(
            "unknown_location",
            f"POS warehouse {order.get('warehouseid')} (order {order['orderid']}) "
            "is not mapped to a NetSuite location",
            {"location": f"pos:{order.get('warehouseid')}"},
        )
    folded = ctx.safeguards.off("no-discount-lines")
    restock = ctx.safeguards.on("no-restock-on-refund") or not refund
    header_wh = str(order.get("warehouseid") or "")
    lines: list[dict[str, Any]] = []
    shipping = Decimal(0)
    for row in order.get("orderitems") or []:
        kind = int(row.get("orderitemtype", ITEM_PRODUCT))
        net = money(row.get("moneyitemtotal_net")) * sign
        if kind == ITEM_SHIPPING:
            shipping += net
        elif kind == ITEM_DISCOUNT:
            if folded and lines:  # the naive connector lowers the product's amount instead
                product = lines[-1]
                amount = Decimal(str(product["amount"])) + net
                product["amount"] = float(amount)
                product["rate"] = float(
                    (amount / Decimal(str(product["quantity"] or 1))).quantize(CENT, ROUND_HALF_UP)
                )
            elif net:
                lines.append({"item": {"id": setup.discount_item()}, "rate": float(net)})
        else:
            sku = str(row.get("sku") or "")
            if sku not in items:
                raise Unpostable(
                    "unknown_sku",
                    f"SKU {sku} sold at the POS is not a NetSuite item",
                    {"sku": sku, "order": order["orderid"]},
                )
            quantity = abs(Decimal(str(row.get("quantity") or 0)))
            line: dict[str, Any] = {
                "item": {"id": items[sku]},
                "quantity": float(quantity) if restock else 0.0,
                "rate": float(money(row.get("moneynetpriceperunit"))),
                "amount": float(net),
            }
            warehouse = str(row.get("warehouseid") or header_wh)
            if warehouse not in locations:
                raise Unpostable(
                    "unknown_location",
                    f"POS warehouse {warehouse} (order {order['orderid']}) is not "
                    "mapped to a NetSuite location",
                    {"location": f"pos:{warehouse}"},
                )
            if warehouse != header_wh:
                line["location"] = {"id": locations[warehouse]}
            lines.append(line)
    if not folded:
        for rate, vat in sorted(tax_by_rate(order, ctx.safeguards.off("naive-rounding")).items()):
            if vat:
                lines.append({"item": {"id": setup.tax_item(rate)}, "rate": float(vat * sign)})
    tenders = sorted(order.get("payments") or [], key=lambda p: -abs(money(p.get("moneyamount"))))
    body: dict[str, Any] = {
        "entity": {"id": entity},
        "tranDate": day,
        "location": {"id": locations[header_wh]},
        "memo": _memo(order),
        "item": {"items": lines},
    }
    if refund:
        body["otherRefNum"] = f"SITOO-{order['creditorderid']}"
    if shipping:
        body["shippingCost"] = float(shipping)
    if tenders:
        body["paymentMethod"] = {"id": setup.payment_method(str(tenders[0]["name"]))}
    if subsidiary:
        body["subsidiary"] = {"id": subsidiary}
    currency, base = setup.currency(str(order.get("currencycode") or "USD"))
    if not base:
        body["currency"] = {"id": currency}
    return body


def _memo(order: dict[str, Any]) -> str:
    tenders = ", ".join(f"{p.get('name')} {p.get('moneyamount')}" for p in order.get("payments") or [])
    kind = f"refund of order {order['creditorderid']}" if is_refund(order) else "sale"
    return f"Sitoo order {order['orderid']} ({kind}); paid: {tenders or 'nothing'}"


# ---- per store and day: the summary journal ------------------------------------------------------------------


@dataclass
class DayTotals:
    """The money of a set of orders, as a daily summary needs it (exact decimals)."""

    payments: dict[str, Decimal] = field(default_factory=dict)
    sales: Decimal = Decimal(0)  # net of sold products and shipping, before discounts
    discounts: Decimal = Decimal(0)  # net of discounts given on sales (positive)
    returns: Decimal = Decimal(0)  # net paid back on refunds (positive), their discounts included
    tax: Decimal = Decimal(0)  # VAT of sales minus VAT of refunds
    net_by_rate: dict[str, Decimal] = field(default_factory=dict)

    def add(self, order: dict[str, Any]) -> None:
        """Add one closed order."""
        refund = is_refund(order)
        for pay in order.get("payments") or []:
            name = str(pay.get("name"))
            self.payments[name] = self.payments.get(name, Decimal(0)) + money(pay.get("moneyamount"))
        for row in order.get("orderitems") or []:
            net, vat = money(row.get("moneyitemtotal_net")), money(row.get("moneyitemtotal_vat"))
            rate = rate_key(row.get("vatvalue"))
            self.net_by_rate[rate] = self.net_by_rate.get(rate, Decimal(0)) + net
            self.tax += vat
            if refund:
                self.returns -= net
            elif int(row.get("orderitemtype", ITEM_PRODUCT)) == ITEM_DISCOUNT:
                self.discounts -= net
            else:
                self.sales += net

    def to_json(self) -> dict[str, Any]:
        """Stored in the outbox as strings (exact)."""
        return {
            "payments": {k: str(v) for k, v in sorted(self.payments.items())},
            "sales": str(self.sales),
            "discounts": str(self.discounts),
            "returns": str(self.returns),
            "tax": str(self.tax),
            "net_by_rate": {k: str(v) for k, v in sorted(self.net_by_rate.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DayTotals:
        """Read back from the outbox."""
        return cls(
            {k: Decimal(v) for k, v in data["payments"].items()},
            Decimal(data["sales"]),
            Decimal(data["discounts"]),
            Decimal(data["returns"]),
            Decimal(data["tax"]),
            {k: Decimal(v) for k, v in data["net_by_rate"].items()},
        )

    def merge(self, other: DayTotals) -> None:
        """Add another set of orders."""
        for k, v in other.payments.items():
            self.payments[k] = self.payments.get(k, Decimal(0)) + v
        for k, v in other.net_by_rate.items():
            self.net_by_rate[k] = self.net_by_rate.get(k, Decimal(0)) + v
        self.sales += other.sales
        self.discounts += other.discounts
        self.returns += other.returns
        self.tax += other.tax


def journal_lines(ctx: Context, setup: LedgerSetup, totals: DayTotals, location: str) -> list[dict[str, Any]]:
    """The daily summary journal's lines: tenders, sales, discounts, returns, tax (debits = credits)."""
    folded = ctx.safeguards.off("no-discount-lines")
    tax = totals.tax
    if ctx.safeguards.off("naive-rounding"):
        tax = Decimal(
            str(round(sum(float(net) * float(rate) / 100 for rate, net in totals.net_by_rate.items()), 2))
        )
    entries: list[tuple[str, Decimal, str]] = []  # (role, signed amount: + debit / - credit, memo)
    for method, amount in sorted(totals.payments.items()):
        entries.append((f"payment:{method}", amount, f"POS tenders: {method}"))
    if folded:  # the naive connector: sales net of discounts, tax inside sales
        entries.append(("sales", -(totals.sales - totals.discounts + tax), "POS sales"))
    else:
        entries.append(("sales", -totals.sales, "POS sales (net, before discounts)"))
        entries.append(("discounts", totals.discounts, "POS discounts given"))
        entries.append(("tax", -tax, "POS VAT"))
    entries.append(("returns", totals.returns, "POS refunds (net)"))
    lines = []
    for role, amount, memo in entries:
        if not amount:
            continue
        line: dict[str, Any] = {
            "account": {"id": setup.account(role)},
            "memo": memo,
            "location": {"id": location},
        }
        line["debit" if amount > 0 else "credit"] = float(abs(amount))
        lines.append(line)
    return lines


def dumps(value: Any) -> str:
    """JSON for exception records (decimals as strings)."""
    return json.dumps(value, default=str, sort_keys=True)
