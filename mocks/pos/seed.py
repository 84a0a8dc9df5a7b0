"""Seed data: faker-generated stores, products, stock and customers, or explicit records.

``{"seed": n, "products": k, "stores": s, "users": u, "stock": q}`` is reproducible for a given n;
``{"records": {"stores": [...], "products": [...], "stock": [...], "users": [...]}}`` is explicit.
Every store gets a sellable warehouse, a quarantine warehouse and one cash register.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

import itertools
import uuid
from typing import Any

from sqlalchemy import Connection, insert, select

from mocks.core import validation as v
from mocks.core.app import Emulator

from .domain import catalog, customers, stock
from .domain.common import money, parse_decimal3
from .errors import bad, invalid_seed
from .models import PRODUCTS, REGISTERS, STORES, USERS, WAREHOUSES
from .services import PosServices

_NS = uuid.UUID("5a1700e5-0000-4000-8000-00000000beef")
MAX_COUNT = 5000


def register_id(storeid: int, n: int = 1) -> str:
    """A deterministic GUID-like register id."""
    return str(uuid.uuid5(_NS, f"register:{storeid}:{n}")).upper()


def add_store(
    conn: Connection,
    svc: PosServices,
    name: str,
    externalid: str | None,
    city: str,
    ts: int,
    cash_in: int = 10000,
) -> dict[str, Any]:
    """A store with its sellable and quarantine warehouses and one cash register."""
    cur = svc.ctx.currency
    sid = int(
        conn.execute(
            insert(STORES)
            .values(
                name=name, externalid=externalid, storetype=10, city=city, countryid="GB", currencycode=cur
            )
            .returning(STORES.c.storeid)
        ).scalar_one()
    )
    wid = int(
        conn.execute(
            insert(WAREHOUSES)
            .values(
                storeid=sid,
                name=f"{name} stock",
                warehousetype=stock.FIFO,
                usetype=stock.USE_STORE,
                sellable=True,
                currencycode=cur,
                externalid=f"{externalid}-STOCK" if externalid else None,
            )
            .returning(WAREHOUSES.c.warehouseid)
        ).scalar_one()
    )
    qid = int(
        conn.execute(
            insert(WAREHOUSES)
            .values(
                storeid=sid,
                name=f"{name} quarantine",
                warehousetype=stock.FIFO,
                usetype=stock.USE_QUARANTINE,
                sellable=False,
                currencycode=cur,
                externalid=f"{externalid}-QUAR" if externalid else None,
            )
            .returning(WAREHOUSES.c.warehouseid)
        ).scalar_one()
    )
    rid = register_id(sid)
    conn.execute(
        insert(REGISTERS).values(
            registerid=rid,
            registerkey=f"REG-{sid:04d}-1",
            registernumber=1,
            storeid=sid,
            warehouseid=wid,
            currencycode=cur,
            cash_in=cash_in,
            dateopened=ts,
        )
    )
    return {
        "storeid": sid,
        "externalid": externalid,
        "warehouseid": wid,
        "quarantinewarehouseid": qid,
        "registerid": rid,
    }


def _faker_seed(conn: Connection, svc: PosServices, body: dict[str, Any], ts: int) -> dict[str, Any]:
    n = v.integer(body["seed"], "seed", minimum=0)
    counts = {
        k: v.integer(body.get(k, d), k, minimum=0, maximum=MAX_COUNT)
        for k, d in (("products", 20), ("stores", 2), ("users", 10), ("stock", 25))
    }
    from faker import Faker  # noqa: F811 - imported on first use (start-up time)

    fake = Faker("en_GB")
    fake.seed_instance(n)
    # A second seed adds to the world: numbers and emails continue after those already taken.
    taken = {str(x) for x in conn.execute(select(STORES.c.externalid)).scalars()}
    taken |= {str(x) for x in conn.execute(select(PRODUCTS.c.sku)).scalars()}
    store_codes = (code for code in (f"ST{k:03d}" for k in itertools.count(1)) if code not in taken)
    product_skus = (sku for sku in (f"SKU-{k:04d}" for k in itertools.count(1)) if sku not in taken)
    stores = []
    for _ in range(counts["stores"]):
        city = fake.city()
        stores.append(add_store(conn, svc, f"{city} store", next(store_codes), city, ts))
    skus = []
    for _ in range(counts["products"]):
        sku = next(product_skus)
        vat = fake.random_element((20, 20, 20, 5, 0))
        price = fake.random_int(299, 12999)
        catalog.create_product(
            conn,
            {
                "sku": sku,
                "title": fake.catch_phrase()[:300],
                "vatvalue": vat,
                "moneyprice": money(price),
                "moneypricein": money(price * 2 // 5),
                "barcode": fake.ean13(),
            },
            ts,
        )
        skus.append(sku)
    for st in stores:
        lines: list[tuple[str, int, int | None]] = [
            (sku, fake.random_int(0, counts["stock"]) * 1000, None) for sku in skus
        ]
        if lines:
            stock.record_transaction(
                conn, svc.ctx, st["warehouseid"], stock.MOVE_IN, lines, ts, description="Opening stock"
            )
    users = []
    emails = {str(x) for x in conn.execute(select(USERS.c.email_key)).scalars()}
    for _ in range(counts["users"]):
        email = fake.email()
        while email.lower() in emails:
            email = fake.email()
        emails.add(email.lower())
        users.append(
            customers.create_user(
                conn,
                {
                    "email": email,
                    "namefirst": fake.first_name(),
                    "namelast": fake.last_name(),
                    "mobile": fake.phone_number()[:50],
                },
                ts,
            )
        )
    return {"stores": stores, "products": skus, "users": users}


def _records(conn: Connection, svc: PosServices, records: dict[str, Any], ts: int) -> dict[str, Any]:
    out: dict[str, Any] = {"stores": [], "products": [], "users": [], "transactions": []}
    for raw in v.array(records.get("stores") or [], "stores", max_items=MAX_COUNT):
        st = v.obj(raw, "store")
        name = v.req(st, "name", v.text, max_len=150)
        out["stores"].append(
            add_store(
                conn,
                svc,
                name,
                v.opt(st, "externalid", v.text, max_len=90),
                v.opt(st, "city", v.text, max_len=100) or "",
                ts,
            )
        )
    for raw in v.array(records.get("products") or [], "products", max_items=MAX_COUNT):
        out["products"].append(catalog.create_product(conn, raw, ts))
    for raw in v.array(records.get("stock") or [], "stock", max_items=MAX_COUNT):
        row = v.obj(raw, "stock")
        wid = v.req(row, "warehouseid", v.integer, minimum=1)
        sku = v.req(row, "sku", v.text, max_len=100)
        if stock.warehouse_row(conn, wid) is None:
            raise bad(f"Warehouse {wid} does not exist.", "warehouseid")
        if conn.execute(select(stock.P.sku).where(stock.P.sku == sku)).first() is None:
            raise bad(f"Unknown sku '{sku}'.", "sku")
        qty = parse_decimal3(v.req(row, "quantity"), "quantity")
        out["transactions"].append(
            stock.record_transaction(
                conn, svc.ctx, wid, stock.MOVE_IN, [(sku, qty, None)], ts, description="Opening stock"
            )
        )
    for raw in v.array(records.get("users") or [], "users", max_items=MAX_COUNT):
        out["users"].append(customers.create_user(conn, raw, ts))
    return out


def seed(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Seed the POS: faker data for ``{"seed": n, ...counts}``, or ``{"records": {...}}``."""
    svc = PosServices.of(emu)
    if "records" not in body and "seed" not in body:
        raise invalid_seed('Send {"seed": n, "products": k, "stores": s, "users": u} or {"records": {...}}.')
    with svc.write() as (conn, ts):
        if "records" in body:
            return _records(conn, svc, v.obj(body["records"], "records"), ts)
        return _faker_seed(conn, svc, body, ts)
