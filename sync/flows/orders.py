"""Order to warehouse: approved NetSuite sales orders -> WMS fulfilment orders (physical lines only).

Which orders: every sales order NetSuite reports Pending Fulfillment, Partially Fulfilled or Pending
Billing/Partially Fulfilled (status B, D, E), read in full each pass with SuiteQL (a short list: open orders
only). A ``lastModifiedDate`` cursor is not used here because NetSuite does not bump the order's date when only
a line changes; the engine's own state (the outbox key per order) says which orders were already sent.

The WMS order: ``clientReference`` ``NS-SO-<internal id>`` (a replacement after a line close gets ``-R2``,
``-R3``...), ``externalId`` the sales order's internal id, ``orderNumber`` its tranId; one line per open
physical line with what is left to ship, ``externalLineId`` the sales-order line number (the despatch flow
fulfils by it). Digital, service and non-inventory lines are not sent: NetSuite does not fulfil them (they are
billed directly), so a mixed order ships its goods and the rest needs no warehouse.

Safeguards: the physical filter (``no-physical-filter`` sends every line, and the WMS refuses the order), the SKU
check (a line whose SKU the WMS does not hold for that NetSuite item is parked as ``unknown_sku`` /
``sku_mismatch`` and the order waits; ``no-sku-check`` silently drops the line), natural-key idempotency
(``no-idempotency`` invents a fresh reference per attempt). A WMS refusal is parked as ``rejected_order`` with
the WMS's error body and tried again when the sales order changes.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from ..clients.netsuite import ref, sublist
from ..errors import ApiRefusal
from .base import Context, Flow
from .catalog import NOT_PRODUCTS, is_physical, wms_item_type

FLOW = "orders-to-wms"
OPEN_STATUSES = ("B", "D", "E")
# (the trailing hex is what the no-idempotency mutant appends: its orders must still be recognised as ours)
_REF = re.compile(r"^NS-SO-(\d+)(?:-R(\d+))?(?:-[0-9a-f]{6})?$")
_SHIP_FIELDS = {
    "addr1": "address1",
    "addr2": "address2",
    "addr3": "address3",
    "city": "city",
    "state": "county",
    "zip": "postcode",
    "country": "country",
    "addrPhone": "phone",
}


def client_reference(so_id: str, rev: int = 1) -> str:
    """The WMS ``clientReference`` of a sales order (revision 1, or a replacement after a line close)."""
    return f"NS-SO-{so_id}" if rev <= 1 else f"NS-SO-{so_id}-R{rev}"


def sales_order_of(reference: str) -> tuple[str, int] | None:
    """(sales order internal id, revision) of an engine-made client reference, or None."""
    match = _REF.match(reference)
    if not match:
        return None
    return match.group(1), int(match.group(2) or 1)


def work_key(so_id: str, rev: int = 1) -> str:
    """The outbox key of sending one revision of a sales order."""
    return f"wms-order:{so_id}:{rev}"


class OrdersToWms(Flow):
    """Approved NetSuite sales orders -> WMS orders."""

    name: ClassVar[str] = FLOW
    systems: ClassVar[tuple[str, ...]] = ("netsuite", "wms")
    description: ClassVar[str] = (
        "approved sales orders (B/D/E) -> WMS orders keyed NS-SO-<id>, physical lines only; "
        "refusals parked as rejected_order"
    )

    def run(self, ctx: Context) -> None:
        """Queue newly approved (or changed, once refused) orders, then send every queued one."""
        self.collect(ctx)
        pending = ctx.state.pending(self.name)
        if not pending:
            return
        skus = current_skus(ctx, {ln["item"] for _, p in pending for ln in p["lines"]})
        for key, payload in pending:
            send_order(ctx, self.name, key, payload, skus)

    def collect(self, ctx: Context) -> None:
        """Find open sales orders the engine has not sent, build their WMS orders, queue them."""
        # the naive connector (no-physical-filter) sends every approved order, also those with nothing to fulfil
        # (an order of digital or service lines only is Pending Billing, F, as soon as it is approved)
        statuses = OPEN_STATUSES if ctx.safeguards.on("no-physical-filter") else (*OPEN_STATUSES, "F")
        rows = ctx.netsuite.suiteql(
            "SELECT id, tranid, status, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS modified "
            f"FROM transaction WHERE type = 'SalesOrd' AND status IN ({', '.join(repr(s) for s in statuses)}) "
            "ORDER BY id"
        )
        sent = ctx.state.mapping_rows("wms", "order")
        work = ctx.state.work_of(self.name)
        for row in rows:
            so_id = str(row["id"])
            key = work_key(so_id)
            status, payload = work.get(key, ("", {}))
            if so_id in sent or status in ("pending", "done"):
                continue
            if status == "parked" and payload.get("modified") == row.get("modified"):
                continue  # refused before and unchanged since: it would be refused again
            so = ctx.netsuite.get("salesOrder", so_id)
            built = build_order(ctx, so, 1, str(row.get("modified") or ""))
            with ctx.state.tx() as session:
                if built is None:
                    ctx.state.requeue(session, self.name, key, {"so": so_id, "lines": [], "skip": True})
                else:
                    ctx.state.requeue(session, self.name, key, built)
            if built is None:
                ctx.state.finish(key, result={"skipped": "no open physical line for the WMS"})
            ctx.stats.add(self.name, "queued")


def build_order(ctx: Context, so: dict[str, Any], rev: int, modified: str) -> dict[str, Any] | None:
    """The outbox payload for one revision of a sales order (None: nothing on it for the warehouse)."""
    wanted = _warehouse_lines(ctx, so)
    if not wanted:
        return None
    warehouses = {w for _, w in wanted if w is not None}
    so_id = str(so["id"])
    order: dict[str, Any] = {
        "clientReference": client_reference(so_id, rev),
        "externalId": so_id,
        "orderNumber": str(so.get("tranId") or so_id)[:50],
        "lines": [],
    }
    ship_to = ship_to_of(ctx, so)
    if ship_to is not None:
        order["shipTo"] = ship_to
    if len(warehouses) == 1:
        order["warehouseId"] = int(next(iter(warehouses)))
    lines = []
    for line, _ in wanted:
        remaining = float(line.get("quantity") or 0) - float(line.get("quantityFulfilled") or 0)
        item_type = ref(line.get("itemType"))
        lines.append(
            {
                "line": int(line["line"]),
                "item": ref(line.get("item")),
                "quantity": remaining,
                "itemType": wms_item_type(item_type),
                "physical": is_physical(item_type),
            }
        )
    return {
        "so": so_id,
        "tranId": so.get("tranId"),
        "rev": rev,
        "modified": modified,
        "order": order,
        "lines": lines,
        "warehouses": sorted(str(w) for w in warehouses),
    }


def _warehouse_lines(ctx: Context, so: dict[str, Any]) -> list[tuple[dict[str, Any], str | None]]:
    """Open lines with something left to ship (physical ones only, unless the filter is off), with the WMS
    warehouse of their location (None: the WMS's default warehouse)."""
    to_wms = {
        ns: key.split(":", 1)[1] for key, ns in ctx.config.location_map.items() if key.startswith("wms:")
    }
    # locations run by another satellite (the QMS site, POS stores) ship their own lines
    elsewhere = {ns for key, ns in ctx.config.location_map.items() if not key.startswith("wms:")}
    out = []
    for line in sublist(so, "item"):
        item_type = ref(line.get("itemType"))
        if line.get("isClosed") or item_type in NOT_PRODUCTS:
            continue
        if ctx.safeguards.on("no-physical-filter") and not is_physical(item_type):
            continue
        remaining = float(line.get("quantity") or 0) - float(line.get("quantityFulfilled") or 0)
        if remaining <= 0 and is_physical(item_type):
            continue
        location = ref(line.get("location")) or ref(so.get("location"))
        warehouse = to_wms.get(location or "") if to_wms else None
        if is_physical(item_type) and (
            (to_wms and warehouse is None) or (not to_wms and location in elsewhere)
        ):
            continue  # a location the WMS does not run (a store, the QMS site): not this warehouse's line
        out.append((line, warehouse))
    return out


def ship_to_of(ctx: Context, so: dict[str, Any]) -> dict[str, Any] | None:
    """The WMS ship-to of a sales order: its shipping address, else the customer's default shipping address."""
    address = so.get("shippingAddress") if isinstance(so.get("shippingAddress"), dict) else None
    if not address or not address.get("addr1"):
        customer_id = ref(so.get("entity"))
        address = _default_shipping(ctx, customer_id) if customer_id else None
    if not address or not address.get("addr1"):
        return None  # the WMS refuses it (MISSING_SHIP_TO): parked as rejected_order with its own words
    entity = so.get("entity")
    customer: dict[str, Any] = entity if isinstance(entity, dict) else {}
    name = address.get("addressee") or address.get("attention") or customer.get("refName") or "Customer"
    out: dict[str, Any] = {"name": str(name)[:200]}
    for ns_field, wms_field in _SHIP_FIELDS.items():
        value = address.get(ns_field)
        if isinstance(value, dict):
            value = value.get("id")
        if value not in (None, ""):
            out[wms_field] = str(value)[:200]
    if address.get("attention") and address.get("addressee"):
        out["company"] = str(address["addressee"])[:200]
        out["name"] = str(address["attention"])[:200]
    return out


def _default_shipping(ctx: Context, customer_id: str) -> dict[str, Any] | None:
    customer = ctx.netsuite.get("customer", customer_id)
    book = sublist(customer, "addressBook")
    chosen = next((a for a in book if a.get("defaultShipping")), book[0] if book else None)
    address = chosen.get("addressBookAddress") if chosen else None
    return address if isinstance(address, dict) else None


def current_skus(ctx: Context, item_ids: set[str]) -> dict[str, str]:
    """NetSuite's current SKU (itemId) of each item, read once per pass."""
    ids = sorted(i for i in item_ids if i and i.isdigit())
    out: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ", ".join(ids[start : start + 500])
        for row in ctx.netsuite.suiteql(f"SELECT id, itemid FROM item WHERE id IN ({chunk})"):
            out[str(row["id"])] = str(row.get("itemid") or "")
    return out


def wms_sku_problem(ctx: Context, item_id: str, sku: str) -> tuple[str, str, Any] | None:
    """Why the WMS cannot take ``sku`` for NetSuite item ``item_id``: (category, text, found), or None when it can."""
    assert ctx.wms is not None
    known = ctx.state.mapping_data("wms", "item", item_id)
    if known is not None and known.get("sku") == sku:
        return None
    product = ctx.wms.product_by_external_id(item_id)
    if product is not None:
        if product["sku"] == sku:
            ctx.state.set_mapping(
                "wms", "item", item_id, str(product["id"]), {**(known or {}), "sku": sku, "netsuiteSku": sku}
            )
            return None
        return (
            "sku_mismatch",
            f"the WMS holds NetSuite item {item_id} as SKU {product['sku']}, NetSuite calls it {sku}",
            product,
        )
    other = ctx.wms.product_by_sku(sku)
    if other is not None:
        return (
            "sku_mismatch",
            f"WMS SKU {sku} belongs to product {other['id']} (externalId "
            f"{other.get('externalId')}), not NetSuite item {item_id}",
            other,
        )
    return ("unknown_sku", f"SKU {sku} (NetSuite item {item_id}) is not in the WMS item master", None)


def send_order(ctx: Context, flow: str, key: str, payload: dict[str, Any], skus: dict[str, str]) -> None:
    """Create one queued WMS order (SKU check first); park what the WMS refuses."""
    assert ctx.wms is not None
    if payload.get("skip"):
        ctx.state.finish(key, result={"skipped": True})
        return
    so_id = payload["so"]
    order = dict(payload["order"])
    if len(payload.get("warehouses", [])) > 1:
        ctx.park(
            flow,
            "validation_error",
            f"{key}:warehouses",
            f"sales order {payload.get('tranId') or so_id} ships from WMS warehouses "
            f"{', '.join(payload['warehouses'])}: one WMS order ships from one warehouse; split the order",
            records={"salesOrder": so_id, "warehouses": payload["warehouses"]},
        )
        return
    lines, problems = [], []
    for line in payload["lines"]:
        sku = skus.get(str(line["item"]), "")
        if line["physical"]:
            problem = (
                wms_sku_problem(ctx, str(line["item"]), sku)
                if sku
                else ("unknown_sku", f"NetSuite item {line['item']} has no SKU", None)
            )
            if problem is not None:
                if ctx.safeguards.off("no-sku-check"):
                    continue  # the naive connector drops the line without a word
                problems.append((line, sku, problem))
                continue
        if float(line["quantity"]) != int(float(line["quantity"])):
            ctx.park(
                flow,
                "validation_error",
                f"{key}:qty:{line['line']}",
                f"sales order {so_id} line {line['line']}: quantity {line['quantity']} is not a whole unit "
                "(the WMS ships whole units)",
                records={"salesOrder": so_id, "line": line["line"]},
            )
            return
        wms_line: dict[str, Any] = {
            "sku": sku or str(line["item"]),
            "quantity": int(float(line["quantity"])),
            "externalLineId": str(line["line"]),
        }
        if line["physical"] or ctx.safeguards.off("no-physical-filter"):
            wms_line["itemType"] = line["itemType"]
        lines.append(wms_line)
    for line, sku, (category, text, found) in problems:
        ctx.park(
            flow,
            category,
            f"{key}:sku:{line['item']}",
            f"sales order {payload.get('tranId') or so_id}: {text}; "
            "the order waits until the item master is aligned",
            records={"salesOrder": so_id, "line": line["line"], "item": line["item"], "sku": sku},
            error={"found": found},
        )
    if problems:
        return  # stays queued: sent once the items flow (or the team) has aligned the SKU
    if not lines:
        ctx.state.finish(key, result={"skipped": "no line the WMS knows"})
        return
    order["lines"] = lines
    try:
        created = ctx.wms.create_order(order)
    except ApiRefusal as exc:
        ctx.park_refusal(
            flow,
            key,
            exc,
            {
                "salesOrder": so_id,
                "tranId": payload.get("tranId"),
                "clientReference": order["clientReference"],
            },
            category="rejected_order",
        )
        ctx.state.finish(key, status="parked", result={"status": exc.status, "body": exc.body})
        return
    sent_lines = {str(ln["externalLineId"]): ln["quantity"] for ln in lines}
    data = {"rev": payload.get("rev", 1), "wmsId": created["id"], "lines": sent_lines}
    with ctx.state.tx() as session:
        ctx.state.set_mapping("wms", "order", so_id, created["clientReference"], data, session=session)
        ctx.state.set_mapping("wms", "open-order", so_id, created["clientReference"], data, session=session)
    ctx.state.finish(key, result={"wmsId": created["id"], "clientReference": created["clientReference"]})
    ctx.state.resolve_exception(key)
    for line in payload["lines"]:
        ctx.state.resolve_exception(f"{key}:sku:{line['item']}")
    ctx.stats.add(flow, "sent")
