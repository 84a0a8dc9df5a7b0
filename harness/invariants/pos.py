"""POS: every sale and refund is in NetSuite exactly once and the money reconciles to the Z reports."""

from __future__ import annotations

import re
from typing import Any

from ..views import sublist
from . import Context, Finding, NotApplicable, invariant

SALE_TYPES = ("cashSale", "invoice", "salesOrder", "cashRefund", "creditMemo")


def _pos_key(rec: dict[str, Any]) -> str | None:
    """The POS order id a NetSuite transaction names: externalId ``<prefix>-<orderid>`` or ``<orderid>``."""
    eid = str(rec["body"].get("externalId") or "")
    match = re.fullmatch(r"(?:[A-Za-z_]+[-:_])?(\d+)", eid)
    return match.group(1) if match else None


def _dollars(cents: Any) -> float:
    """A POS amount as the POS stores it (integer cents) in currency units, as NetSuite shows amounts."""
    return int(cents or 0) / 100


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
        gross = _dollars(order.get("moneytotal_gross_all"))
        evidence = [
            {
                "system": "pos",
                "type": "order",
                **{
                    k: order.get(k)
                    for k in ("orderid", "orderdate", "moneytotal_gross_all", "creditorderid", "zreportid")
                },
            },
            *(
                {
                    "system": "netsuite",
                    "type": t,
                    "id": r["id"],
                    "externalId": r["body"].get("externalId"),
                    "total": r["body"].get("total"),
                }
                for t, r in matches
            ),
        ]
        if not matches:
            if not ctx.flagged(key, f"POS-{key}"):
                findings.append(
                    Finding(f"POS order {key} is not in NetSuite (nor in the exception queue)", evidence)
                )
            continue
        if len(matches) > 1:
            findings.append(Finding(f"POS order {key} is in NetSuite {len(matches)} times", evidence))
        total = abs(float(matches[0][1]["body"].get("total") or 0))
        totals[key] = total
        if abs(total - abs(gross)) > tolerance:
            findings.append(
                Finding(
                    f"POS order {key}: NetSuite total {total:.2f} differs from the POS gross "
                    f"{abs(gross):.2f}",
                    evidence,
                )
            )
    for report in pos.get("pos_zreports", []):
        members = [o for o in orders if o.get("zreportid") == report["zreportid"]]
        net = sum(
            totals.get(str(o["orderid"]), 0.0) * (-1 if _dollars(o.get("moneytotal_gross_all")) < 0 else 1)
            for o in members
        )
        expected = _dollars(report.get("moneysalestotal")) - abs(_dollars(report.get("moneyrefundtotal")))
        if abs(net - expected) > tolerance:
            findings.append(
                Finding(
                    f"Z report {report['zreportid']}: sales minus refunds {expected:.2f}, NetSuite {net:.2f}",
                    [{"system": "pos", "type": "zreport", **report}],
                )
            )
    return findings


@invariant("pos_z_reports_match_netsuite_journals", "pos")
def pos_z_reports_match_netsuite_journals(ctx: Context, tolerance: float = 0.005) -> list[Finding]:
    """Daily summaries: for every store whose tills printed Z reports, NetSuite's journal entries at the store's
    location hold the till's takings on bank accounts (Z report sales minus refunds), the VAT of the reported orders
    on tax liability accounts, to the cent; and every such journal balances."""
    pos = ctx.state.get("pos", {})
    reports = pos.get("pos_zreports", [])
    if not reports:
        raise NotApplicable("no till printed a Z report")
    store_of_register = {str(r["registerid"]): r.get("storeid") for r in pos.get("pos_registers", [])}
    location_of_store = {s["storeid"]: str(s.get("externalid") or "") for s in pos.get("pos_stores", [])}
    account_type = {str(a["id"]): a["body"].get("acctType") for a in ctx.netsuite.all("account")}
    till: dict[str, dict[str, float]] = {}
    for report in reports:
        location = location_of_store.get(store_of_register.get(str(report["registerid"])), "")
        figures = till.setdefault(location, {"takings": 0.0, "vat": 0.0})
        figures["takings"] += _dollars(report.get("moneysalestotal")) - abs(
            _dollars(report.get("moneyrefundtotal"))
        )
        figures["vat"] += sum(
            _dollars(o.get("moneyfinal_vat"))
            for o in pos.get("pos_orders", [])
            if o.get("zreportid") == report["zreportid"]
        )
    books: dict[str, dict[str, float]] = {}
    journals: dict[str, list[dict[str, Any]]] = {}
    findings: list[Finding] = []
    for rec in ctx.netsuite.all("journalEntry"):
        lines = sublist(rec["body"], "line")
        debit = sum(float(ln.get("debit") or 0) for ln in lines)
        credit = sum(float(ln.get("credit") or 0) for ln in lines)
        evidence = {
            "system": "netsuite",
            "type": "journalEntry",
            "id": rec["id"],
            "externalId": rec["body"].get("externalId"),
            "tranDate": rec["body"].get("tranDate"),
            "lines": lines,
        }
        if abs(debit - credit) > tolerance:
            findings.append(
                Finding(
                    f"journal {rec['id']} does not balance: debits {debit:.2f}, credits {credit:.2f}",
                    [evidence],
                )
            )
        for ln in lines:
            location = str((ln.get("location") or {}).get("id") or "")
            if location not in till:
                continue
            figures = books.setdefault(location, {"takings": 0.0, "vat": 0.0})
            amount = float(ln.get("debit") or 0) - float(ln.get("credit") or 0)
            kind = account_type.get(str((ln.get("account") or {}).get("id")))
            if kind == "Bank":
                figures["takings"] += amount
            elif kind == "OthCurrLiab":
                figures["vat"] -= amount
            if evidence not in journals.setdefault(location, []):
                journals[location].append(evidence)
    for location, want in sorted(till.items()):
        have = books.get(location, {"takings": 0.0, "vat": 0.0})
        shown = [
            {"system": "pos", "type": "zreports", "location": location, **want},
            *journals.get(location, []),
        ]
        if location not in books and ctx.flagged(location):
            continue
        for what, label in (("takings", "takings (sales minus refunds)"), ("vat", "VAT")):
            if abs(have[what] - want[what]) > tolerance:
                findings.append(
                    Finding(
                        f"store at NetSuite location {location or '?'}: the Z reports' {label} "
                        f"{want[what]:.2f}, NetSuite's journals {have[what]:.2f}",
                        shown,
                    )
                )
    return findings
