"""Orders: every approved sales order reaches the WMS once, and nothing else does."""

from __future__ import annotations

from typing import Any

from . import Context, Finding, invariant
from .common import SHIPPABLE_STATUSES, physical_lines, requests_about, so_evidence, wms_evidence


@invariant("one_wms_order_per_sales_order", "orders")
def one_wms_order_per_sales_order(ctx: Context, orphans: bool = True, missing: bool = True) -> list[Finding]:
    """Every approved sales order with physical lines has exactly one live (not cancelled) WMS order while it has
    lines left to ship, unless the connector flagged it, and every WMS order belongs to a sales order."""
    ns, wms = ctx.netsuite, ctx.wms
    findings: list[Finding] = []
    claimed: set[int] = set()
    for so in ns.all("salesOrder"):
        orders = wms.orders_for_sales_order(so)
        live = [o for o in orders if o["status"] != "CANCELLED"]
        claimed.update(int(o["id"]) for o in orders)
        if len(live) > 1:
            findings.append(
                Finding(
                    f"sales order {so['body'].get('tranId') or so['id']} has {len(live)} live WMS orders (duplicates)",
                    [so_evidence(so), *(wms_evidence(wms, o) for o in orders)],
                    requests_about(ctx.journals, "wms", "/api/v1/orders"),
                )
            )
        elif (
            not orders
            and missing
            and ns.status_id(so) in SHIPPABLE_STATUSES
            and physical_lines(ns, so, False)
        ):
            keys: list[Any] = [so["id"], so["body"].get("tranId"), so["body"].get("externalId")]
            if not ctx.flagged(*keys):
                findings.append(
                    Finding(
                        f"sales order {so['body'].get('tranId') or so['id']} (status {ns.status_id(so)}) never reached "
                        f"the WMS and is not in the connector's exception queue",
                        [so_evidence(so)],
                    )
                )
        elif (
            orders
            and not live
            and missing
            and ns.status_id(so) in SHIPPABLE_STATUSES
            and _left_to_ship(ns, so)
        ):
            # every WMS order was cancelled (a line close, say) while other lines are still to ship
            keys = [
                so["id"],
                so["body"].get("tranId"),
                so["body"].get("externalId"),
                *(o["client_reference"] for o in orders),
            ]
            if not ctx.flagged(*keys):
                findings.append(
                    Finding(
                        f"sales order {so['body'].get('tranId') or so['id']} still has open lines to ship but every WMS "
                        f"order it had is cancelled (nothing replaced them) and the exception queue does not mention it",
                        [so_evidence(so), *(wms_evidence(wms, o) for o in orders)],
                    )
                )
    if orphans:
        for order in wms.orders:
            if int(order["id"]) not in claimed:
                findings.append(
                    Finding(
                        f"WMS order {order['client_reference']} belongs to no NetSuite sales order",
                        [wms_evidence(wms, order)],
                    )
                )
    return findings


def _left_to_ship(ns: Any, so: dict[str, Any]) -> bool:
    """True when an open physical line of the sales order has quantity not yet fulfilled."""
    return any(
        float(ln.get("quantity") or 0) > float(ln.get("quantityFulfilled") or 0)
        for ln in physical_lines(ns, so)
    )
