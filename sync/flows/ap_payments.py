"""ap-payments: AP vendor credits with their applications, bill payments and voids -> NetSuite.

- A vendor credit entered in AP becomes a NetSuite vendor credit (external id ``ap-vcr-<AP id>``) applied to the
  NetSuite bills it is applied to in AP (its ``usage``). NetSuite does not let a credit's applications be edited
  ("delete and re-enter the transaction"), so when AP applies, unapplies or reapplies it, the NetSuite credit is
  deleted and entered again under the same external id with the new applications.
- A bill payment becomes a NetSuite bill payment (external id ``ap-pay-<AP id>``) once it is PAID (a scheduled
  payment has moved no money yet), from the bank account ``ERPSIM_SYNC_AP_BANK_ACCOUNT`` (default: NetSuite's
  first bank account), applying its cash to the NetSuite bills; vendor credits used by a payment are the credit's
  applications above. The memo of offline payments does not sync (the seed).
- A payment voided in AP is voided in NetSuite: the NetSuite payment is deleted, which reopens the bills (the
  NetSuite REST record API has no void action). A payment voided before it ever reached NetSuite is not posted.

Postings follow the period policy (kind ``ap``); a refusal in a closed period is parked and tried again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .ap_bills import ApAccounts, expense_lines, num
from .ap_vendors import ap
from .base import Context, Flow
from .nsrefs import NetSuiteRefs, require
from .work import Outcome, Park, WorkQueue, content_hash, done, keyed, noop, skipped

PAYMENT_EVENTS = ("payment.created", "payment.updated", "payment.voided", "payment.failed")
CREDIT_EVENTS = ("vendor-credit.created", "vendor-credit.updated")


class ApPaymentsFlow(Flow):
    """AP vendor credits, payments and voids -> NetSuite."""

    name = "ap-payments"
    systems = ("netsuite", "ap")
    description = "AP vendor credits and their applications, bill payments and voids -> NetSuite"
    webhook_systems = ("ap",)
    webhook_events = {"ap": PAYMENT_EVENTS + CREDIT_EVENTS}

    def __init__(self) -> None:
        self.work = WorkQueue(self.name)
        self.refs = NetSuiteRefs()
        self.accounts = ApAccounts()

    def run(self, ctx: Context) -> None:
        """Write what webhooks staged; poll credits and payments changed since the last pass; write them."""
        self.refs.for_pass(ctx)
        self.work.process(ctx, lambda key, payload: self._write(ctx, key, payload), _records)
        for kind, path in (("credit", "/vendor-credits"), ("payment", "/payments")):
            cursor_name = f"ap-payments:{kind}:updated"
            cursor = ctx.state.cursor(cursor_name)
            rows = ap(ctx).list_all(
                path, filters=f"updatedTime:gte:{cursor}" if cursor else "", sort="updatedTime:asc"
            )
            with ctx.state.tx() as session:
                for row in rows:
                    self.work.stage(
                        ctx, session, f"ap-{kind}:{row['id']}", {kind: row}, reopen=("done", "skipped")
                    )
                if rows:
                    ctx.state.set_cursor(session, cursor_name, str(rows[-1]["updatedTime"]))
        self.work.process(ctx, lambda key, payload: self._write(ctx, key, payload), _records)

    def on_event(self, ctx: Context, session: Session, system: str, event: dict[str, Any]) -> None:
        """A payment or credit notification stages it (as the notification shows it)."""
        data = event.get("data") or {}
        if system != "ap" or not data.get("id"):
            return
        if event.get("type") in PAYMENT_EVENTS:
            self.work.stage(
                ctx, session, f"ap-payment:{data['id']}", {"payment": data}, reopen=("done", "skipped")
            )
        elif event.get("type") in CREDIT_EVENTS:
            self.work.stage(
                ctx, session, f"ap-credit:{data['id']}", {"credit": data}, reopen=("done", "skipped")
            )

    # --- writing -------------------------------------------------------------------------------------------
    def _write(self, ctx: Context, key: str, payload: dict[str, Any]) -> Outcome:
        fresh = ctx.safeguards.on(
            "no-reorder-tolerance"
        )  # read it now, not as an older notification showed it
        if "payment" in payload:
            payment = ap(ctx).get(f"/payments/{payload['payment']['id']}") if fresh else payload["payment"]
            return self._payment(ctx, payment)
        credit = ap(ctx).get(f"/vendor-credits/{payload['credit']['id']}") if fresh else payload["credit"]
        return self._credit(ctx, credit)

    def _vendor(self, ctx: Context, doc: dict[str, Any]) -> str:
        vendor = ctx.state.mapped("ap", "vendor", str(doc.get("vendorId")))
        if vendor is None:
            raise Park(
                "unknown_vendor",
                f"AP vendor {doc.get('vendorName')} is not in NetSuite",
                {"vendor": doc.get("vendorId")},
            )
        return vendor

    def _bill(self, ctx: Context, bill_id: str, what: str) -> str:
        ns_bill = ctx.state.mapped("ap", "bill", bill_id)
        if ns_bill is None:
            raise Park(
                "validation_error",
                f"{what} applies to AP bill {bill_id}, which is not in NetSuite (yet)",
                {"apBill": bill_id},
            )
        return ns_bill

    def _payment(self, ctx: Context, payment: dict[str, Any]) -> Outcome:
        ap_id = payment["id"]
        mapped = ctx.state.mapped("ap", "payment", ap_id)
        data = ctx.state.mapping_data("ap", "payment", ap_id) or {}
        status = payment.get("status")
        if status == "VOIDED":
            if mapped is None:
                return skipped("voided before it reached NetSuite")
            if data.get("voided"):
                return noop(netsuite=mapped, voided=True)
            if ctx.safeguards.off("no-void-sync"):
                return skipped("voided in AP (the no-void-sync mutant leaves it in NetSuite)")
            ctx.netsuite.delete("vendorPayment", mapped)
            ctx.state.set_mapping("ap", "payment", ap_id, mapped, {**data, "voided": True})
            return done(netsuite=mapped, voided=True)
        if mapped is not None:
            return noop(netsuite=mapped)
        if status != "PAID":
            return skipped(f"status {status}")
        cash = [p for p in payment.get("billPayments", []) if num(p.get("amount")) > 0]
        if not cash:
            return skipped("vendor credits only: applied with the credit")
        vendor = self._vendor(ctx, payment)
        bank = require(
            ctx.config.ap_bank_account or self.refs.first(ctx.netsuite, "account", "WHERE accttype = 'Bank'"),
            "validation_error",
            "NetSuite has no bank account for AP payments",
        )
        body: dict[str, Any] = {
            "entity": {"id": vendor},
            "account": {"id": bank},
            "tranDate": ctx.period_policy.date_for(str(payment.get("processDate")), "ap"),
            "apply": {
                "items": [
                    {
                        "doc": {"id": self._bill(ctx, p["billId"], "payment")},
                        "apply": True,
                        "amount": num(p["amount"]),
                    }
                    for p in cash
                ]
            },
        }
        ns_id = ctx.netsuite.create_keyed("vendorPayment", keyed(ctx, body, f"ap-pay-{ap_id}"))
        ctx.state.set_mapping("ap", "payment", ap_id, ns_id, {"amount": payment.get("amount")})
        return done(netsuite=ns_id)

    def _credit(self, ctx: Context, credit: dict[str, Any]) -> Outcome:
        ap_id = credit["id"]
        mapped = ctx.state.mapped("ap", "credit", ap_id)
        data = ctx.state.mapping_data("ap", "credit", ap_id) or {}
        vendor = self._vendor(ctx, credit)
        self.accounts.load(ctx)
        applied: dict[str, float] = {}
        usage = credit.get("usage", []) if ctx.safeguards.on("no-credit-applications") else []
        for use in usage:
            ns_bill = self._bill(ctx, use["billId"], "vendor credit")
            applied[ns_bill] = round(applied.get(ns_bill, 0.0) + num(use["amount"]), 2)
        body: dict[str, Any] = {
            "entity": {"id": vendor},
            "tranId": credit.get("referenceNumber"),
            "memo": credit.get("description") or "",
            "expense": {
                "items": expense_lines(ctx, self.refs, self.accounts, credit.get("vendorCreditLineItems", []))
            },
            "apply": {
                "items": [
                    {"doc": {"id": bill}, "apply": True, "amount": amount}
                    for bill, amount in sorted(applied.items())
                ]
            },
        }
        fingerprint = content_hash(body)
        if mapped is not None and data.get("hash") == fingerprint:
            return noop(netsuite=mapped)
        body["tranDate"] = ctx.period_policy.date_for(str(credit.get("creditDate")), "ap")
        if mapped is not None:  # applications changed: NetSuite wants the credit entered again
            ctx.netsuite.delete("vendorCredit", mapped)
        ns_id = ctx.netsuite.create_keyed("vendorCredit", keyed(ctx, body, f"ap-vcr-{ap_id}"))
        ctx.state.set_mapping("ap", "credit", ap_id, ns_id, {"hash": fingerprint})
        if not credit.get("synced") or credit.get("externalId") != ns_id:
            ap(ctx).patch(f"/vendor-credits/{ap_id}", {"synced": True, "externalId": ns_id})
        return done(netsuite=ns_id, applied=applied)


def _records(key: str, payload: dict[str, Any]) -> dict[str, Any]:
    doc = payload.get("payment") or payload.get("credit") or {}
    return {"ap": doc.get("id"), "vendor": doc.get("vendorName")}
