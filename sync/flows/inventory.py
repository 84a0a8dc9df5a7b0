"""Inventory: WMS stock movements and POS sales and refunds -> NetSuite inventory adjustments per item and location.

Sources of movements (each recorded once, keyed by its source, see ``inventory_ledger``):
- WMS ``stock.changed`` webhooks (daemon mode, signature verified by the daemon): goods in and adjustments with
  their cause. Despatches and allocations are left out: the despatch flow's item fulfilments carry those.
- POS orders (polled by order id): every product row of a closed sale (stock out) or refund (stock back, to the
  warehouse Sitoo put it in: sellable, or quarantine for a damaged return). With the ledger in
  ``daily-summary`` mode these deltas are posted by this flow's batched adjustments. In ``cash-sale`` mode the
  cash sale and cash refund of each order move NetSuite's stock themselves (as NetSuite does for a standalone
  cash sale of inventory items): the deltas are then recorded as carried by that posting (the pos-sales outbox
  item), so that pos-stock and the reconciliation know what is not in NetSuite yet, and are never posted twice.
- The reconciliation (every pass with --once, every ERPSIM_SYNC_RECONCILE_SECONDS in daemon mode), which is
  also how WMS movements reach NetSuite when there are no webhooks (see ``inventory_recon``).
Each pass flushes the pending deltas as multi-line adjustments, several in flight up to the concurrency cap.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..state import IdMapping
from .base import Context, Flow
from .inventory_ledger import FLOW, Movement, StockLedger, record
from .inventory_recon import Reconciler
from .pos_orders import is_refund, order_time, product_rows, read_closed
from .stockmaps import items_of, locations_of, parse_quantity

#: WMS causes whose stock effect reaches NetSuite another way (or that do not change on-hand).
EXCLUDED_CAUSES = frozenset({"DESPATCH", "ALLOCATE", "DEALLOCATE", "SHORT_PICK"})
POS_READER = "inventory:pos"
POS_CHUNK = 2000  # orders read before their movements are flushed


def sale_posting_key(order_id: int | str) -> str:
    """The pos-sales outbox key of one POS order's cash sale or cash refund (cash-sale mode)."""
    return f"pos-sale:{order_id}"


class InventoryFlow(Flow):
    """WMS and POS stock movements into NetSuite, batched; periodic reconciliation with the WMS."""

    name = "inventory"
    systems = ("netsuite",)
    description = "WMS stock movements and POS sales/refunds -> NetSuite inventory adjustments (batched)"
    # POS orders are polled (every ERPSIM_SYNC_POLL_SECONDS): a Sitoo order event carries nothing to record, and
    # at peak rates receiving one per sale costs the engine more than the poll it would save.
    webhook_systems: ClassVar[tuple[str, ...]] = ("wms",)
    webhook_events: ClassVar[dict[str, tuple[str, ...]]] = {"wms": ("stock.changed",)}

    def enabled(self, ctx: Context) -> bool:
        """Needs the WMS or the POS (or both) besides NetSuite."""
        return ctx.wms is not None or ctx.pos is not None

    # --- webhooks (receiver thread, inside the inbox transaction) ------------------------------------------
    def records_event(self, ctx: Context, system: str, event: dict[str, Any]) -> bool:
        """Only a WMS ``stock.changed`` that moves on-hand of a known SKU and warehouse is recorded."""
        if system != "wms" or event.get("type") != "stock.changed":
            return False
        data = event.get("data") or {}
        if not str(data.get("sku") or "") or data.get("warehouseId") is None:
            return False
        if ctx.safeguards.off("no-reorder-tolerance"):
            return True  # that mutant keeps the last level of every event it receives
        return str(data.get("cause") or "") not in EXCLUDED_CAUSES and bool(
            parse_quantity(data.get("onHandDelta"))
        )

    def on_event(self, ctx: Context, session: Session, system: str, event: dict[str, Any]) -> None:
        """Record the movement of a WMS ``stock.changed`` event."""
        if system != "wms" or event.get("type") != "stock.changed":
            return
        data = event.get("data") or {}
        sku, warehouse = str(data.get("sku") or ""), data.get("warehouseId")
        if not sku or warehouse is None:
            return
        satellite = f"wms:{warehouse}"
        cause = str(data.get("cause") or "")
        delta = parse_quantity(data.get("onHandDelta"))
        if ctx.safeguards.off("no-reorder-tolerance"):
            delta = _level_delta(ctx, session, sku, satellite, parse_quantity(data.get("onHand")), delta)
        if cause in EXCLUDED_CAUSES or not delta:
            return
        key = f"wms:{event['id']}"
        if ctx.safeguards.off("no-webhook-dedupe"):
            key += f":{secrets.token_hex(4)}"  # every delivery is a new movement
        record(session, [Movement(key, sku, satellite, delta, str(event.get("createdAt") or ""))])

    # --- a pass ----------------------------------------------------------------------------------------------
    def run(self, ctx: Context) -> None:
        """Record new POS movements, flush every pending delta, reconcile with the WMS when due, flush again."""
        locations = locations_of(ctx)
        items = items_of(ctx)
        ledger = StockLedger(ctx, locations, items)
        reconciler = Reconciler(ctx, locations, items) if ctx.wms is not None else None
        due = reconciler is not None and reconciler.due()
        if due:
            ledger.retry_parked()
        self.catch_up(ctx, ledger)
        if reconciler is not None and due and reconciler.run():
            ledger.flush()

    def catch_up(self, ctx: Context, ledger: StockLedger) -> None:
        """Record every POS order closed so far and flush: in chunks, each flushed before the next is read, so a
        backlog reaches NetSuite progressively rather than after one long read."""
        while ctx.pos is not None:
            self.read_pos(ctx)
            if not self.more_pos:
                break
            ledger.flush()
        ledger.flush()

    more_pos = False  # the last read_pos stopped at its limit

    def read_pos(self, ctx: Context, limit: int = POS_CHUNK) -> int:
        """Record the stock movements of (at most ``limit``) POS orders closed since the last read."""
        batch = read_closed(ctx, POS_READER, limit=limit)
        self.more_pos = batch.more
        carried = ctx.config.ledger_mode == "cash-sale"
        restock = ctx.safeguards.on("no-restock-on-refund")
        moves: list[Movement] = []
        for order in batch.closed:
            refund = is_refund(order)
            if refund and not restock and not carried:
                continue  # the naive connector forgets that refunded goods came back
            for row in product_rows(order):
                warehouse = row.get("warehouseid") or order.get("warehouseid")
                if warehouse is None or not row.get("sku"):
                    continue
                moves.append(
                    Movement(
                        f"pos:{order['orderid']}:{row['orderitemid']}",
                        str(row["sku"]),
                        f"pos:{warehouse}",
                        -parse_quantity(row.get("quantity")),
                        order_time(order),
                        batch=sale_posting_key(order["orderid"]) if carried else None,
                    )
                )
        with ctx.state.tx() as s:
            added = record(s, moves)
            batch.commit(s)
        if added:
            ctx.stats.add(FLOW, "pos_movements", added)
        return added


def _level_delta(
    ctx: Context, session: Session, sku: str, satellite: str, on_hand: float, delta: float
) -> float:
    """The no-reorder-tolerance mutant: the change from the last level *received*, not the event's own delta.

    In arrival order, so an older event delivered late moves the level back (what naive level-syncing does).
    """
    row = session.scalar(
        select(IdMapping).where(
            IdMapping.system == "wms", IdMapping.kind == "level", IdMapping.key == f"{sku}@{satellite}"
        )
    )
    previous = float(row.target) if row is not None else on_hand - delta
    if row is None:
        session.add(
            IdMapping(system="wms", kind="level", key=f"{sku}@{satellite}", target=str(on_hand), data="{}")
        )
    else:
        row.target = str(on_hand)
    return on_hand - previous
