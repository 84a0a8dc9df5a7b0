"""Failures: whatever the connector could not finish sits in its exception queue, with a category."""

from __future__ import annotations

from typing import Any

from . import Context, Finding, NotApplicable, invariant
from .common import (
    PICKED_STATUSES,
    SHIPPABLE_STATUSES,
    is_closed,
    physical_lines,
    so_evidence,
    wms_evidence,
)


def _unfinished(ctx: Context) -> list[tuple[str, list[Any], list[dict[str, Any]]]]:
    """(what is unfinished, keys an exception would name, evidence) for every loose end in the world."""
    ns, wms = ctx.netsuite, ctx.wms
    out: list[tuple[str, list[Any], list[dict[str, Any]]]] = []
    for so in ns.all("salesOrder"):
        keys: list[Any] = [so["id"], so["body"].get("tranId"), so["body"].get("externalId")]
        orders = wms.orders_for_sales_order(so)
        keys += [o["client_reference"] for o in orders] + [o["id"] for o in orders]
        label = so["body"].get("tranId") or so["id"]
        if not orders and ns.status_id(so) in SHIPPABLE_STATUSES and physical_lines(ns, so, False):
            out.append((f"sales order {label} never reached the WMS", keys, [so_evidence(so)]))
        for order in orders:
            ev = [so_evidence(so), wms_evidence(wms, order)]
            if order["status"] == "HOLDING":
                out.append(
                    (
                        f"WMS order {order['client_reference']} is on hold: {order.get('hold_reason')}",
                        keys,
                        ev,
                    )
                )
            if order["status"] == "DESPATCHED" and not ns.fulfillments_for(so["id"]):
                out.append(
                    (
                        f"WMS order {order['client_reference']} was despatched but NetSuite has no fulfilment",
                        keys,
                        ev,
                    )
                )
            if is_closed(so) and order["status"] in PICKED_STATUSES:
                out.append(
                    (f"sales order {label} was cancelled while its WMS order was {order['status']}", keys, ev)
                )
    return out


@invariant("every_failure_surfaced", "failures")
def every_failure_surfaced(ctx: Context) -> list[Finding]:
    """Every loose end in the world (an order that never reached the warehouse, a hold, a despatch with no
    fulfilment, a cancel that came too late) is in the connector's exception queue, and every entry there has
    a category: nothing is silently dropped."""
    if ctx.exceptions is None:
        raise NotApplicable("the connector declares no exception queue")
    findings = [
        Finding(f"{what}, and the connector's exception queue does not mention it", evidence)
        for what, keys, evidence in _unfinished(ctx)
        if not ctx.flagged(*keys)
    ]
    for exc in ctx.exceptions:
        if not exc.get("category"):
            findings.append(
                Finding("an exception-queue entry has no category", [{"system": "connector", **exc}])
            )
    return findings
