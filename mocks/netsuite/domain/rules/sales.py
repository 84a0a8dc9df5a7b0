"""Order to cash: sales orders (statuses A..H), fulfilments, invoices, cash sales, returns, payments."""

from __future__ import annotations

from typing import Any

from ...errors import user_error
from .. import inventory
from ..records import Ctx, Rec
from ..values import num, ref_id
from .applications import check_applications, post_applications
from .base import Rules, register
from .periods import assign_period, check_not_in_closed_period
from .references import rec_of
from .transactions import entity_transaction, line_location, transaction_defaults

#: Item types whose lines are fulfilled (physical); the others never reach a warehouse. A kit line is
#: fulfilled as its member components (see kits.py).
FULFILLABLE = {"InvtPart", "Assembly", "Kit"}
SO_STATUS_LABELS = {
    "A": "Pending Approval",
    "B": "Pending Fulfillment",
    "C": "Cancelled",
    "D": "Partially Fulfilled",
    "E": "Pending Billing/Partially Fulfilled",
    "F": "Pending Billing",
    "G": "Billed",
    "H": "Closed",
}
_EPS = 1e-9


def fulfillable(line: dict[str, Any]) -> bool:
    """True for lines of physical items (inventory, assembly)."""
    return line.get("itemType") in FULFILLABLE


def so_status(body: dict[str, Any]) -> str:
    """The sales order status letter derived from approval, closure, fulfilment and billing."""
    if body.get("status") == "C":
        return "C"
    lines = [ln for ln in body.get("item") or [] if ln.get("itemType") not in ("Discount", "TaxItem")]
    if body.get("orderStatus", "A") == "A":
        return "A"
    open_lines = [ln for ln in lines if not ln.get("isClosed")]
    billed_all = all(
        num(ln.get("quantityBilled")) >= num(ln.get("quantity")) - _EPS for ln in lines
    ) and bool(lines)
    if not open_lines:
        return "G" if billed_all and any(num(ln.get("quantityBilled")) > 0 for ln in lines) else "H"
    phys = [ln for ln in open_lines if fulfillable(ln)]
    fulfilled_all = all(num(ln.get("quantityFulfilled")) >= num(ln.get("quantity")) - _EPS for ln in phys)
    if fulfilled_all:
        return "G" if billed_all else "F"
    if any(num(ln.get("quantityFulfilled")) > 0 for ln in phys):
        pending_billing = any(
            num(ln.get("quantityFulfilled")) > num(ln.get("quantityBilled")) + _EPS for ln in phys
        )
        return "E" if pending_billing else "D"
    return "B"


def commitment_of(body: dict[str, Any], header_location: str | None) -> dict[tuple[int, int], float]:
    """What an approved, open sales order commits: open unfulfilled quantity per (item, location)."""
    out: dict[tuple[int, int], float] = {}
    if body.get("orderStatus", "A") != "B" or body.get("status") in ("C", "H", "G"):
        return out
    for ln in body.get("item") or []:
        # A kit holds no stock: its members' commitment is not modelled (a kit line commits nothing).
        if not fulfillable(ln) or ln.get("isClosed") or ln.get("itemType") == "Kit":
            continue
        loc = ref_id(ln.get("location")) or header_location
        item = ref_id(ln.get("item"))
        if not loc or not item:
            continue
        remaining = num(ln.get("quantity")) - num(ln.get("quantityFulfilled"))
        if remaining > _EPS:
            key = (int(item), int(loc))
            out[key] = out.get(key, 0.0) + remaining
    return out


def _sync_commitments(ctx: Ctx, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    old = commitment_of(before, ref_id(before.get("location"))) if before else {}
    new = commitment_of(after, ref_id(after.get("location")))
    for key in set(old) | set(new):
        inventory.commit(ctx, key[0], key[1], new.get(key, 0.0) - old.get(key, 0.0))


def derive_so(body: dict[str, Any]) -> None:
    """Status and the per-line read-only quantities (open, committed)."""
    body["status"] = so_status(body)
    for ln in body.get("item") or []:
        ln["isOpen"] = not ln.get("isClosed") and body["status"] not in ("C", "H", "G")
        open_qty = max(0.0, num(ln.get("quantity")) - num(ln.get("quantityFulfilled")))
        ln["quantityCommitted"] = (
            open_qty
            if ln["isOpen"]
            and fulfillable(ln)
            and body.get("orderStatus") == "B"
            and ln.get("itemType") != "Kit"
            else 0
        )


def refresh_sales_order(ctx: Ctx, so: Rec, before: dict[str, Any]) -> None:
    """Recompute a sales order's status and commitments after a linked transaction changed it."""
    derive_so(so.body)
    _sync_commitments(ctx, before, so.body)
    ctx.engine.store(ctx, so, header_changed=False)


@register("salesOrder")
class SalesOrderRules(Rules):
    """Approval, cancel only while pending approval, only line closing after approval."""

    _LOCKED_AFTER_APPROVAL = {"entity", "currency", "subsidiary"}

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Defaults, status machine and edit restrictions."""
        body = rec.body
        if old is None:
            body["orderStatus"] = body.get("orderStatus") or "A"
            if body["orderStatus"] not in ("A", "B"):
                raise user_error(
                    "A new sales order can only be Pending Approval (A) or Pending Fulfillment (B).",
                    path="orderStatus",
                )
            for ln in rec.lines("item"):
                ln.update(quantityFulfilled=0, quantityBilled=0, isClosed=bool(ln.get("isClosed", False)))
        else:
            self._check_edit(rec, old)
        entity_transaction(ctx, rec, old)
        for ln in rec.lines("item"):
            if fulfillable(ln) and not line_location(rec, ln) and body.get("orderStatus") == "B":
                ln.setdefault("location", body.get("location"))
        derive_so(body)

    def _check_edit(self, rec: Rec, old: Rec) -> None:
        body, prev = rec.body, old.body
        state = prev.get("status", "A")
        if state in ("C",):
            raise user_error("You cannot edit a cancelled sales order.")
        wanted = body.get("orderStatus")
        if wanted == "C" or body.get("status") == "C" and prev.get("status") != "C":
            if state != "A":
                raise user_error(
                    "This sales order has been approved and cannot be cancelled. Close its lines instead.",
                    path="orderStatus",
                )
            body["orderStatus"] = "A"
            body["status"] = "C"
            return
        if prev.get("orderStatus") == "B" and wanted == "A":
            if any(num(ln.get("quantityFulfilled")) > 0 for ln in prev.get("item") or []):
                raise user_error(
                    "You cannot reset the approval of a sales order that has been fulfilled.",
                    path="orderStatus",
                )
        if prev.get("orderStatus") == "B" and wanted != "A":
            self._check_approved_edit(rec, old)

    def _check_approved_edit(self, rec: Rec, old: Rec) -> None:
        """What NetSuite refuses on an approved order: only what contradicts its fulfilments and bills.

        An approved (Pending Fulfillment) order takes new lines, quantity and rate changes and the removal
        of lines nothing has been fulfilled or billed from. A line cannot drop below what was fulfilled or
        billed, a fulfilled line keeps its item, and once the order is billed or closed its fulfilled lines are
        frozen. The wording of these refusals is not in any public source; they follow the UI's rules.
        """
        body, prev = rec.body, old.body
        before = {ln["line"]: ln for ln in prev.get("item") or []}
        done = any(
            num(ln.get("quantityFulfilled")) or num(ln.get("quantityBilled")) for ln in before.values()
        )
        if done:
            for name in self._LOCKED_AFTER_APPROVAL:
                if body.get(name) != prev.get(name):
                    raise user_error(
                        f"You cannot change {name} on a sales order that has been fulfilled or billed.",
                        path=name,
                    )
        kept = {ln["line"] for ln in rec.lines("item")}
        for number, was in before.items():
            if number not in kept and (num(was.get("quantityFulfilled")) or num(was.get("quantityBilled"))):
                raise user_error(
                    f"Line {number} has been fulfilled or billed and cannot be removed.", path="item"
                )
        frozen = prev.get("status") in ("G", "H")
        for i, ln in enumerate(rec.lines("item")):
            was = before.get(ln["line"])
            if was is None:
                ln.update(quantityFulfilled=0, quantityBilled=0, isClosed=bool(ln.get("isClosed", False)))
                continue
            fulfilled, billed = num(was.get("quantityFulfilled")), num(was.get("quantityBilled"))
            if frozen and fulfilled > 0:
                for key in ("item", "quantity", "rate", "amount", "location"):
                    if ln.get(key) != was.get(key):
                        raise user_error(
                            f"You cannot change line {ln['line']} of a "
                            f"{'billed' if prev.get('status') == 'G' else 'closed'} sales order: "
                            "it has been fulfilled.",
                            path=f"item.items[{i}].{key}",
                        )
            floor = max(fulfilled, billed)
            if num(ln.get("quantity")) + _EPS < floor:
                what = "fulfilled" if fulfilled >= billed else "billed"
                raise user_error(
                    f"You cannot reduce the quantity of line {ln['line']} below its {what} quantity "
                    f"({inventory.fmt_qty(floor)}).",
                    path=f"item.items[{i}].quantity",
                )
            if (fulfilled or billed) and ref_id(ln.get("item")) != ref_id(was.get("item")):
                raise user_error(
                    f"You cannot change the item of line {ln['line']}: it has been fulfilled or billed.",
                    path=f"item.items[{i}].item",
                )

    def apply(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Keep committed quantities in step with the order."""
        _sync_commitments(ctx, old.body if old else None, rec.body)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """An order with fulfilments or bills cannot be deleted; its commitments are released."""
        if any(num(ln.get("quantityFulfilled")) or num(ln.get("quantityBilled")) for ln in rec.lines("item")):
            raise user_error("This record cannot be deleted because it has dependent records.")
        _sync_commitments(ctx, rec.body, {"item": []})


def _so_of(ctx: Ctx, rec: Rec) -> Rec | None:
    src = rec_of(ctx, rec.body.get("createdFrom"), "transaction")
    return src if src is not None and src.rtype.name == "salesOrder" else None


@register("itemFulfillment")
class ItemFulfillmentRules(Rules):
    """Ship status A/B/C; stock leaves the location when the fulfilment is shipped."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Ship status transitions and the posting period."""
        body = rec.body
        body.setdefault("shipStatus", ctx.prefs.get("defaultShipStatus", "C"))
        if old is not None:
            order = "ABC"
            if (
                order.index(body["shipStatus"]) < order.index(old.body.get("shipStatus", "A"))
                and old.body.get("shipStatus") == "C"
            ):
                raise user_error(
                    "A shipped item fulfillment cannot be moved back to Picked or Packed.", path="shipStatus"
                )
            for ln, was in zip(rec.lines("item"), old.lines("item"), strict=False):
                if ln.get("quantity") != was.get("quantity") and old.body.get("shipStatus") == "C":
                    raise user_error(
                        "You cannot change quantities on a shipped item fulfillment.", path="item"
                    )
        body["status"] = body["shipStatus"]
        transaction_defaults(ctx, rec, old)
        assign_period(ctx, rec, old)

    def apply(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Move stock out when the status becomes Shipped."""
        shipped_now = rec.body.get("shipStatus") == "C"
        shipped_before = old is not None and old.body.get("shipStatus") == "C"
        if shipped_now and not shipped_before:
            ship_lines(ctx, rec, -1)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Deleting a fulfilment returns its stock and reopens the sales order lines."""
        check_not_in_closed_period(ctx, rec)
        if rec.body.get("shipStatus") == "C":
            ship_lines(ctx, rec, +1)
        so = _so_of(ctx, rec)
        if so is not None:
            before = _copy(so.body)
            by_line = {ln["line"]: ln for ln in so.lines("item")}
            for ln in rec.lines("item"):
                src = by_line.get(ln.get("orderLine"))
                if src is not None:
                    src["quantityFulfilled"] = max(
                        0.0, num(src.get("quantityFulfilled")) - num(ln.get("quantity"))
                    )
            refresh_sales_order(ctx, so, before)


def ship_lines(ctx: Ctx, rec: Rec, sign: int) -> None:
    """Move every line's quantity out of (sign -1) or back into (+1) its location, with lot/bin detail."""
    for i, ln in enumerate(rec.lines("item")):
        item = rec_of(ctx, ln.get("item"), "item")
        loc = line_location(rec, ln)
        if item is None or not inventory.is_inventory_item(item):
            continue
        if loc is None:
            raise user_error("Please enter value(s) for: Location.", path=f"item.items[{i}].location")
        inventory.apply_detail(
            ctx, item, loc, sign * num(ln.get("quantity")), ln.get("inventoryDetail"), f"item.items[{i}]"
        )


def _copy(body: dict[str, Any]) -> dict[str, Any]:
    import copy

    return copy.deepcopy(body)


class _SaleRules(Rules):
    """Invoices and cash sales: billed from an order, or standalone (then stock ships with them)."""

    stock_sign = -1

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Defaults, scope, currency, totals, period."""
        entity_transaction(ctx, rec, old)
        assign_period(ctx, rec, old)
        if rec.rtype.name == "invoice":
            paid = num(rec.body.get("amountPaid"))
            rec.body["amountRemaining"] = round(num(rec.body.get("total")) - paid, 2)
            rec.body["status"] = "B" if rec.body["amountRemaining"] <= _EPS else "A"
        elif rec.rtype.name == "creditMemo":
            applied = num(rec.body.get("applied"))
            rec.body["amountRemaining"] = round(num(rec.body.get("total")) - applied, 2)
            rec.body["status"] = "B" if rec.body["amountRemaining"] <= _EPS else "A"
        else:
            rec.body.setdefault("status", "B" if rec.rtype.name == "cashSale" else "A")

    def apply(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Standalone sales ship (and refunds return) their inventory lines at once."""
        if old is None and _moves_stock(ctx, rec):
            ship_lines(ctx, rec, self.stock_sign)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Refuse in closed periods; undo stock and the source order's billing."""
        check_not_in_closed_period(ctx, rec)
        if num(rec.body.get("amountPaid")) > 0:
            raise user_error("This record cannot be deleted because it has dependent records (payments).")
        if _moves_stock(ctx, rec):
            ship_lines(ctx, rec, -self.stock_sign)
            sale = rec_of(ctx, rec.body.get("createdFrom"), "transaction")
            if sale is not None:
                from ..payment_transforms import book_refund

                book_refund(ctx, sale, rec, -1)
            return
        src = rec_of(ctx, rec.body.get("createdFrom"), "transaction")
        if src is not None and src.rtype.name == "salesOrder":
            before = _copy(src.body)
            by_line = {ln["line"]: ln for ln in src.lines("item")}
            for ln in rec.lines("item"):
                so_line = by_line.get(ln.get("orderLine"))
                if so_line is not None:
                    so_line["quantityBilled"] = max(
                        0.0, num(so_line.get("quantityBilled")) - num(ln.get("quantity"))
                    )
            refresh_sales_order(ctx, src, before)


def _moves_stock(ctx: Ctx, rec: Rec) -> bool:
    """Standalone sales and refunds move their own stock, and so does a cash refund of a cash sale (nothing
    else brings the goods back); those billed from an order or credited from a return do not."""
    if rec.body.get("createdFrom") is None:
        return True
    src = rec_of(ctx, rec.body.get("createdFrom"), "transaction")
    return rec.rtype.name == "cashRefund" and src is not None and src.rtype.name == "cashSale"


@register("invoice", "cashSale")
class InvoiceRules(_SaleRules):
    """Invoices and cash sales."""


@register("cashRefund")
class RefundRules(_SaleRules):
    """Cash refunds and credit memos: standalone ones put returned inventory back."""

    stock_sign = +1


@register("creditMemo")
class CreditMemoRules(RefundRules):
    """Credit memos: applied to the customer's open invoices, at once or in instalments."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Totals, then the applications within the credit's amount."""
        super().prepare(ctx, rec, old)
        applied = check_applications(ctx, rec, old, "entity", "invoice")
        total = num(rec.body.get("total"))
        if applied - total > 0.005:
            raise user_error(
                f"The total applied ({applied:.2f}) exceeds the amount ({total:.2f}).", path="apply"
            )
        rec.body["applied"] = round(applied, 2)
        rec.body["amountRemaining"] = round(total - applied, 2)
        rec.body["status"] = "B" if rec.body["amountRemaining"] <= _EPS else "A"

    def apply(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Stock for standalone credits, then the invoices' balances."""
        super().apply(ctx, rec, old)
        post_applications(ctx, rec, old)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Reopen the invoices it credited."""
        super().before_delete(ctx, rec)
        post_applications(ctx, None, rec)


@register("returnAuthorization")
class ReturnAuthorizationRules(Rules):
    """Return authorisations: A pending approval, B pending receipt, then received and refunded."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Defaults and status from received / credited quantities."""
        entity_transaction(ctx, rec, old)
        body = rec.body
        body["orderStatus"] = body.get("orderStatus") or "A"
        for ln in rec.lines("item"):
            ln.setdefault("quantityReceived", 0)
            ln.setdefault("quantityBilled", 0)
        body["status"] = rma_status(body)


def rma_status(body: dict[str, Any]) -> str:
    """A Pending Approval, B Pending Receipt, D Partially Received, F Pending Refund, G Refunded."""
    if body.get("orderStatus", "A") == "A":
        return "A"
    lines = [ln for ln in body.get("item") or [] if ln.get("itemType") not in ("Discount", "TaxItem")]
    credited = all(num(ln.get("quantityBilled")) >= num(ln.get("quantity")) - _EPS for ln in lines)
    if lines and credited:
        return "G"
    phys = [ln for ln in lines if fulfillable(ln)]
    received = all(num(ln.get("quantityReceived")) >= num(ln.get("quantity")) - _EPS for ln in phys)
    if received:
        return "F"
    if any(num(ln.get("quantityReceived")) > 0 for ln in phys):
        return "D"
    return "B"


class ApplyingRules(Rules):
    """Payments and credits applied to open documents of the same entity (invoices, bills)."""

    entity_field = "entity"
    doc_type = "vendorBill"
    amount_field = "total"
    default_status = "A"

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Validate the applications against the documents' open balances (edits and instalments included)."""
        lined = [s for s in ("item", "expense") if s in rec.rtype.sublists]
        entity_transaction(ctx, rec, old, tuple(lined), self.entity_field)
        assign_period(ctx, rec, old)
        applied = check_applications(ctx, rec, old, self.entity_field, self.doc_type)
        amount = num(rec.body.get(self.amount_field))
        if self.amount_field == "total" and not lined and not amount:
            amount = round(applied, 2)  # a bill payment's amount is what it applies
        if amount <= 0:
            raise user_error("The amount must be greater than zero.", path=self.amount_field)
        if applied - amount > 0.005:
            raise user_error(
                f"The total applied ({applied:.2f}) exceeds the amount ({amount:.2f}).", path="apply"
            )
        rec.body["applied"] = round(applied, 2)
        rec.body["unapplied"] = round(amount - applied, 2)
        rec.body["total"] = amount
        rec.body.setdefault("status", self.default_status)

    def apply(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Move the documents' open balances by what changed."""
        post_applications(ctx, rec, old)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Deleting reopens the documents it paid."""
        check_not_in_closed_period(ctx, rec)
        post_applications(ctx, None, rec)


@register("customerPayment")
class CustomerPaymentRules(ApplyingRules):
    """Customer payments applied to open invoices of the same customer."""

    entity_field = "customer"
    doc_type = "invoice"
    amount_field = "payment"
    default_status = "B"
