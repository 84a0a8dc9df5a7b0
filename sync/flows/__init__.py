"""The flows, in the order a pass runs them (masters before documents, documents before stock)."""

from __future__ import annotations

import importlib

from .base import Flow

# module:class of each flow, in pass order; a flow module is imported only when it runs
FLOW_CLASSES: tuple[str, ...] = (
    "items:ItemsFlow",
    "orders:OrdersToWms",
    "cancellations:Cancellations",
    "despatch:DespatchToNetSuite",
    "qms_purchasing:QmsPurchasingFlow",
    "qms_lots:QmsLotsFlow",
    "qms_production:QmsProductionFlow",
    "qms_shipments:QmsShipmentsFlow",
    "recall:RecallFlow",
    "pos_customers:PosCustomersFlow",
    "pos_sales:PosSalesFlow",
    "inventory:InventoryFlow",
    "pos_stock:PosStockFlow",
    "ap_vendors:ApVendorsFlow",
    "ap_bills:ApBillsFlow",
    "ap_payments:ApPaymentsFlow",
    "ap_invoices:ApInvoicesFlow",
)


def all_flows() -> list[Flow]:
    """One instance of every flow, in pass order."""
    out: list[Flow] = []
    for spec in FLOW_CLASSES:
        module, _, cls = spec.partition(":")
        out.append(getattr(importlib.import_module(f"{__name__}.{module}"), cls)())
    return out
