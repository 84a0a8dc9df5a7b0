"""``!transform``: build a new transaction from a source one (fulfil, bill, receive, credit, build).

Each builder returns the new record's body (lines keyed to the source by ``orderLine``) and a
callback that books the new quantities on the source once the target has been saved.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import no_valid_line_item, user_error
from . import fulfil
from .inventory import fmt_qty
from .kits import expand_kits
from .records import Ctx, Rec
from .recordtypes import RecordType
from .rules.purchasing import po_status
from .rules.sales import fulfillable, refresh_sales_order, rma_status
from .rules.stock import workorder_status
from .values import num

_EPS = 1e-9
#: A built body plus the callback that updates the source after the target is saved.
Built = tuple[dict[str, Any], Callable[[Ctx, Rec, Rec], None]]


def _overrides(
    ctx: Ctx, target: RecordType, payload: dict[str, Any], sublist: str = "item"
) -> dict[int, dict[str, Any]]:
    raw = payload.get(sublist)
    if raw is None:
        return {}
    lines = ctx.engine.parse_lines(target, sublist, raw, strict=ctx.strict_names)
    out: dict[int, dict[str, Any]] = {}
    for i, ln in enumerate(lines):
        order_line = ln.get("orderLine", ln.get("line"))
        if order_line is None:
            raise user_error(
                "Invalid sublist or line item operation: identify lines by orderLine.",
                path=f"{sublist}.items[{i}].orderLine",
            )
        out[int(order_line)] = {**ln, "_index": i}
    return out


def _header(
    ctx: Ctx, src: Rec, target: RecordType, payload: dict[str, Any], entity_field: str = "entity"
) -> dict[str, Any]:
    parsed, _ = ctx.engine.parse_fields(
        target, target.fields, payload, "", strict=ctx.strict_names, sublists=target.sublists
    )
    body: dict[str, Any] = {"createdFrom": {"id": str(src.id)}}
    for key in ("subsidiary", "currency", "exchangeRate", "department", "class"):
        if src.body.get(key) is not None:
            body[key] = src.body[key]
    if src.body.get(entity_field) is not None and entity_field in target.fields:
        body[entity_field] = src.body[entity_field]
    if "location" in target.fields and src.body.get("location"):
        body["location"] = src.body["location"]
    body.update({k: v for k, v in parsed.items() if v is not None})
    return body


def _pick_lines(
    src: Rec,
    overrides: dict[int, dict[str, Any]],
    remaining: Callable[[dict[str, Any]], float],
    verb: str,
    *,
    only_sent: bool = False,
    cap: Callable[[dict[str, Any]], float] | None = None,
) -> list[tuple[dict[str, Any], float, dict[str, Any]]]:
    """(source line, quantity, override) for every line taken; refuses over-quantities and unknown lines.

    ``only_sent`` (``?replace=item``): the lines the body does not name are dropped, as a replaced keyed
    sublist drops unmatched lines. ``cap``: the committed quantity of a line (Limit to Committed).
    """
    by_line = {ln["line"]: ln for ln in src.lines("item")}
    for order_line, ov in overrides.items():
        if order_line not in by_line:
            raise user_error(
                f"Invalid sublist or line item operation: the source has no line {order_line}.",
                path=f"item.items[{ov['_index']}].orderLine",
            )
    taken = []
    for line_no, ln in by_line.items():
        if only_sent and line_no not in overrides:
            continue
        ov = overrides.get(line_no, {})
        rem = remaining(ln)
        if cap is not None and rem > _EPS:
            committed = cap(ln)
            if (
                "quantity" in ov
                and num(ov["quantity"]) - committed > _EPS
                and num(ov["quantity"]) - rem <= _EPS
            ):
                raise fulfil.over_committed(line_no, committed, ov["_index"])
            if "quantity" not in ov:
                rem = committed
        receive = ov.get("itemReceive", True)
        if receive is False:
            continue
        if rem <= _EPS:
            if ov and "quantity" in ov and num(ov["quantity"]) > 0:
                raise user_error(
                    f"Line {line_no} has nothing left to {verb}.", path=f"item.items[{ov['_index']}].quantity"
                )
            continue
        qty = num(ov["quantity"]) if "quantity" in ov else rem
        if qty - rem > _EPS:
            raise user_error(
                f"You cannot {verb} more than the remaining quantity ({fmt_qty(rem)}) on line {line_no}.",
                path=f"item.items[{ov['_index']}].quantity",
            )
        if qty <= _EPS:
            continue
        taken.append((ln, qty, ov))
    if not taken:
        raise no_valid_line_item()
    return taken


def _target_line(src_line: dict[str, Any], qty: float, ov: dict[str, Any], src: Rec) -> dict[str, Any]:
    line: dict[str, Any] = {
        "orderLine": src_line["line"],
        "item": src_line["item"],
        "quantity": qty,
        "itemReceive": True,
    }
    loc = ov.get("location") or src_line.get("location") or src.body.get("location")
    if loc:
        line["location"] = loc
    for key in ("rate", "description", "department", "class"):
        if src_line.get(key) is not None:
            line[key] = src_line[key]
    if src_line.get("itemType"):
        line["itemType"] = src_line["itemType"]
    if ov.get("inventoryDetail"):
        line["inventoryDetail"] = ov["inventoryDetail"]
    return line


def other_sublists(ctx: Ctx, target: RecordType, payload: dict[str, Any], skip: set[str]) -> dict[str, Any]:
    """Every other sublist a transform body sends (a fulfilment's ``package`` tracking lines...), stored as sent.

    The transform body is applied to the new record like a create body, so its sublists are kept; lines are
    numbered from 1 as on a create.
    """
    out: dict[str, Any] = {}
    for name in target.sublists:
        if name in skip or payload.get(name) is None:
            continue
        lines = ctx.engine.parse_lines(target, name, payload[name], strict=ctx.strict_names)
        out[name] = [
            {**{k: v for k, v in ln.items() if v is not None}, "line": i + 1} for i, ln in enumerate(lines)
        ]
    return out


def _require_status(src: Rec, allowed: str, message: str) -> None:
    if str(src.body.get("status", "")) not in allowed or not src.body.get("status"):
        raise user_error(message)


def _book(field: str, refresh: Callable[[Ctx, Rec, dict[str, Any]], None]) -> Callable[[Ctx, Rec, Rec], None]:
    """Add each target line's quantity to ``field`` on its source line, then refresh the source."""

    def _apply(ctx: Ctx, src: Rec, target: Rec) -> None:
        before = copy.deepcopy(src.body)
        by_line = {ln["line"]: ln for ln in src.lines("item")}
        for ln in target.lines("item"):
            s = by_line.get(ln.get("orderLine"))
            if s is not None:
                s[field] = num(s.get(field)) + num(ln.get("quantity"))
        refresh(ctx, src, before)

    return _apply


def _refresh_so(ctx: Ctx, so: Rec, before: dict[str, Any]) -> None:
    refresh_sales_order(ctx, so, before)


def _refresh_po(ctx: Ctx, po: Rec, before: dict[str, Any]) -> None:
    po.body["status"] = po_status(po.body)
    ctx.engine.store(ctx, po, header_changed=False)


def _refresh_rma(ctx: Ctx, rma: Rec, before: dict[str, Any]) -> None:
    rma.body["status"] = rma_status(rma.body)
    ctx.engine.store(ctx, rma, header_changed=False)


def _so_label(src: Rec) -> str:
    from .rules.sales import SO_STATUS_LABELS

    return SO_STATUS_LABELS.get(src.body.get("status", "A"), "not open").lower()


@dataclass(frozen=True)
class _LineTransform:
    """A transform that takes quantities line by line from the source (fulfil, receive, bill, credit)."""

    statuses: str  # source statuses that allow it
    refusal: Callable[[Rec], str]  # the refusal text otherwise
    remaining: Callable[[dict[str, Any]], float]  # what is left to take on a source line
    verb: str  # for "You cannot <verb> more than ..."
    books: str  # the source line quantity the target adds to
    refresh: Callable[[Ctx, Rec, dict[str, Any]], None]
    moves_stock: bool  # fulfilments / receipts: per-line locations, itemReceive
    order_doc: bool = False  # vendor bill lines point back at the PO
    fulfils: bool = False  # item fulfilments: inventory detail pre-fill, commitment

    def __call__(self, ctx: Ctx, src: Rec, target: RecordType, payload: dict[str, Any]) -> Built:
        """Build the target body and the booking callback."""
        _require_status(src, self.statuses, self.refusal(src))
        cap = fulfil.committed_cap(ctx, src) if self.fulfils else None
        taken = _pick_lines(
            src,
            _overrides(ctx, target, payload),
            self.remaining,
            self.verb,
            only_sent="item" in ctx.replace,
            cap=cap,
        )
        body = _header(ctx, src, target, payload)
        if self.moves_stock:
            body.pop("location", None)
        lines = []
        for i, (ln, qty, ov) in enumerate(taken):
            line = _target_line(ln, qty, ov, src)
            if not self.moves_stock:
                line.pop("itemReceive", None)
            if self.order_doc:
                line["orderDoc"] = {"id": str(src.id)}
            if self.fulfils:
                line.pop("inventoryDetail", None)
                fulfil.fulfil_detail(ctx, line, ov.get("inventoryDetail"), ov.get("_index", i))
            lines.append({**line, "line": i + 1})
        body["item"] = expand_kits(ctx, lines) if self.moves_stock else lines
        body.update(other_sublists(ctx, target, payload, skip={"item"}))
        return body, _book(self.books, self.refresh)


def _open_physical(done_field: str) -> Callable[[dict[str, Any]], float]:
    """Ordered minus done, on open physical lines only (what can still ship or be received)."""
    return lambda ln: (
        0.0
        if not fulfillable(ln) or ln.get("isClosed")
        else num(ln.get("quantity")) - num(ln.get(done_field))
    )


def _billable(done_field: str) -> Callable[[dict[str, Any]], float]:
    """Done (physical lines) or ordered (the others) minus already billed or credited."""

    def remaining(ln: dict[str, Any]) -> float:
        if ln.get("isClosed") and not fulfillable(ln):
            return 0.0
        done = num(ln.get(done_field)) if fulfillable(ln) else num(ln.get("quantity"))
        return done - num(ln.get("quantityBilled"))

    return remaining


_fulfil = _LineTransform(
    "BDEFG",
    lambda src: f"You cannot fulfill a sales order that is {_so_label(src)}.",
    _open_physical("quantityFulfilled"),
    "fulfill",
    "quantityFulfilled",
    _refresh_so,
    True,
    fulfils=True,
)
_bill_so = _LineTransform(
    "BDEFG",
    lambda src: f"You cannot bill a sales order that is {_so_label(src)}.",
    _billable("quantityFulfilled"),
    "bill",
    "quantityBilled",
    _refresh_so,
    False,
)
_receive_po = _LineTransform(
    "BDE",
    lambda _: "You cannot receive a purchase order that is not pending receipt.",
    _open_physical("quantityReceived"),
    "receive",
    "quantityReceived",
    _refresh_po,
    True,
)
_bill_po = _LineTransform(
    "BDEF",
    lambda _: "You cannot bill a purchase order that is not approved or is fully billed.",
    _billable("quantityReceived"),
    "bill",
    "quantityBilled",
    _refresh_po,
    False,
    order_doc=True,
)
_receive_rma = _LineTransform(
    "BD",
    lambda _: "You cannot receive a return authorization that is not pending receipt.",
    _open_physical("quantityReceived"),
    "receive",
    "quantityReceived",
    _refresh_rma,
    True,
)
_credit_rma = _LineTransform(
    "BDF",
    lambda _: "You cannot credit a return authorization that is not approved.",
    _billable("quantityReceived"),
    "credit",
    "quantityBilled",
    _refresh_rma,
    False,
)


def _build_wo(ctx: Ctx, src: Rec, target: RecordType, payload: dict[str, Any]) -> Built:
    if src.body.get("status") not in ("B", "D"):
        raise user_error("You can only build from a released work order that is not fully built.")
    unbuilt = num(src.body.get("quantity")) - num(src.body.get("built"))
    body = _header(ctx, src, target, payload, entity_field="")
    body["item"] = src.body["assemblyItem"]
    qty = num(payload.get("quantity", unbuilt)) if "quantity" in payload else unbuilt
    if qty - unbuilt > _EPS:
        raise user_error(
            f"You cannot build more than the remaining quantity ({fmt_qty(unbuilt)}) of the work order.",
            path="quantity",
        )
    body["quantity"] = qty
    if "component" in payload:
        body["component"] = ctx.engine.parse_lines(
            target, "component", payload["component"], strict=ctx.strict_names
        )
    body.update(other_sublists(ctx, target, payload, skip={"component"}))

    def _after(ctx: Ctx, wo: Rec, build: Rec) -> None:
        wo.body["built"] = num(wo.body.get("built")) + num(build.body.get("quantity"))
        wo.body["unbuilt"] = max(0.0, num(wo.body.get("quantity")) - wo.body["built"])
        wo.body["status"] = workorder_status(wo.body)
        ctx.engine.store(ctx, wo, header_changed=False)

    return body, _after


TRANSFORMS: dict[tuple[str, str], Callable[[Ctx, Rec, RecordType, dict[str, Any]], Built]] = {
    ("salesOrder", "itemFulfillment"): _fulfil,
    ("salesOrder", "invoice"): _bill_so,
    ("salesOrder", "cashSale"): _bill_so,
    ("purchaseOrder", "itemReceipt"): _receive_po,
    ("purchaseOrder", "vendorBill"): _bill_po,
    ("returnAuthorization", "itemReceipt"): _receive_rma,
    ("returnAuthorization", "creditMemo"): _credit_rma,
    ("workOrder", "assemblyBuild"): _build_wo,
}
