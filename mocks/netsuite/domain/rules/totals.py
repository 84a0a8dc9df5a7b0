"""Line amounts and totals: item, discount and tax lines, the header discount, subtotal / discount / tax / total."""

from __future__ import annotations

from typing import Any

from ...errors import user_error
from ..records import Ctx, Rec
from ..values import num
from .references import rec_of


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
