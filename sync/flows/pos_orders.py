"""Reading POS (Sitoo) orders incrementally: closed sales and refunds after a cursor, open orders watched.

Sitoo order ids grow, so each reader keeps the last id it has seen. An order read while still open (a parked
sale) can close later and only then counts (its stock moves at close): open orders are kept on a watch list
and read again by id on every pass until they close, are cancelled or abandoned. The cursor and the watch list
are written in the caller's state transaction, together with what the orders produced.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from .base import Context

CLOSED, OPEN = 10, 0
ITEM_PRODUCT, ITEM_SHIPPING, ITEM_DISCOUNT = 10, 20, 30


@dataclass
class OrderBatch:
    """Closed orders to process, and how to move the reader's cursor once they are recorded."""

    closed: list[dict[str, Any]]
    commit: Callable[[Session], None]
    more: bool = False  # the limit was reached: more orders may be waiting


def read_closed(ctx: Context, reader: str, limit: int = 10_000) -> OrderBatch:
    """Closed orders not yet seen by ``reader`` (oldest first), plus watched orders that have closed since."""
    assert ctx.pos is not None
    last = int(ctx.state.cursor(f"{reader}:last_order", "0") or 0)
    watch = [int(i) for i in json.loads(ctx.state.cursor(f"{reader}:open_orders", "[]") or "[]")]
    fresh = ctx.pos.orders_after(last, limit=limit)
    again = ctx.pos.orders_by_id(watch) if watch else []
    closed, still_open = [], []
    for order in again + fresh:
        state = int(order.get("orderstateid", CLOSED))
        if state == CLOSED:
            closed.append(order)
        elif state == OPEN:
            still_open.append(int(order["orderid"]))
    new_last = max([last] + [int(o["orderid"]) for o in fresh])

    def commit(session: Session) -> None:
        ctx.state.set_cursor(session, f"{reader}:last_order", str(new_last))
        ctx.state.set_cursor(session, f"{reader}:open_orders", json.dumps(sorted(set(still_open))))

    return OrderBatch(sorted(closed, key=lambda o: int(o["orderid"])), commit, more=len(fresh) >= limit)


def is_refund(order: dict[str, Any]) -> bool:
    """True for a refund (an order raised against another with ``creditorderid``)."""
    return order.get("creditorderid") not in (None, "", 0)


def order_time(order: dict[str, Any]) -> str:
    """The sale time (``orderdate``, Unix seconds) as an ISO UTC timestamp."""
    return datetime.fromtimestamp(int(order.get("orderdate") or 0), UTC).isoformat(timespec="seconds")


def order_day(order: dict[str, Any]) -> str:
    """The business day of a sale (UTC date of ``orderdate``)."""
    return order_time(order)[:10]


def money(value: Any) -> Decimal:
    """A Sitoo money string ("15.00") as an exact decimal."""
    return Decimal(str(value or "0"))


def product_rows(order: dict[str, Any]) -> list[dict[str, Any]]:
    """The product rows of an order (sales positive, refunds negative quantities)."""
    return [
        it
        for it in order.get("orderitems") or []
        if int(it.get("orderitemtype", ITEM_PRODUCT)) == ITEM_PRODUCT
    ]
