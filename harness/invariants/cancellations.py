"""Cancellations: a cancel reaches the warehouse in time, or the connector says it could not."""

from __future__ import annotations

from ..views import ref_id, sublist
from . import Context, Finding, invariant
from .common import (
    OPEN_WMS_STATUSES,
    PICKED_STATUSES,
    is_closed,
    record_evidence,
    requests_about,
    so_evidence,
    wms_evidence,
    wms_sku_to_item,
)

REFUND_TYPES = ("creditMemo", "customerRefund", "cashRefund", "returnAuthorization")


@invariant("no_unflagged_refund_after_pick", "cancellations")
def no_unflagged_refund_after_pick(ctx: Context, category: str = "cancel_after_release") -> list[Finding]:
    """No sales order (or line of one) is closed, cancelled or refunded in NetSuite while the WMS already picked
    it (or despatched it) unless the connector flagged it in its exception queue."""
    ns, wms = ctx.netsuite, ctx.wms
    findings: list[Finding] = []
    for so in ns.all("salesOrder"):
        refunds = [(t, r) for t in REFUND_TYPES for r in ns.created_from(t, so["id"])]
        closed_items = {
            str(ref_id(ln.get("item"))) for ln in sublist(so["body"], "item") if ln.get("isClosed")
        }
        if not is_closed(so) and not refunds and not closed_items:
            continue
        picked = [o for o in wms.orders_for_sales_order(so) if o["status"] in PICKED_STATUSES]
        if not is_closed(so) and not refunds:  # only some lines closed: those the warehouse is working on
            picked = [
                o
                for o in picked
                if any(wms_sku_to_item(ns, wms, ln["sku"]) in closed_items for ln in wms.order_lines(o))
            ]
        if not picked:
            continue
        label = so["body"].get("tranId") or so["id"]
        if ctx.flagged(
            so["id"],
            so["body"].get("tranId"),
            so["body"].get("externalId"),
            *(o["client_reference"] for o in picked),
            *(o["id"] for o in picked),
            category=category,
        ):
            continue
        what = "closed" if is_closed(so) else "refunded" if refunds else "partly closed (a line)"
        findings.append(
            Finding(
                f"sales order {label} was {what} in NetSuite while its WMS order was already {picked[0]['status']}, "
                f"and the connector's exception queue has no {category!r} entry for it",
                [
                    so_evidence(so),
                    *(wms_evidence(wms, o) for o in picked),
                    *(record_evidence(t, r) for t, r in refunds),
                ],
                requests_about(ctx.journals, "wms", *(f"/orders/{o['id']}/cancel" for o in picked)),
            )
        )
    return findings


@invariant("cancel_reaches_wms", "cancellations")
def cancel_reaches_wms(ctx: Context) -> list[Finding]:
    """A sales order closed or cancelled in NetSuite has its WMS order cancelled when the WMS had not started
    picking it (a cancel in time is never lost)."""
    ns, wms = ctx.netsuite, ctx.wms
    findings: list[Finding] = []
    for so in ns.all("salesOrder"):
        if not is_closed(so):
            continue
        for order in wms.orders_for_sales_order(so):
            if order["status"] in OPEN_WMS_STATUSES:
                findings.append(
                    Finding(
                        f"sales order {so['body'].get('tranId') or so['id']} is cancelled in NetSuite but its WMS order "
                        f"{order['client_reference']} is still {order['status']} (the cancel never reached the warehouse)",
                        [so_evidence(so), wms_evidence(wms, order)],
                    )
                )
    return findings
