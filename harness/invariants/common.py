"""Helpers shared by the invariant families: sales-order lines, WMS links, record evidence."""

from __future__ import annotations

from typing import Any

from ..views import NetSuiteView, WmsView, ref_id, sublist

#: Sales-order statuses that mean "approved and not cancelled": the order should be with the warehouse.
SHIPPABLE_STATUSES = ("B", "D", "E", "F", "G")
PICKED_STATUSES = ("PICKING", "PACKED", "DESPATCHED")
OPEN_WMS_STATUSES = ("NEW", "RELEASED", "HOLDING")


def so_evidence(so: dict[str, Any]) -> dict[str, Any]:
    """A sales order as evidence: id, tranId, status and its lines."""
    body = so["body"]
    return {
        "system": "netsuite",
        "type": "salesOrder",
        "id": so["id"],
        "tranId": body.get("tranId"),
        "externalId": body.get("externalId"),
        "status": body.get("status"),
        "lines": [
            {
                "line": ln.get("line"),
                "item": ref_id(ln.get("item")),
                "quantity": ln.get("quantity"),
                "isClosed": ln.get("isClosed"),
                "quantityFulfilled": ln.get("quantityFulfilled"),
            }
            for ln in sublist(body, "item")
        ],
    }


def wms_evidence(wms: WmsView, order: dict[str, Any]) -> dict[str, Any]:
    """A WMS order as evidence, with its lines."""
    return {
        "system": "wms",
        "type": "order",
        "id": order["id"],
        "clientReference": order["client_reference"],
        "externalId": order.get("external_id"),
        "status": order["status"],
        "holdReason": order.get("hold_reason"),
        "trackingNumber": order.get("tracking_number"),
        "lines": [
            {
                "sku": ln["sku"],
                "quantity": ln["quantity"],
                "picked": ln["quantity_picked"],
                "shipped": ln["quantity_shipped"],
            }
            for ln in wms.order_lines(order)
        ],
    }


def record_evidence(rtype: str, rec: dict[str, Any]) -> dict[str, Any]:
    """Any NetSuite record as evidence."""
    return {
        "system": "netsuite",
        "type": rtype,
        "id": rec["id"],
        "createdAt": rec.get("createdAt"),
        "body": rec["body"],
    }


def physical_lines(ns: NetSuiteView, so: dict[str, Any], open_only: bool = True) -> list[dict[str, Any]]:
    """The sales order's lines for stock items (open ones only, unless told otherwise)."""
    return [
        ln
        for ln in sublist(so["body"], "item")
        if ns.is_physical(ln.get("item")) and not (open_only and ln.get("isClosed"))
    ]


def is_closed(so: dict[str, Any]) -> bool:
    """True when the order was cancelled (C) or closed (H), or every line is closed."""
    lines = sublist(so["body"], "item")
    return NetSuiteView.status_id(so) in ("C", "H") or (
        bool(lines) and all(ln.get("isClosed") for ln in lines)
    )


def wms_sku_to_item(ns: NetSuiteView, wms: WmsView, sku: str) -> str | None:
    """The NetSuite item id behind a WMS SKU: the product's externalId, else the item whose itemId is the SKU."""
    product = wms.products.get(sku)
    if product is not None and product.get("external_id") and ns.item(product["external_id"]):
        return str(product["external_id"])
    for _t, rec in ns.items():
        if rec["body"].get("itemId") == sku:
            return str(rec["id"])
    return None


def requests_about(
    journals: dict[str, list[dict[str, Any]]],
    system: str,
    *needles: Any,
    methods: tuple[str, ...] = ("POST", "PUT", "PATCH", "DELETE"),
) -> list[dict[str, Any]]:
    """Journal entries of ``system`` whose path mentions any needle (writes only by default)."""
    keys = [str(n) for n in needles if n not in (None, "")]
    out = []
    for entry in journals.get(system, []):
        if entry.get("method") in methods and any(k in entry.get("path", "") for k in keys):
            out.append(
                {"system": system, **{k: entry.get(k) for k in ("seq", "method", "path", "status", "fault")}}
            )
    return out
