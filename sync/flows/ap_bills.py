"""ap-bills: NetSuite unpaid USD bills -> AP, and bills entered in AP -> NetSuite (the Cashflow360 seed's rules).

NetSuite -> AP ("unpaid bills only"): an open, approved NetSuite bill of the AP organisation's subsidiary with
nothing paid or credited on it, in US dollars, becomes an AP bill (invoice number = the bill's reference number, else ``NS-<id>``); partly or fully
paid bills and bills in other currencies are not synced; a $0 bill without payments syncs as an unpaid bill, as
the seed says. The AP bill is marked synced and carries the purchase order's number when the NetSuite bill was
billed from one (AP's poNumber). NetSuite stays its master, except that an AP user may edit it (BILL keeps only
its vendor fixed): an edit made in AP (invoice number, due date, description, lines or poNumber differ from what
the engine wrote) rewrites the NetSuite bill from the AP bill on the next pass, as the Cashflow360 sync does
(seeds/002): expense lines from AP's lines and no item lines, so a bill billed from a purchase order is unlinked
from it ("editing in Cashflow360 will unlink the bill from the PO in Oracle NetSuite"; extra item lines are
removed). Expense accounts come from AP's line accounts as for bills entered in AP, else
``ERPSIM_SYNC_AP_EXPENSE_ACCOUNT``, else the edit is parked (``validation_error``).

AP -> NetSuite: a bill entered in AP becomes a NetSuite vendor bill (external id ``ap-bill-<AP id>``, approved
in NetSuite as NetSuite approvals are off) with expense lines on the NetSuite account whose number is the AP
account's (else ``ERPSIM_SYNC_AP_EXPENSE_ACCOUNT``); with ``ERPSIM_SYNC_AP_APPROVED_ONLY=true`` only once it is
approved in AP, and later approval changes do not sync. Later AP edits (due date, description) follow; an
archived AP bill is deleted in NetSuite while nothing is paid on it. Postings follow the period policy (kind
``ap``).

AP bills are read by their ``updatedTime`` (a cursor, with the boundary re-read) and, in daemon mode, from
``bill.*`` webhooks. Notifications may arrive out of order (an older ``bill.updated`` after a newer one): a bill
is read again before it is written, so an older version never overwrites a newer one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..clients.netsuite import ref, sublist
from .ap_vendors import ap, ap_subsidiary
from .base import Context, Flow
from .nsrefs import NetSuiteRefs
from .work import Outcome, Park, WorkQueue, content_hash, done, keyed, mapping_in, noop, skipped

CURSOR = "ap-bills:updated"
BILL_EVENTS = ("bill.created", "bill.updated", "bill.archived", "bill.restored")


def num(value: Any) -> float:
    """A JSON number or numeric string (missing = 0)."""
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


class ApAccounts:
    """AP's chart of accounts by id and by number (read once per pass)."""

    def __init__(self) -> None:
        self.epoch = -1
        self.by_id: dict[str, str] = {}
        self.by_number: dict[str, str] = {}

    def load(self, ctx: Context) -> ApAccounts:
        """Read the chart of accounts when a new pass starts."""
        if self.epoch != id(ctx.stats):
            rows = ap(ctx).list_all("/classifications/chart-of-accounts")
            self.by_id = {r["id"]: str((r.get("account") or {}).get("number") or "") for r in rows}
            self.by_number = {number: rid for rid, number in self.by_id.items() if number and rid}
            self.epoch = id(ctx.stats)
        return self


def netsuite_account(ctx: Context, refs: NetSuiteRefs, accounts: ApAccounts, line: dict[str, Any]) -> str:
    """The NetSuite account of an AP line: same account number, else the configured default, else parked."""
    cls = line.get("classifications") or {}
    number = accounts.by_id.get(str(cls.get("chartOfAccountId") or ""), "")
    found = refs.account_by_number(ctx.netsuite, number) if number else None
    account = found or ctx.config.ap_expense_account
    if not account:
        raise Park(
            "validation_error",
            f"no NetSuite account numbered {number or '(none)'} for an AP line and no "
            "ERPSIM_SYNC_AP_EXPENSE_ACCOUNT",
            {"apAccount": cls.get("chartOfAccountId")},
        )
    return account


def expense_lines(
    ctx: Context, refs: NetSuiteRefs, accounts: ApAccounts, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """NetSuite expense lines of AP line items (amount, account, memo)."""
    return [
        {
            "account": {"id": netsuite_account(ctx, refs, accounts, ln)},
            "amount": num(ln.get("amount")),
            **({"memo": ln["description"]} if ln.get("description") else {}),
        }
        for ln in items
    ]


class ApBillsFlow(Flow):
    """Bills between NetSuite and AP."""

    name = "ap-bills"
    systems = ("netsuite", "ap")
    description = (
        "NetSuite unpaid USD bills -> AP; AP bills -> NetSuite (only approved ones when so configured)"
    )
    webhook_systems = ("ap",)
    webhook_events = {"ap": BILL_EVENTS}

    def __init__(self) -> None:
        self.work = WorkQueue(self.name)
        self.refs = NetSuiteRefs()
        self.accounts = ApAccounts()

    def run(self, ctx: Context) -> None:
        """Write what webhooks staged, poll both sides, write what that found."""
        self.refs.for_pass(ctx)
        self.work.process(ctx, lambda key, payload: self._write(ctx, key, payload), _records)
        cursor = ctx.state.cursor(CURSOR)
        bills = ap(ctx).list_all(
            "/bills", filters=f"updatedTime:gte:{cursor}" if cursor else "", sort="updatedTime:asc"
        )
        # open bills, and $0 bills (NetSuite shows them Paid In Full; the seed syncs them as unpaid)
        subsidiary = ap_subsidiary(ctx, self.refs)
        rows = ctx.netsuite.suiteql(
            "SELECT t.id AS id, t.externalid AS externalid FROM transaction t JOIN transactionline l "
            "ON l.transaction = t.id AND l.mainline = 'T' WHERE t.type = 'VendBill' AND "
            f"l.subsidiary = {int(subsidiary)} AND (t.status = 'A' OR (t.status = 'B' AND t.foreigntotal = 0)) "
            "ORDER BY t.id"
        )
        to_ap = ctx.state.mappings("netsuite", "bill-to-ap")
        with ctx.state.tx() as session:
            for bill in bills:
                self._stage_ap(ctx, session, bill)
            if bills:
                ctx.state.set_cursor(session, CURSOR, str(bills[-1]["updatedTime"]))
            for row in rows:
                ns_id = str(row["id"])
                if not str(row.get("externalid") or "").startswith("ap-bill-") and ns_id not in to_ap:
                    self.work.stage(ctx, session, f"ns-bill:{ns_id}", {"id": ns_id}, reopen=())
        self.work.process(ctx, lambda key, payload: self._write(ctx, key, payload), _records)

    def _stage_ap(self, ctx: Context, session: Session, bill: dict[str, Any]) -> None:
        known = mapping_in(session, "ap", "bill", bill["id"])
        if known is not None and known[1].get("origin") == "netsuite" and not edited_in_ap(known[1], bill):
            return  # came from NetSuite, which stays its master until an AP user edits the bill
        self.work.stage(ctx, session, f"ap-bill:{bill['id']}", {"bill": bill}, reopen=("done", "skipped"))

    def on_event(self, ctx: Context, session: Session, system: str, event: dict[str, Any]) -> None:
        """A bill notification stages the bill (as the notification shows it)."""
        bill = event.get("data") or {}
        if system == "ap" and event.get("type") in BILL_EVENTS and bill.get("id"):
            self._stage_ap(ctx, session, bill)

    # --- writing -------------------------------------------------------------------------------------------
    def _write(self, ctx: Context, key: str, payload: dict[str, Any]) -> Outcome:
        if key.startswith("ns-bill:"):
            return self._to_ap(ctx, payload["id"])
        bill = payload["bill"]
        if ctx.safeguards.on("no-reorder-tolerance"):
            bill = ap(ctx).get(f"/bills/{bill['id']}")  # the bill now, not as a (possibly older) notification
        return self._to_netsuite(ctx, bill)

    def _to_netsuite(self, ctx: Context, bill: dict[str, Any]) -> Outcome:
        ap_id = bill["id"]
        mapped = ctx.state.mapped("ap", "bill", ap_id)
        data = ctx.state.mapping_data("ap", "bill", ap_id) or {}
        if data.get("origin") == "netsuite":
            return self._edit_from_ap(ctx, bill, mapped, data)
        if mapped is None and bill.get("synced"):
            return skipped("synced by another connector")
        if bill.get("archived"):
            if mapped is not None and not data.get("deleted"):
                ctx.netsuite.delete("vendorBill", mapped)
                ctx.state.set_mapping("ap", "bill", ap_id, mapped, {**data, "deleted": True})
                return done(netsuite=mapped, deleted=True)
            return skipped("archived")
        if mapped is None and ctx.config.ap_approved_only and bill.get("approvalStatus") != "APPROVED":
            return skipped(f"approval {bill.get('approvalStatus')}")
        vendor = ctx.state.mapped("ap", "vendor", str(bill.get("vendorId")))
        if vendor is None:
            raise Park(
                "unknown_vendor",
                f"AP vendor {bill.get('vendorName')} is not in NetSuite",
                {"vendor": bill.get("vendorId")},
            )
        self.accounts.load(ctx)
        invoice = bill.get("invoice") or {}
        body: dict[str, Any] = {
            "entity": {"id": vendor},
            "tranId": invoice.get("invoiceNumber"),
            "dueDate": bill.get("dueDate"),
            "memo": bill.get("description") or "",
            "approvalStatus": "2",
            "expense": {"items": expense_lines(ctx, self.refs, self.accounts, bill.get("billLineItems", []))},
        }
        fingerprint = content_hash(body)
        if mapped is None:
            body["tranDate"] = ctx.period_policy.date_for(str(invoice.get("invoiceDate")), "ap")
            ns_id = ctx.netsuite.create_keyed("vendorBill", keyed(ctx, body, f"ap-bill-{ap_id}"))
            ctx.state.set_mapping("ap", "bill", ap_id, ns_id, {"origin": "ap", "hash": fingerprint})
            ap(ctx).patch(f"/bills/{ap_id}", {"synced": True, "externalId": ns_id})
            return done(netsuite=ns_id)
        changed = data.get("hash") != fingerprint
        if changed:
            ctx.netsuite.patch("vendorBill", mapped, body, replace="expense")
            ctx.state.set_mapping("ap", "bill", ap_id, mapped, {**data, "hash": fingerprint})
        if not bill.get("synced"):
            ap(ctx).patch(f"/bills/{ap_id}", {"synced": True, "externalId": mapped})
        elif not changed:
            return noop(netsuite=mapped)
        return done(netsuite=mapped, updated=changed)

    def _edit_from_ap(
        self, ctx: Context, bill: dict[str, Any], mapped: str | None, data: dict[str, Any]
    ) -> Outcome:
        """An AP edit of a bill that came from NetSuite: rewrite the NetSuite bill from AP (unlinked from its PO)."""
        if mapped is None or bill.get("archived") or not edited_in_ap(data, bill):
            return skipped("came from NetSuite")
        self.accounts.load(ctx)
        invoice = bill.get("invoice") or {}
        body: dict[str, Any] = {
            "tranId": invoice.get("invoiceNumber"),
            "dueDate": bill.get("dueDate"),
            "memo": bill.get("description") or "",
            "expense": {"items": expense_lines(ctx, self.refs, self.accounts, bill.get("billLineItems", []))},
            "item": {"items": []},
        }  # the PO's item lines go: the bill is no longer billed from the purchase order
        ctx.netsuite.patch("vendorBill", mapped, body, replace="expense,item")
        ctx.state.set_mapping("ap", "bill", bill["id"], mapped, {**data, "ap": ap_fingerprint(bill)})
        return done(netsuite=mapped, editedInAp=True)

    def _to_ap(self, ctx: Context, ns_id: str) -> Outcome:
        mapped = ctx.state.mapped("netsuite", "bill-to-ap", ns_id)
        if mapped is not None:
            return noop(ap=mapped)
        bill = ctx.netsuite.get("vendorBill", ns_id)
        status = bill.get("status")
        status = str(status.get("id") if isinstance(status, dict) else status)
        total = num(bill.get("total"))
        if status not in ("A", "Open") and not (total == 0 and status in ("B", "Paid In Full")):
            return skipped(f"status {status}")
        currency = self.refs.currency_symbol(ctx.netsuite, str(ref(bill.get("currency")) or ""))
        if currency != "USD" and ctx.safeguards.on("sync-non-usd-bills"):
            return skipped(f"currency {currency or '?'} (Cashflow360 syncs USD only)")
        paid = num(bill.get("amountPaid")) > 0 or num(bill.get("amountRemaining", total)) < total - 0.005
        if paid and ctx.safeguards.on("sync-partly-paid-bills"):
            return skipped("partly paid (only unpaid bills sync)")
        vendor = ctx.state.mapped("netsuite", "vendor", str(ref(bill.get("entity"))))
        if vendor is None:
            raise Park(
                "unknown_vendor",
                f"NetSuite vendor {(bill.get('entity') or {}).get('refName')} is not in AP",
                {"vendor": ref(bill.get("entity"))},
            )
        self.accounts.load(ctx)
        number = str(bill.get("tranId") or f"NS-{ns_id}")
        body: dict[str, Any] = {
            "vendorId": vendor,
            "invoice": {"invoiceNumber": number, "invoiceDate": bill.get("tranDate")},
            "dueDate": bill.get("dueDate") or bill.get("tranDate"),
            "billLineItems": self._ap_lines(ctx, bill),
        }
        if bill.get("memo"):
            body["description"] = bill["memo"]
        source = bill.get("createdFrom") or {}
        if source.get("refName"):
            body["poNumber"] = str(source["refName"]).split("#")[-1].strip()
        created = ap(ctx).create_keyed(
            "/bills", body, f"vendorId:eq:{vendor},invoice.invoiceNumber:eq:{number}"
        )
        ctx.state.set_mapping("netsuite", "bill-to-ap", ns_id, created["id"])
        ctx.state.set_mapping(
            "ap", "bill", created["id"], ns_id, {"origin": "netsuite", "ap": ap_fingerprint(created)}
        )
        ap(ctx).patch(f"/bills/{created['id']}", {"synced": True, "externalId": ns_id})
        return done(ap=created["id"])

    def _ap_lines(self, ctx: Context, bill: dict[str, Any]) -> list[dict[str, Any]]:
        lines = []
        for ln in sublist(bill, "expense"):
            number = self.refs.account_number(ctx.netsuite, str(ref(ln.get("account")) or ""))
            line: dict[str, Any] = {"amount": num(ln.get("amount"))}
            if ln.get("memo"):
                line["description"] = ln["memo"]
            if number and number in self.accounts.by_number:
                line["classifications"] = {"chartOfAccountId": self.accounts.by_number[number]}
            lines.append(line)
        for ln in sublist(bill, "item"):
            label = (ln.get("item") or {}).get("refName") or ln.get("description") or "item"
            lines.append({"amount": num(ln.get("amount")), "description": f"{label} x {ln.get('quantity')}"})
        return lines or [{"amount": 0, "description": "NetSuite bill without lines"}]


def ap_fingerprint(bill: dict[str, Any]) -> str:
    """What an AP user can edit on a bill the engine wrote to AP (not its payments, approval or sync flags)."""
    invoice = bill.get("invoice") or {}
    lines = [
        (
            num(ln.get("amount")),
            ln.get("description"),
            (ln.get("classifications") or {}).get("chartOfAccountId"),
        )
        for ln in bill.get("billLineItems") or []
    ]
    return content_hash(
        [
            invoice.get("invoiceNumber"),
            invoice.get("invoiceDate"),
            bill.get("dueDate"),
            bill.get("description"),
            bill.get("poNumber"),
            lines,
        ]
    )


def edited_in_ap(data: dict[str, Any], bill: dict[str, Any]) -> bool:
    """Whether an AP user changed a bill that came from NetSuite since the engine last wrote it (mappings made
    before the engine kept AP's fingerprint have none: NetSuite stays their master)."""
    return "ap" in data and data["ap"] != ap_fingerprint(bill)


def _records(key: str, payload: dict[str, Any]) -> dict[str, Any]:
    if "bill" in payload:
        bill = payload["bill"]
        return {"apBill": bill.get("id"), "invoiceNumber": (bill.get("invoice") or {}).get("invoiceNumber")}
    return {"netsuiteBill": payload.get("id")}
