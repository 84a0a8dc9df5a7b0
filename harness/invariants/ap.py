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


def _matches(ctx: Context, rtype: str, ap_id: str, linked: str | None, number: str | None,
             vendor_ns: str | None) -> list[dict[str, Any]]:
    out = []
    for rec in ctx.netsuite.all(rtype):
        body = rec["body"]
        if _names(rec, ap_id, linked):
            out.append(rec)
        elif number and body.get("tranId") == number and (vendor_ns is None or ref_id(body.get("entity")) == vendor_ns):
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
        matches = _matches(ctx, DOC_TYPES[doc["doc_type"]], ap_id, doc.get("external_id"), doc.get("number"),
                           vendor.get("external_id"))
        evidence = [{"system": "ap", "type": doc["doc_type"], "id": ap_id, "number": doc.get("number"),
                     "amount": doc["amount"] / 100, "vendor": vendor.get("name")},
                    *({"system": "netsuite", "type": DOC_TYPES[doc["doc_type"]], "id": m["id"],
                       "tranId": m["body"].get("tranId"), "externalId": m["body"].get("externalId")} for m in matches)]
        if len(matches) > 1:
            findings.append(Finding(f"AP {doc['doc_type']} {doc.get('number')} is in NetSuite {len(matches)} times",
                                    evidence))
        elif not matches and not ctx.flagged(ap_id, doc.get("number")):
            findings.append(Finding(f"AP {doc['doc_type']} {doc.get('number')} never reached NetSuite (nor the "
                                    f"exception queue)", evidence))
    for pay in payments:
        ap_id = _ap_id("payment", pay["pk"])
        matches = [r for r in ctx.netsuite.all("vendorPayment") if _names(r, ap_id, pay.get("external_id"))]
        evidence = [{"system": "ap", "type": "payment", "id": ap_id, "amount": pay["amount"] / 100},
                    *({"system": "netsuite", "type": "vendorPayment", "id": m["id"]} for m in matches)]
        if len(matches) > 1:
            findings.append(Finding(f"AP payment {ap_id} is in NetSuite {len(matches)} times", evidence))
        elif not matches and not ctx.flagged(ap_id):
            findings.append(Finding(f"AP payment {ap_id} never reached NetSuite (nor the exception queue)", evidence))
    return findings
