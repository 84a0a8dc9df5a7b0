"""recall: a lot the QMS locks (a recall, traced forward and backward) is held out of sale in NetSuite, and every
sales order it reached is reported.

Mechanism: NetSuite stock of a locked lot is moved by inventory transfer to a hold location whose
``makeInventoryAvailable`` is off (``ERPSIM_SYNC_RECALL_LOCATION``, or one the engine creates with the external id
``erpsim-recall-hold``). A transfer is what the emulated NetSuite supports for a lot (it has no inventory status
records); it is also what a real account without the Inventory Status feature does: stock in a location that
does not make inventory available cannot be committed to orders, and no store or channel is fed from it. When
the QMS lifts the lock, the same quantities go back where they came from.

The QMS's cascade lock locks every lot made from a locked one, so finished goods made from a recalled raw
material are held too. For each locked lot the forward trace lists the shipments that carried it (or lots made
from it): each sales order reached is parked as ``recalled_lot`` with the lots, quantities, shipments and the
raw lots the backward trace leads to, for a person to contact the customers.

Everything is reconciled from the current QMS and NetSuite state on each pass (webhooks only wake the daemon),
and each transfer carries an external id (lot, lock episode, location, count), so a crash or a lost answer never
moves stock twice.
"""

from __future__ import annotations

from typing import Any

from ..errors import ApiRefusal
from .base import Context, Flow
from .nsrefs import NetSuiteRefs
from .qms_purchasing import qms
from .work import Park, mappings_with_data, refusal_category

KIND_HOLD = "recall-hold"
HOLD_EID = "erpsim-recall-hold"


class RecallFlow(Flow):
    """QMS lot locks -> NetSuite stock held out of sale and the affected orders reported."""

    name = "recall"
    systems = ("netsuite", "qms")
    description = (
        "lots locked by a QMS recall -> NetSuite stock moved to a hold location; shipped orders reported"
    )
    webhook_systems = ("qms",)
    webhook_events = {"qms": ("lot.locked", "lot.unlocked")}

    def __init__(self) -> None:
        self.refs = NetSuiteRefs()
        self._items: dict[int, str | None] = {}

    def on_event(self, ctx: Context, session: Any, system: str, event: dict[str, Any]) -> None:
        """Nothing to record: the receiver wakes the daemon and the pass reads the locks as they are now."""

    def run(self, ctx: Context) -> None:
        """Hold every locked lot, release lots no longer locked."""
        self.refs.for_pass(ctx)
        self._items = {}
        locked = qms(ctx).paged("/lots", status="LOCKED")
        holds = mappings_with_data(ctx, "netsuite", KIND_HOLD)
        for lot in locked:
            self._guard(ctx, f"recall-hold:{lot['id']}", lot, lambda lot=lot: self._hold(ctx, lot, holds))
        locked_ids = {str(lot["id"]) for lot in locked}
        for lot_id, (state, data) in sorted(holds.items()):
            if state != "released" and lot_id not in locked_ids:
                self._guard(
                    ctx,
                    f"recall-release:{lot_id}",
                    {"id": lot_id, "lotNumber": data.get("lot")},
                    lambda lot_id=lot_id, data=data: self._release(ctx, lot_id, data),
                )

    def _guard(self, ctx: Context, key: str, lot: dict[str, Any], action: Any) -> None:
        """Run one lot's reconciliation; park a refusal (it is tried again next pass)."""
        records = {"lot": lot.get("lotNumber"), "lotId": lot.get("id")}
        try:
            action()
            ctx.state.resolve_exception(key)
        except Park as exc:
            ctx.park(
                self.name, exc.category, key, exc.summary, records={**records, **exc.records}, error=exc.error
            )
        except ApiRefusal as exc:
            ctx.park_refusal(self.name, key, exc, records, category=refusal_category(exc))

    # --- holding -------------------------------------------------------------------------------------------
    def _hold(self, ctx: Context, lot: dict[str, Any], holds: dict[str, tuple[str, dict[str, Any]]]) -> None:
        lot_id = str(lot["id"])
        state, data = holds.get(lot_id, ("", {}))
        if state in ("", "released"):  # a new lock episode: report it once
            data = {"lot": lot["lotNumber"], "n": int(data.get("n", 0)) + 1, "origins": {}, "moves": {}}
            ctx.state.set_mapping("netsuite", KIND_HOLD, lot_id, "holding", data)
            self._report(ctx, lot, data["n"])
            ctx.stats.add(self.name, "recalled")
        if ctx.safeguards.off("no-recall-hold"):
            ctx.state.set_mapping("netsuite", KIND_HOLD, lot_id, "held", data)
            return
        item = self._ns_item(ctx, int(lot["itemId"]))
        ns_lot = self.refs.lot_id(ctx.netsuite, item, lot["lotNumber"]) if item else None
        if item is None or ns_lot is None:  # never reached NetSuite stock: nothing to hold
            ctx.state.set_mapping("netsuite", KIND_HOLD, lot_id, "held", data)
            return
        hold = self._hold_location(ctx, None)
        pending: dict[str, int] = data.setdefault("pending", {})
        for location, quantity in self._balances(ctx, ns_lot):
            if location == hold or quantity <= 0:
                continue
            hold = self._hold_location(ctx, location)
            count = pending.get(location)
            if count is None:  # a new move: record the intent first, so a crash resumes it under the same key
                count = int(data["moves"].get(location, 0)) + 1
                data["moves"][location] = pending[location] = count
                data["origins"][location] = float(data["origins"].get(location, 0.0)) + quantity
                ctx.state.set_mapping("netsuite", KIND_HOLD, lot_id, "holding", data)
            self._transfer(
                ctx,
                f"qms-hold-{lot_id}-{data['n']}-{location}-{count}",
                item,
                ns_lot,
                quantity,
                location,
                hold,
                f"QMS recall: lot {lot['lotNumber']} held ({lot.get('lockReason')})",
            )
            pending.pop(location, None)
            ctx.stats.add(self.name, "held")
        data["pending"] = {}
        ctx.state.set_mapping("netsuite", KIND_HOLD, lot_id, "held", data)

    def _release(self, ctx: Context, lot_id: str, data: dict[str, Any]) -> None:
        lot = qms(ctx).get(f"/lots/{lot_id}")
        origins: dict[str, float] = data.get("origins") or {}
        item = self._ns_item(ctx, int(lot["itemId"]))
        ns_lot = self.refs.lot_id(ctx.netsuite, item, lot["lotNumber"]) if item and origins else None
        if item is not None and ns_lot is not None:
            hold = self._hold_location(ctx, None)
            at_hold = dict(self._balances(ctx, ns_lot)).get(hold, 0.0)
            for location, quantity in sorted(origins.items()):
                back = min(float(quantity), at_hold)
                if back <= 0:
                    continue
                self._transfer(
                    ctx,
                    f"qms-unhold-{lot_id}-{data['n']}-{location}",
                    item,
                    ns_lot,
                    back,
                    hold,
                    location,
                    f"QMS lock lifted: lot {lot['lotNumber']} back in stock",
                )
                at_hold -= back
                ctx.stats.add(self.name, "released")
        ctx.state.set_mapping("netsuite", KIND_HOLD, lot_id, "released", {**data, "origins": {}, "moves": {}})

    def _transfer(
        self,
        ctx: Context,
        external_id: str,
        item: str,
        ns_lot: str,
        quantity: float,
        source: str,
        target: str,
        memo: str,
    ) -> str:
        body: dict[str, Any] = {
            "externalId": external_id,
            "location": {"id": source},
            "transferLocation": {"id": target},
            "memo": memo,
            "inventory": {
                "items": [
                    {
                        "item": {"id": item},
                        "adjustQtyBy": quantity,
                        "inventoryDetail": {
                            "inventoryAssignment": {
                                "items": [{"issueInventoryNumber": {"id": ns_lot}, "quantity": quantity}]
                            }
                        },
                    }
                ]
            },
        }
        subsidiary = self.refs.location(ctx.netsuite, source).get("subsidiary")
        if subsidiary:
            body["subsidiary"] = {"id": str(subsidiary)}
        if ctx.safeguards.off("no-idempotency"):
            body.pop("externalId")
        return ctx.netsuite.create_keyed("inventoryTransfer", body)

    def _balances(self, ctx: Context, ns_lot: str) -> list[tuple[str, float]]:
        rows = ctx.netsuite.suiteql(
            "SELECT location, quantityonhand FROM inventorynumberlocation "
            f"WHERE inventorynumber = {int(ns_lot)} ORDER BY location"
        )
        return [(str(r["location"]), float(r.get("quantityonhand") or 0)) for r in rows]

    def _hold_location(self, ctx: Context, near: str | None) -> str:
        """The hold location (configured, or created once in the subsidiary of ``near``)."""
        if ctx.config.recall_location:
            return ctx.config.recall_location
        found = ctx.netsuite.find_eid("location", HOLD_EID, expand=False)
        if found is not None:
            return str(found["id"])
        if near is None:
            return ""  # nothing to move yet, so nothing to create
        subsidiary = self.refs.location(ctx.netsuite, near).get("subsidiary")
        body: dict[str, Any] = {"name": "Recall hold", "makeInventoryAvailable": False}
        if subsidiary:
            body["subsidiary"] = {"items": [{"id": str(subsidiary)}]}
        created = ctx.netsuite.upsert("location", HOLD_EID, body)
        self.refs.forget_locations()
        return created

    def _ns_item(self, ctx: Context, qms_item: int) -> str | None:
        if qms_item not in self._items:
            self._items[qms_item] = qms(ctx).get(f"/items/{qms_item}").get("netsuiteId")
        return self._items[qms_item]

    # --- reporting -----------------------------------------------------------------------------------------
    def _report(self, ctx: Context, lot: dict[str, Any], episode: int) -> None:
        """Park one ``recalled_lot`` entry per sales order the lot (or anything made from it) shipped on."""
        forward = qms(ctx).get(f"/lots/{lot['id']}/trace/forward")
        backward = qms(ctx).get(f"/lots/{lot['id']}/trace/backward")
        raw = [
            {
                "lot": r["lotNumber"],
                "sku": r.get("sku"),
                "supplierLot": r.get("supplierLot"),
                "purchaseOrderId": r.get("purchaseOrderId"),
            }
            for r in backward.get("rawLots", [])
        ]
        fulfilments = ctx.state.mappings("netsuite", "fulfilment")
        orders: dict[str, list[dict[str, Any]]] = {}
        for s in forward.get("shipments", []):
            orders.setdefault(str(s.get("salesOrderNetsuiteId")), []).append(s)
        for so_id, shipments in sorted(orders.items()):
            shipped = sorted({s["lotNumber"] for s in shipments})
            ctx.park(
                self.name,
                "recalled_lot",
                f"recall:{lot['id']}:{episode}:so:{so_id}",
                f"recalled lot {lot['lotNumber']} ({lot.get('lockReason')}) reached sales order "
                f"{shipments[0].get('salesOrderNumber')}: lots {', '.join(shipped)} shipped",
                records={
                    "lot": lot["lotNumber"],
                    "sku": lot.get("sku"),
                    "salesOrder": so_id,
                    "salesOrderNumber": shipments[0].get("salesOrderNumber"),
                    "shipments": [
                        {
                            "shipment": s["shipmentId"],
                            "lot": s["lotNumber"],
                            "quantity": s["quantity"],
                            "shippedAt": s.get("shippedAt"),
                            "itemFulfillment": fulfilments.get(str(s["shipmentId"])),
                        }
                        for s in shipments
                    ],
                    "producedLots": [p["lotNumber"] for p in forward.get("producedLots", [])],
                    "sourceLots": raw,
                },
            )
