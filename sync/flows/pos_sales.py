"""pos-sales: POS sales and refunds -> NetSuite, and the day's money reconciled to the Z reports.

``ERPSIM_SYNC_LEDGER_MODE=cash-sale`` (default): every closed Sitoo order becomes one NetSuite transaction with
externalId ``SITOO-<orderid>``: a cash sale for a sale, a cash refund for a refund (an order with
``creditorderid``). Lines: the products at the store's location (a returned product at the location Sitoo put
it back in: the store's, or its quarantine's for a damaged return), discount lines, one tax line per VAT rate,
shipping as shipping cost, the tender as payment method (the largest one when split; every tender is in the
memo). NetSuite moves the stock of a standalone cash sale and cash refund itself, so the sale's stock leaves
and the refund's comes back with them (the inventory flow knows, and does not post them again).

``daily-summary``: one journal entry per store and day (externalId ``SITOO-DAY-<store>-<yyyymmdd>``) built from
the orders of the day's Z reports: tenders (debits, per payment method), sales, discounts, returns, VAT. Upserted
by externalId with all its lines, so a Z report arriving later for the same store and day updates it. The
stock of those sales goes through the inventory flow's batched adjustments.

Every Z report is reconciled by payment method: the till's figures against what NetSuite holds for its orders
(the transactions' totals, or the journal's tender lines). A difference is parked as ``money_mismatch`` with
both figures, and checked again every pass until it matches. Postings dated in a closed period follow the
period policy (re-dated or parked as ``closed_period``; they stay queued and land when they can).
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ApiRefusal, RetryableError
from ..periods import ClosedPeriod
from ..state import IdMapping, OutboxItem
from .base import Context, Flow
from .inventory import sale_posting_key
from .pos_customers import CustomerResolver, DuplicateCustomer, default_subsidiary
from .pos_ledger import DayTotals, LedgerSetup, Unpostable, journal_lines, order_body
from .pos_orders import is_refund, money, order_day, read_closed
from .stockmaps import items_of, locations_of

FLOW = "pos-sales"
DAY_PREFIX = "pos-day:"
ZREPORTS_READ_AT = "pos-sales:zreports-read-at"


def external_id(order_id: Any) -> str:
    """The NetSuite externalId of a Sitoo order's cash sale or cash refund."""
    return f"SITOO-{order_id}"


class PosSalesFlow(Flow):
    """POS sales and refunds into the NetSuite ledger, reconciled to the Z reports."""

    name = FLOW
    systems = ("netsuite", "pos")
    description = (
        "POS sales/refunds -> NetSuite cash sales/refunds (or daily summaries), reconciled to Z reports"
    )

    def run(self, ctx: Context) -> None:
        """Queue new orders (or Z reports), post what is queued, reconcile the Z reports."""
        assert ctx.pos is not None
        self.ctx = ctx
        self.setup = LedgerSetup(ctx)
        self.locations = locations_of(ctx)
        self.items = items_of(ctx)
        self.customers = CustomerResolver(ctx, default_subsidiary(ctx))
        daily = ctx.config.ledger_mode == "daily-summary"
        if not daily:
            batch = read_closed(ctx, FLOW)
            with ctx.state.tx() as s:
                for order in batch.closed:
                    ctx.state.enqueue(s, FLOW, sale_posting_key(order["orderid"]), order)
                batch.commit(s)
        if self.zreports_due():
            began = time.time()
            self.read_zreports(daily)
            with ctx.state.tx() as s:
                ctx.state.set_cursor(s, ZREPORTS_READ_AT, str(began))
        pending = ctx.state.pending(FLOW)
        with ThreadPoolExecutor(
            max_workers=max(1, min(ctx.config.netsuite_concurrency, len(pending) or 1)),
            thread_name_prefix="erpsim-pos-sales",
        ) as pool:
            failures = [f for f in pool.map(self._post, pending) if f is not None]
        self.reconcile(daily)
        if failures:
            raise failures[0]

    # --- posting -------------------------------------------------------------------------------------------
    def _post(self, work: tuple[str, dict[str, Any]]) -> Exception | None:
        """Post one queued order or day; park what cannot be posted (it stays queued)."""
        key, payload = work
        ctx = self.ctx
        exception_key = f"{FLOW}:{key}"
        try:
            if key.startswith(DAY_PREFIX):
                result = self.post_day(payload)
            else:
                result = self.post_order(payload)
        except Unpostable as exc:
            ctx.park(FLOW, exc.category, exception_key, f"{key}: {exc}", records={"work": key, **exc.records})
        except DuplicateCustomer as exc:
            ctx.park(
                FLOW,
                "duplicate_customer",
                exception_key,
                f"{key}: {exc}",
                records={"work": key, "email": exc.email, "netsuite_customers": exc.ids},
            )
        except ClosedPeriod as exc:
            ctx.park(
                FLOW,
                "closed_period",
                exception_key,
                f"{key} is dated {exc.day}: {exc}",
                records={"work": key, "day": exc.day},
            )
        except ApiRefusal as exc:
            ctx.park_refusal(FLOW, exception_key, exc, {"work": key}, category="rejected_posting")
        except RetryableError as exc:
            return exc
        else:
            ctx.state.finish(key, "done", result)
            ctx.state.resolve_exception(exception_key)
            ctx.stats.add(
                FLOW,
                "days_posted"
                if key.startswith(DAY_PREFIX)
                else ("refunds_posted" if result.get("type") == "cashRefund" else "sales_posted"),
            )
        return None

    def post_order(self, order: dict[str, Any]) -> dict[str, Any]:
        """The cash sale or cash refund of one order, created once under its externalId."""
        ctx = self.ctx
        locations = {
            key.split(":")[1]: loc for key, loc in self.locations.targets.items() if key.startswith("pos:")
        }
        items = {sku: item.id for sku, item in self.items.by_sku.items()}
        email = str(order.get("email") or "").strip()
        entity = (
            self.customers.for_email(email, None, context=f"ORDER-{order['orderid']}")
            if email
            else self.customers.walk_in()
        )
        header = locations.get(str(order.get("warehouseid") or ""), "")
        day = ctx.period_policy.date_for(order_day(order), "ar")
        body = order_body(
            ctx,
            self.setup,
            order,
            items=items,
            locations=locations,
            entity=entity,
            day=day,
            subsidiary=self.locations.subsidiary(header),
        )
        rtype = "cashRefund" if is_refund(order) else "cashSale"
        if ctx.safeguards.on("no-idempotency"):
            body["externalId"] = external_id(order["orderid"])
        rid = ctx.netsuite.create_keyed(rtype, body)
        return {"id": rid, "type": rtype, "day": day, "total": str(money(order.get("moneytotal_gross_all")))}

    def post_day(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The daily summary journal of a store, upserted with all its lines."""
        ctx = self.ctx
        totals = DayTotals()
        for part in payload["parts"].values():
            totals.merge(DayTotals.from_json(part))
        location = self.locations.resolve(f"pos:{payload['warehouse']}")
        if location is None:
            raise Unpostable(
                "unknown_location",
                f"{self.locations.label('pos:' + str(payload['warehouse']))} is "
                "not mapped to a NetSuite location",
                {"location": f"pos:{payload['warehouse']}"},
            )
        day = ctx.period_policy.date_for(payload["day"], "gl")
        body: dict[str, Any] = {
            "tranDate": day,
            "memo": f"Sitoo daily sales summary, store {payload['store']}, "
            f"{payload['day']} (Z reports {', '.join(sorted(payload['parts']))})",
            "line": {"items": journal_lines(ctx, self.setup, totals, location)},
        }
        subsidiary = self.locations.subsidiary(location)
        if subsidiary:
            body["subsidiary"] = {"id": subsidiary}
        currency, base = self.setup.currency(payload.get("currency") or "USD")
        if not base:
            body["currency"] = {"id": currency}
        eid = day_external_id(payload["store"], payload["day"])
        rid = ctx.netsuite.upsert("journalEntry", eid, body, replace="line")
        return {"id": rid, "type": "journalEntry", "day": day, "externalId": eid}

    # --- Z reports -----------------------------------------------------------------------------------------
    def zreports_due(self) -> bool:
        """Every pass with --once; in daemon mode every ERPSIM_SYNC_ZREPORT_SECONDS.

        A register closes once a day, yet reading its Z reports is a request per register: at peak, on a POS
        busy ringing sales, one read of every register each 0.25 s pass would be most of what the engine does.
        """
        ctx = self.ctx
        if not ctx.daemon:
            return True
        last = float(ctx.state.cursor(ZREPORTS_READ_AT, "0") or 0)
        return time.time() - last >= ctx.config.zreport_seconds

    def read_zreports(self, daily: bool) -> None:
        """Record every new Z report with its orders (and, for daily summaries, add them to the store's day)."""
        ctx = self.ctx
        assert ctx.pos is not None
        for register in ctx.pos.registers():
            rid = str(register["registerid"])
            since = ctx.state.cursor(f"{FLOW}:z-since:{rid}", "")
            reports = ctx.pos.zreports(rid, int(since) if since else None)
            for report in sorted(reports, key=lambda z: int(z["zreportid"])):
                zid = str(report["zreportid"])
                if ctx.state.mapped("pos", "zreport", zid) is not None:
                    continue
                orders, floor = self._orders_of(rid, int(zid))
                day = datetime.fromtimestamp(int(report["datecreated"]), UTC).date().isoformat()
                info = {
                    "register": rid,
                    "store": str(register["storeid"]),
                    "warehouse": str(register["warehouseid"]),
                    "day": day,
                    "orders": [int(o["orderid"]) for o in orders],
                    "z": _z_payments(report),
                    "reconciled": False,
                }
                with ctx.state.tx() as s:
                    if daily:
                        self._add_to_day(s, zid, info, orders, str(report.get("currencycode") or ""))
                    ctx.state.set_mapping("pos", "zreport", zid, rid, info, session=s)
                    ctx.state.set_cursor(s, f"{FLOW}:z-floor:{rid}", str(floor))
                    ctx.state.set_cursor(s, f"{FLOW}:z-since:{rid}", str(report["datecreated"]))
                ctx.stats.add(FLOW, "zreports")

    def _orders_of(self, register: str, zid: int) -> tuple[list[dict[str, Any]], int]:
        """The closed orders a Z report covers, and the register's new order-id floor."""
        assert self.ctx.pos is not None
        floor = int(self.ctx.state.cursor(f"{FLOW}:z-floor:{register}", "0") or 0)
        fetched = self.ctx.pos.orders(registerid=register, orderidfrom=floor)
        mine = [o for o in fetched if o.get("zreportid") is not None and int(o["zreportid"]) == zid]
        later = [
            int(o["orderid"]) for o in fetched if o.get("zreportid") is None or int(o["zreportid"]) > zid
        ]
        new_floor = min(later) if later else (max([int(o["orderid"]) for o in fetched] or [floor - 1]) + 1)
        return mine, new_floor

    def _add_to_day(
        self, session: Session, zid: str, info: dict[str, Any], orders: list[dict[str, Any]], currency: str
    ) -> None:
        """Add a Z report's orders to its store's day (the summary is queued again with the new part)."""
        key = f"{DAY_PREFIX}{info['store']}:{info['day']}"
        part = DayTotals()
        for order in orders:
            part.add(order)
        row = session.scalar(select(OutboxItem).where(OutboxItem.key == key))
        payload = (
            json.loads(row.payload)
            if row is not None
            else {
                "store": info["store"],
                "day": info["day"],
                "warehouse": info["warehouse"],
                "currency": currency,
                "parts": {},
            }
        )
        payload["parts"][zid] = part.to_json()
        if row is None:
            self.ctx.state.enqueue(session, FLOW, key, payload)
        else:
            row.payload = json.dumps(payload, sort_keys=True)
            row.status = "pending"

    # --- money reconciliation ------------------------------------------------------------------------------
    def reconcile(self, daily: bool) -> None:
        """Compare every Z report not yet reconciled with NetSuite, by payment method."""
        ctx = self.ctx
        reports = self._zreports()
        open_reports = {zid: info for zid, info in reports.items() if not info.get("reconciled")}
        if not open_reports:
            return
        if daily:  # a journal holds every Z report of its store and day: compare them all together
            days = {(info["store"], info["day"]) for info in open_reports.values()}
            for store, day in sorted(days):
                if ctx.state.outbox_status(f"{DAY_PREFIX}{store}:{day}") != "done":
                    continue
                zids = sorted(
                    (z for z, info in reports.items() if (info["store"], info["day"]) == (store, day)),
                    key=int,
                )
                till = _sum_methods(reports[z]["z"] for z in zids)
                ledger = self._journal_tenders(day_external_id(store, day))
                self._compare(f"day:{store}:{day}", till, ledger, zids, {"store": store, "day": day}, reports)
            return
        for zid, info in sorted(open_reports.items(), key=lambda kv: int(kv[0])):
            keys = [sale_posting_key(o) for o in info["orders"]]
            statuses = [ctx.state.outbox_status(k) for k in keys]
            if any(status is None for status in statuses):
                continue  # an order of the report is not even queued yet
            waiting = [k for k, st in zip(keys, statuses, strict=True) if st != "done"]
            if waiting and not all(self._parked(k) for k in waiting):
                continue
            ledger = self._order_tenders(info["orders"])
            self._compare(
                f"z:{zid}",
                _sum_methods([info["z"]]),
                ledger,
                [zid],
                {"register": info["register"], "day": info["day"]},
                open_reports,
            )

    def _compare(
        self,
        scope: str,
        till: dict[str, Decimal],
        ledger: dict[str, Decimal],
        zids: list[str],
        where: dict[str, Any],
        reports: dict[str, dict[str, Any]],
    ) -> None:
        ctx = self.ctx
        methods = sorted(set(till) | set(ledger))
        wrong = {
            m: {"zreport": f"{till.get(m, Decimal(0)):.2f}", "netsuite": f"{ledger.get(m, Decimal(0)):.2f}"}
            for m in methods
            if till.get(m, Decimal(0)) != ledger.get(m, Decimal(0))
        }
        key = f"money:{scope}"
        if wrong:
            ctx.park(
                FLOW,
                "money_mismatch",
                key,
                f"money of {scope} does not reconcile: "
                + "; ".join(
                    f"{m}: Z report {v['zreport']}, NetSuite {v['netsuite']}" for m, v in wrong.items()
                ),
                records={"scope": scope, "zreports": zids, **where, "methods": wrong},
            )
            return
        ctx.state.resolve_exception(key)
        for zid in zids:
            info = dict(reports[zid], reconciled=True)
            ctx.state.set_mapping("pos", "zreport", zid, str(info["register"]), info)
        ctx.stats.add(FLOW, "zreports_reconciled", len(zids))

    def _zreports(self) -> dict[str, dict[str, Any]]:
        with self.ctx.state.tx() as s:
            rows = s.scalars(select(IdMapping).where(IdMapping.system == "pos", IdMapping.kind == "zreport"))
            return {r.key: json.loads(r.data) for r in rows}

    def _parked(self, work_key: str) -> bool:
        return any(e.records.get("work") == work_key for e in self.ctx.state.exceptions())

    def _order_tenders(self, order_ids: list[int]) -> dict[str, Decimal]:
        """Per payment method, what NetSuite holds for these orders (their transactions' totals)."""
        ctx = self.ctx
        out: dict[str, Decimal] = {}
        if not order_ids:
            return out
        totals: dict[str, Decimal] = {}
        for start in range(0, len(order_ids), 500):
            names = ", ".join(f"'{external_id(o)}'" for o in order_ids[start : start + 500])
            for row in ctx.netsuite.suiteql(
                f"SELECT externalid, type, foreigntotal FROM transaction "
                f"WHERE type IN ('CashSale', 'CashRfnd') AND externalid IN ({names})"
            ):
                sign = Decimal(-1) if row.get("type") == "CashRfnd" else Decimal(1)
                totals[str(row["externalid"])] = abs(Decimal(str(row.get("foreigntotal") or 0))) * sign
        for order_id in order_ids:
            tenders = self._tenders(order_id)
            booked = totals.get(external_id(order_id))
            if booked is None or not tenders:
                continue
            for name, amount in tenders.items():
                out[name] = out.get(name, Decimal(0)) + amount
            largest = max(tenders, key=lambda n: abs(tenders[n]))
            out[largest] += booked - sum(tenders.values(), Decimal(0))
        return out

    def _tenders(self, order_id: int) -> dict[str, Decimal]:
        """The tenders of a queued order (its payload kept the Sitoo order)."""
        with self.ctx.state.tx() as s:
            raw = s.scalar(select(OutboxItem.payload).where(OutboxItem.key == sale_posting_key(order_id)))
        order = json.loads(raw) if raw else {}
        out: dict[str, Decimal] = {}
        for pay in order.get("payments") or []:
            out[str(pay["name"])] = out.get(str(pay["name"]), Decimal(0)) + money(pay.get("moneyamount"))
        return out

    def _journal_tenders(self, eid: str) -> dict[str, Decimal]:
        """Per payment method, the tender lines of a daily summary journal in NetSuite."""
        found = self.ctx.netsuite.find_eid("journalEntry", eid)
        out: dict[str, Decimal] = {}
        for line in (found or {}).get("line", {}).get("items", []):
            memo = str(line.get("memo") or "")
            if memo.startswith("POS tenders: "):
                name = memo[len("POS tenders: ") :]
                amount = Decimal(str(line.get("debit") or 0)) - Decimal(str(line.get("credit") or 0))
                out[name] = out.get(name, Decimal(0)) + amount.quantize(Decimal("0.01"))
        return out


def day_external_id(store: str, day: str) -> str:
    """The externalId of a store's daily summary journal."""
    return f"SITOO-DAY-{store}-{day.replace('-', '')}"


def _z_payments(report: dict[str, Any]) -> dict[str, str]:
    """Per payment method, sales minus refunds on a Z report (as decimal strings)."""
    out: dict[str, Decimal] = {}
    for entry in report.get("paymentssales") or []:
        out[str(entry["name"])] = out.get(str(entry["name"]), Decimal(0)) + money(entry.get("moneytotal"))
    for entry in report.get("paymentsrefund") or []:
        out[str(entry["name"])] = out.get(str(entry["name"]), Decimal(0)) - money(entry.get("moneytotal"))
    return {k: str(v) for k, v in sorted(out.items())}


def _sum_methods(parts: Any) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for part in parts:
        for name, value in part.items():
            out[name] = out.get(name, Decimal(0)) + Decimal(value)
    return out
