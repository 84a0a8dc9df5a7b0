"""Inventory per item, location, lot and bin: the stock ledger every inventory transaction moves.

Balances change with one atomic upsert per bucket (``on_hand = on_hand + delta``) and the result is
checked in the same transaction, so concurrent movements never lose an update and a shortfall rolls
the whole posting back.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import bindparam, func, select, text, tuple_

from ..errors import invalid_content, user_error
from ..models import NsCommitment, NsInventory, NsRecord
from . import upsert
from .records import Ctx, Rec
from .recordtypes import RECORD_TYPES

INVENTORY_TYPES = {"InvtPart", "Assembly"}
_EPS = 1e-9


def is_inventory_item(item: Rec) -> bool:
    """True for items that carry stock (inventory and assembly items, lot-numbered or not)."""
    return item.rtype.item_type in INVENTORY_TYPES


def is_lot_item(item: Rec) -> bool:
    """True for lot-numbered items (every movement needs lot detail)."""
    return item.rtype.name.startswith("lotNumbered")


def fmt_qty(q: float) -> str:
    """A quantity as NetSuite prints it (no trailing .0)."""
    return str(int(q)) if float(q).is_integer() else f"{q:g}"


def _upsert(ctx: Ctx, table: Any, keys: dict[str, int], column: str, delta: float) -> float:
    extra = {"last_modified": ctx.now.isoformat()} if table is NsInventory else None
    return float(upsert.add(ctx.session, table.__table__, keys, column, delta, extra))


def on_hand(
    ctx: Ctx, item_id: int, location_id: int, lot_id: int | None = None, bin_id: int | None = None
) -> float:
    """Quantity on hand for an item at a location (optionally one lot and/or bin)."""
    q = select(func.coalesce(func.sum(NsInventory.on_hand), 0.0)).where(
        NsInventory.item_id == item_id, NsInventory.location_id == location_id
    )
    if lot_id is not None:
        q = q.where(NsInventory.lot_id == lot_id)
    if bin_id is not None:
        q = q.where(NsInventory.bin_id == bin_id)
    return float(ctx.session.execute(q).scalar_one())


def committed(ctx: Ctx, item_id: int, location_id: int) -> float:
    """Quantity committed to open sales-order lines at a location."""
    row = ctx.session.get(NsCommitment, (item_id, location_id))
    return row.committed if row else 0.0


def commit(ctx: Ctx, item_id: int, location_id: int, delta: float) -> None:
    """Add to (or, negative, release from) the committed quantity."""
    if abs(delta) > _EPS:
        _upsert(ctx, NsCommitment, {"item_id": item_id, "location_id": location_id}, "committed", delta)


def move(
    ctx: Ctx,
    item: Rec,
    location_id: int,
    delta: float,
    *,
    lot_id: int = 0,
    bin_id: int = 0,
    path: str | None = None,
) -> float:
    """Change on hand by ``delta``; refuse a shortfall unless negative inventory is allowed."""
    if abs(delta) < _EPS:
        return on_hand(ctx, item.id, location_id, lot_id, bin_id)
    after = _upsert(
        ctx,
        NsInventory,
        {"item_id": item.id, "location_id": location_id, "lot_id": lot_id, "bin_id": bin_id},
        "on_hand",
        delta,
    )
    if after < -_EPS and delta < 0:
        if lot_id:
            # A lot never goes negative, not even when a delete undoes its receipt (no public source says
            # NetSuite lets a lot quantity go below zero; refusing is the safer side here).
            raise user_error(
                f"Inventory number quantity would go negative: only {fmt_qty(after - delta)} "
                f"of lot {_lot_name(ctx, lot_id)} available at this location.",
                path=path,
            )
        if not ctx.prefs.get("allowNegativeInventory") and not ctx.reversing:
            available = after - delta
            raise user_error(
                f"You only have {fmt_qty(max(available, 0))} available. Please enter a different quantity.",
                path=path,
            )
    return after


#: Balances of plain (no lot, no bin) buckets, for ``move_many``'s check.
_PLAIN_BALANCES = select(NsInventory.item_id, NsInventory.location_id, NsInventory.on_hand).where(
    NsInventory.lot_id == 0,
    NsInventory.bin_id == 0,
    tuple_(NsInventory.item_id, NsInventory.location_id).in_(bindparam("pairs", expanding=True)),
)
_PLAIN_KEYS = ("item_id", "location_id", "lot_id", "bin_id")
#: Pairs read back per statement by ``move_many``.
_CHUNK = 400


def is_plain(item: Rec) -> bool:
    """True for inventory items without lots or bins: a movement is one balance, no inventory detail."""
    return is_inventory_item(item) and not is_lot_item(item) and not item.body.get("useBins")


def move_many(ctx: Ctx, moves: list[tuple[int, int, float, str]]) -> None:
    """``move`` for many (item id, location id, delta, error path) of plain items: one executemany, in order.

    The same balances and the same refusal as moving them one by one: when a shortfall can be refused, the
    balances are read back after the writes (the upserts hold their rows until commit) and each movement's
    result is recomputed in order, so the first line that would have gone negative is the one named; the
    error rolls the whole posting back, as before.
    """
    moves = [m for m in moves if abs(m[2]) >= _EPS]
    if not moves:
        return
    now = ctx.now.isoformat()
    upsert.add_many(
        ctx.session,
        NsInventory.__table__,
        _PLAIN_KEYS,
        "on_hand",
        [
            {
                "item_id": item_id,
                "location_id": loc,
                "lot_id": 0,
                "bin_id": 0,
                "delta": delta,
                "last_modified": now,
            }
            for item_id, loc, delta, _ in moves
        ],
        ("last_modified",),
    )
    if ctx.prefs.get("allowNegativeInventory") or ctx.reversing or all(m[2] > 0 for m in moves):
        return
    pairs = sorted({(item_id, loc) for item_id, loc, _, _ in moves})
    balance: dict[tuple[int, int], float] = {}
    for start in range(0, len(pairs), _CHUNK):
        for item_id, loc, qty in ctx.session.connection().execute(
            _PLAIN_BALANCES, {"pairs": pairs[start : start + _CHUNK]}
        ):
            balance[(item_id, loc)] = float(qty)
    afters: list[float] = [0.0] * len(moves)
    for i in range(len(moves) - 1, -1, -1):  # each movement's result: the final balance less the later ones
        item_id, loc, delta, _ = moves[i]
        afters[i] = balance[(item_id, loc)]
        balance[(item_id, loc)] -= delta
    for (_, _, delta, path), after in zip(moves, afters, strict=True):
        if after < -_EPS and delta < 0:
            raise user_error(
                f"You only have {fmt_qty(max(after - delta, 0))} available. Please enter a "
                f"different quantity.",
                path=path,
            )


def _lot_name(ctx: Ctx, lot_id: int) -> str:
    row = ctx.session.get(NsRecord, ("inventoryNumber", lot_id))
    return row.name if row else str(lot_id)


def find_or_create_lot(ctx: Ctx, item: Rec, number: str, expiration: str | None) -> int:
    """The inventoryNumber record for (item, number), created on first receipt."""
    if ctx.session.get_bind().dialect.name == "postgresql":
        # Two receipts of one new lot at once must not create it twice (SQLite serialises writers anyway).
        key = int.from_bytes(
            hashlib.sha1(f"lot:{item.id}:{number}".encode()).digest()[:8], "big", signed=True
        )
        ctx.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
    rows = ctx.session.execute(
        select(NsRecord).where(
            NsRecord.rtype == "inventoryNumber", NsRecord.name == number, NsRecord.deleted_at.is_(None)
        )
    ).scalars()
    for row in rows:
        rec = ctx.engine.to_rec(row)
        if rec.body.get("item", {}).get("id") == str(item.id):
            return row.id
    body: dict[str, Any] = {"inventoryNumber": number, "item": {"id": str(item.id)}}
    if expiration:
        body["expirationDate"] = expiration
    rec = Rec(0, RECORD_TYPES["inventoryNumber"], body)
    ctx.engine.insert(ctx, rec)
    ctx.engine.store(ctx, rec)
    return rec.id


def apply_detail(
    ctx: Ctx,
    item: Rec,
    location_id: int,
    qty: float,
    detail: dict[str, Any] | None,
    path: str,
    *,
    to_location_id: int | None = None,
) -> None:
    """Move ``qty`` (signed) of ``item`` at a location, honouring lot and bin detail rules.

    Lot items need an inventory detail whose assignments add up to the quantity: positive movements
    receive lots (``receiptInventoryNumber`` creates one, ``issueInventoryNumber`` adds to one),
    negative ones issue existing lots. Items using bins need a bin on every assignment. With
    ``to_location_id`` the stock is transferred (out of one location, into the other, same lot).
    """
    if not is_inventory_item(item) or abs(qty) < _EPS:
        return
    assignments = (detail or {}).get("inventoryAssignment") or []
    uses_bins = bool(item.body.get("useBins"))
    if not is_lot_item(item) and not uses_bins:
        if assignments:
            raise user_error(
                f"Inventory detail is not allowed for item {item.body.get('itemId')}: "
                "it is not lot-numbered and does not use bins.",
                path=f"{path}.inventoryDetail",
            )
        move(ctx, item, location_id, qty, path=f"{path}.quantity")
        if to_location_id is not None:
            move(ctx, item, to_location_id, -qty, path=f"{path}.quantity")
        return
    if not assignments:
        raise user_error(
            "Please configure the inventory detail in line "
            f"{path.rsplit('[', 1)[-1].rstrip(']') if '[' in path else 1} of the item list.",
            path=f"{path}.inventoryDetail",
        )
    total = sum(float(a["quantity"]) for a in assignments)
    if abs(total - abs(qty)) > _EPS:
        raise user_error(
            f"The total inventory detail quantity must be {fmt_qty(abs(qty))}.",
            path=f"{path}.inventoryDetail",
        )
    sign = 1 if qty > 0 else -1
    for i, a in enumerate(assignments):
        apath = f"{path}.inventoryDetail.inventoryAssignment.items[{i}]"
        if float(a["quantity"]) <= 0:
            raise invalid_content("Inventory assignment quantities must be positive.", f"{apath}.quantity")
        lot_id = 0
        if is_lot_item(item):
            lot_id = _lot_for(ctx, item, a, sign, apath)
            a["_lotId"] = str(lot_id)  # kept (hidden) so a delete can reverse exactly this lot
        elif a.get("receiptInventoryNumber") or a.get("issueInventoryNumber"):
            raise user_error(f"Item {item.body.get('itemId')} is not lot-numbered.", path=apath)
        bin_id = _bin_for(ctx, a, "binNumber", location_id, apath) if uses_bins else 0
        move(ctx, item, location_id, sign * float(a["quantity"]), lot_id=lot_id, bin_id=bin_id, path=apath)
        if to_location_id is not None:
            to_bin = _bin_for(ctx, a, "toBinNumber", to_location_id, apath) if uses_bins else 0
            move(
                ctx,
                item,
                to_location_id,
                -sign * float(a["quantity"]),
                lot_id=lot_id,
                bin_id=to_bin,
                path=apath,
            )


def _lot_for(ctx: Ctx, item: Rec, a: dict[str, Any], sign: int, apath: str) -> int:
    if a.get("_lotId") and sign < 0:  # reversing a posting: the lot it received
        return int(a["_lotId"])
    if sign > 0 and a.get("receiptInventoryNumber"):
        return find_or_create_lot(ctx, item, a["receiptInventoryNumber"], a.get("expirationDate"))
    issue = a.get("issueInventoryNumber")
    if not issue:
        need = "receiptInventoryNumber" if sign > 0 else "issueInventoryNumber"
        raise user_error(f"Please enter a value for {need}.", path=f"{apath}.{need}")
    lot = ctx.engine.row("inventoryNumber", int(issue))
    if lot is None or lot.rtype != "inventoryNumber":
        raise user_error(
            f"Invalid inventory number reference key {issue}.", path=f"{apath}.issueInventoryNumber"
        )
    if ctx.engine.to_rec(lot).body.get("item", {}).get("id") != str(item.id):
        raise user_error(
            f"Inventory number {lot.name} does not belong to item {item.body.get('itemId')}.",
            path=f"{apath}.issueInventoryNumber",
        )
    return lot.id


def _bin_for(ctx: Ctx, a: dict[str, Any], key: str, location_id: int, apath: str) -> int:
    raw = a.get(key)
    if not raw:
        raise user_error(f"Please enter a value for {key}: the item uses bins.", path=f"{apath}.{key}")
    row = ctx.engine.row("bin", int(raw))
    if row is None or row.rtype != "bin":
        raise user_error(f"Invalid bin number reference key {raw}.", path=f"{apath}.{key}")
    if ctx.engine.to_rec(row).body.get("location", {}).get("id") != str(location_id):
        raise user_error(
            f"Invalid bin number reference key {raw} for location {location_id}.", path=f"{apath}.{key}"
        )
    return row.id


def item_levels(ctx: Ctx, item_id: int) -> list[dict[str, Any]]:
    """Per location: on hand, committed, available (the aggregateItemLocation view of one item)."""
    rows = ctx.session.execute(
        select(NsInventory.location_id, func.sum(NsInventory.on_hand))
        .where(NsInventory.item_id == item_id)
        .group_by(NsInventory.location_id)
    ).all()
    levels = {loc: {"onHand": float(q), "committed": 0.0} for loc, q in rows}
    for c in ctx.session.execute(select(NsCommitment).where(NsCommitment.item_id == item_id)).scalars():
        levels.setdefault(c.location_id, {"onHand": 0.0, "committed": 0.0})["committed"] = c.committed
    out = []
    for loc in sorted(levels):
        lv = levels[loc]
        out.append(
            {
                "location": loc,
                "onHand": lv["onHand"],
                "committed": lv["committed"],
                "available": lv["onHand"] - lv["committed"],
            }
        )
    return out
