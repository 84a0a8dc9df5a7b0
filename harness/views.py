"""Read-only views over ``GET /__erpsim/state`` dumps, and the links between systems' records.

How the harness recognises what a connector created (documented in the README, "Harness"):

- a WMS order belongs to the NetSuite sales order whose internal id is the order's ``externalId``, or whose
  ``tranId`` / ``externalId`` / internal id is the order's ``clientReference``; a sales order may have several
  (a cancelled one and its replacement), but one live (not cancelled) order at most;
- an item fulfilment belongs to the sales order in its ``createdFrom``;
- a WMS line is a NetSuite line when their SKU and the NetSuite item's ``itemId`` (or the WMS product's
  ``externalId`` and the item's internal id) agree.
"""

from __future__ import annotations

from typing import Any

ITEM_TYPES = (
    "inventoryItem",
    "lotNumberedInventoryItem",
    "assemblyItem",
    "serviceSaleItem",
    "downloadItem",
    "nonInventorySaleItem",
    "serializedInventoryItem",
    "kitItem",
    "discountItem",
    "otherChargeSaleItem",
    "nonInventoryResaleItem",
    "serviceResaleItem",
    "nonInventoryPurchaseItem",
    "servicePurchaseItem",
    "giftCertificateItem",
    "markupItem",
    "subtotalItem",
    "paymentItem",
    "descriptionItem",
)
PHYSICAL_ITEM_TYPES = ("inventoryItem", "lotNumberedInventoryItem", "assemblyItem", "serializedInventoryItem")
POSTING_TYPES = (
    "itemFulfillment",
    "invoice",
    "cashSale",
    "customerPayment",
    "creditMemo",
    "cashRefund",
    "itemReceipt",
    "vendorBill",
    "vendorPayment",
    "vendorCredit",
    "inventoryAdjustment",
    "inventoryTransfer",
    "journalEntry",
    "assemblyBuild",
    "customerRefund",
    "deposit",
    "check",
)


def ref_id(value: Any) -> str | None:
    """The id of a NetSuite reference value ({"id": "5"} or a bare id), as a string."""
    if isinstance(value, dict):
        raw = value.get("id")
        return str(raw) if raw is not None else None
    return str(value) if value is not None else None


def sublist(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The lines of a sublist as stored ({"items": [...]}) or a plain list."""
    value = body.get(name)
    if isinstance(value, dict):
        items = value.get("items")
        return list(items) if isinstance(items, list) else []
    return list(value) if isinstance(value, list) else []


class NetSuiteView:
    """NetSuite's state: records by type, stock, commitments."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state
        self.records: dict[str, list[dict[str, Any]]] = state.get("records", {})
        # internal ids are unique per record family only (an item and an order may share one): key by type too
        self._by_type_id: dict[tuple[str, int], dict[str, Any]] = {}
        for rtype, rows in self.records.items():
            for row in rows:
                self._by_type_id[(rtype, int(row["id"]))] = row

    def all(self, rtype: str) -> list[dict[str, Any]]:
        """Every live record of a type."""
        return list(self.records.get(rtype, []))

    def record(self, rtype: str, rid: int | str) -> dict[str, Any] | None:
        """One record by type and internal id."""
        try:
            return self._by_type_id.get((rtype, int(rid)))
        except (TypeError, ValueError):
            return None

    def item(self, item_id: Any) -> tuple[str, dict[str, Any]] | None:
        """(item type, record) of an item reference ({"id": ...} or a bare id)."""
        rid = ref_id(item_id)
        if rid is None or not rid.isdigit():
            return None
        for rtype in ITEM_TYPES:
            rec = self._by_type_id.get((rtype, int(rid)))
            if rec is not None:
                return rtype, rec
        return None

    def items(self) -> list[tuple[str, dict[str, Any]]]:
        """Every item record with its type."""
        return [(t, r) for t in ITEM_TYPES for r in self.records.get(t, [])]

    def item_type(self, item_id: Any) -> str | None:
        """The record type of an item reference."""
        found = self.item(item_id)
        return found[0] if found else None

    def item_sku(self, item_id: Any) -> str | None:
        """The itemId (SKU) of an item reference."""
        found = self.item(item_id)
        return found[1]["body"].get("itemId") if found else None

    def is_physical(self, item_id: Any) -> bool:
        """True when the item is a stock item the warehouse ships."""
        return self.item_type(item_id) in PHYSICAL_ITEM_TYPES

    @staticmethod
    def status_id(rec: dict[str, Any]) -> str | None:
        """A transaction's status id (A, B, ...)."""
        status = rec["body"].get("status")
        return status.get("id") if isinstance(status, dict) else status

    def created_from(self, rtype: str, source_id: int | str) -> list[dict[str, Any]]:
        """Records of ``rtype`` whose createdFrom is ``source_id``."""
        return [
            r for r in self.records.get(rtype, []) if ref_id(r["body"].get("createdFrom")) == str(source_id)
        ]

    def fulfillments_for(self, so_id: int | str) -> list[dict[str, Any]]:
        """The item fulfilments created from a sales order."""
        return self.created_from("itemFulfillment", so_id)

    def by_external_id(self, rtype: str, external_id: str) -> dict[str, Any] | None:
        """A record by externalId (case-insensitive, as NetSuite)."""
        low = external_id.lower()
        return next(
            (r for r in self.records.get(rtype, []) if str(r["body"].get("externalId", "")).lower() == low),
            None,
        )


class WmsView:
    """The WMS's state: orders with their lines, products, stock."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state
        self.orders: list[dict[str, Any]] = state.get("wms_orders", [])
        lines: dict[int, list[dict[str, Any]]] = {}
        for ln in state.get("wms_order_lines", []):
            lines.setdefault(int(ln["order_id"]), []).append(ln)
        self.lines = lines
        products = {p["sku"]: p for p in state.get("wms_products", [])}
        by_id = {p.get("id"): p for p in products.values()}
        # a code a product had before a correction (history keeps it) still names that product, unless another
        # product holds the code now
        former = {
            h["sku"]: by_id[h["product_id"]]
            for h in state.get("wms_product_sku_history", [])
            if h.get("product_id") in by_id
        }
        self.products = {**former, **products}

    def order_lines(self, order: dict[str, Any]) -> list[dict[str, Any]]:
        """The lines of one WMS order, in order."""
        return sorted(self.lines.get(int(order["id"]), []), key=lambda ln: ln["line_index"])

    def orders_for_sales_order(self, so: dict[str, Any]) -> list[dict[str, Any]]:
        """WMS orders that belong to a NetSuite sales order (see the module docstring)."""
        keys = {str(so["id"])}
        for field in ("tranId", "externalId"):
            if so["body"].get(field):
                keys.add(str(so["body"][field]))
        return [
            o
            for o in self.orders
            if str(o.get("external_id") or "") == str(so["id"]) or str(o.get("client_reference")) in keys
        ]

    def live_orders_for_sales_order(self, so: dict[str, Any]) -> list[dict[str, Any]]:
        """The sales order's WMS orders that are not cancelled (a cancelled one may have a replacement)."""
        return [o for o in self.orders_for_sales_order(so) if o["status"] != "CANCELLED"]

    def stock_by_sku(self) -> dict[tuple[str, int], dict[str, Any]]:
        """Stock rows by (sku, warehouse id)."""
        return {(s["sku"], int(s["warehouse_id"])): s for s in self.state.get("wms_stock", [])}
