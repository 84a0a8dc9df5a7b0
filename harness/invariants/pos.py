"""POS: every sale and refund is in NetSuite exactly once and the money reconciles to the Z reports."""

from __future__ import annotations

import re
from typing import Any

from . import Context, Finding, NotApplicable, invariant

SALE_TYPES = ("cashSale", "invoice", "salesOrder", "cashRefund", "creditMemo")


def _pos_key(rec: dict[str, Any]) -> str | None:
    """The POS order id a NetSuite transaction names: externalId ``<prefix>-<orderid>`` or ``<orderid>``."""
    eid = str(rec["body"].get("externalId") or "")
    match = re.fullmatch(r"(?:[A-Za-z_]+[-:_])?(\d+)", eid)
    return match.group(1) if match else None


@invariant("pos_sales_in_netsuite_once", "pos")
def pos_sales_in_netsuite_once(ctx: Context, tolerance: float = 0.01) -> list[Finding]:
    """Every completed POS sale and refund has exactly one NetSuite transaction (externalId ``<PREFIX>-<orderid>``
    such as ``SITOO-17``, or the order id), with the same gross total; and each Z report's sales minus refunds
    equals the NetSuite totals of its orders."""
    pos = ctx.state.get("pos", {})
    orders = pos.get("pos_orders", [])
    if not orders:
        raise NotApplicable("the POS has no orders")
    by_key: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for rtype in SALE_TYPES:
        for rec in ctx.netsuite.all(rtype):
            key = _pos_key(rec)
            if key is not None:
                by_key.setdefault(key, []).append((rtype, rec))
    findings: list[Finding] = []
    totals: dict[str, float] = {}
    for order in orders:
        key = str(order["orderid"])
        matches = by_key.get(key, [])
        gross = float(order.get("moneytotal_gross_all") or 0)
        evidence = [{"system": "pos", "type": "order", **{k: order.get(k) for k in (
            "orderid", "orderdate", "moneytotal_gross_all", "creditorderid", "zreportid")}},
                    *({"system": "netsuite", "type": t, "id": r["id"], "externalId": r["body"].get("externalId"),
                       "total": r["body"].get("total")} for t, r in matches)]
        if not matches:
            if not ctx.flagged(key, f"POS-{key}"):
                findings.append(Finding(f"POS order {key} is not in NetSuite (nor in the exception queue)", evidence))
            continue
        if len(matches) > 1:
            findings.append(Finding(f"POS order {key} is in NetSuite {len(matches)} times", evidence))
        total = abs(float(matches[0][1]["body"].get("total") or 0))
        totals[key] = total
        if abs(total - abs(gross)) > tolerance:
            findings.append(Finding(f"POS order {key}: NetSuite total {total:.2f} differs from the POS gross "
                                    f"{abs(gross):.2f}", evidence))
    for report in pos.get("pos_zreports", []):
        members = [o for o in orders if o.get("zreportid") == report["zreportid"]]
        net = sum(totals.get(str(o["orderid"]), 0.0) * (-1 if float(o.get("moneytotal_gross_all") or 0) < 0 else 1)
                  for o in members)
        expected = float(report.get("moneysalestotal") or 0) - abs(float(report.get("moneyrefundtotal") or 0))
        if abs(net - expected) > tolerance:
            findings.append(Finding(f"Z report {report['zreportid']}: sales minus refunds {expected:.2f}, NetSuite "
                                    f"{net:.2f}", [{"system": "pos", "type": "zreport", **report}]))
    return findings
