"""qms-shipments: NetSuite sales orders -> the QMS; QMS shipments -> NetSuite item fulfilments with their lots.

Sales orders are generated in NetSuite and move into the QMS, which scans released finished-good lots onto a
shipment (it refuses any other) and ships it. Each shipped shipment becomes one item fulfilment, a ``!transform``
of the sales order for exactly the lines it shipped (every other line ``itemReceive: false``), each line
issuing the shipped lots (``issueInventoryNumber``), external id ``qms-ship-<shipment id>``; NetSuite then moves
the order from Pending Fulfillment to Pending Billing. Only orders with lines at the QMS site
(``ERPSIM_SYNC_LOCATION_MAP`` key ``qms``) go to the QMS, so the warehouse flows keep theirs. A sales order
NetSuite cancels or closes is cancelled in the QMS while nothing has shipped; after that it is parked as a
cancel after release for a person.
"""

from __future__ import annotations

from typing import Any

from ..clients.netsuite import ref, replace_prefilled_lots, sublist
from ..errors import ApiRefusal
from .base import Context, Flow
from .nsrefs import NetSuiteRefs, require
from .qms_purchasing import PHYSICAL, line_location, line_type, qms, qms_location
from .work import Outcome, Park, WorkQueue, done, keyed, mappings_with_data, noop, skipped

KIND_SO = "sales-order"
KIND_FULFIL = "fulfilment"


class QmsShipmentsFlow(Flow):
    """NetSuite sales orders -> QMS; QMS shipments -> NetSuite item fulfilments."""

    name = "qms-shipments"
    systems = ("netsuite", "qms")
    description = "NetSuite sales orders -> QMS; shipped QMS shipments -> NetSuite item fulfilments with lots"

    def __init__(self) -> None:
        self.work = WorkQueue(self.name)
        self.refs = NetSuiteRefs()

    def run(self, ctx: Context) -> None:
        """Stage new orders, cancels and shipments; write them across."""
        self.refs.for_pass(ctx)
        site = qms_location(ctx)
        known = ctx.state.mappings("qms", KIND_SO)
        if site is not None:
            rows = ctx.netsuite.suiteql(
                "SELECT DISTINCT t.id AS id, t.status AS status FROM transaction t JOIN transactionline l "
                "ON l.transaction = t.id WHERE t.type = 'SalesOrd' AND t.status IN ('B', 'C', 'D', 'E', 'H') "
                f"AND l.location = {int(site)} ORDER BY t.id"
            )
            with ctx.state.tx() as session:
                for row in rows:
                    so_id, status = str(row["id"]), str(row.get("status") or "")
                    if status in ("C", "H"):
                        if so_id in known:
                            self.work.stage(ctx, session, f"qms-so-cancel:{so_id}", {"so": so_id}, reopen=())
                    elif so_id not in known:
                        self.work.stage(ctx, session, f"qms-so:{so_id}", {"so": so_id}, reopen=())
        self.work.process(ctx, lambda key, payload: self._write(ctx, key, payload), _records)
        polled = [
            (so_id, qms_id, data, *self._poll_order(ctx, so_id, qms_id))
            for so_id, (qms_id, data) in sorted(mappings_with_data(ctx, "qms", KIND_SO).items())
            if data.get("open")
        ]
        self.work.process(ctx, lambda key, payload: self._write(ctx, key, payload), _records)
        posted = ctx.state.mappings("netsuite", KIND_FULFIL)
        for so_id, qms_id, data, status, shipped in polled:
            if status in ("PENDING_BILLING", "CANCELLED") and all(str(s) in posted for s in shipped):
                ctx.state.set_mapping("qms", KIND_SO, so_id, qms_id, {**data, "open": False})

    def _poll_order(self, ctx: Context, so_id: str, qms_id: str) -> tuple[str, list[int]]:
        order = qms(ctx).get(f"/sales-orders/{qms_id}")
        shipped = qms(ctx).paged("/shipments", sales_order_id=qms_id, status="SHIPPED")
        with ctx.state.tx() as session:
            for shipment in shipped:
                self.work.stage(
                    ctx,
                    session,
                    f"qms-ship:{shipment['id']}",
                    {"shipment": shipment["id"], "so": so_id},
                    reopen=(),
                )
        return str(order.get("status")), [int(s["id"]) for s in shipped]

    # --- writing -------------------------------------------------------------------------------------------
    def _write(self, ctx: Context, key: str, payload: dict[str, Any]) -> Outcome:
        if key.startswith("qms-so:"):
            return self._order(ctx, payload["so"])
        if key.startswith("qms-so-cancel:"):
            return self._cancel(ctx, payload["so"])
        return self._fulfil(ctx, str(payload["shipment"]), payload["so"])

    def _order(self, ctx: Context, so_id: str) -> Outcome:
        order = ctx.netsuite.get("salesOrder", so_id)
        site = qms_location(ctx)
        lines = [
            {"line": int(ln["line"]), "itemNetsuiteId": ref(ln.get("item")), "quantity": ln.get("quantity")}
            for ln in sublist(order, "item")
            if line_type(ln) in PHYSICAL and not ln.get("isClosed") and line_location(order, ln) == site
        ]
        if not lines:
            return skipped("no inventory lines at the QMS site")
        body = {
            "netsuiteId": so_id,
            "number": str(order.get("tranId") or so_id),
            "customer": str((order.get("entity") or {}).get("refName") or ""),
            "lines": lines,
        }
        created = qms(ctx).create_keyed("/sales-orders", body, "/sales-orders", netsuite_id=so_id)
        ctx.state.set_mapping(
            "qms", KIND_SO, so_id, str(created["id"]), {"number": body["number"], "open": True}
        )
        return done(qms=created["id"])

    def _cancel(self, ctx: Context, so_id: str) -> Outcome:
        target = require(ctx.state.mapped("qms", KIND_SO, so_id), "validation_error", "order never sent")
        current = qms(ctx).get(f"/sales-orders/{target}")
        if current.get("status") == "CANCELLED":
            return noop(qms=int(target), cancelled=True)
        if current.get("status") != "PENDING_FULFILLMENT":
            raise Park(
                "cancel_after_release",
                f"NetSuite closed sales order {current.get('number')} but the QMS has "
                f"already shipped from it ({current.get('status')}): nothing is "
                "undone, a person decides",
                {"salesOrder": so_id, "qms": target},
            )
        try:
            qms(ctx).post(f"/sales-orders/{target}/cancel")
        except ApiRefusal as exc:
            if exc.status != 409:
                raise
            raise Park(
                "cancel_after_release",
                f"the QMS refused to cancel sales order {current.get('number')}",
                {"salesOrder": so_id, "qms": target},
                {"status": exc.status, "body": exc.body},
            ) from None
        return done(qms=int(target), cancelled=True)

    def _fulfil(self, ctx: Context, shipment_id: str, so_id: str) -> Outcome:
        posted = ctx.state.mapped("netsuite", KIND_FULFIL, shipment_id)
        if posted is not None:
            return noop(itemFulfillment=posted)
        shipment = qms(ctx).get(f"/shipments/{shipment_id}")
        order = ctx.netsuite.get("salesOrder", so_id)
        lines = {int(ln["line"]): ln for ln in sublist(order, "item")}
        shipped: dict[int, list[tuple[str, float]]] = {}
        for scan in shipment.get("scans", []):
            shipped.setdefault(int(scan["line"]), []).append((scan["lotNumber"], float(scan["quantity"])))
        items: list[dict[str, Any]] = []
        for line_no, lots in sorted(shipped.items()):
            line = lines.get(line_no)
            if line is None:
                raise Park(
                    "validation_error", f"NetSuite sales order {order.get('tranId')} has no line {line_no}"
                )
            item_id = str(ref(line.get("item")))
            quantity = round(sum(q for _, q in lots), 6)
            location = require(
                qms_location(ctx) or line_location(order, line),
                "unknown_location",
                f"no location to fulfil line {line_no} of {order.get('tranId')} from",
            )
            entry: dict[str, Any] = {
                "orderLine": line_no,
                "itemReceive": True,
                "quantity": quantity,
                "location": {"id": location},
            }
            if self.refs.is_lot_item(ctx.netsuite, item_id):
                entry["inventoryDetail"] = {
                    "quantity": quantity,
                    "inventoryAssignment": {
                        "items": [
                            {"issueInventoryNumber": {"id": self._lot(ctx, item_id, number)}, "quantity": q}
                            for number, q in _merged(lots)
                        ]
                    },
                }
            items.append(entry)
        items += [{"orderLine": n, "itemReceive": False} for n in sorted(lines) if n not in shipped]
        tracking = " ".join(str(x) for x in (shipment.get("carrier"), shipment.get("trackingNumber")) if x)
        body = {
            "shipStatus": "C",
            "item": {"items": items},
            "tranDate": ctx.period_policy.date_for(str(shipment.get("shippedAt") or "")[:10], "inventory"),
            "memo": f"QMS shipment {shipment_id}" + (f" {tracking}" if tracking else ""),
        }
        fulfil_id = ctx.netsuite.transform_keyed(
            "salesOrder",
            so_id,
            "itemFulfillment",
            keyed(ctx, body, f"qms-ship-{shipment_id}"),
            replace=replace_prefilled_lots(body),
        )
        ctx.state.set_mapping("netsuite", KIND_FULFIL, shipment_id, fulfil_id, {"so": so_id})
        return done(itemFulfillment=fulfil_id)

    def _lot(self, ctx: Context, item_id: str, number: str) -> str:
        lot_id = self.refs.lot_id(ctx.netsuite, item_id, number)
        if lot_id is None:
            raise Park(
                "unknown_lot",
                f"shipped lot {number} is not in NetSuite (its receipt or build has not posted)",
                {"lot": number, "item": item_id},
            )
        return lot_id


def _merged(lots: list[tuple[str, float]]) -> list[tuple[str, float]]:
    out: dict[str, float] = {}
    for number, q in lots:
        out[number] = out.get(number, 0.0) + q
    return list(out.items())


def _records(key: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "salesOrder": payload.get("so"),
        **({"shipment": payload["shipment"]} if "shipment" in payload else {}),
    }
