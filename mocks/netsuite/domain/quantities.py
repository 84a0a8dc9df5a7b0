"""The read-only stock quantities NetSuite computes on items and lots (on hand, committed, available, per location).

Available is on hand less what open sales-order lines commit at the location; a lot (inventory number) commits
nothing, so its available quantity is its on hand.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import NsInventory
from . import inventory
from .records import Ctx, Rec, Records


def computed_fields(session: Session, rec: Rec) -> dict[str, Any]:
    """The quantity fields and ``locations`` sublist NetSuite computes for an item or lot ({} for other records)."""
    if rec.rtype.family == "item" and rec.rtype.item_type in inventory.INVENTORY_TYPES:
        ctx = Ctx(session=session, now=None, prefs={}, engine=Records(session))  # type: ignore[arg-type]
        levels = inventory.item_levels(ctx, rec.id)
        return {
            "quantityOnHand": sum(lv["onHand"] for lv in levels),
            "quantityCommitted": sum(lv["committed"] for lv in levels),
            "quantityAvailable": sum(lv["available"] for lv in levels),
            "locations": [
                {
                    "line": i + 1,
                    "location": {"id": str(lv["location"])},
                    "locationId": lv["location"],
                    "quantityOnHand": lv["onHand"],
                    "quantityCommitted": lv["committed"],
                    "quantityAvailable": lv["available"],
                }
                for i, lv in enumerate(levels)
            ],
        }
    if rec.rtype.name == "inventoryNumber":
        rows = session.execute(
            select(NsInventory.location_id, func.sum(NsInventory.on_hand))
            .where(NsInventory.lot_id == rec.id)
            .group_by(NsInventory.location_id)
        ).all()
        total = sum(float(q) for _, q in rows)
        return {
            "quantityOnHand": total,
            "quantityAvailable": total,
            "locations": [
                {
                    "line": i + 1,
                    "location": {"id": str(loc)},
                    "quantityOnHand": float(q),
                    "quantityAvailable": float(q),
                }
                for i, (loc, q) in enumerate(rows)
            ],
        }
    return {}
