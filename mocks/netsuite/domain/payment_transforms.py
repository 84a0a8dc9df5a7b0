"""More ``!transform`` pairs: invoice -> customerPayment, vendorBill -> vendorPayment (pay the open balance),
salesOrder -> returnAuthorization (authorise the return of what shipped), cashSale -> cashRefund.

They follow the transforms of transforms.py: 204 and the new record's Location, the body overriding
header fields and lines (sale lines keyed by ``orderLine``, payment applications by ``doc``).
No public source gives NetSuite's words when the source cannot be transformed (a paid invoice, a bill
pending approval); the refusals follow the wording of the existing transforms ("You cannot <verb> a <record>
that is <status>.").
"""

from __future__ import annotations

import copy
from typing import Any

from ..errors import user_error
from .records import Ctx, Rec
from .recordtypes import RecordType
from .render import ENUM_LABELS
from .rules.sales import fulfillable
from .transforms import TRANSFORMS, Built, _header, _overrides, _pick_lines, _target_line
from .values import num

_EPS = 1e-9
#: Hidden line keys (never rendered: NetSuite shows no such fields) counting what was already authorised for
#: return on an order line and refunded on a cash sale line, so a second transform takes only the rest.
RETURNED, REFUNDED = "_quantityReturned", "_quantityRefunded"


def _label(src: Rec) -> str:
    status = str(src.body.get("status") or "")
    return ENUM_LABELS.get(f"{src.rtype.name}.status", {}).get(status, status).lower()


def _nothing(ctx: Ctx, src: Rec, target: Rec) -> None:
    """These transforms book nothing on the source: the target's own rules update it (applications)."""


def _pay(entity_field: str, verb: str) -> Any:
    """A builder that applies a payment to the source document's open balance."""

    def build(ctx: Ctx, src: Rec, target: RecordType, payload: dict[str, Any]) -> Built:
        if src.body.get("status") != "A" or src.body.get("voided"):
            raise user_error(
                f"You cannot {verb} {'an' if src.rtype.name == 'invoice' else 'a'} "
                f"{'invoice' if src.rtype.name == 'invoice' else 'bill'} that is {_label(src)}."
            )
        due = round(num(src.body.get("amountRemaining", src.body.get("total"))), 2)
        header, raw = ctx.engine.parse_fields(
            target, target.fields, payload, "", strict=ctx.strict_names, sublists=target.sublists
        )
        body: dict[str, Any] = {entity_field: src.body.get("entity")}
        for key in ("subsidiary", "currency", "exchangeRate", "department", "class", "location"):
            if src.body.get(key) is not None and key in target.fields:
                body[key] = src.body[key]
        body.update({k: v for k, v in header.items() if v is not None})
        amount = num(body.get("payment")) if "payment" in body else due
        sent = (
            ctx.engine.parse_lines(target, "apply", raw["apply"], strict=ctx.strict_names)
            if "apply" in raw
            else []
        )
        mine = [ln for ln in sent if str((ln.get("doc") or {}).get("id")) == str(src.id)]
        apply_line = {"doc": {"id": str(src.id)}, "apply": True, "amount": round(min(amount, due), 2)}
        if mine:
            apply_line.update({k: v for k, v in mine[0].items() if k != "line"})
        others = [{k: v for k, v in ln.items() if k != "line"} for ln in sent if ln not in mine]
        body["apply"] = [{**ln, "line": i + 1} for i, ln in enumerate([apply_line, *others])]
        if "payment" in target.fields and "payment" not in body:
            body["payment"] = amount
        return body, _nothing

    return build


def _returnable(ln: dict[str, Any]) -> float:
    """What can come back on an order line: what shipped (physical lines) or what was billed (the others)."""
    done = num(ln.get("quantityFulfilled")) if fulfillable(ln) else num(ln.get("quantityBilled"))
    return done - num(ln.get(RETURNED))


def _authorize_return(ctx: Ctx, src: Rec, target: RecordType, payload: dict[str, Any]) -> Built:
    if str(src.body.get("status") or "") not in ("D", "E", "F", "G"):
        raise user_error(f"You cannot authorize a return for a sales order that is {_label(src)}.")
    taken = _pick_lines(src, _overrides(ctx, target, payload), _returnable, "return")
    body = _header(ctx, src, target, payload)
    lines = []
    for i, (ln, qty, ov) in enumerate(taken):
        line = _target_line(ln, qty, ov, src)
        line.pop("itemReceive", None)
        lines.append({**line, "line": i + 1})
    body["item"] = lines
    return body, _book_returned


def _book_returned(ctx: Ctx, so: Rec, rma: Rec) -> None:
    """Remember what was authorised for return on the order's lines (a second RMA takes only the rest)."""
    by_line = {ln["line"]: ln for ln in so.lines("item")}
    for ln in rma.lines("item"):
        s = by_line.get(ln.get("orderLine"))
        if s is not None:
            s[RETURNED] = num(s.get(RETURNED)) + num(ln.get("quantity"))
    ctx.engine.store(ctx, so, header_changed=False)


def _refundable(ln: dict[str, Any]) -> float:
    return num(ln.get("quantity")) - num(ln.get(REFUNDED))


def _refund_cash_sale(ctx: Ctx, src: Rec, target: RecordType, payload: dict[str, Any]) -> Built:
    if src.body.get("voided"):
        raise user_error("You cannot refund a cash sale that is voided.")
    taken = _pick_lines(src, _overrides(ctx, target, payload), _refundable, "refund")
    body = _header(ctx, src, target, payload)
    for key in ("account", "paymentMethod"):
        if src.body.get(key) is not None and key not in body:
            body[key] = src.body[key]
    lines = []
    for i, (ln, qty, ov) in enumerate(taken):
        line = _target_line(ln, qty, ov, src)
        line.pop("itemReceive", None)
        lines.append({**line, "line": i + 1})
    body["item"] = lines
    return body, _book_refunded


def _book_refunded(ctx: Ctx, sale: Rec, refund: Rec) -> None:
    book_refund(ctx, sale, refund, +1)


def book_refund(ctx: Ctx, sale: Rec, refund: Rec, sign: int) -> None:
    """Add (or, sign -1, take back) a refund's quantities on the cash sale's lines."""
    before = copy.deepcopy(sale.body)
    by_line = {ln["line"]: ln for ln in sale.lines("item")}
    for ln in refund.lines("item"):
        s = by_line.get(ln.get("orderLine"))
        if s is not None:
            s[REFUNDED] = max(0.0, num(s.get(REFUNDED)) + sign * num(ln.get("quantity")))
    if sale.body != before:
        ctx.engine.store(ctx, sale, header_changed=False)


TRANSFORMS.update(
    {
        ("invoice", "customerPayment"): _pay("customer", "accept a payment for"),
        ("vendorBill", "vendorPayment"): _pay("entity", "pay"),
        ("salesOrder", "returnAuthorization"): _authorize_return,
        ("cashSale", "cashRefund"): _refund_cash_sale,
    }
)
