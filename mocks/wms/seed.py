"""Seeding: reproducible faker worlds ({"seed": n, "skus": k, "orders": m, "warehouses": w}) or explicit records.

Explicit records: {"records": {"clients": [{code, name, apiKey}], "warehouses": [{code, name}],
"skus": [<product body> + client?], "stock": [{sku, onHand, warehouseId? | warehouse?, client?}],
"orders": [<order body> + client?], "asns": [<ASN body> + client?]}}. Orders and ASNs go through the
same rules as the API (unknown SKUs hold, non-physical lines are refused).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faker import Faker

from typing import Any

from sqlalchemy import func, select

from mocks.core import validation as v
from mocks.core.app import Emulator

from .api.asns import parse_asn
from .api.orders import parse_order
from .api.products import parse_product
from .domain import asns, orders, products
from .domain.clients import client_id_by_code
from .domain.common import MAX_QTY, PHYSICAL, REF_RE, now_stamp
from .errors import bad_request
from .models import Client, Order, Product, Stock, Warehouse

_COUNTS = {"skus": 10_000, "orders": 50_000, "warehouses": 50}
_RECORD_KINDS = frozenset({"clients", "warehouses", "skus", "stock", "orders", "asns"})


def seed(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Seed faker data (reproducible for a seed) or explicit records; returns what was created.

    All or nothing: a seed refused half-way leaves the world as it was.
    """
    with emu.store.atomic():
        return _seed(emu, body)


def _seed(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    if "records" in body:
        v.known_fields(body, frozenset({"records"}))
        return seed_records(emu, v.obj(body["records"], "records"))
    v.known_fields(body, frozenset({"seed", *_COUNTS}))
    n = v.req(body, "seed", v.integer, minimum=0, maximum=2**31)
    counts = {k: v.opt(body, k, v.integer, minimum=0, maximum=cap) or 0 for k, cap in _COUNTS.items()}
    return seed_faker(emu, n, counts["skus"], counts["orders"], counts["warehouses"])


def _add_warehouses(emu: Emulator, fake: Faker, total: int) -> list[int]:
    with emu.store.write() as s:
        at = now_stamp(emu, s)
        have = s.execute(select(func.count()).select_from(Warehouse)).scalar_one()
        for k in range(have + 1, total + 1):
            s.add(Warehouse(code=f"WH{k:02d}", name=f"{fake.city()} fulfilment centre", created_at=at))
        s.flush()
        return list(s.execute(select(Warehouse.id).order_by(Warehouse.id)).scalars())


def seed_faker(emu: Emulator, n: int, skus: int, order_count: int, warehouses: int) -> dict[str, Any]:
    """A reproducible world for seed ``n`` in the default client."""
    from faker import Faker  # noqa: F811 - imported on first use (start-up time)

    fake = Faker("en_GB")
    fake.seed_instance(n)
    client_id = client_id_by_code(emu, None)
    wh_ids = _add_warehouses(emu, fake, warehouses)
    created_skus: list[str] = []
    with emu.store.write() as s:
        at = now_stamp(emu, s)
        start = s.execute(
            select(func.count()).select_from(Product).where(Product.client_id == client_id)
        ).scalar_one()
        for k in range(start + 1, start + skus + 1):
            sku = f"SKU-{k:05d}"
            products.add_product(
                emu,
                s,
                client_id,
                {
                    "sku": sku,
                    "externalId": str(1000 + k),
                    "name": fake.catch_phrase()[:200],
                    "barcode": fake.ean13(),
                    "weightKg": round(fake.pyfloat(min_value=0.05, max_value=20), 3),
                    "lengthCm": fake.random_int(5, 80),
                    "widthCm": fake.random_int(5, 60),
                    "heightCm": fake.random_int(1, 40),
                },
            )
            for wh in wh_ids:
                s.add(
                    Stock(
                        client_id=client_id,
                        sku=sku,
                        warehouse_id=wh,
                        on_hand=fake.random_int(0, 200),
                        allocated=0,
                        updated_at=at,
                    )
                )
            created_skus.append(sku)
        catalogue = list(
            s.execute(
                select(Product.sku)
                .where(Product.client_id == client_id, Product.item_type == PHYSICAL)
                .order_by(Product.id)
            ).scalars()
        )
        next_ref = (
            s.execute(
                select(func.count()).select_from(Order).where(Order.client_id == client_id)
            ).scalar_one()
            + 1
        )
    if order_count and not catalogue:
        raise bad_request("Seed SKUs before orders: the item master is empty.", "orders", code="NO_SKUS")
    created_orders = []
    for _ in range(order_count):
        picks = fake.random_elements(
            catalogue, length=min(len(catalogue), fake.random_int(1, 3)), unique=True
        )
        data = orders.OrderIn(
            client_reference=f"SO-{next_ref:06d}",
            external_id=str(50_000 + next_ref),
            ship_to={
                "name": fake.name(),
                "company": None,
                "address1": fake.street_address().replace("\n", ", "),
                "address2": None,
                "address3": None,
                "city": fake.city(),
                "county": None,
                "postcode": fake.postcode(),
                "country": "GB",
                "email": fake.email(),
                "phone": None,
            },
            lines=[
                orders.LineIn(sku=sku, quantity=fake.random_int(1, 5), external_line_id=str(i + 1))
                for i, sku in enumerate(picks)
            ],
            warehouse_id=fake.random_element(wh_ids) if wh_ids else None,
        )
        created = orders.create_order(emu, client_id, data)
        created_orders.append({"id": created["id"], "clientReference": created["clientReference"]})
        next_ref += 1
    return {"seed": n, "warehouses": wh_ids, "skus": created_skus, "orders": created_orders}


def _client(emu: Emulator, item: dict[str, Any], where: str) -> tuple[int, dict[str, Any]]:
    code = v.opt(item, "client", v.text, max_len=40, where=where, blank=False)
    rest = {k: val for k, val in item.items() if k != "client"}
    return client_id_by_code(emu, code), rest


def seed_records(emu: Emulator, records: dict[str, Any]) -> dict[str, Any]:
    """Explicit records, each kind in order (clients, warehouses, skus, stock, orders, asns)."""
    v.known_fields(records, _RECORD_KINDS, "records")
    out: dict[str, Any] = {}
    lists = {k: v.array(records[k], f"records.{k}", min_items=0, max_items=100_000) for k in records}
    if "clients" in lists:
        with emu.store.write() as s:
            at = now_stamp(emu, s)
            for i, item in enumerate(lists["clients"]):
                where = f"records.clients[{i}]"
                c = v.obj(item, where)
                v.known_fields(c, frozenset({"code", "name", "apiKey"}), where)
                code = v.req(c, "code", v.text, max_len=40, pattern=REF_RE, where=where, blank=False)
                key = v.req(c, "apiKey", v.text, max_len=200, where=where, blank=False)
                if s.execute(select(Client.id).where(Client.code == code)).first() is not None:
                    raise bad_request(
                        f"{where}: client '{code}' already exists.", f"{where}.code", code="DUPLICATE_CLIENT"
                    )
                if s.execute(select(Client.id).where(Client.api_key == key)).first() is not None:
                    raise bad_request(
                        f"{where}: another client has this apiKey.",
                        f"{where}.apiKey",
                        code="DUPLICATE_CLIENT",
                    )
                s.add(
                    Client(
                        code=code,
                        name=v.req(c, "name", v.text, max_len=200, where=where, blank=False),
                        api_key=key,
                        created_at=at,
                    )
                )
                s.flush()
        out["clients"] = [c["code"] for c in lists["clients"]]
    if "warehouses" in lists:
        with emu.store.write() as s:
            at = now_stamp(emu, s)
            ids = []
            for i, item in enumerate(lists["warehouses"]):
                where = f"records.warehouses[{i}]"
                w = v.obj(item, where)
                v.known_fields(w, frozenset({"code", "name"}), where)
                code = v.req(w, "code", v.text, max_len=20, pattern=REF_RE, where=where, blank=False)
                if s.execute(select(Warehouse.id).where(Warehouse.code == code)).first() is not None:
                    raise bad_request(
                        f"{where}: warehouse '{code}' already exists.",
                        f"{where}.code",
                        code="DUPLICATE_WAREHOUSE",
                    )
                wh = Warehouse(
                    code=code,
                    name=v.req(w, "name", v.text, max_len=200, where=where, blank=False),
                    created_at=at,
                )
                s.add(wh)
                s.flush()
                ids.append(wh.id)
        out["warehouses"] = ids
    if "skus" in lists:
        parsed = [
            _client(emu, v.obj(item, f"records.skus[{i}]"), f"records.skus[{i}]")
            for i, item in enumerate(lists["skus"])
        ]
        with emu.store.write() as s:
            out["skus"] = [products.add_product(emu, s, cid, parse_product(body)).sku for cid, body in parsed]
    if "stock" in lists:
        out["stock"] = _seed_stock(emu, lists["stock"])
    if "orders" in lists:
        out["orders"] = []
        for i, item in enumerate(lists["orders"]):
            cid, body = _client(emu, v.obj(item, f"records.orders[{i}]"), f"records.orders[{i}]")
            created = orders.create_order(emu, cid, parse_order(body))
            out["orders"].append(
                {
                    "id": created["id"],
                    "clientReference": created["clientReference"],
                    "status": created["status"],
                }
            )
    if "asns" in lists:
        out["asns"] = []
        for i, item in enumerate(lists["asns"]):
            cid, body = _client(emu, v.obj(item, f"records.asns[{i}]"), f"records.asns[{i}]")
            created = asns.create_asn(emu, cid, parse_asn(body))
            out["asns"].append({"id": created["id"], "poReference": created["poReference"]})
    return out


def _seed_stock(emu: Emulator, items: list[Any]) -> list[dict[str, Any]]:
    """Set on-hand levels (world set-up: no movement or event is recorded)."""
    out = []
    with emu.store.write() as s:
        at = now_stamp(emu, s)
        for i, item in enumerate(items):
            where = f"records.stock[{i}]"
            cid, row = _client(emu, v.obj(item, where), where)
            v.known_fields(row, frozenset({"sku", "onHand", "warehouseId", "warehouse"}), where)
            sku = v.req(row, "sku", v.text, max_len=64, where=where, blank=False)
            on_hand = v.req(row, "onHand", v.integer, minimum=0, maximum=MAX_QTY * 1000, where=where)
            code = v.opt(row, "warehouse", v.text, max_len=20, where=where, blank=False)
            wh_stmt = select(Warehouse.id)
            if code is not None:
                wh_stmt = wh_stmt.where(Warehouse.code == code)
            elif row.get("warehouseId") is not None:
                wh_stmt = wh_stmt.where(
                    Warehouse.id
                    == v.req(row, "warehouseId", v.integer, minimum=1, maximum=v.MAX_INT64, where=where)
                )
            wh = s.execute(wh_stmt.order_by(Warehouse.id).limit(1)).scalar()
            if wh is None:
                raise bad_request(f"{where}: no such warehouse.", where, code="UNKNOWN_WAREHOUSE")
            if (
                s.execute(select(Product.id).where(Product.client_id == cid, Product.sku == sku)).scalar()
                is None
            ):
                raise bad_request(
                    f"{where}: SKU '{sku}' is not in the item master.", where, code="UNKNOWN_SKU"
                )
            st = s.execute(
                select(Stock).where(Stock.client_id == cid, Stock.sku == sku, Stock.warehouse_id == wh)
            ).scalar_one_or_none()
            if st is None:
                st = Stock(
                    client_id=cid, sku=sku, warehouse_id=wh, on_hand=on_hand, allocated=0, updated_at=at
                )
                s.add(st)
            else:
                st.on_hand, st.updated_at = on_hand, at
            s.flush()
            out.append({"sku": sku, "warehouseId": wh, "onHand": on_hand})
    return out
