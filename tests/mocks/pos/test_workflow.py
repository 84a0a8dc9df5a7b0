"""The main POS workflow end to end through the public API and act/, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import ADMIN

from .conftest import AUTH, BASE, SITE, PosDriver, make_app


def run_workflow(pos: PosDriver) -> None:
    """Item master push, opening stock, a day of sales and returns, a Z report, then the checks."""
    pos.seed({"records": {"stores": [{"name": "Soho", "externalid": "SOHO"}]}})
    stores = pos.api("GET", f"{SITE}/stores.json").get_json()["items"]
    wh = [
        w
        for w in pos.api("GET", f"{SITE}/warehouses.json").get_json()["items"]
        if w["storeid"] == stores[0]["storeid"]
    ]
    sellable = next(w["warehouseid"] for w in wh if w["sellable"])
    quarantine = next(w["warehouseid"] for w in wh if not w["sellable"])
    register = pos.api("GET", f"{SITE}/cashregisters.json").get_json()["items"][0]["registerid"]
    # 1. NetSuite pushes the item master and the opening stock
    pushed = pos.api(
        "POST",
        f"{SITE}/products.json",
        [
            {"sku": "NS-100", "title": "Hoodie", "moneyprice": "40.00", "vatvalue": 20},
            {"sku": "NS-200", "title": "Cap", "moneyprice": "12.50", "vatvalue": 20},
        ],
    ).get_json()
    assert [p["statuscode"] for p in pushed] == [200, 200]
    tx = pos.api(
        "POST",
        f"{SITE}/warehousetransactions.json",
        [
            {
                "warehouseid": sellable,
                "transactiontype": 10,
                "externalid": "NS-IA-1",
                "items": [
                    {"sku": "NS-100", "decimalquantity": "20.000"},
                    {"sku": "NS-200", "decimalquantity": "5"},
                ],
            }
        ],
    ).get_json()
    assert tx[0]["statuscode"] == 200
    # 2. a customer signs up at the till; the integration looks them up by email
    pos.act("register_customer", {"email": "zoe@example.com"})
    assert pos.api("GET", f"{SITE}/users.json?email=zoe@example.com").get_json()["totalcount"] == 1
    # 3. sales through the API (an offline till syncing) and by a cashier
    sale = {
        "externalid": "TILL1-0001",
        "registerid": register,
        "email": "zoe@example.com",
        "orderitems": [
            {"sku": "NS-100", "quantity": 2},
            {"orderitemtype": 30, "moneyrowdiscount": "8.00"},
            {"sku": "NS-200", "quantity": 1},
        ],
        "payments": [{"name": "Card", "moneyamount": "100.00"}, {"name": "Gift card", "moneyamount": "3.00"}],
    }
    first = pos.api("POST", f"{SITE}/orders.json", sale)
    assert first.status_code == 200, first.get_json()
    sale_id = first.get_json()
    retry = pos.api("POST", f"{SITE}/orders.json", sale)  # the connector retries: refused
    assert retry.status_code == 400
    cashier = pos.act(
        "ring_sale", {"registerid": register, "payment": "Cash", "lines": [{"sku": "NS-200", "quantity": 5}]}
    )
    assert cashier["moneytotal_gross_all"] == "75.00"
    # 4. one hoodie comes back damaged (quarantine), the cap comes back fine
    back = pos.act(
        "refund",
        {
            "orderid": sale_id,
            "lines": [
                {"sku": "NS-100", "quantity": 1, "reasoncode": "damaged"},
                {"sku": "NS-200", "quantity": 1},
            ],
        },
    )
    assert back["moneytotal_gross_all"] == "-59.00"  # 48.00 - 4.00 (half the discount) + 15.00
    pos.act("refund", {"orderid": sale_id, "lines": [{"sku": "NS-200", "quantity": 1}]}, status=400)
    # 5. stock per warehouse as NetSuite must mirror it
    items = {
        i["sku"]: i["decimaltotal"]
        for i in pos.api("GET", f"{SITE}/warehouses/{sellable}/warehouseitems.json").get_json()["items"]
    }
    assert items == {"NS-100": "18.000", "NS-200": "0.000"}
    q = pos.api("GET", f"{SITE}/warehouses/{quarantine}/warehouseitems.json").get_json()["items"]
    assert [(i["sku"], i["decimaltotal"]) for i in q] == [("NS-100", "1.000")]
    # 6. close of day: the Z report equals the day's orders
    z = pos.act("close_day", {"registerid": register})
    day = pos.api("GET", f"{SITE}/orders.json?registerid={register}").get_json()["items"]
    sales = sum(Decimal(o["moneytotal_gross_all"]) for o in day if o["creditorderid"] is None)
    refunds = -sum(Decimal(o["moneytotal_gross_all"]) for o in day if o["creditorderid"] is not None)
    assert (
        (Decimal(z["moneysalestotal"]), Decimal(z["moneyrefundtotal"]))
        == (sales, refunds)
        == (Decimal("178.00"), Decimal("59.00"))
    )
    assert {p["name"]: p["moneytotal"] for p in z["paymentssales"]} == {
        "Card": "100.00",
        "Cash": "75.00",
        "Gift card": "3.00",
    }
    assert all(o["zreportid"] == z["zreportid"] for o in day)


def test_workflow_on_sqlite(pos: PosDriver) -> None:
    run_workflow(pos)


@pytest.mark.postgres
@pytest.mark.slow
def test_workflow_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    app = make_app(tmp_path, db_url=pg_url)
    try:
        run_workflow(PosDriver(app))
    finally:  # before the test's database is dropped under its connections
        app.extensions["erpsim"].store.dispose()


def test_concurrent_sales_over_http_keep_stock_exact(tmp_path: Path, serve_app: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    app = make_app(tmp_path)
    srv = serve_app(app)
    seeded = requests.post(
        f"{srv.url}/__erpsim/seed",
        json={
            "records": {
                "stores": [{"name": "Soho"}],
                "products": [{"sku": "A", "title": "A", "moneyprice": "1.00", "vatvalue": 0}],
                "stock": [{"warehouseid": 1, "sku": "A", "quantity": "100"}],
            }
        },
        headers=ADMIN,
        timeout=10,
    ).json()
    register = seeded["stores"][0]["registerid"]

    def ring(n: int) -> int:
        body = {
            "externalid": f"C{n % 60}",
            "registerid": register,
            "orderitems": [{"sku": "A", "quantity": 1}],
            "payments": [{"name": "Cash", "moneyamount": "1.00"}],
        }
        return requests.post(f"{srv.url}{SITE}/orders.json", json=body, headers=AUTH, timeout=30).status_code

    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(ring, range(120)))
    assert statuses.count(200) == 60 and statuses.count(400) == 60  # each externalid sold exactly once
    items = requests.get(f"{srv.url}{SITE}/warehouses/1/warehouseitems.json", headers=AUTH, timeout=10).json()
    assert items["items"][0]["decimaltotal"] == "40.000"
    assert requests.get(f"{srv.url}{BASE}/orders.json", headers=AUTH, timeout=10).json()["totalcount"] == 60


@pytest.mark.postgres
@pytest.mark.slow
def test_concurrent_first_sales_of_a_sku_on_postgresql(tmp_path: Path, pg_url: str, serve_app: Any) -> None:
    """No stock row yet: every concurrent first sale creates-or-adds to it (one upsert), none fails."""
    from concurrent.futures import ThreadPoolExecutor

    skus = [f"NEW-{n}" for n in range(8)]
    app = make_app(tmp_path, db_url=pg_url)
    srv = serve_app(app)
    try:
        seeded = requests.post(
            f"{srv.url}/__erpsim/seed",
            json={
                "records": {
                    "stores": [{"name": "Soho"}],
                    "products": [{"sku": s, "title": s, "moneyprice": "1.00", "vatvalue": 0} for s in skus],
                }
            },
            headers=ADMIN,
            timeout=30,
        ).json()
        register = seeded["stores"][0]["registerid"]
        barrier = threading.Barrier(6)

        def ring(n: int) -> int:
            body = {
                "externalid": f"F{n}",
                "registerid": register,
                "orderitems": [{"sku": skus[n // 6], "quantity": 1}],
                "payments": [{"name": "Cash", "moneyamount": "1.00"}],
            }
            barrier.wait(30)  # six first sales of one sku leave together
            return requests.post(
                f"{srv.url}{SITE}/orders.json", json=body, headers=AUTH, timeout=60
            ).status_code

        with ThreadPoolExecutor(6) as pool:
            statuses = list(pool.map(ring, range(6 * len(skus))))
        assert statuses == [200] * (6 * len(skus))
        items = requests.get(
            f"{srv.url}{SITE}/warehouses/1/warehouseitems.json?num=100", headers=AUTH, timeout=10
        ).json()
        assert {i["sku"]: i["decimaltotal"] for i in items["items"]} == dict.fromkeys(skus, "-6.000")
    finally:  # before the test's database is dropped under its connections
        app.extensions["erpsim"].store.dispose()
