"""Periods: nothing is posted into an accounting period after it was closed."""

from __future__ import annotations

from typing import Any

from ..views import POSTING_TYPES, ref_id
from . import Context, Finding, invariant
from .common import record_evidence


def _period_of(periods: list[dict[str, Any]], rec: dict[str, Any]) -> dict[str, Any] | None:
    wanted = ref_id(rec["body"].get("postingPeriod"))
    if wanted is not None:
        return next((p for p in periods if str(p["id"]) == wanted), None)
    date = str(rec["body"].get("tranDate") or "")[:10]
    return (
        next(
            (
                p
                for p in periods
                if str(p["body"].get("startDate", "")) <= date <= str(p["body"].get("endDate", ""))
            ),
            None,
        )
        if date
        else None
    )


@invariant("nothing_posted_in_closed_period", "periods")
def nothing_posted_in_closed_period(ctx: Context) -> list[Finding]:
    """No posting transaction (fulfilment, invoice, cash sale, bill, payment, adjustment...) was created in an
    accounting period on or after the day that period was closed."""
    periods = ctx.netsuite.all("accountingPeriod")
    findings: list[Finding] = []
    for rtype in POSTING_TYPES:
        for rec in ctx.netsuite.all(rtype):
            period = _period_of(periods, rec)
            if period is None or not period["body"].get("closed"):
                continue
            closed_on = str(period["body"].get("closedOnDate") or "")[:10]
            created = str(rec.get("createdAt") or "")[:10]
            if closed_on and created >= closed_on:
                findings.append(
                    Finding(
                        f"{rtype} {rec['body'].get('tranId') or rec['id']} dated {rec['body'].get('tranDate')} was posted "
                        f"on {created} into {period['body'].get('periodName')}, closed on {closed_on}",
                        [record_evidence(rtype, rec), record_evidence("accountingPeriod", period)],
                    )
                )
    return findings
