"""pos-stock: NetSuite stock (on hand) -> the POS stores' sellable warehouses, as Sitoo warehouse transactions.

NetSuite is the authority for store stock (seed: "NetSuite pushes stock updates to Sitoo"). For each sellable
Sitoo warehouse mapped to a NetSuite location, the target level of a SKU is NetSuite's quantity on hand there
plus the store's own movements NetSuite does not show yet (recorded but pending or parked; never a stale
overwrite of a sale). On hand, not available: a Sitoo warehouse's total is the stock physically in the store
(what Sitoo sells from; its own reservations make its "available"), and NetSuite's commitments at a store are
orders still to be picked from that stock, so writing availability would make the two systems' stock disagree
by the commitments (and clamp negative stock to zero). The difference to the warehouse's current level is pushed as Move In / Move Out
transactions of at most 1,000 items each, sent in one batch POST (at most 1,000 transactions). A push is
idempotent by recomputation: it is computed from fresh levels every pass and never re-sent after an ambiguous
failure (the next pass sees whether it landed), so a crash or a dropped connection neither loses nor doubles it.

Ordering, so the push is never stale: the flow first records the POS orders closed so far and flushes them to
NetSuite, then reads the warehouse's levels, then reads the orders again; a SKU that a sale touched between the
two order reads is left for the next pass (the level read may or may not include that sale). In daemon mode a
push runs every ERPSIM_SYNC_POS_STOCK_SECONDS (it reads every store's levels), with ``--once`` every pass.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import select

from ..errors import AmbiguousWriteError
from ..state import StockDelta
from .base import Context, Flow
from .inventory import InventoryFlow
from .inventory_ledger import StockLedger, last_delta_id, unconfirmed
from .stockmaps import ItemIndex, items_of, locations_of, parse_quantity

log = logging.getLogger("erpsim.sync")
MOVE_IN, MOVE_OUT = 10, 20
MAX_ITEMS = 1000  # items per Sitoo warehouse transaction
MAX_TRANSACTIONS = 1000  # transactions per batch POST
_EPS = 1e-9


class PosStockFlow(Flow):
    """NetSuite stock pushed to the POS stores (after POS movements reached NetSuite)."""

    name = "pos-stock"
    systems = ("netsuite", "pos")
    description = "NetSuite stock -> POS store warehouses (warehouse transactions, batches of 1,000)"

    def run(self, ctx: Context) -> None:
        """Flush POS movements, read levels, push the differences (in daemon mode a few stores per pass)."""
        assert ctx.pos is not None
        locations = locations_of(ctx)
        every = sorted(locations.pos_sellable, key=lambda k: int(k.split(":")[1]))
        warehouses = self.stores_this_pass(ctx, every)
        if not warehouses:
            return
        items = items_of(ctx)
        inventory = InventoryFlow()
        ledger = StockLedger(ctx, locations, items)
        inventory.catch_up(ctx, ledger)
        with ctx.state.tx() as s:
            known = last_delta_id(s)
        levels = {key: ctx.pos.warehouse_items(int(key.split(":")[1])) for key in warehouses}
        while inventory.read_pos(ctx, limit=100_000) and inventory.more_pos:
            pass  # record (not flush) what sold while the levels were read: those SKUs wait for the next push
        with ctx.state.tx() as s:
            pending = unconfirmed(s, upto_id=known, location_prefix="pos:")
            moved_since = {
                (sku, loc)
                for sku, loc in s.execute(
                    select(StockDelta.item, StockDelta.location).where(StockDelta.id > known)
                ).all()
            }
        transactions: list[dict[str, Any]] = []
        for key in warehouses:
            location = locations.resolve(key)
            if location is None:
                if not levels[key]:
                    continue  # a store with no stock nothing maps to: nothing to push
                ctx.park(
                    self.name,
                    "unknown_location",
                    f"inventory:location:{key}",
                    f"{locations.label(key)} is not mapped to a NetSuite location: its stock is not pushed "
                    "(set ERPSIM_SYNC_LOCATION_MAP or give the location the store's external id)",
                    records={"location": key},
                )
                continue
            stock = self._on_hand(ctx, location, items)
            current = {str(row["sku"]): parse_quantity(row.get("decimaltotal")) for row in levels[key]}
            changes: list[tuple[str, float]] = []
            for sku in sorted(set(stock) | set(current)):
                if items.resolve(sku) is None or (sku, key) in moved_since:
                    continue  # a SKU NetSuite does not stock is not NetSuite's to set; a moving one waits
                target = stock.get(sku, 0.0) + pending.get((sku, key), 0.0)
                diff = round(target - current.get(sku, 0.0), 3)
                if abs(diff) > _EPS:
                    changes.append((sku, diff))
            transactions.extend(_transactions(key, changes))
        pushed = self._send(ctx, transactions)
        if pushed:
            ctx.stats.add(self.name, "items_pushed", pushed)

    def stores_this_pass(self, ctx: Context, every: list[str]) -> list[str]:
        """Every store with --once. In daemon mode a push of every store starts every
        ERPSIM_SYNC_POS_STOCK_SECONDS and is spread over the passes, ERPSIM_SYNC_POS_STOCK_STORES_PER_PASS stores
        at a time: a push reads a store's whole stock in the POS and in NetSuite, and pushing 20 stores of
        thousands of SKUs in one pass held the stock flow of that pass back by seconds (the peak's p99 lag)."""
        if not ctx.daemon:
            return every
        start = int(ctx.state.mapped("pos", "stock-push", "next") or len(every))
        if start >= len(every):  # no push in progress: start one when due
            last = float(ctx.state.mapped("pos", "stock-push", "last") or 0)
            if time.time() - last < ctx.config.pos_stock_seconds:
                return []
            ctx.state.set_mapping("pos", "stock-push", "last", str(time.time()))
            start = 0
        end = start + ctx.config.pos_stock_stores_per_pass
        # a pass that fails part-way leaves its stores to the next push (a push is recomputed, never re-sent)
        ctx.state.set_mapping("pos", "stock-push", "next", str(end))
        return every[start:end]

    def _on_hand(self, ctx: Context, location: str, items: ItemIndex) -> dict[str, float]:
        """NetSuite's quantity on hand per SKU at a location."""
        out: dict[str, float] = {}
        for row in ctx.netsuite.suiteql(
            f"SELECT item, quantityonhand FROM aggregateitemlocation WHERE location = {int(location)}"
        ):
            item = items.by_id.get(str(row.get("item")))
            if item is not None:
                out[item.sku] = out.get(item.sku, 0.0) + parse_quantity(row.get("quantityonhand"))
        return out

    def _send(self, ctx: Context, transactions: list[dict[str, Any]]) -> int:
        """POST the transactions in batches; after an ambiguous failure stop: the next pass recomputes the push
        from fresh levels (a push is idempotent by recomputation, so it is never re-sent blindly)."""
        pos = ctx.pos
        assert pos is not None
        pushed = 0
        for start in range(0, len(transactions), MAX_TRANSACTIONS):
            chunk = transactions[start : start + MAX_TRANSACTIONS]
            try:
                results = pos.add_warehouse_transactions(chunk)  # retried only when nothing was written
            except AmbiguousWriteError as exc:
                log.warning("pos-stock: push outcome unknown (%s); the next pass recomputes it", exc)
                ctx.stats.add(self.name, "pushes_unconfirmed")
                return pushed
            for tx, result in zip(chunk, results, strict=False):
                if result.get("statuscode") == 200:
                    pushed += len(tx["items"])
                else:
                    ctx.park(
                        self.name,
                        "rejected_posting",
                        f"pos-stock:{tx['warehouseid']}:{tx['items'][0]['sku']}",
                        f"pos refused a stock push to warehouse {tx['warehouseid']}: {result.get('errortext')}",
                        records={"transaction": tx},
                        error=result,
                    )
        return pushed


def _transactions(key: str, changes: list[tuple[str, float]]) -> list[dict[str, Any]]:
    """Move In / Move Out transactions of at most MAX_ITEMS items for one warehouse's changes."""
    warehouse = int(key.split(":")[1])
    out = []
    for kind, sign in ((MOVE_IN, 1), (MOVE_OUT, -1)):
        lines = [(sku, diff) for sku, diff in changes if (diff > 0) == (sign > 0)]
        for start in range(0, len(lines), MAX_ITEMS):
            out.append(
                {
                    "warehouseid": warehouse,
                    "transactiontype": kind,
                    "description": "erpsim sync: NetSuite stock",
                    "items": [
                        {"sku": sku, "decimalquantity": f"{diff:.3f}"}
                        for sku, diff in lines[start : start + MAX_ITEMS]
                    ],
                }
            )
    return out
