"""Warehouse despatch -> NetSuite item fulfilment, by ``!transform`` of the sales order.

A despatched WMS order (polled by status and ``updatedSince``; in daemon mode also the signed
``order.despatched`` webhook) becomes exactly one item fulfilment: ``externalId`` ``WMS-<clientReference>``,
created with ``transform_keyed`` (looked up by that external id after an ambiguous failure or a crash), lines by
``orderLine`` (the WMS line's ``externalLineId``) with the quantities that shipped (a short pick fulfils what
shipped; the rest stays open on the order), every other line ``itemReceive: false``, lots chosen first-expiry-
first-out from NetSuite's lot balances at the line's location (the WMS does not track lots) and sent with
``?replace=inventoryAssignment`` so they replace the lots NetSuite pre-fills instead of adding to them, shipped (``C``),
dated the despatch day (closed periods follow the engine's period policy), tracking in the ``package`` sublist.

A despatched line the sales order does not have, or whose SKU is not the WMS's SKU for that line's item, is
parked as ``sku_mismatch`` (``no-sku-check`` fulfils the rest without a word). NetSuite's refusals are parked as
``rejected_posting`` with its error body; the work stays queued and is tried again each pass.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from ..clients.netsuite import ref, replace_prefilled_lots, sublist
from ..errors import ApiRefusal
from ..periods import ClosedPeriod
from .base import Context, Flow
from .orders import sales_order_of

CURSOR = "despatch:updated"


def despatch_key(client_reference: str) -> str:
    """The outbox key of one WMS despatch (one per WMS order)."""
    return f"despatch:{client_reference}"


def fulfilment_external_id(client_reference: str) -> str:
    """The item fulfilment's external id: one fulfilment per WMS order."""
    return f"WMS-{client_reference}"


def despatch_payload(order: dict[str, Any]) -> dict[str, Any]:
    """The work item of a despatched order, from the WMS order view or the ``order.despatched`` event data."""
    lines = []
    for ln in order.get("lines") or []:
        lines.append(
            {
                "line": ln.get("externalLineId"),
                "sku": ln.get("sku"),
                "shipped": int(ln.get("quantityShipped") or 0),
                "ordered": int(ln.get("quantityOrdered", ln.get("quantity")) or 0),
            }
        )
    return {
        "ref": order["clientReference"],
        "wmsId": order.get("orderId", order.get("id")),
        "carrier": order.get("carrier"),
        "tracking": order.get("trackingNumber"),
        "despatchedAt": order.get("despatchedAt"),
        "lines": lines,
    }


class DespatchToNetSuite(Flow):
    """WMS despatches -> NetSuite item fulfilments."""

    name: ClassVar[str] = "despatch-to-netsuite"
    systems: ClassVar[tuple[str, ...]] = ("netsuite", "wms")
    description: ClassVar[str] = (
        "WMS despatches -> one NetSuite item fulfilment each (!transform, shipped quantities, lots, tracking)"
    )
    webhook_systems: ClassVar[tuple[str, ...]] = ("wms",)
    webhook_events: ClassVar[dict[str, tuple[str, ...]]] = {"wms": ("order.despatched",)}

    def records_event(self, ctx: Context, system: str, event: dict[str, Any]) -> bool:
        """Only a despatch of an order this engine sent is recorded."""
        data = event.get("data") or {}
        return (
            event.get("type") == "order.despatched"
            and sales_order_of(str(data.get("clientReference") or "")) is not None
        )

    def on_event(self, ctx: Context, session: Session, system: str, event: dict[str, Any]) -> None:
        """Record a despatch event as work (the receiver's transaction); the next pass fulfils it."""
        if event.get("type") != "order.despatched":
            return
        data = event.get("data") or {}
        reference = str(data.get("clientReference") or "")
        if sales_order_of(reference) is None:
            return  # not an order this engine sent
        ctx.state.enqueue(session, self.name, despatch_key(reference), despatch_payload(data))

    def run(self, ctx: Context) -> None:
        """Find despatched orders since the cursor, queue them with the cursor, fulfil what is queued."""
        assert ctx.wms is not None
        cursor = ctx.state.cursor(CURSOR)
        despatched = ctx.wms.orders(status="DESPATCHED", updated_since=cursor or None)
        newest = cursor
        with ctx.state.tx() as session:
            for order in despatched:
                newest = max(newest, str(order.get("updatedAt") or ""))
                if sales_order_of(str(order["clientReference"])) is None:
                    continue
                if ctx.state.enqueue(
                    session, self.name, despatch_key(order["clientReference"]), despatch_payload(order)
                ):
                    ctx.stats.add(self.name, "queued")
            if newest != cursor:
                ctx.state.set_cursor(session, CURSOR, newest)
        for key, payload in ctx.state.pending(self.name):
            self.fulfil(ctx, key, payload)

    def fulfil(self, ctx: Context, key: str, payload: dict[str, Any]) -> None:
        """Create (or find) the fulfilment of one despatch; park what NetSuite or the SKU check refuses."""
        reference = payload["ref"]
        parsed = sales_order_of(reference)
        assert parsed is not None
        so_id = parsed[0]
        records = {"salesOrder": so_id, "clientReference": reference, "wmsOrder": payload.get("wmsId")}
        so = ctx.netsuite.get("salesOrder", so_id)
        body = self.fulfilment_body(ctx, key, so, payload, records)
        if body is None:
            return
        try:
            body["tranDate"] = ctx.period_policy.date_for(
                str(payload.get("despatchedAt") or "")[:10] or str(so.get("tranDate")), "inventory"
            )
        except ClosedPeriod as exc:
            ctx.park(
                self.name,
                "closed_period",
                f"{key}:period",
                f"fulfilment of {reference}: {exc}",
                records=records,
                error={"day": exc.day, "period": exc.period, "reason": exc.reason},
            )
            return
        try:
            if ctx.safeguards.off("no-idempotency"):
                body.pop("externalId")
            fulfilment_id = ctx.netsuite.transform_keyed(
                "salesOrder", so_id, "itemFulfillment", body, replace=replace_prefilled_lots(body)
            )
            if payload.get("tracking"):
                # the package sublist replaced as a whole: the same PATCH after a crash changes nothing
                ctx.netsuite.patch(
                    "itemFulfillment",
                    fulfilment_id,
                    {
                        "package": {
                            "items": [
                                {
                                    "packageTrackingNumber": payload["tracking"],
                                    "packageDescr": payload.get("carrier") or "",
                                }
                            ]
                        }
                    },
                    replace="package",
                )
        except ApiRefusal as exc:
            ctx.park_refusal(self.name, key, exc, records, category="rejected_posting")
            return
        ctx.state.set_mapping("netsuite", "fulfillment", reference, fulfilment_id, {"salesOrder": so_id})
        current = ctx.state.mapped("wms", "open-order", so_id)
        if current == reference:
            ctx.state.forget_mapping("wms", "open-order", so_id)
        ctx.state.finish(key, result={"fulfillment": fulfilment_id})
        for done in (key, f"{key}:period"):
            ctx.state.resolve_exception(done)
        ctx.stats.add(self.name, "fulfilled")

    def fulfilment_body(
        self, ctx: Context, key: str, so: dict[str, Any], payload: dict[str, Any], records: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The transform body: shipped lines by orderLine (with lots), the others not received."""
        so_lines = {int(ln["line"]): ln for ln in sublist(so, "item")}
        shipped: dict[int, int] = defaultdict(int)
        problems = []
        for line in payload["lines"]:
            if line["shipped"] <= 0:
                continue
            number = int(line["line"]) if str(line.get("line") or "").isdigit() else None
            so_line = so_lines.get(number) if number is not None else None
            problem = _line_problem(ctx, so_line, line)
            if problem is not None:
                if ctx.safeguards.off("no-sku-check"):
                    continue
                problems.append(problem)
                continue
            assert number is not None
            shipped[number] += line["shipped"]
        if problems:
            ctx.park(
                self.name,
                "sku_mismatch",
                f"{key}:sku",
                f"despatch {payload['ref']}: " + "; ".join(problems),
                records={**records, "lines": payload["lines"]},
            )
            return None
        if not shipped:
            ctx.state.finish(key, result={"skipped": "nothing shipped that NetSuite knows"})
            return None
        lots = _lot_items(ctx, {ref(so_lines[n].get("item")) or "" for n in shipped})
        lines: list[dict[str, Any]] = []
        for number, so_line in sorted(so_lines.items()):
            if number not in shipped:
                lines.append({"orderLine": number, "itemReceive": False})
                continue
            entry: dict[str, Any] = {"orderLine": number, "quantity": shipped[number], "itemReceive": True}
            item = ref(so_line.get("item")) or ""
            if item in lots:
                location = ref(so_line.get("location")) or ref(so.get("location")) or ""
                entry["inventoryDetail"] = {
                    "quantity": shipped[number],
                    "inventoryAssignment": {
                        "items": _first_expiry_first_out(ctx, item, location, shipped[number])
                    },
                }
            lines.append(entry)
        return {
            "externalId": fulfilment_external_id(payload["ref"]),
            "shipStatus": "C",
            "memo": f"WMS despatch {payload['ref']}"
            + (f" ({payload['carrier']})" if payload.get("carrier") else ""),
            "item": {"items": lines},
        }


def _line_problem(ctx: Context, so_line: dict[str, Any] | None, line: dict[str, Any]) -> str | None:
    """Why a despatched line cannot be fulfilled on the order, or None."""
    if so_line is None:
        return f"WMS line {line.get('line')} (SKU {line.get('sku')}) is not a line of the sales order"
    item = ref(so_line.get("item")) or ""
    known = ctx.state.mapping_data("wms", "item", item)
    if known is not None and line.get("sku") in (known.get("sku"), *known.get("formerSkus", [])):
        return None  # a despatch made before the item's WMS SKU was corrected keeps the old code
    assert ctx.wms is not None
    product = ctx.wms.product_by_sku(str(line.get("sku") or ""))
    if product is not None and str(product.get("externalId")) == item:
        return None
    return (
        f"WMS line {line.get('line')} shipped SKU {line.get('sku')}, which is not the WMS SKU of NetSuite item "
        f"{item} on that sales-order line"
    )


def _lot_items(ctx: Context, items: set[str]) -> set[str]:
    """The lot-numbered items among ``items``."""
    ids = sorted(i for i in items if i.isdigit())
    if not ids:
        return set()
    rows = ctx.netsuite.suiteql(f"SELECT id FROM item WHERE islotitem = 'T' AND id IN ({', '.join(ids)})")
    return {str(r["id"]) for r in rows}


def _first_expiry_first_out(ctx: Context, item: str, location: str, quantity: int) -> list[dict[str, Any]]:
    """Lot assignments for ``quantity`` units: earliest expiry first, then oldest lot."""
    rows = ctx.netsuite.suiteql(
        "SELECT ib.inventorynumber AS lot, ib.quantityavailable AS available, inv.expirationdate AS expires "
        "FROM inventorybalance ib JOIN inventorynumber inv ON inv.id = ib.inventorynumber "
        f"WHERE ib.item = {int(item)} AND ib.location = {int(location or 0)} AND ib.quantityavailable > 0"
    )
    rows.sort(key=lambda r: (_sortable_date(r.get("expires")), int(r["lot"])))
    out: list[dict[str, Any]] = []
    left = float(quantity)
    for row in rows:
        take = min(left, float(row["available"]))
        if take <= 0:
            continue
        out.append({"issueInventoryNumber": {"id": str(row["lot"])}, "quantity": take})
        left -= take
        if left <= 0:
            break
    if (
        left > 0 and out
    ):  # not enough in lots: NetSuite refuses with its own words (parked as rejected_posting)
        out[-1]["quantity"] += left
    return out


def _sortable_date(value: Any) -> str:
    """SuiteQL dates in the account's format (M/D/YYYY) as YYYY-MM-DD; no expiry sorts last."""
    text = str(value or "")
    if "/" in text:
        month, day, year = text.split("/")
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return text[:10] or "9999-12-31"
