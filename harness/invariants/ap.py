"""AP: no bill, vendor credit or payment is duplicated or lost between the AP system and NetSuite."""

from __future__ import annotations

from typing import Any

from ..views import ref_id
from . import Context, Finding, NotApplicable, invariant

DOC_TYPES = {"bill": "vendorBill", "vendor_credit": "vendorCredit"}


def _names(rec: dict[str, Any], ap_id: str, linked: str | None) -> bool:
    """True when a NetSuite record is the AP record: its externalId is the AP id (or ``<prefix>-<AP id>``), or
    the AP record's external id is the NetSuite internal id."""
    eid = str(rec["body"].get("externalId") or "")
    return eid == ap_id or eid.endswith(f"-{ap_id}") or (linked is not None and str(rec["id"]) == str(linked))


def _matches(
    ctx: Context, rtype: str, ap_id: str, linked: str | None, number: str | None, vendor_ns: str | None
) -> list[dict[str, Any]]:
    out = []
    for rec in ctx.netsuite.all(rtype):
        body = rec["body"]
        if _names(rec, ap_id, linked):
            out.append(rec)
        elif (
            number
            and body.get("tranId") == number
            and (vendor_ns is None or ref_id(body.get("entity")) == vendor_ns)
        ):
            out.append(rec)
    return out


@invariant("ap_documents_once", "ap")
def ap_documents_once(ctx: Context, approved_only: bool = False) -> list[Finding]:
    """Every AP bill and vendor credit is in NetSuite exactly once (externalId the AP id or ``<prefix>-<AP id>``,
    the AP record's external id the NetSuite id, or the same number for the same vendor), and every PAID AP
    payment has exactly one NetSuite vendor payment."""
    ap = ctx.state.get("ap", {})
    docs = [d for d in ap.get("ap_documents", []) if d["doc_type"] in DOC_TYPES and not d.get("archived")]
    payments = [p for p in ap.get("ap_payments", []) if p["side"] == "AP" and p["status"] == "PAID"]
    if not docs and not payments:
        raise NotApplicable("the AP system has no bills, credits or payments")
    parties = {p["pk"]: p for p in ap.get("ap_parties", [])}
    findings: list[Finding] = []

    def _ap_id(kind: str, pk: int) -> str:
        from mocks.ap.domain.common import ext_id  # the AP system's own id format

        return str(ext_id(kind, pk))

    for doc in docs:
        if approved_only and doc.get("approval_status") not in ("APPROVED", "UNASSIGNED"):
            continue
        ap_id = _ap_id(doc["doc_type"], doc["pk"])
        vendor = parties.get(doc["party_pk"], {})
        matches = _matches(
            ctx,
            DOC_TYPES[doc["doc_type"]],
            ap_id,
            doc.get("external_id"),
            doc.get("number"),
            vendor.get("external_id"),
        )
        evidence = [
            {
                "system": "ap",
                "type": doc["doc_type"],
                "id": ap_id,
                "number": doc.get("number"),
                "amount": doc["amount"] / 100,
                "vendor": vendor.get("name"),
            },
            *(
                {
                    "system": "netsuite",
                    "type": DOC_TYPES[doc["doc_type"]],
                    "id": m["id"],
                    "tranId": m["body"].get("tranId"),
                    "externalId": m["body"].get("externalId"),
                }
                for m in matches
            ),
        ]
        if len(matches) > 1:
            findings.append(
                Finding(
                    f"AP {doc['doc_type']} {doc.get('number')} is in NetSuite {len(matches)} times", evidence
                )
            )
        elif not matches and not ctx.flagged(ap_id, doc.get("number")):
            findings.append(
                Finding(
                    f"AP {doc['doc_type']} {doc.get('number')} never reached NetSuite (nor the "
                    f"exception queue)",
                    evidence,
                )
            )
    for pay in payments:
        ap_id = _ap_id("payment", pay["pk"])
        matches = [r for r in ctx.netsuite.all("vendorPayment") if _names(r, ap_id, pay.get("external_id"))]
        evidence = [
            {"system": "ap", "type": "payment", "id": ap_id, "amount": pay["amount"] / 100},
            *({"system": "netsuite", "type": "vendorPayment", "id": m["id"]} for m in matches),
        ]
        if len(matches) > 1:
            findings.append(Finding(f"AP payment {ap_id} is in NetSuite {len(matches)} times", evidence))
        elif not matches and not ctx.flagged(ap_id):
            findings.append(
                Finding(f"AP payment {ap_id} never reached NetSuite (nor the exception queue)", evidence)
            )
    return findings


def _ap_id(kind: str, pk: int) -> str:
    from mocks.ap.domain.common import ext_id  # the AP system's own id format

    return str(ext_id(kind, pk))


@invariant("ap_vendors_match", "ap")
def ap_vendors_match(ctx: Context) -> list[Finding]:
    """Every AP vendor is in NetSuite exactly once as the same kind of vendor: an individual (PERSON) as a person
    with its first and last names, a business as a company with its company name (the Cashflow360 name rules)."""
    parties = [
        p
        for p in ctx.state.get("ap", {}).get("ap_parties", [])
        if p["role"] == "vendor" and not p["archived"]
    ]
    if not parties:
        raise NotApplicable("the AP system has no vendors")
    findings: list[Finding] = []
    for party in parties:
        ap_id = _ap_id("vendor", party["pk"])
        matches = [r for r in ctx.netsuite.all("vendor") if _names(r, ap_id, party.get("external_id"))]
        evidence = [
            {
                "system": "ap",
                "type": "vendor",
                "id": ap_id,
                "name": party["name"],
                "accountType": party["account_type"],
                "firstName": party.get("first_name"),
                "lastName": party.get("last_name"),
                "companyName": party.get("company_name"),
            },
            *(
                {
                    "system": "netsuite",
                    "type": "vendor",
                    "id": m["id"],
                    **{
                        k: m["body"].get(k)
                        for k in ("isPerson", "firstName", "lastName", "companyName", "externalId")
                    },
                }
                for m in matches
            ),
        ]
        if len(matches) != 1:
            if len(matches) > 1 or not ctx.flagged(ap_id, party["name"]):
                findings.append(
                    Finding(f"AP vendor {party['name']} is in NetSuite {len(matches)} times", evidence)
                )
            continue
        body = matches[0]["body"]
        if party["account_type"] == "PERSON":
            want = (True, party.get("first_name"), party.get("last_name"))
            got = (bool(body.get("isPerson")), body.get("firstName"), body.get("lastName"))
            if got != want:
                findings.append(
                    Finding(
                        f"AP individual {party['name']} is NetSuite vendor {matches[0]['id']} with "
                        f"person={got[0]}, first name {got[1]!r}, last name {got[2]!r} (expected "
                        f"{want[1]!r} {want[2]!r})",
                        evidence,
                    )
                )
        else:
            want_company = party.get("company_name") or party["name"]
            if body.get("isPerson") or body.get("companyName") != want_company:
                findings.append(
                    Finding(
                        f"AP business {party['name']} is NetSuite vendor {matches[0]['id']} with "
                        f"company name {body.get('companyName')!r} (expected {want_company!r})",
                        evidence,
                    )
                )
    return findings


@invariant("ap_voids_reach_netsuite", "ap")
def ap_voids_reach_netsuite(ctx: Context) -> list[Finding]:
    """A payment voided in AP is not (or no longer) a NetSuite vendor payment, so the bills it paid are open again
    in NetSuite; unless the connector's exception queue holds it."""
    voided = [
        p
        for p in ctx.state.get("ap", {}).get("ap_payments", [])
        if p["side"] == "AP" and p["status"] == "VOIDED"
    ]
    if not voided:
        raise NotApplicable("no AP payment was voided")
    findings: list[Finding] = []
    for pay in voided:
        ap_id = _ap_id("payment", pay["pk"])
        matches = [r for r in ctx.netsuite.all("vendorPayment") if _names(r, ap_id, pay.get("external_id"))]
        if matches and not ctx.flagged(ap_id):
            findings.append(
                Finding(
                    f"AP payment {ap_id} was voided in AP but is still NetSuite vendor payment "
                    f"{matches[0]['id']}",
                    [
                        {
                            "system": "ap",
                            "type": "payment",
                            "id": ap_id,
                            "status": "VOIDED",
                            "amount": pay["amount"] / 100,
                        },
                        *({"system": "netsuite", "type": "vendorPayment", "id": m["id"]} for m in matches),
                    ],
                )
            )
    return findings


def _listed(body: dict[str, Any], sublist: str) -> list[dict[str, Any]]:
    lines = body.get(sublist) or []
    return list(lines.get("items", []) if isinstance(lines, dict) else lines)


@invariant("ap_credits_applied", "ap")
def ap_credits_applied(ctx: Context) -> list[Finding]:
    """Every AP vendor credit in NetSuite is applied to the same bills for the same amounts as in AP (applying,
    unapplying and reapplying sync from AP to NetSuite)."""
    ap = ctx.state.get("ap", {})
    credits = [
        d for d in ap.get("ap_documents", []) if d["doc_type"] == "vendor_credit" and not d.get("archived")
    ]
    if not credits:
        raise NotApplicable("the AP system has no vendor credits")
    docs = {d["pk"]: d for d in ap.get("ap_documents", [])}
    parties = {p["pk"]: p for p in ap.get("ap_parties", [])}
    findings: list[Finding] = []
    for credit in credits:
        ap_id = _ap_id("vendor_credit", credit["pk"])
        vendor = parties.get(credit["party_pk"], {})
        matches = _matches(
            ctx,
            "vendorCredit",
            ap_id,
            credit.get("external_id"),
            credit.get("number"),
            vendor.get("external_id"),
        )
        if len(matches) != 1:
            continue  # missing or duplicated: ap_documents_once says so
        want: dict[str, float] = {}
        for alloc in ap.get("ap_allocations", []):
            if alloc.get("credit_pk") != credit["pk"] or not alloc.get("active"):
                continue
            bill = docs.get(alloc["doc_pk"], {})
            ns_bills = _matches(
                ctx,
                "vendorBill",
                _ap_id("bill", alloc["doc_pk"]),
                bill.get("external_id"),
                bill.get("number"),
                vendor.get("external_id"),
            )
            key = str(ns_bills[0]["id"]) if len(ns_bills) == 1 else f"AP bill {bill.get('number')}"
            want[key] = round(want.get(key, 0.0) + alloc["amount"] / 100, 2)
        got: dict[str, float] = {}
        for line in _listed(matches[0]["body"], "apply"):
            if line.get("apply", True) and float(line.get("amount") or 0):
                key = str(ref_id(line.get("doc")))
                got[key] = round(got.get(key, 0.0) + float(line["amount"]), 2)
        if got != want:
            findings.append(
                Finding(
                    f"AP vendor credit {credit.get('number')} is applied in AP to {_applied(want)} but NetSuite credit "
                    f"{matches[0]['id']} to {_applied(got)}",
                    [
                        {
                            "system": "ap",
                            "type": "vendor_credit",
                            "id": ap_id,
                            "number": credit.get("number"),
                            "applied": want,
                        },
                        {
                            "system": "netsuite",
                            "type": "vendorCredit",
                            "id": matches[0]["id"],
                            "applied": got,
                        },
                    ],
                )
            )
    return findings


def _applied(applied: dict[str, float]) -> str:
    """``NetSuite bill 7: 40.00, ...`` (or ``nothing``)."""
    return (
        ", ".join(
            f"{k if k.startswith('AP') else 'NetSuite bill ' + k}: {v:.2f}"
            for k, v in sorted(applied.items())
        )
        or "nothing"
    )
