"""The stock tables: aggregateitemlocation, inventorynumber, inventorynumberlocation, inventorybalance."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from ...models import NsCommitment, NsInventory
from .reader import Row, StoreReader
from .values import _date, _enum, _num, _ref, _str

_OPEN_PO_STATUSES = {None, "B", "D", "E"}


class StockTables(StoreReader):
    """Builders of the stock tables from ns_inventory and ns_commitments (a mixin of ``data.Source``)."""

    # ---- inventory -----------------------------------------------------------------------------------
    # Plain rows, not ORM objects: a stock table has thousands of rows and this runs on every query.
    def _inventory(self, only: dict[str, set[int]] | None = None) -> list[Any]:
        t = NsInventory.__table__
        query = select(t.c.item_id, t.c.location_id, t.c.lot_id, t.c.bin_id, t.c.on_hand)
        return list(self.session.connection().execute(_narrowed(query, t, only)))

    def _committed(self, only: dict[str, set[int]] | None = None) -> dict[tuple[int, int], float]:
        t = NsCommitment.__table__
        query = select(t.c.item_id, t.c.location_id, t.c.committed)
        return {
            (item, loc): qty
            for item, loc, qty in self.session.connection().execute(_narrowed(query, t, only))
        }

    def _t_aggregateitemlocation(self, only: dict[str, set[int]] | None = None) -> list[Row]:
        on_hand: dict[tuple[int, int], float] = defaultdict(float)
        for inv in self._inventory(only):
            on_hand[(inv.item_id, inv.location_id)] += inv.on_hand
        committed = self._committed(only)
        on_order: dict[tuple[int, int], float] = defaultdict(float)
        backordered: dict[tuple[int, int], float] = defaultdict(float)
        for rec, b in self.records(["purchaseOrder", "salesOrder"]):
            status = _enum(b.get("status")) or _enum(b.get("orderStatus"))
            for line in b.get("item") or []:
                if not isinstance(line, dict) or line.get("isClosed") is True:
                    continue
                item, loc = _ref(line.get("item")), _ref(line.get("location")) or _ref(b.get("location"))
                if item is None or loc is None:
                    continue
                if rec.rtype == "purchaseOrder" and status in _OPEN_PO_STATUSES:
                    rest = (_num(line.get("quantity")) or 0.0) - (_num(line.get("quantityReceived")) or 0.0)
                    if rest > 0:
                        on_order[(item, loc)] += rest
                elif rec.rtype == "salesOrder":
                    backordered[(item, loc)] += _num(line.get("quantityBackOrdered")) or 0.0
        keys = sorted(set(on_hand) | set(committed) | set(on_order) | set(backordered))
        return [
            {
                "item": i,
                "location": loc,
                "quantityonhand": on_hand.get((i, loc), 0.0),
                "quantitycommitted": committed.get((i, loc), 0.0),
                "quantityavailable": max(0.0, on_hand.get((i, loc), 0.0) - committed.get((i, loc), 0.0)),
                "quantityonorder": on_order.get((i, loc), 0.0),
                "quantitybackordered": backordered.get((i, loc), 0.0),
                "quantityintransit": 0.0,
            }
            for i, loc in keys
        ]

    def _t_inventorynumber(self) -> list[Row]:
        per_lot: dict[int, float] = defaultdict(float)
        for inv in self._inventory():
            if inv.lot_id:
                per_lot[inv.lot_id] += inv.on_hand
        out = []
        for rec, b in self.records(["inventoryNumber"]):
            qoh = per_lot.get(rec.id, 0.0)
            out.append(
                {
                    "id": rec.id,
                    "inventorynumber": _str(b.get("inventoryNumber")) or rec.name,
                    "item": _ref(b.get("item")),
                    "expirationdate": _date(b.get("expirationDate")),
                    "memo": _str(b.get("memo")),
                    "quantityonhand": qoh,
                    "quantityavailable": qoh,
                    "isonhand": "T" if qoh > 0 else "F",
                    "lastmodifieddate": self.dt(rec.last_modified),
                }
            )
        return out

    def _t_inventorynumberlocation(self) -> list[Row]:
        per: dict[tuple[int, int], float] = defaultdict(float)
        for inv in self._inventory():
            if inv.lot_id:
                per[(inv.lot_id, inv.location_id)] += inv.on_hand
        return [
            {
                "inventorynumber": lot,
                "location": loc,
                "quantityonhand": q,
                "quantityavailable": q,
                "quantityintransit": 0.0,
            }
            for (lot, loc), q in sorted(per.items())
        ]

    def _t_inventorybalance(self) -> list[Row]:
        committed = self._committed()
        per: dict[tuple[int, int, int, int], float] = defaultdict(float)
        for inv in self._inventory():
            per[(inv.item_id, inv.location_id, inv.bin_id, inv.lot_id)] += inv.on_hand
        return [
            {
                "item": i,
                "location": loc,
                "binnumber": b or None,
                "inventorynumber": lot or None,
                "quantityonhand": q,
                "quantityavailable": q,
                "committedqtyperlocation": committed.get((i, loc)),
            }
            for (i, loc, b, lot), q in sorted(per.items())
            if q != 0
        ]


def _narrowed(query: Any, table: Any, only: dict[str, set[int]] | None) -> Any:
    """``query`` limited to the wanted items and locations (``only`` from the compiled query's pushdown)."""
    for key, column in (("item", table.c.item_id), ("location", table.c.location_id)):
        if only and key in only:
            query = query.where(column.in_(sorted(only[key])))
    return query
