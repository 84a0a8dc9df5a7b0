"""Cancellations: a NetSuite cancel or line close reaches the WMS only when the warehouse can still stop it.

Every pass the engine re-reads, with SuiteQL, the sales orders it sent and whose WMS order is not finished (its
watch list): NetSuite does not bump an order's ``lastModifiedDate`` when only a line is closed, so a cursor would
miss line closes. When an order is cancelled (C), closed (H) or a line the WMS was sent is closed:

- the WMS order is NEW, RELEASED or HOLDING: the engine cancels it there; if open physical lines remain, it sends
  a replacement order (``NS-SO-<id>-R<n>``) with them (the WMS cannot amend lines);
- picking has started (PICKING, PACKED) or it left (DESPATCHED): the engine does not pretend. It parks
  ``cancel_after_release`` for the team with the WMS status and touches no refund, credit or close;
- the warehouse refuses the cancel because picking started meanwhile (409): the same ``cancel_after_release``.

``no-cancel-check`` is the naive connector: it sends the cancel without looking at the WMS status and, when
the warehouse refuses it, takes the order as cancelled anyway (nothing is flagged; the shipment goes on).

The flow also watches the WMS for orders the warehouse cancelled itself: an order the team had been warned
about is resolved; any other is parked as ``wms_cancelled`` (NetSuite still expects it to ship). And for orders
the warehouse put on hold (short stock, an unknown SKU): each is parked as ``wms_hold`` with the warehouse's
reason while it holds, and resolved once released (``no-hold-alerts`` lets them wait silently).
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..clients.netsuite import ref, sublist
from ..errors import ApiRefusal
from .base import Context, Flow
from .catalog import is_physical
from .orders import FLOW as ORDERS_FLOW
from .orders import build_order, current_skus, sales_order_of, send_order, work_key

CANCELLABLE = ("NEW", "RELEASED", "HOLDING")
CURSOR = "cancellations:wms-cancelled"


def cancel_key(so_id: str, rev: int) -> str:
    """The outbox key of cancelling one revision of a sales order's WMS order."""
    return f"cancel:{so_id}:{rev}"


def flag_key(so_id: str, rev: int) -> str:
    """The exception key of a cancel after release."""
    return f"cancel-after-release:{so_id}:{rev}"


class Cancellations(Flow):
    """NetSuite cancels and line closes -> WMS cancels, checked against the warehouse status."""

    name: ClassVar[str] = "cancellations"
    systems: ClassVar[tuple[str, ...]] = ("netsuite", "wms")
    description: ClassVar[str] = (
        "NetSuite cancels / line closes -> WMS cancel while NEW/RELEASED/HOLDING, "
        "else cancel_after_release for the team"
    )

    def run(self, ctx: Context) -> None:
        """Check the watch list against NetSuite, act on what was closed, then note warehouse-side cancels."""
        watch = ctx.state.mapping_rows("wms", "open-order")
        closed = self.closed_lines(ctx, sorted(watch))
        for so_id, (reference, data) in sorted(watch.items(), key=lambda kv: int(kv[0])):
            sent = {str(line) for line in data.get("lines", {})}
            gone = closed.get(so_id)
            if gone is None:
                continue
            status, closed_lines = gone
            hit = (
                sorted(sent & closed_lines, key=int)
                if status not in ("C", "H", "deleted")
                else sorted(sent, key=int)
            )
            if hit:
                self.cancel(ctx, so_id, reference, data, hit, status)
        self.warehouse_cancels(ctx)
        self.warehouse_holds(ctx)

    def closed_lines(self, ctx: Context, so_ids: list[str]) -> dict[str, tuple[str, set[str]]]:
        """Per watched sales order: (status, closed line numbers); a deleted order reports status 'deleted'."""
        out: dict[str, tuple[str, set[str]]] = {}
        for start in range(0, len(so_ids), 500):
            chunk = so_ids[start : start + 500]
            rows = ctx.netsuite.suiteql(
                "SELECT t.id, t.status, tl.id AS line, tl.isclosed FROM transaction t "
                "JOIN transactionline tl ON tl.transaction = t.id "
                f"WHERE t.type = 'SalesOrd' AND tl.mainline = 'F' AND t.id IN ({', '.join(chunk)})"
            )
            for row in rows:
                status, lines = out.setdefault(str(row["id"]), (str(row.get("status") or ""), set()))
                if row.get("isclosed") == "T":
                    lines.add(str(row["line"]))
            for so_id in chunk:
                out.setdefault(so_id, ("deleted", set()))
        return out

    def cancel(
        self, ctx: Context, so_id: str, reference: str, data: dict[str, Any], lines: list[str], status: str
    ) -> None:
        """Cancel one WMS order if the warehouse can still stop it; otherwise flag it for the team."""
        assert ctx.wms is not None
        rev = int(data.get("rev", 1))
        key = cancel_key(so_id, rev)
        records = {
            "salesOrder": so_id,
            "clientReference": reference,
            "netsuiteStatus": status,
            "closedLines": lines,
        }
        reason = f"NetSuite sales order {so_id} " + (
            "cancelled"
            if status == "C"
            else "closed"
            if status == "H"
            else "deleted"
            if status == "deleted"
            else f"lines {', '.join(lines)} closed"
        )
        with ctx.state.tx() as session:
            ctx.state.requeue(session, self.name, key, {"so": so_id, "ref": reference, "lines": lines})
        if ctx.safeguards.off("no-cancel-check"):
            # the naive connector: cancel by id without looking, and call it cancelled whatever the answer
            try:
                ctx.wms.cancel_order(int(data["wmsId"]), reason)
            except ApiRefusal:
                pass
            self._done(ctx, so_id, key, "cancelled (unchecked)")
            return
        order = ctx.wms.order_by_reference(reference)
        if order is None or order["status"] == "CANCELLED":
            self._done(ctx, so_id, key, "already cancelled" if order else "no WMS order")
            return
        if order["status"] not in CANCELLABLE:
            self._flag(ctx, so_id, rev, key, order["status"], records, order)
            return
        try:
            ctx.wms.cancel_order(int(order["id"]), reason)
        except ApiRefusal as exc:
            if exc.status == 409:
                current = (exc.body or {}).get("currentStatus") if isinstance(exc.body, dict) else None
                self._flag(ctx, so_id, rev, key, str(current or "?"), records, exc.body)
                return
            raise
        ctx.stats.add(self.name, "cancelled")
        self._done(ctx, so_id, key, "cancelled")
        if status not in ("C", "H", "deleted"):
            self.replace(ctx, so_id, rev + 1)

    def replace(self, ctx: Context, so_id: str, rev: int) -> None:
        """Send the lines still open as a new WMS order (the WMS cannot drop lines from an order)."""
        so = ctx.netsuite.get("salesOrder", so_id)
        if not any(
            is_physical(ref(ln.get("itemType"))) and not ln.get("isClosed") for ln in sublist(so, "item")
        ):
            return
        built = build_order(ctx, so, rev, "")
        if built is None:
            return
        key = work_key(so_id, rev)
        with ctx.state.tx() as session:
            ctx.state.requeue(session, ORDERS_FLOW, key, built)
        send_order(ctx, ORDERS_FLOW, key, built, current_skus(ctx, {ln["item"] for ln in built["lines"]}))
        ctx.stats.add(self.name, "replaced")

    def _done(self, ctx: Context, so_id: str, key: str, outcome: str) -> None:
        ctx.state.forget_mapping("wms", "open-order", so_id)
        ctx.state.finish(key, result={"outcome": outcome})

    def _flag(
        self,
        ctx: Context,
        so_id: str,
        rev: int,
        key: str,
        wms_status: str,
        records: dict[str, Any],
        found: Any,
    ) -> None:
        """Raise cancel-after-release: the warehouse has the goods in hand; nothing is refunded or closed."""
        ctx.park(
            self.name,
            "cancel_after_release",
            flag_key(so_id, rev),
            f"sales order {so_id} was cancelled/closed in NetSuite but WMS order {records['clientReference']} "
            f"is {wms_status}: picking has started, stop the shipment or reopen the order (no refund or credit "
            "was issued)",
            records={**records, "wmsStatus": wms_status},
            error={"wms": found},
        )
        with ctx.state.tx() as session:
            ctx.state.forget_mapping("wms", "open-order", so_id, session=session)
            ctx.state.set_mapping(
                "wms", "flagged-order", so_id, records["clientReference"], {"rev": rev}, session=session
            )
        ctx.state.finish(key, status="parked", result={"wmsStatus": wms_status})

    def warehouse_cancels(self, ctx: Context) -> None:
        """WMS orders the warehouse cancelled: resolve a flagged cancel, park any other for the team."""
        assert ctx.wms is not None
        cursor = ctx.state.cursor(CURSOR)
        cancelled = ctx.wms.orders(status="CANCELLED", updated_since=cursor or None)
        if not cancelled:
            return
        work = ctx.state.work_of(self.name)
        flagged = ctx.state.mapping_rows("wms", "flagged-order")
        newest = cursor
        for order in cancelled:
            newest = max(newest, str(order.get("updatedAt") or ""))
            parsed = sales_order_of(str(order["clientReference"]))
            if parsed is None:
                continue
            so_id, rev = parsed
            seen = f"wms-cancelled:{order['clientReference']}"
            if work.get(cancel_key(so_id, rev), ("", {}))[0] == "done" or seen in work:
                continue  # the engine asked for it, or it was handled on an earlier pass
            with ctx.state.tx() as session:
                ctx.state.enqueue(session, self.name, seen, {"so": so_id, "ref": order["clientReference"]})
            ctx.state.finish(seen, result={"status": "CANCELLED"})
            if so_id in flagged and flagged[so_id][0] == order["clientReference"]:
                ctx.state.resolve_exception(flag_key(so_id, rev))
                ctx.state.forget_mapping("wms", "flagged-order", so_id)
                continue
            ctx.state.forget_mapping("wms", "open-order", so_id)
            ctx.park(
                self.name,
                "wms_cancelled",
                f"wms-cancelled:{order['clientReference']}",
                f"the warehouse cancelled WMS order {order['clientReference']} (sales order {so_id}): "
                f"{order.get('cancelReason') or 'no reason given'}; NetSuite still expects it to ship",
                records={"salesOrder": so_id, "clientReference": order["clientReference"]},
                error={"wms": order},
            )
        with ctx.state.tx() as session:
            ctx.state.set_cursor(session, CURSOR, newest)

    def warehouse_holds(self, ctx: Context) -> None:
        """WMS orders on hold: park ``wms_hold`` (once per hold and reason) while they hold, resolve once released."""
        assert ctx.wms is not None
        if ctx.safeguards.off("no-hold-alerts"):
            return
        known = ctx.state.mapping_rows("wms", "held-order")
        holding: dict[str, tuple[str, dict[str, Any]]] = {}
        for order in ctx.wms.orders(status="HOLDING"):  # open holds only: a short list, read whole each pass
            parsed = sales_order_of(str(order["clientReference"]))
            if parsed is not None:
                holding[str(order["clientReference"])] = (parsed[0], order)
        for reference, (so_id, order) in sorted(holding.items()):
            reason = f"{order.get('holdCode') or 'HOLD'}: {order.get('holdReason') or 'no reason given'}"
            _, data = known.get(reference, ("", {}))
            if data.get("reason") == reason:
                continue  # already reported
            if data.get("key"):
                ctx.state.resolve_exception(
                    str(data["key"])
                )  # the cause changed: a new entry says the new one
            episode = int(data.get("episode", 0)) + 1
            key = f"wms-hold:{reference}:{episode}"
            ctx.park(
                self.name,
                "wms_hold",
                key,
                f"WMS order {reference} (sales order {so_id}) is on hold at the warehouse ({reason}); it will not "
                "ship until the cause is fixed there",
                records={
                    "salesOrder": so_id,
                    "clientReference": reference,
                    "holdCode": order.get("holdCode"),
                },
                error={"wms": order},
            )
            ctx.state.set_mapping(
                "wms", "held-order", reference, so_id, {"reason": reason, "episode": episode, "key": key}
            )
        for reference, (_so_id, data) in known.items():
            if reference not in holding:  # released (or cancelled): nothing left for the team
                ctx.state.resolve_exception(str(data.get("key", "")))
                ctx.state.forget_mapping("wms", "held-order", reference)
