"""qms-lots: lots released in the QMS -> NetSuite item receipts of their purchase order, with the lot numbers.

A received lot waits in QUARANTINE until QC releases it; only then does it reach NetSuite stock (a rejected or
quarantined lot never does). Each released lot becomes one item receipt, a ``!transform`` of the purchase order
for exactly its order line (every other line ``itemReceive: false``), carrying the QMS lot number as
``receiptInventoryNumber`` and the external id ``qms-lot-<lot id>``: after an ambiguous failure the receipt is
looked up before it is sent again, so it is never posted twice, and the work item is durable, so a crash never
loses it.

Polling walks the receipts of the purchase orders the engine sent that still wait for lots; in daemon mode the
QMS's ``lot.released`` webhook stages the receipt at once. Events of one lot may arrive out of order (a
``lot.released`` delivered after the ``lot.locked`` that followed it): the newest event of a lot wins, and the
lot is read again before its receipt is posted.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..clients.netsuite import ref, sublist
from ..clients.qms import event_sequence
from ..errors import RetryableError
from .base import Context, Flow
from .nsrefs import NetSuiteRefs, require
from .qms_purchasing import KIND_PO, line_location, qms, qms_location
from .work import (
    Outcome,
    Park,
    WorkQueue,
    done,
    keyed,
    mapping_in,
    mappings_with_data,
    noop,
    set_mapping_in,
    skipped,
)

KIND_RECEIPT = "lot-receipt"
TERMINAL = ("REJECTED",)


def receipt_key(lot_id: Any) -> str:
    """The work key of one lot's receipt."""
    return f"qms-receipt:{lot_id}"


def lot_day(lot: dict[str, Any]) -> str:
    """The day a lot was released (its inspection), else the day it was received."""
    inspection = lot.get("inspection") or {}
    return str(inspection.get("inspectedAt") or lot.get("createdAt") or "")[:10]


class QmsLotsFlow(Flow):
    """QMS lot releases -> NetSuite item receipts."""

    name = "qms-lots"
    systems = ("netsuite", "qms")
    description = "lots released in the QMS -> NetSuite item receipts with the lot numbers"
    webhook_systems = ("qms",)
    webhook_events = {"qms": ("lot.released", "lot.locked", "lot.unlocked", "lot.rejected")}

    def __init__(self) -> None:
        self.work = WorkQueue(self.name)
        self.refs = NetSuiteRefs()

    # --- reading -------------------------------------------------------------------------------------------
    def run(self, ctx: Context) -> None:
        """Post what webhooks staged, poll the open purchase orders' receipts, post what that found."""
        self.refs.for_pass(ctx)
        self.work.process(ctx, lambda key, payload: self._receive(ctx, payload), _records)
        polled = [
            (po_id, qms_id, data, *self._poll_order(ctx, po_id, qms_id))
            for po_id, (qms_id, data) in sorted(mappings_with_data(ctx, "qms", KIND_PO).items())
            if data.get("open")
        ]
        self.work.process(ctx, lambda key, payload: self._receive(ctx, payload), _records)
        posted = ctx.state.mappings("netsuite", KIND_RECEIPT)
        for po_id, qms_id, data, status, lots in polled:
            # every lot of a fully received order is in NetSuite or rejected: stop polling the order
            if status in ("RECEIVED", "CLOSED") and all(
                str(lot["id"]) in posted or lot.get("status") in TERMINAL for lot in lots
            ):
                ctx.state.set_mapping("qms", KIND_PO, po_id, qms_id, {**data, "open": False})

    def _poll_order(self, ctx: Context, po_id: str, qms_id: str) -> tuple[str, list[dict[str, Any]]]:
        order = qms(ctx).get(f"/purchase-orders/{qms_id}")
        receipts = qms(ctx).get(f"/purchase-orders/{qms_id}/receipts").get("data", [])
        lots = [lot for receipt in receipts for lot in receipt.get("lots", [])]
        push_all = ctx.safeguards.off("push-quarantined-lots")
        with ctx.state.tx() as session:
            for lot in lots:
                if lot.get("status") == "RELEASED" or push_all:
                    self.work.stage(
                        ctx,
                        session,
                        receipt_key(lot["id"]),
                        {"lot": lot, "po": po_id, "line": lot.get("purchaseOrderLine")},
                    )
        return str(order.get("status")), lots

    # --- webhooks ------------------------------------------------------------------------------------------
    def on_event(self, ctx: Context, session: Session, system: str, event: dict[str, Any]) -> None:
        """Record the newest event of each lot; a release stages the lot's receipt."""
        data = event.get("data") or {}
        lot = data.get("lot") or {}
        if system != "qms" or not str(event.get("type", "")).startswith("lot.") or not lot.get("id"):
            return
        seq = event_sequence(str(event.get("id", "")))
        lot_key = str(lot["id"])
        seen = mapping_in(session, "qms", "lot-event", lot_key)
        if (
            ctx.safeguards.on("no-reorder-tolerance")
            and seen is not None
            and int(seen[1].get("seq", 0)) >= seq
        ):
            ctx.stats.add(self.name, "stale-event")
            return  # an older event delivered late: the lot has moved on
        set_mapping_in(
            session,
            "qms",
            "lot-event",
            lot_key,
            str(lot.get("status", "")),
            {"seq": seq, "type": event.get("type")},
        )
        source = data.get("source") or {}
        if event.get("type") == "lot.released" and source.get("type") == "RECEIPT":
            po = (source.get("purchaseOrder") or {}).get("netsuiteId")
            if po:
                self.work.stage(
                    ctx,
                    session,
                    receipt_key(lot["id"]),
                    {"lot": lot, "po": str(po), "line": source.get("line"), "event": event.get("id")},
                )

    # --- writing -------------------------------------------------------------------------------------------
    def _receive(self, ctx: Context, payload: dict[str, Any]) -> Outcome:
        lot = payload["lot"]
        lot_id = str(lot["id"])
        posted = ctx.state.mapped("netsuite", KIND_RECEIPT, lot_id)
        if posted is not None:
            return noop(itemReceipt=posted)
        if ctx.safeguards.on("push-quarantined-lots"):
            if ctx.safeguards.on("no-reorder-tolerance"):
                lot = qms(ctx).get(f"/lots/{lot_id}")  # the lot now, not as an event described it
            if lot.get("status") != "RELEASED":
                return skipped(f"lot is {lot.get('status')}", status=lot.get("status"))
        po_id, line_no = str(payload["po"]), int(payload.get("line") or 0)
        order = ctx.netsuite.get("purchaseOrder", po_id)
        lines = sublist(order, "item")
        target = next((ln for ln in lines if int(ln.get("line", 0)) == line_no), None)
        if target is None:
            raise Park(
                "validation_error",
                f"NetSuite purchase order {order.get('tranId')} has no line {line_no} "
                f"for QMS lot {lot['lotNumber']}",
            )
        location = require(
            line_location(order, target) or qms_location(ctx),
            "unknown_location",
            f"no location to receive QMS lot {lot['lotNumber']} at",
        )
        item_id = str(ref(target.get("item")))
        quantity = lot.get("initialQuantity", lot.get("quantity"))
        receipt_line: dict[str, Any] = {
            "orderLine": line_no,
            "itemReceive": True,
            "quantity": quantity,
            "location": {"id": location},
        }
        if self.refs.is_lot_item(ctx.netsuite, item_id):
            assignment: dict[str, Any] = {"receiptInventoryNumber": lot["lotNumber"], "quantity": quantity}
            if lot.get("expiryDate"):
                assignment["expirationDate"] = lot["expiryDate"]
            receipt_line["inventoryDetail"] = {
                "quantity": quantity,
                "inventoryAssignment": {"items": [assignment]},
            }
        others = [
            {"orderLine": int(ln["line"]), "itemReceive": False}
            for ln in lines
            if int(ln.get("line", 0)) != line_no
        ]
        body = {
            "tranDate": ctx.period_policy.date_for(lot_day(lot), "inventory"),
            "memo": f"QMS lot {lot['lotNumber']}",
            "item": {"items": [receipt_line, *others]},
        }
        if ctx.safeguards.off("repost-receipts"):
            receipt_id = ctx.netsuite.policy.call(
                lambda: ctx.netsuite.transform("purchaseOrder", po_id, "itemReceipt", body), RetryableError
            )
        else:
            receipt_id = ctx.netsuite.transform_keyed(
                "purchaseOrder", po_id, "itemReceipt", keyed(ctx, body, f"qms-lot-{lot_id}")
            )
        self.refs.forget_lot(item_id, lot["lotNumber"])
        ctx.state.set_mapping(
            "netsuite",
            KIND_RECEIPT,
            lot_id,
            receipt_id,
            {"lot": lot["lotNumber"], "item": item_id, "location": location, "po": po_id},
        )
        return done(itemReceipt=receipt_id, lot=lot["lotNumber"])


def _records(key: str, payload: dict[str, Any]) -> dict[str, Any]:
    lot = payload.get("lot") or {}
    return {
        "lot": lot.get("lotNumber"),
        "lotId": lot.get("id"),
        "purchaseOrder": payload.get("po"),
        "line": payload.get("line"),
    }
