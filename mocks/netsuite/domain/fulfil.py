"""What NetSuite fills in on a transformed item fulfilment: inventory detail and the committed quantity.

``!transform`` initialises the new fulfilment as the UI does, then applies the request body on top with the
REST sublist rules (Oracle, "Creating a Sublist" / "Replacing a Sublist"): item lines are keyed by
``orderLine`` and merge, while ``inventoryAssignment`` (the inventory detail's sublist) is not keyed, so the
assignments a client sends are *added* to the pre-filled ones unless the request names the sublist in
``?replace=``. A client that adds its own lots on top of NetSuite's therefore gets "The total inventory
detail quantity must be N", the failure connectors hit in production (netsuite-failures.md section 3);
one that replaces the detail succeeds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from ..errors import user_error
from ..models import NsInventory, NsRecord
from . import inventory
from .inventory import fmt_qty
from .records import Ctx, Rec
from .rules.references import rec_of
from .values import num, ref_id

_EPS = 1e-9
#: The ``replace`` name of the inventory detail's assignment lines on a transform (see the module docstring).
#: No public source shows how NetSuite spells a subrecord's sublist in ``replace``; the sublist's own name is
#: the form the documented parameter ("names of sublists") takes, so that is what the emulator accepts.
REPLACE_ASSIGNMENTS = "inventoryAssignment"
#: The commitment preference's values (Setup > Accounting Preferences > Order Management, "Fulfillment").
LIMIT_TO_COMMITTED, IGNORE_COMMITMENT = "limitToCommitted", "ignoreCommitment"


def _buckets(ctx: Ctx, item: Rec, location_id: int) -> list[tuple[int, int, float]]:
    """(lot id, bin id, on hand) with stock at a location, in the order NetSuite's auto-assignment takes them.

    No public source documents the order NetSuite pre-fills lots and bins in; the emulator takes the lot that
    expires first (lots without an expiry last), then the oldest lot (lowest internal id), then the lowest
    bin id, the first-expiry-first-out order warehouses use for perishable lots.
    """
    rows = ctx.session.execute(
        select(NsInventory.lot_id, NsInventory.bin_id, NsInventory.on_hand).where(
            NsInventory.item_id == item.id, NsInventory.location_id == location_id, NsInventory.on_hand > _EPS
        )
    ).all()
    expiry: dict[int, str] = {}
    lot_ids = sorted({int(r[0]) for r in rows if r[0]})
    if lot_ids:
        for row in ctx.session.execute(
            select(NsRecord).where(NsRecord.rtype == "inventoryNumber", NsRecord.id.in_(lot_ids))
        ).scalars():
            expiry[row.id] = str(ctx.engine.to_rec(row).body.get("expirationDate") or "9999-12-31")
    return sorted(
        ((int(lot), int(b), float(q)) for lot, b, q in rows),
        key=lambda r: (expiry.get(r[0], "9999-12-31"), r[0], r[1]),
    )


def prefilled_assignments(ctx: Ctx, item: Rec, location_id: int, quantity: float) -> list[dict[str, Any]]:
    """The inventory assignments NetSuite pre-fills for ``quantity`` of a lot or bin item (maybe short)."""
    lot_item = inventory.is_lot_item(item)
    out: list[dict[str, Any]] = []
    left = quantity
    for lot, bin_id, on_hand in _buckets(ctx, item, location_id):
        if left <= _EPS:
            break
        if lot_item != bool(lot):
            continue
        take = min(left, on_hand)
        a: dict[str, Any] = {"quantity": take}
        if lot_item:
            a["issueInventoryNumber"] = str(lot)
        if item.body.get("useBins") and bin_id:
            a["binNumber"] = str(bin_id)
        out.append(a)
        left -= take
    return out


def fulfil_detail(ctx: Ctx, line: dict[str, Any], sent: dict[str, Any] | None, index: int) -> None:
    """Set a fulfilment line's inventory detail: NetSuite's pre-fill, the client's assignments on top or instead.

    Lines of items without lots or bins keep what the client sent (the stock rules refuse detail there).
    """
    item = rec_of(ctx, line.get("item"), "item")
    if (
        item is None
        or not inventory.is_inventory_item(item)
        or not (inventory.is_lot_item(item) or item.body.get("useBins"))
    ):
        if sent:
            line["inventoryDetail"] = sent
        return
    qty = num(line.get("quantity"))
    own = list((sent or {}).get("inventoryAssignment") or [])
    if REPLACE_ASSIGNMENTS in ctx.replace:
        assignments = own
    else:
        location = int(ref_id(line.get("location")) or 0)
        assignments = prefilled_assignments(ctx, item, location, qty) + own
    if not assignments:
        return  # nothing to assign: shipping asks for the detail ("Please configure the inventory detail")
    total = sum(num(a.get("quantity")) for a in assignments)
    if abs(total - qty) > _EPS:
        raise user_error(
            f"The total inventory detail quantity must be {fmt_qty(qty)}.",
            path=f"item.items[{index}].inventoryDetail",
        )
    line["inventoryDetail"] = {"quantity": qty, "inventoryAssignment": assignments}


def committed_cap(ctx: Ctx, so: Rec) -> Callable[[dict[str, Any]], float] | None:
    """Under "Limit to Committed", how much of each order line is committed (None when commitment is ignored).

    NetSuite commits available stock to orders in the order of the "Item Commitment Transaction Ordering"
    preference (by transaction date by default): a line gets what is on hand at its location after the open
    quantities of the approved orders entered before it, up to its own open quantity. Orders of the same date
    go by internal id; that tie-break is the emulator's choice (no public source).
    """
    if ctx.prefs.get("fulfillmentCommitment", IGNORE_COMMITMENT) != LIMIT_TO_COMMITTED:
        return None
    from .rules.sales import commitment_of

    ahead: dict[tuple[int, int], float] = {}
    key = (str(so.body.get("tranDate") or ""), so.id)
    for row in ctx.session.execute(
        select(NsRecord).where(NsRecord.rtype == "salesOrder", NsRecord.deleted_at.is_(None))
    ).scalars():
        other = ctx.engine.to_rec(row)
        if (str(other.body.get("tranDate") or ""), other.id) >= key:
            continue
        for k, q in commitment_of(other.body, ref_id(other.body.get("location"))).items():
            ahead[k] = ahead.get(k, 0.0) + q
    used: dict[tuple[int, int], float] = {}

    def cap(ln: dict[str, Any]) -> float:
        item, loc = ref_id(ln.get("item")), ref_id(ln.get("location")) or ref_id(so.body.get("location"))
        if not item or not loc:
            return 0.0
        k = (int(item), int(loc))
        free = inventory.on_hand(ctx, k[0], k[1]) - ahead.get(k, 0.0) - used.get(k, 0.0)
        open_qty = num(ln.get("quantity")) - num(ln.get("quantityFulfilled"))
        got = max(0.0, min(open_qty, free))
        used[k] = used.get(k, 0.0) + got
        return got

    return cap


def over_committed(line_no: int, committed: float, index: int) -> Exception:
    """The refusal of a fulfilment quantity above the line's committed quantity (Limit to Committed).

    NetSuite's exact words are not in any public source (netsuite-failures.md section 3); the emulator words
    it like its over-remaining refusal.
    """
    return user_error(
        f"You cannot fulfill more than the committed quantity ({fmt_qty(committed)}) on line {line_no}.",
        path=f"item.items[{index}].quantity",
    )
