"""ap-invoices: invoices created in AP (the receivables side of Cashflow360) -> NetSuite invoices.

An AP invoice becomes a NetSuite invoice (external id ``ap-inv-<AP id>``, document number = the AP invoice
number, PO # from the AP PO number) for the NetSuite customer of its AP customer (the customer with the same
e-mail, else one created with the external id ``ap-customer-<AP id>``; a person's name is split as the seed says).
Its lines use the item ``ERPSIM_SYNC_AP_INVOICE_ITEM`` (default: a non-inventory item the engine creates with the
external id ``erpsim-ap-invoice-line``), with AP's quantities, prices and amounts (AP rounds half up; the amount is
sent so NetSuite does not round it again). The AP invoice is then marked synced, after which AP refuses edits.
Invoices AP shows as synced that the engine did not write (another connector's) are left alone. Postings follow
the period policy (kind ``ar``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .ap_bills import num
from .ap_vendors import ap, ap_subsidiary, split_name
from .base import Context, Flow
from .nsrefs import NetSuiteRefs, quoted
from .work import Outcome, WorkQueue, done, keyed, noop, skipped

CURSOR = "ap-invoices:updated"
ITEM_EID = "erpsim-ap-invoice-line"
INVOICE_EVENTS = ("invoice.created", "invoice.updated")


class ApInvoicesFlow(Flow):
    """AP-created invoices -> NetSuite."""

    name = "ap-invoices"
    systems = ("netsuite", "ap")
    description = "invoices created in AP -> NetSuite invoices (customers matched by e-mail or created)"
    webhook_systems = ("ap",)
    webhook_events = {"ap": INVOICE_EVENTS}

    def __init__(self) -> None:
        self.work = WorkQueue(self.name)
        self.refs = NetSuiteRefs()

    def run(self, ctx: Context) -> None:
        """Write what webhooks staged; poll invoices changed since the last pass; write them."""
        self.refs.for_pass(ctx)
        self.work.process(ctx, lambda key, payload: self._invoice(ctx, payload["invoice"]), _records)
        cursor = ctx.state.cursor(CURSOR)
        rows = ap(ctx).list_all(
            "/invoices", filters=f"updatedTime:gte:{cursor}" if cursor else "", sort="updatedTime:asc"
        )
        with ctx.state.tx() as session:
            for row in rows:
                self.work.stage(
                    ctx, session, f"ap-invoice:{row['id']}", {"invoice": row}, reopen=("skipped",)
                )
            if rows:
                ctx.state.set_cursor(session, CURSOR, str(rows[-1]["updatedTime"]))
        self.work.process(ctx, lambda key, payload: self._invoice(ctx, payload["invoice"]), _records)

    def on_event(self, ctx: Context, session: Session, system: str, event: dict[str, Any]) -> None:
        """An invoice notification stages the invoice."""
        data = event.get("data") or {}
        if system == "ap" and event.get("type") in INVOICE_EVENTS and data.get("id"):
            self.work.stage(ctx, session, f"ap-invoice:{data['id']}", {"invoice": data}, reopen=("skipped",))

    def _invoice(self, ctx: Context, snapshot: dict[str, Any]) -> Outcome:
        ap_id = snapshot["id"]
        mapped = ctx.state.mapped("ap", "invoice", ap_id)
        if mapped is not None:
            return noop(netsuite=mapped)
        invoice = ap(ctx).get(f"/invoices/{ap_id}") if ctx.safeguards.on("no-reorder-tolerance") else snapshot
        if invoice.get("archived"):
            return skipped("archived")
        if invoice.get("synced"):
            return skipped("synced by another connector")
        customer = self._customer(ctx, str(invoice["customerId"]))
        item = ctx.config.ap_invoice_item or self._item(ctx)
        lines = [
            {
                "item": {"id": item},
                "quantity": num(ln.get("quantity") or 1),
                "rate": num(ln.get("price")),
                "amount": num(ln.get("amount")),
                **({"description": ln["description"]} if ln.get("description") else {}),
            }
            for ln in invoice.get("invoiceLineItems", [])
        ]
        body: dict[str, Any] = {
            "entity": {"id": customer},
            "tranId": invoice.get("invoiceNumber"),
            "tranDate": ctx.period_policy.date_for(str(invoice.get("invoiceDate")), "ar"),
            "dueDate": invoice.get("dueDate"),
            "memo": invoice.get("description") or "",
            "item": {"items": lines},
        }
        if invoice.get("poNumber"):
            body["otherRefNum"] = invoice["poNumber"]
        ns_id = ctx.netsuite.create_keyed("invoice", keyed(ctx, body, f"ap-inv-{ap_id}"))
        ctx.state.set_mapping("ap", "invoice", ap_id, ns_id)
        ap(ctx).patch(f"/invoices/{ap_id}", {"synced": True, "externalId": ns_id})
        return done(netsuite=ns_id)

    def _customer(self, ctx: Context, ap_customer: str) -> str:
        mapped = ctx.state.mapped("ap", "customer", ap_customer)
        if mapped is not None:
            return mapped
        customer = ap(ctx).get(f"/customers/{ap_customer}")
        found = None
        if customer.get("email"):
            rows = ctx.netsuite.suiteql(
                f"SELECT id FROM customer WHERE email = {quoted(customer['email'])} ORDER BY id"
            )
            found = str(rows[0]["id"]) if rows else None
        if found is None:
            body: dict[str, Any] = {
                "subsidiary": {"id": ap_subsidiary(ctx, self.refs)},
                "email": customer.get("email") or "",
            }
            if customer.get("accountType") == "PERSON":
                first, last = customer.get("firstName"), customer.get("lastName")
                if not (first and last):
                    first, last = split_name(str(customer.get("name")))
                body.update(isPerson=True, firstName=first, lastName=last)
            else:
                body.update(isPerson=False, companyName=customer.get("companyName") or customer.get("name"))
            found = ctx.netsuite.create_keyed("customer", keyed(ctx, body, f"ap-customer-{ap_customer}"))
        ctx.state.set_mapping("ap", "customer", ap_customer, found)
        return found

    def _item(self, ctx: Context) -> str:
        existing = ctx.netsuite.find_eid("nonInventorySaleItem", ITEM_EID, expand=False)
        if existing is not None:
            return str(existing["id"])
        return ctx.netsuite.upsert(
            "nonInventorySaleItem",
            ITEM_EID,
            {
                "itemId": "AP invoice line",
                "displayName": "Invoice line from AP",
                "subsidiary": {"items": [{"id": ap_subsidiary(ctx, self.refs)}]},
            },
        )


def _records(key: str, payload: dict[str, Any]) -> dict[str, Any]:
    invoice = payload.get("invoice") or {}
    return {"apInvoice": invoice.get("id"), "invoiceNumber": invoice.get("invoiceNumber")}
