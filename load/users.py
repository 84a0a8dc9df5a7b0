"""The Locust users of the load model: tills, warehouse staff, the web storefront, and two probes.

Imported only inside Locust processes (gevent-patched). Every user reads the shared run context
(``load.context``). Business metrics are fired as Locust request events of type ``BUSINESS`` so they land
in Locust's CSV (``--csv-full-history`` keeps them per second) and HTML report; the probes also append
raw samples to JSON lines files in the run folder for the peak-readiness report.
"""

from __future__ import annotations

import itertools
import os
import random
import time
from typing import Any

from gevent.pool import Group
from locust import FastHttpUser, HttpUser, constant, constant_pacing, events, task
from locust.env import Environment
from requests_oauthlib import OAuth1

from .context import LoadContext, Sink, StoreRef, load_context

BUSINESS = "BUSINESS"
_ids = itertools.count(1)
_run_tag = f"{os.getpid() % 100000:05d}"


def business(env: Environment, name: str, value: float, failure: Exception | None = None) -> None:
    """Record one business-metric sample (a lag in ms, a rate, a count of 1) as a Locust request event."""
    env.events.request.fire(
        request_type=BUSINESS,
        name=name,
        response_time=value,
        response_length=0,
        exception=failure,
        context={},
    )


def _ctx() -> LoadContext:
    return load_context()


def _class_weights() -> dict[str, int]:
    """Integer weights proportional to each class's user count at the shape's top rate (see shapes.py)."""
    from .arrival import users_at_top

    counts = users_at_top(_ctx().profile)
    return {name: max(1, round(n * 10)) for name, n in counts.items()}


def _pace(per_second: float) -> Any:
    return constant_pacing(1.0 / per_second)


def _sale_body(
    ctx: LoadContext,
    rng: random.Random,
    store: StoreRef,
    externalid: str,
    items: list[tuple[str, int, int, int]],
) -> dict[str, Any]:
    """A Sitoo order for (sku, quantity, net cents, vat) lines, paid by card (prices keep VAT exact)."""
    total = sum(q * net * (100 + vat) // 100 for _, q, net, vat in items)
    return {
        "externalid": externalid,
        "registerid": store.registerid,
        "orderitems": [
            {"sku": sku, "quantity": q, "moneynetpriceperunit": f"{net / 100:.2f}", "vatvalue": vat}
            for sku, q, net, vat in items
        ],
        "payments": [
            {"name": rng.choice(("Card", "Card", "Card", "Cash")), "moneyamount": f"{total / 100:.2f}"}
        ],
    }


# ---- POS tills -------------------------------------------------------------------------------------
class TillUser(FastHttpUser):
    """A till in one store: rings sales of skewed baskets through the POS API, and the odd refund.

    Open arrivals: the till rings on its own schedule and does not wait for the POS to answer (each sale runs
    in its own greenlet), so a slow POS does not lower the offered rate; at most ``MAX_IN_FLIGHT`` sales wait
    per till, beyond that a sale is counted as ``pos: sale not rung (POS backlog)`` instead of being sent.
    """

    MAX_IN_FLIGHT = 8
    host = _ctx().env["ERPSIM_POS_URL"]
    weight = _class_weights()["till"]
    wait_time = _pace(_ctx().profile.rates.sales_per_till)
    concurrency = MAX_IN_FLIGHT + 2

    def on_start(self) -> None:
        ctx = _ctx()
        self.number = next(_ids)
        self.rng = random.Random(ctx.profile.world.seed * 1_000_003 + os.getpid() * 7919 + self.number)
        self.store = self.rng.choice(ctx.stores)
        self.sold: list[tuple[int, str]] = []
        self.counter = itertools.count(1)
        self.headers = {"Authorization": ctx.pos_auth, "Content-Type": "application/json"}
        self.in_flight = Group()

    def on_stop(self) -> None:
        self.in_flight.kill(block=False)

    @task
    def ring(self) -> None:
        """Start a sale, or (refund_share of the time) a refund of an earlier sale of this till."""
        if len(self.in_flight) >= self.MAX_IN_FLIGHT:
            business(self.environment, "pos: sale not rung (POS backlog)", 1)
            return
        self.in_flight.spawn(self._ring_one)

    def _ring_one(self) -> None:
        ctx = _ctx()
        if self.sold and self.rng.random() < ctx.profile.world.refund_share:
            orderid, sku = self.sold.pop(self.rng.randrange(len(self.sold)))
            self.client.post(
                "/__erpsim/act/refund",
                json={"orderid": orderid, "lines": [{"sku": sku, "quantity": 1}]},
                headers=ctx.admin,
                name="pos: refund (act)",
            )
            return
        low, high = ctx.profile.world.lines_per_sale
        picks = ctx.catalogue.pick(self.rng, self.rng.randint(low, high))
        lines: dict[str, tuple[str, int, int, int]] = {}
        for item in picks:
            _, q, net, vat = lines.get(item.sku, (item.sku, 0, item.price_cents, item.vat))
            lines[item.sku] = (item.sku, q + 1, net, vat)
        body = _sale_body(
            ctx, self.rng, self.store, f"L{_run_tag}-{self.number}-{next(self.counter)}", list(lines.values())
        )
        with self.client.post(
            f"{ctx.pos_site_path}/orders.json",
            json=body,
            headers=self.headers,
            name="pos: sale",
            catch_response=True,
        ) as r:
            if r.status_code == 200:
                self.sold.append((int(r.json()), picks[0].sku))
                del self.sold[:-20]
            else:
                r.failure(f"{r.status_code} {r.text[:200]}")


# ---- warehouse staff -----------------------------------------------------------------------------
class WarehouseUser(FastHttpUser):
    """Warehouse staff at the DC: receipts of returns, damages, and cycle counts, in the WMS."""

    host = _ctx().env["ERPSIM_WMS_URL"]
    weight = _class_weights()["warehouse"]
    wait_time = _pace(_ctx().profile.rates.actions_per_warehouse_user)

    def on_start(self) -> None:
        ctx = _ctx()
        self.rng = random.Random(ctx.profile.world.seed * 7 + os.getpid() * 31 + next(_ids))
        mix = ctx.profile.rates.warehouse_mix
        self.kinds, self.weights = list(mix), list(mix.values())

    @task
    def move(self) -> None:
        """One stock movement of a demand-skewed SKU."""
        ctx = _ctx()
        sku = ctx.catalogue.pick(self.rng)[0].sku
        kind = self.rng.choices(self.kinds, self.weights)[0]
        if kind == "receipt":
            body: dict[str, Any] = {"sku": sku, "reasonCode": "RETURN", "quantity": self.rng.randint(1, 6)}
        elif kind == "damage":
            body = {"sku": sku, "reasonCode": "DAMAGED", "quantity": -self.rng.randint(1, 2)}
        else:
            r = self.client.get(
                f"/api/v1/stock?sku={sku}&warehouseId=1",
                headers={"X-API-Key": ctx.env["ERPSIM_WMS_API_KEY"]},
                name="wms: stock read",
            )
            items = r.json().get("items", []) if r.status_code == 200 else []
            on_hand = int(items[0]["onHand"]) if items else 0
            body = {
                "sku": sku,
                "reasonCode": "COUNT",
                "countedQuantity": max(0, on_hand + self.rng.randint(-2, 1)),
            }
        self.client.post(
            "/__erpsim/act/adjust_stock", json=body, headers=ctx.admin, name=f"wms: {kind} (act)"
        )


# ---- web storefront ------------------------------------------------------------------------------
class StorefrontUser(HttpUser):
    """The web shop: reads availability from NetSuite (SuiteQL) and places click-and-collect orders on it.

    Every order NetSuite accepts is checked against the store's real stock in the POS at that moment: an
    order for stock the tills had already sold is an oversell caused by lag.
    """

    host = _ctx().env["ERPSIM_NETSUITE_URL"]
    weight = _class_weights()["web"]
    wait_time = _pace(_ctx().profile.rates.actions_per_web_user)

    def on_start(self) -> None:
        ctx = _ctx()
        env = ctx.env
        self.rng = random.Random(ctx.profile.world.seed * 13 + os.getpid() * 17 + next(_ids))
        self.auth = OAuth1(
            env["ERPSIM_NETSUITE_CONSUMER_KEY"],
            env["ERPSIM_NETSUITE_CONSUMER_SECRET"],
            env["ERPSIM_NETSUITE_TOKEN_ID"],
            env["ERPSIM_NETSUITE_TOKEN_SECRET"],
            signature_method="HMAC-SHA256",
            realm=env["ERPSIM_NETSUITE_ACCOUNT"],
        )
        self.sink = Sink(ctx.run_dir, "web")

    @task
    def shop(self) -> None:
        """Check availability, then order if NetSuite says it is there."""
        ctx = _ctx()
        rates = ctx.profile.rates
        if self.rng.random() < rates.web_bestseller_share:
            sku = self.rng.choice(ctx.bestsellers())
        else:
            sku = ctx.catalogue.pick(self.rng)[0]
        store = self.rng.choice(ctx.stores)
        item, qty = ctx.item_id(sku.sku), self.rng.randint(1, 2)
        query = (
            "SELECT quantityonhand, quantityavailable, quantitycommitted FROM aggregateitemlocation "
            f"WHERE item = {item} AND location = {store.location}"
        )
        with self.client.post(
            "/services/rest/query/v1/suiteql",
            json={"q": query},
            auth=self.auth,
            headers={"Prefer": "transient"},
            name="netsuite: suiteql availability",
            catch_response=True,
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code} {r.text[:200]}")
                return
            rows = r.json().get("items", [])
        row = rows[0] if rows else {}
        available = float(row.get("quantityavailable") or 0)
        committed = float(row.get("quantitycommitted") or 0)
        if available < qty:
            business(self.environment, "web: declined, NetSuite shows no stock", 1)
            return
        truth = self.client.get(
            f"{ctx.env['ERPSIM_POS_URL']}{ctx.pos_site_path}/warehouses/{store.warehouseid}/"
            f"warehouseitems.json?sku={sku.sku}",
            headers={"Authorization": ctx.pos_auth},
            name="pos: stock read (truth probe)",
        )
        items = truth.json().get("items", []) if truth.status_code == 200 else []
        pos_on_hand = float(items[0]["decimaltotal"]) if items else 0.0
        order = {
            "entity": {"id": str(ctx.world["web_customer"])},
            "location": {"id": str(store.location)},
            "orderStatus": "B",
            "externalId": f"WEB-{_run_tag}-{next(_ids)}",
            "item": {
                "items": [
                    {
                        "item": {"id": str(item)},
                        "quantity": qty,
                        "rate": sku.price_cents / 100,
                        "location": {"id": str(store.location)},
                    }
                ]
            },
        }
        with self.client.post(
            "/services/rest/record/v1/salesOrder",
            json=order,
            auth=self.auth,
            name="netsuite: web order",
            catch_response=True,
        ) as r:
            if r.status_code not in (200, 201, 204):
                r.failure(f"{r.status_code} {r.text[:200]}")
                return
        real_available = pos_on_hand - committed
        oversold = real_available < qty
        business(self.environment, "web: order accepted", 1)
        if oversold:
            business(self.environment, "web: OVERSOLD (stock already sold at the till)", qty - real_available)
        self.sink.write(
            t=time.time(),
            sku=sku.sku,
            location=store.location,
            qty=qty,
            netsuite_available=available,
            pos_on_hand=pos_on_hand,
            committed=committed,
            oversold=oversold,
        )


# ---- probes --------------------------------------------------------------------------------------
class TracerUser(HttpUser):
    """The lag probe: sells (POS) or damages (WMS) one unit of a tracer SKU, then watches NetSuite's on hand.

    Tracer SKUs are sold by nobody else, so the first NetSuite reading that shows the unit gone dates the
    sale's arrival: lag = that reading's time - the moment the satellite accepted the sale. NetSuite is read
    through the control plane (no governance slot taken), ``tracer_poll_per_second`` times a second.
    """

    host = _ctx().env["ERPSIM_NETSUITE_URL"]
    fixed_count = 1
    wait_time = constant(1.0 / _ctx().profile.rates.tracer_poll_per_second)

    def on_start(self) -> None:
        ctx = _ctx()
        self.rng = random.Random(ctx.profile.world.seed * 101)
        self.sink = Sink(ctx.run_dir, "lag")
        self.pending: dict[tuple[int, int], dict[str, Any]] = {}
        self.pairs: list[tuple[str, int, StoreRef | None]] = [
            (sku, s.location, s) for sku in ctx.world["tracers"] for s in ctx.stores
        ]
        self.pairs += [(sku, int(ctx.world["dc"]["location"]), None) for sku in ctx.world["tracers"]]
        self.known = self._read([(ctx.item_id(sku), loc) for sku, loc, _ in self.pairs])
        self.next_probe = time.time()
        self.counter = itertools.count(1)

    def _read(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], float]:
        ctx = _ctx()
        query = ",".join(f"{i}:{loc}" for i, loc in pairs)
        r = self.client.get(
            f"/__erpsim/state?records=none&inventory={query}",
            headers=ctx.admin,
            name="netsuite: stock probe (control plane)",
        )
        out: dict[tuple[int, int], float] = {}
        if r.status_code == 200:
            for row in r.json()["inventory"]:
                key = (int(row["item"]), int(row["location"]))
                out[key] = out.get(key, 0.0) + float(row["onHand"])
        return out

    @task
    def tick(self) -> None:
        """Start a probe when one is due, and look for the pending ones in NetSuite."""
        ctx = _ctx()
        now = time.time()
        rate = ctx.profile.rates.tracer_per_second
        if rate > 0 and now >= self.next_probe:
            self.next_probe = max(self.next_probe + 1.0 / rate, now - 1.0)
            self._probe()
        if self.pending:
            seen = self._read(list(self.pending))
            at = time.time()
            for key, probe in list(self.pending.items()):
                if key in seen and seen[key] <= probe["expected"] + 1e-6:
                    lag_ms = (at - probe["t0"]) * 1000
                    name = "lag sale->netsuite" if probe["kind"] == "sale" else "lag movement->netsuite"
                    business(self.environment, name, lag_ms)
                    self.sink.write(kind=probe["kind"], t0=probe["t0"], seen=at, lag_s=lag_ms / 1000)
                    self.known[key] = seen[key]
                    del self.pending[key]

    def _probe(self) -> None:
        ctx = _ctx()
        free = [p for p in self.pairs if (ctx.item_id(p[0]), p[1]) not in self.pending]
        if not free:
            return
        sku, loc, store = self.rng.choice(free)
        key = (ctx.item_id(sku), loc)
        if key not in self.known:
            return
        if store is not None:
            body = _sale_body(ctx, self.rng, store, f"T{_run_tag}-{next(self.counter)}", [(sku, 1, 100, 20)])
            r = self.client.post(
                f"{ctx.env['ERPSIM_POS_URL']}{ctx.pos_site_path}/orders.json",
                json=body,
                headers={"Authorization": ctx.pos_auth},
                name="pos: tracer sale",
            )
            kind = "sale"
        else:
            r = self.client.post(
                f"{ctx.env['ERPSIM_WMS_URL']}/__erpsim/act/adjust_stock",
                headers=ctx.admin,
                json={"sku": sku, "reasonCode": "DAMAGED", "quantity": -1},
                name="wms: tracer damage (act)",
            )
            kind = "movement"
        if r.status_code == 200:
            self.pending[key] = {"t0": time.time(), "expected": self.known[key] - 1, "kind": kind}

    def on_stop(self) -> None:
        for probe in self.pending.values():
            self.sink.write(kind=probe["kind"], t0=probe["t0"], seen=None, lag_s=None)
        self.pending.clear()


def _line_count(sublist: Any) -> int:
    """Lines of a stored sublist: a list, or the REST shape ``{"items": [...]}``."""
    if isinstance(sublist, dict):
        sublist = sublist.get("items")
    return len(sublist) if isinstance(sublist, list) else 0


class MonitorUser(HttpUser):
    """Reads NetSuite's journal and new adjustments each tick: engine writes, lines and 429s per second."""

    host = _ctx().env["ERPSIM_NETSUITE_URL"]
    fixed_count = 1
    wait_time = constant(1.0 / _ctx().profile.rates.monitor_per_second)

    def on_start(self) -> None:
        ctx = _ctx()
        self.sink = Sink(ctx.run_dir, "monitor")
        journal = self.client.get(
            "/__erpsim/journal?since=0&limit=1", headers=ctx.admin, name="netsuite: journal (control plane)"
        ).json()
        self.seq = int(journal["lastSeq"])
        records = self.client.get(
            "/__erpsim/state?types=inventoryAdjustment",
            headers=ctx.admin,
            name="netsuite: adjustments (control plane)",
        ).json()["records"]
        self.last_id = max([r["id"] for r in records.get("inventoryAdjustment", [])] or [0])
        self.last_t = time.time()

    @task
    def tick(self) -> None:
        """One sample of engine throughput and NetSuite's refusals."""
        ctx = _ctx()
        r = self.client.get(
            f"/__erpsim/journal?since={self.seq}", headers=ctx.admin, name="netsuite: journal (control plane)"
        )
        a = self.client.get(
            f"/__erpsim/state?types=inventoryAdjustment&since={self.last_id}",
            headers=ctx.admin,
            name="netsuite: adjustments (control plane)",
        )
        now = time.time()
        dt = max(1e-3, now - self.last_t)
        if r.status_code != 200 or a.status_code != 200:
            return
        journal = r.json()
        entries = journal["entries"]
        self.seq = max([self.seq] + [int(e["seq"]) for e in entries])
        adjustments = a.json()["records"].get("inventoryAdjustment", [])
        if adjustments:
            self.last_id = max(x["id"] for x in adjustments)
        lines = sum(_line_count(x["body"].get("inventory")) for x in adjustments)
        api = [e for e in entries if not e["path"].startswith("/__erpsim")]
        refused = sum(1 for e in api if e["status"] == 429)
        errors = sum(1 for e in api if e["status"] >= 500)
        writes = sum(
            1
            for e in api
            if "/inventoryAdjustment" in e["path"]
            and e["method"] in ("POST", "PUT", "PATCH")
            and 200 <= e["status"] < 300
        )
        mean_ms = sum(e["duration_ms"] for e in api) / len(api) if api else 0.0
        self.last_t = now
        business(self.environment, "engine adjustment lines/s", lines / dt)
        business(self.environment, "engine adjustment writes/s", writes / dt)
        business(self.environment, "netsuite 429/s (all callers)", refused / dt)
        self.sink.write(
            t=now,
            dt=dt,
            lines=lines,
            adjustments=len(adjustments),
            writes=writes,
            r429=refused,
            errors5xx=errors,
            requests=len(api),
            mean_ms=mean_ms,
        )


@events.quitting.add_listener
def _quitting(environment: Environment, **_kw: Any) -> None:
    """The run process judges the run (SLOs), not Locust: never fail the Locust process on request errors."""
    environment.process_exit_code = 0
