"""Order lines: digital and service lines never reach the WMS, while the physical lines still ship."""

from __future__ import annotations

from collections import defaultdict

from ..views import ref_id
from . import Context, Finding, invariant
from .common import physical_lines, so_evidence, wms_evidence, wms_sku_to_item


@invariant("physical_lines_only_in_wms", "order_lines")
def physical_lines_only_in_wms(ctx: Context) -> list[Finding]:
    """No WMS order line is a digital, service or other non-stock item, and the live WMS order(s) of every sales
    order carry all of its open physical lines with what is left to ship."""
    ns, wms = ctx.netsuite, ctx.wms
    findings: list[Finding] = []
    for so in ns.all("salesOrder"):
        label = so["body"].get("tranId") or so["id"]
        sent: defaultdict[str, float] = defaultdict(float)
        live = []
        for order in wms.orders_for_sales_order(so):
            bad = []
            for ln in wms.order_lines(order):
                item = wms_sku_to_item(ns, wms, ln["sku"])
                if item is not None and not ns.is_physical({"id": item}):
                    bad.append(f"{ln['sku']} ({ns.item_type(item)})")
                if order["status"] != "CANCELLED":
                    sent[item or f"sku:{ln['sku']}"] += float(ln["quantity"])
            if bad:
                findings.append(
                    Finding(
                        f"WMS order {order['client_reference']} of sales order {label} carries "
                        f"non-physical lines: {', '.join(bad)}",
                        [so_evidence(so), wms_evidence(wms, order)],
                    )
                )
            if order["status"] != "CANCELLED":
                live.append(order)
        if not live:
            continue
        wanted: defaultdict[str, float] = defaultdict(float)
        for ln in physical_lines(ns, so):
            wanted[str(ref_id(ln.get("item")))] += float(ln.get("quantity") or 0) - float(
                ln.get("quantityFulfilled") or 0
            )
        missing = {k: v for k, v in wanted.items() if v > 0 and sent.get(k, 0) < v}
        if missing:
            findings.append(
                Finding(
                    f"the live WMS order(s) of sales order {label} lack physical lines (item id -> "
                    f"quantity): {missing}",
                    [so_evidence(so), *(wms_evidence(wms, o) for o in live)],
                )
            )
    return findings
