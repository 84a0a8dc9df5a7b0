"""The flows, in the order a pass runs them (masters before documents, documents before stock)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from .base import Flow

# flow name -> module:class, in pass order; a flow module is imported only when it runs
FLOW_CLASSES: dict[str, str] = {
    "items": "items:ItemsFlow",
    "orders-to-wms": "orders:OrdersToWms",
    "cancellations": "cancellations:Cancellations",
    "despatch-to-netsuite": "despatch:DespatchToNetSuite",
    "qms-purchasing": "qms_purchasing:QmsPurchasingFlow",
    "qms-lots": "qms_lots:QmsLotsFlow",
    "qms-production": "qms_production:QmsProductionFlow",
    "qms-shipments": "qms_shipments:QmsShipmentsFlow",
    "recall": "recall:RecallFlow",
    "pos-customers": "pos_customers:PosCustomersFlow",
    "pos-sales": "pos_sales:PosSalesFlow",
    "inventory": "inventory:InventoryFlow",
    "pos-stock": "pos_stock:PosStockFlow",
    "ap-vendors": "ap_vendors:ApVendorsFlow",
    "ap-bills": "ap_bills:ApBillsFlow",
    "ap-payments": "ap_payments:ApPaymentsFlow",
    "ap-invoices": "ap_invoices:ApInvoicesFlow",
}

# Names a flow list may carry that are behaviours of other flows, not passes of their own: accepted in
# ERPSIM_SYNC_FLOWS (a harness passes a scenario's flows, e.g. "orders-to-wms,despatch-to-netsuite,periods")
# and selecting nothing by themselves.
CONCERNS: dict[str, str] = {
    "periods": "closed and locked accounting periods: every flow that posts to NetSuite applies the period policy",
}


def all_flows(names: Iterable[str] | None = None) -> list[Flow]:
    """One instance of every flow (or of the named ones), in pass order; only their modules are imported."""
    wanted = None if names is None else set(names)
    out: list[Flow] = []
    for name, spec in FLOW_CLASSES.items():
        if wanted is not None and name not in wanted:
            continue
        module, _, cls = spec.partition(":")
        out.append(getattr(importlib.import_module(f"{__name__}.{module}"), cls)())
    return out
