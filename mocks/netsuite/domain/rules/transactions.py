"""What every transaction shares: document numbers, header defaults, and the checks an entity transaction runs."""

from __future__ import annotations

from typing import Any

from ...models import NsSequence
from .. import upsert
from ..records import Ctx, Rec
from ..values import ref_id
from .currency import check_currency
from .references import check_references, rec_of
from .scope import check_entity_scope, check_scope
from .totals import compute_totals, fill_item_lines, header_discount

PREFIX = {
    "SalesOrd": "SO",
    "PurchOrd": "PO",
    "ItemShip": "IF",
    "ItemRcpt": "IR",
    "CustInvc": "INV",
    "CashSale": "CS",
    "CashRfnd": "CR",
    "CustCred": "CM",
    "RtnAuth": "RMA",
    "CustPymt": "PYMT",
    "VendBill": "BILL",
    "VendCred": "VC",
    "VendPymt": "CHK",
    "Journal": "JE",
    "InvAdjst": "ADJ",
    "InvTrnfr": "TRF",
    "WorkOrd": "WO",
    "Build": "BLD",
    "Check": "",
    "Deposit": "DEP",
    "VPrep": "VPREP",
    "CardRfnd": "CCR",
}


def next_tran_id(ctx: Ctx, code: str) -> str:
    """The next document number of a transaction type (SO1, SO2, ...), never reused, race-free."""
    n = upsert.add(ctx.session, NsSequence.__table__, {"code": code}, "value", 1)
    return f"{PREFIX.get(code, code)}{n}"


def transaction_defaults(ctx: Ctx, rec: Rec, old: Rec | None, entity_field: str = "entity") -> None:
    """tranDate, tranId, subsidiary and currency defaults, as NetSuite fills them on create."""
    body = rec.body
    if old is None:
        body.setdefault("tranDate", ctx.today)
        if (
            not body.get("tranId")
            and rec.rtype.tran_code
            and rec.rtype.name not in ("vendorBill", "vendorCredit")
        ):
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


def entity_transaction(
    ctx: Ctx, rec: Rec, old: Rec | None, sublists: tuple[str, ...] = ("item",), entity_field: str = "entity"
) -> None:
    """What every transaction with an entity and lines gets: defaults, scope, currency, amounts, totals."""
    transaction_defaults(ctx, rec, old, entity_field)
    check_entity_scope(ctx, rec, entity_field)
    check_scope(ctx, rec, sublists)
    check_currency(ctx, rec, entity_field)
    fill_item_lines(ctx, rec)
    compute_totals(rec, sublists, header_discount(ctx, rec, sublists))


def line_location(rec: Rec, line: dict[str, Any]) -> int | None:
    """The location a line moves stock at (the line's, else the header's)."""
    loc = ref_id(line.get("location")) or ref_id(rec.body.get("location"))
    return int(loc) if loc else None
