"""qms-purchasing: approved NetSuite purchase orders pending receipt -> QMS purchase orders (NetSuite is master).

The QMS receives, inspects and numbers the lots; it needs the order first. A NetSuite order goes once (the QMS
keeps ``netsuiteId`` unique: a 409 DUPLICATE names the order already there), with its inventory lines under
their NetSuite line numbers so the receipts can name the order line back. When ``ERPSIM_SYNC_LOCATION_MAP``
maps ``qms`` to a NetSuite location, only lines received at that location go (the other sites have their own
systems). An order NetSuite closes is closed in the QMS too.
"""

from __future__ import annotations

from typing import Any

from ..clients.netsuite import ref, sublist
from ..clients.qms import QmsClient
from .base import Context, Flow
from .work import Outcome, Park, WorkQueue, done, noop, skipped

PHYSICAL = ("InvtPart", "Assembly")
KIND_PO = "purchase-order"


_SITE_CACHE: dict[tuple[int, str], str | None] = {}


def qms_location(ctx: Context) -> str | None:
    """The NetSuite location of the QMS site (``"qms"`` in ERPSIM_SYNC_LOCATION_MAP), if configured.

    The value is an internal id, or ``eid:<external id>`` (stable across sandbox refreshes), looked up once a pass.
    """
    value = ctx.config.location_map.get("qms")
    if not value or not value.lower().startswith("eid:"):
        return value
    key = (id(ctx.stats), value)
    if key not in _SITE_CACHE:
        _SITE_CACHE.clear()
        found = ctx.netsuite.find_eid("location", value[4:], expand=False)
        _SITE_CACHE[key] = str(found["id"]) if found else None
    return _SITE_CACHE[key]


def qms(ctx: Context) -> QmsClient:
    """The QMS client (the flow only runs when it is configured)."""
    assert ctx.qms is not None
    return ctx.qms


def line_type(line: dict[str, Any]) -> str:
    """A line's item type code (an enum object on order lines, a string on receipts)."""
    kind = line.get("itemType")
    return str(kind.get("id", "")) if isinstance(kind, dict) else str(kind or "")


def line_location(order: dict[str, Any], line: dict[str, Any]) -> str | None:
    """Where a line moves stock: its own location, else the order's."""
    return ref(line.get("location")) or ref(order.get("location"))


class QmsPurchasingFlow(Flow):
    """NetSuite purchase orders -> QMS purchase orders."""

    name = "qms-purchasing"
    systems = ("netsuite", "qms")
    description = "approved NetSuite purchase orders pending receipt -> QMS purchase orders (closes follow)"

    def __init__(self) -> None:
        self.work = WorkQueue(self.name)

    def run(self, ctx: Context) -> None:
        """Stage new open orders and closes, then write them to the QMS."""
        rows = ctx.netsuite.suiteql(
            "SELECT id, tranid, status FROM transaction WHERE type = 'PurchOrd' AND status IN ('B', 'D', 'E', 'H') "
            "ORDER BY id"
        )
        known = ctx.state.mappings("qms", KIND_PO)
        with ctx.state.tx() as session:
            for row in rows:
                po_id, status = str(row["id"]), str(row.get("status") or "")
                if status == "H":
                    if po_id in known:
                        self.work.stage(ctx, session, f"qms-po-close:{po_id}", {"id": po_id}, reopen=())
                elif po_id not in known:
                    self.work.stage(ctx, session, f"qms-po:{po_id}", {"id": po_id}, reopen=())
        self.work.process(
            ctx,
            lambda key, payload: self._write(ctx, key, payload),
            lambda key, payload: {"purchaseOrder": payload["id"]},
        )

    def _write(self, ctx: Context, key: str, payload: dict[str, Any]) -> Outcome:
        po_id = payload["id"]
        if key.startswith("qms-po-close:"):
            return self._close(ctx, po_id)
        order = ctx.netsuite.get("purchaseOrder", po_id)
        site = qms_location(ctx)
        if site is None and ctx.config.location_map.get("qms"):
            raise Park(
                "unknown_location",
                f"ERPSIM_SYNC_LOCATION_MAP qms={ctx.config.location_map['qms']} is not a NetSuite location",
            )
        lines = [
            {"line": int(ln["line"]), "itemNetsuiteId": ref(ln.get("item")), "quantity": ln.get("quantity")}
            for ln in sublist(order, "item")
            if line_type(ln) in PHYSICAL
            and not ln.get("isClosed")
            and (site is None or line_location(order, ln) == site)
        ]
        if not lines:
            return skipped("no inventory lines for the QMS site")
        entity = order.get("entity") or {}
        body = {
            "netsuiteId": po_id,
            "number": str(order.get("tranId") or po_id),
            "vendor": str(entity.get("refName") or ""),
            "lines": lines,
        }
        created = qms(ctx).create_keyed("/purchase-orders", body, "/purchase-orders", netsuite_id=po_id)
        if created.get("netsuiteId") != po_id:
            raise Park(
                "validation_error",
                f"QMS answered purchase order {created.get('id')} for NetSuite {po_id}",
                {"qms": created.get("id")},
            )
        ctx.state.set_mapping(
            "qms", KIND_PO, po_id, str(created["id"]), {"number": body["number"], "open": True}
        )
        return done(qms=created["id"])

    def _close(self, ctx: Context, po_id: str) -> Outcome:
        target = ctx.state.mapped("qms", KIND_PO, po_id)
        if target is None:
            return skipped("never sent to the QMS")
        current = qms(ctx).get(f"/purchase-orders/{target}")
        if current.get("status") == "CLOSED":
            return noop(qms=int(target), closed=True)
        qms(ctx).post(f"/purchase-orders/{target}/close")
        return done(qms=int(target), closed=True)
