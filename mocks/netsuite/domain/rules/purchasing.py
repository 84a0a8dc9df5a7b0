"""Procure to pay: purchase orders, item receipts, vendor bills, credits and payments."""

from __future__ import annotations

import copy
from typing import Any

from ...errors import user_error
from ..records import Ctx, Rec
from ..values import num
from .base import Rules, register
from .periods import assign_period, check_not_in_closed_period
from .references import rec_of
from .sales import ApplyingRules, fulfillable, refresh_sales_order, rma_status, ship_lines
from .transactions import entity_transaction, transaction_defaults

_EPS = 1e-9


def po_status(body: dict[str, Any]) -> str:
    """A Pending Supervisor Approval, B Pending Receipt, D/E Partially Received, F Pending Bill, G Billed, H Closed."""
    if body.get("approvalStatus") == "3":
        return "C"
    if body.get("orderStatus", "B") == "A" or body.get("approvalStatus") == "1":
        return "A"
    lines = [ln for ln in body.get("item") or [] if ln.get("itemType") not in ("Discount", "TaxItem")]
    open_lines = [ln for ln in lines if not ln.get("isClosed")]
    if not open_lines and lines:
        return "H"
    billed_all = bool(lines) and all(
        num(ln.get("quantityBilled")) >= num(ln.get("quantity")) - _EPS for ln in lines
    )
    phys = [ln for ln in open_lines if fulfillable(ln)]
    received_all = all(num(ln.get("quantityReceived")) >= num(ln.get("quantity")) - _EPS for ln in phys)
    if received_all:
        return "G" if billed_all else "F"
    if any(num(ln.get("quantityReceived")) > 0 for ln in phys):
        pending = any(num(ln.get("quantityReceived")) > num(ln.get("quantityBilled")) + _EPS for ln in phys)
        return "E" if pending else "D"
    return "B"


@register("purchaseOrder")
class PurchaseOrderRules(Rules):
    """Purchase orders: approval, receipts and bills drive the status."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Defaults, scope, totals, status."""
        body = rec.body
        if old is None:
            body["orderStatus"] = body.get("orderStatus") or "B"
            body.setdefault("approvalStatus", "2" if body["orderStatus"] == "B" else "1")
            for ln in rec.lines("item"):
                ln.update(quantityReceived=0, quantityBilled=0)
        else:
            received = {ln["line"]: num(ln.get("quantityReceived")) for ln in old.lines("item")}
            for i, ln in enumerate(rec.lines("item")):
                if num(ln.get("quantity")) + _EPS < received.get(ln["line"], 0.0):
                    raise user_error(
                        "The quantity cannot be less than the quantity already received.",
                        path=f"item.items[{i}].quantity",
                    )
        if body.get("orderStatus") == "B" and body.get("approvalStatus") == "1":
            body["approvalStatus"] = "2"
        entity_transaction(ctx, rec, old, ("item", "expense"))
        body["status"] = po_status(body)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """An order with receipts or bills cannot be deleted."""
        if any(num(ln.get("quantityReceived")) or num(ln.get("quantityBilled")) for ln in rec.lines("item")):
            raise user_error("This record cannot be deleted because it has dependent records.")


def _refresh_source(ctx: Ctx, src: Rec, before: dict[str, Any]) -> None:
    if src.rtype.name == "purchaseOrder":
        src.body["status"] = po_status(src.body)
        ctx.engine.store(ctx, src, header_changed=False)
    elif src.rtype.name == "returnAuthorization":
        src.body["status"] = rma_status(src.body)
        ctx.engine.store(ctx, src, header_changed=False)
    elif src.rtype.name == "salesOrder":
        refresh_sales_order(ctx, src, before)


@register("itemReceipt")
class ItemReceiptRules(Rules):
    """Receipts of purchase orders and returns: stock comes in (lots created by receiptInventoryNumber)."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Period; quantities are fixed once received."""
        if old is not None:
            for ln, was in zip(rec.lines("item"), old.lines("item"), strict=False):
                if ln.get("quantity") != was.get("quantity") or ln.get("inventoryDetail") != was.get(
                    "inventoryDetail"
                ):
                    raise user_error(
                        "Received quantities cannot be changed; delete the receipt and receive again.",
                        path="item",
                    )
        transaction_defaults(ctx, rec, old)
        assign_period(ctx, rec, old)

    def apply(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Put the received quantities into stock."""
        if old is None:
            ship_lines(ctx, rec, +1)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Take the stock back out (refused when it has been consumed) and reopen the source lines."""
        check_not_in_closed_period(ctx, rec)
        ship_lines(ctx, rec, -1)
        src = rec_of(ctx, rec.body.get("createdFrom"), "transaction")
        if src is not None:
            before = copy.deepcopy(src.body)
            by_line = {ln["line"]: ln for ln in src.lines("item")}
            for ln in rec.lines("item"):
                s = by_line.get(ln.get("orderLine"))
                if s is not None:
                    s["quantityReceived"] = max(0.0, num(s.get("quantityReceived")) - num(ln.get("quantity")))
            _refresh_source(ctx, src, before)


@register("vendorBill")
class VendorBillRules(Rules):
    """Vendor bills (approval 1/2/3), open balance reduced by payments and credits."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Defaults, scope, currency, totals, period, balance."""
        body = rec.body
        if old is None and not body.get("approvalStatus"):
            # Accounting Preferences > Approval Routing > Vendor Bills: with routing on, a new bill waits for
            # approval (and cannot be paid until then); without it, bills are approved when saved.
            body["approvalStatus"] = "1" if ctx.prefs.get("vendorBillApprovalRouting") else "2"
        body.setdefault("approvalStatus", "2")
        entity_transaction(ctx, rec, old, ("item", "expense"))
        if (
            old is not None
            and num(old.body.get("amountPaid")) > 0
            and body.get("total") != old.body.get("total")
        ):
            raise user_error("You cannot change the amount of a bill that has payments applied.", path="item")
        assign_period(ctx, rec, old)
        body["amountRemaining"] = round(num(body.get("total")) - num(body.get("amountPaid")), 2)
        body["balance"] = body["amountRemaining"]
        body["status"] = (
            "D" if body["approvalStatus"] == "1" else ("B" if body["amountRemaining"] <= _EPS else "A")
        )

    def apply(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """An edit that changes the lines billed from the purchase order moves the PO's billed quantities with it.

        NetSuite links a bill to its PO through the item lines' orderDoc/orderLine: replacing those lines (as an AP
        sync does when the bill was edited there, seeds/002) unlinks the bill, and the PO is billable again."""
        if old is None:
            return  # a bill transformed from the PO booked its quantities in the transform
        src = rec_of(ctx, rec.body.get("createdFrom"), "transaction")
        if src is None or src.rtype.name != "purchaseOrder":
            return
        was, now = _billed_from(old, src.id), _billed_from(rec, src.id)
        if was == now:
            return
        before = copy.deepcopy(src.body)
        for ln in src.lines("item"):
            delta = now.get(ln["line"], 0.0) - was.get(ln["line"], 0.0)
            if delta:
                ln["quantityBilled"] = max(0.0, num(ln.get("quantityBilled")) + delta)
        _refresh_source(ctx, src, before)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Refuse with payments or in a closed period; give the PO its billed quantities back."""
        check_not_in_closed_period(ctx, rec)
        if num(rec.body.get("amountPaid")) > 0:
            raise user_error("This record cannot be deleted because it has dependent records (payments).")
        src = rec_of(ctx, rec.body.get("createdFrom"), "transaction")
        if src is not None and src.rtype.name == "purchaseOrder":
            before = copy.deepcopy(src.body)
            by_line = {ln["line"]: ln for ln in src.lines("item")}
            for ln in rec.lines("item"):
                s = by_line.get(ln.get("orderLine"))
                if s is not None:
                    s["quantityBilled"] = max(0.0, num(s.get("quantityBilled")) - num(ln.get("quantity")))
            _refresh_source(ctx, src, before)


def _billed_from(bill: Rec, po_id: int) -> dict[Any, float]:
    """Quantity per PO line that ``bill``'s item lines bill from purchase order ``po_id``."""
    out: dict[Any, float] = {}
    for ln in bill.lines("item"):
        doc = ln.get("orderDoc")
        if isinstance(doc, dict) and str(doc.get("id")) == str(po_id) and ln.get("orderLine") is not None:
            out[ln["orderLine"]] = out.get(ln["orderLine"], 0.0) + num(ln.get("quantity"))
    return out


@register("vendorPayment")
class VendorPaymentRules(ApplyingRules):
    """Bill payments."""


@register("vendorCredit")
class VendorCreditRules(ApplyingRules):
    """Vendor credits (bill credit notes), optionally applied to bills."""
