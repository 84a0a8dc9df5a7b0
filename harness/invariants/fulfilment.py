"""Fulfilment: every despatch becomes exactly one item fulfilment with the same lines, lots and tracking."""

from __future__ import annotations

import json
from collections import defaultdict

from ..views import ref_id, sublist
from . import Context, Finding, invariant
from .common import record_evidence, requests_about, so_evidence, wms_evidence, wms_sku_to_item


def _nonzero(quantities: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in sorted(quantities.items()) if v}


@invariant("one_fulfillment_per_despatch", "fulfilment")
def one_fulfillment_per_despatch(ctx: Context, tracking: bool = True) -> list[Finding]:
    """Every despatched WMS order has exactly one item fulfilment on its sales order, with the shipped
    quantity of every item and the tracking number; no fulfilment exists for an order not despatched."""
    ns, wms = ctx.netsuite, ctx.wms
    findings: list[Finding] = []
    for so in ns.all("salesOrder"):
        orders = wms.orders_for_sales_order(so)
        fulfilments = ns.fulfillments_for(so["id"])
        despatched = [o for o in orders if o["status"] == "DESPATCHED"]
        label = so["body"].get("tranId") or so["id"]
        evidence = [
            so_evidence(so),
            *(wms_evidence(wms, o) for o in orders),
            *(record_evidence("itemFulfillment", f) for f in fulfilments),
        ]
        if not despatched:
            if fulfilments and orders:
                findings.append(
                    Finding(
                        f"sales order {label} has {len(fulfilments)} item fulfilment(s) but its WMS "
                        f"order was never despatched",
                        evidence,
                    )
                )
            continue
        if not fulfilments:
            if not ctx.flagged(
                so["id"], so["body"].get("tranId"), *(o["client_reference"] for o in despatched)
            ):
                findings.append(
                    Finding(
                        f"sales order {label} was despatched by the WMS but has no item fulfilment "
                        f"(and nothing in the exception queue)",
                        evidence,
                    )
                )
            continue
        if len(fulfilments) > len(despatched):
            findings.append(
                Finding(
                    f"sales order {label}: {len(fulfilments)} item fulfilments for "
                    f"{len(despatched)} despatch(es) (duplicates)",
                    evidence,
                    requests_about(ctx.journals, "netsuite", f"/{so['id']}/!transform", "itemFulfillment"),
                )
            )
            continue
        shipped: defaultdict[str, float] = defaultdict(float)
        for order in despatched:
            for ln in wms.order_lines(order):
                item = wms_sku_to_item(ns, wms, ln["sku"]) or f"sku:{ln['sku']}"
                shipped[item] += float(ln["quantity_shipped"])
        posted: defaultdict[str, float] = defaultdict(float)
        for f in fulfilments:
            for ln in sublist(f["body"], "item"):
                if ln.get("itemReceive", True) is not False:
                    posted[str(ref_id(ln.get("item")))] += float(ln.get("quantity") or 0)
        if _nonzero(shipped) != _nonzero(posted):
            findings.append(
                Finding(
                    f"sales order {label}: fulfilled quantities {_nonzero(posted)} differ from what the "
                    f"WMS shipped {_nonzero(shipped)} (item id -> quantity)",
                    evidence,
                )
            )
        if tracking:
            text = json.dumps([f["body"] for f in fulfilments])
            for order in despatched:
                number = order.get("tracking_number")
                if number and number not in text:
                    findings.append(
                        Finding(
                            f"sales order {label}: tracking number {number} of the despatch is not "
                            f"on the item fulfilment",
                            evidence,
                        )
                    )
    return findings
