"""Seed data: a reproducible faker world, or explicit records created through the same rules as REST."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from mocks.core.app import Emulator
from mocks.core.errors import ApiError

from .account import set_up
from .domain.prefs import get_prefs
from .domain.records import Ctx, Records
from .domain.recordtypes import lookup
from .domain.service import create_record, transform_record
from .models import NsRecord

_ITEM_KINDS = {
    "inventory": "inventoryItem",
    "lot": "lotNumberedInventoryItem",
    "assembly": "assemblyItem",
    "service": "serviceSaleItem",
    "download": "downloadItem",
    "nonInventory": "nonInventorySaleItem",
}


def _ctx(emu: Emulator, session: Any) -> Ctx:
    return Ctx(session=session, now=emu.clock.now(session), prefs=get_prefs(session), engine=Records(session))


def _create(ctx: Ctx, type_name: str, payload: dict[str, Any]) -> int:
    rtype = lookup(type_name)
    if rtype is None:
        raise ApiError(400, "INVALID_SEED", f"Unknown record type {type_name!r}.")
    return create_record(ctx, rtype, payload).id


def _ref(rid: int) -> dict[str, str]:
    return {"id": str(rid)}


def baseline(ctx: Ctx) -> dict[str, Any]:
    """The setup every account has (currencies, parent subsidiary, accounts, periods, role), by id."""
    return set_up(ctx)


def _free_numbers(ctx: Ctx, rtype: str, prefix: str, count: int) -> list[str]:
    """``count`` external ids ``<prefix>1``, ``<prefix>2``... that no record of ``rtype`` holds yet."""
    taken = set(ctx.session.execute(select(NsRecord.external_key).where(NsRecord.rtype == rtype)).scalars())
    out: list[str] = []
    k = 0
    while len(out) < count:
        k += 1
        if f"{prefix}{k}".lower() not in taken:
            out.append(f"{prefix}{k}")
    return out


def _faker_world(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    from faker import Faker  # imported on first use: it costs ~0.1 s of start-up otherwise

    fake = Faker("en_US")
    fake.seed_instance(int(body["seed"]))
    out = baseline(ctx)
    sub = (
        ctx.session.execute(select(NsRecord.id).where(NsRecord.rtype == "subsidiary").order_by(NsRecord.id))
        .scalars()
        .first()
    )
    assert sub is not None
    locations = [
        _create(ctx, "location", {"name": name, "subsidiary": {"items": [_ref(sub)]}})
        for name in ["Main Warehouse", "Store 1", "Store 2", "Store 3"][: int(body.get("locations", 1))]
    ]
    out["locations"] = locations
    # A second seed adds to the world: external ids and item names continue after those already taken.
    entity_names = {
        rtype: {
            str(n).lower()
            for n in ctx.session.execute(
                select(NsRecord.name).where(NsRecord.rtype == rtype, NsRecord.deleted_at.is_(None))
            ).scalars()
        }
        for rtype in ("customer", "vendor")
    }

    def company(rtype: str) -> str:
        """A company name no live record of the type has as its entity id (entity ids are unique)."""
        name = fake.company()
        while name.lower() in entity_names[rtype]:
            name = fake.company()
        entity_names[rtype].add(name.lower())
        return name

    out["customers"] = [
        _create(
            ctx,
            "customer",
            {
                "companyName": company("customer"),
                "email": fake.company_email(),
                "subsidiary": _ref(sub),
                "externalId": eid,
            },
        )
        for eid in _free_numbers(ctx, "customer", "CUST-", int(body.get("customers", 0)))
    ]
    out["vendors"] = [
        _create(
            ctx,
            "vendor",
            {
                "companyName": company("vendor"),
                "email": fake.company_email(),
                "subsidiary": _ref(sub),
                "externalId": eid,
            },
        )
        for eid in _free_numbers(ctx, "vendor", "VEND-", int(body.get("vendors", 0)))
    ]
    item_names = set(
        ctx.session.execute(select(NsRecord.name).where(NsRecord.rtype.in_(_ITEM_KINDS.values()))).scalars()
    )

    def item_name() -> str:
        name = fake.bothify("SKU-####-??", letters="ABCDEFGHJKLMNPQRSTUVWXYZ")
        while name in item_names:
            name = fake.bothify("SKU-####-??", letters="ABCDEFGHJKLMNPQRSTUVWXYZ")
        item_names.add(name)
        return name

    items: dict[str, list[int]] = {}
    counts = body.get("items", {})
    if isinstance(counts, int):
        counts = {"inventory": counts}
    for kind, n in (counts or {}).items():
        if kind not in _ITEM_KINDS:
            raise ApiError(
                400, "INVALID_SEED", f"Unknown item kind {kind!r}; known: {', '.join(_ITEM_KINDS)}."
            )
        items[kind] = [
            _create(
                ctx,
                _ITEM_KINDS[kind],
                {
                    "itemId": item_name(),
                    "displayName": fake.catch_phrase()[:60],
                    "rate": float(fake.pydecimal(2, 2, positive=True)),
                    "subsidiary": {"items": [_ref(sub)]},
                },
            )
            for _ in range(int(n))
        ]
    out["items"] = items
    stock = body.get("stock")
    if stock:
        account = (
            out.get("accounts", {}).get("Inventory Adjustments")
            or ctx.session.execute(
                select(NsRecord.id).where(NsRecord.rtype == "account").order_by(NsRecord.id)
            )
            .scalars()
            .first()
        )
        lines = [
            {"item": _ref(item), "location": _ref(loc), "adjustQtyBy": float(stock)}
            for item in items.get("inventory", [])
            for loc in locations
        ]
        if lines:
            _create(
                ctx,
                "inventoryAdjustment",
                {
                    "account": _ref(int(account or 0)),
                    "memo": "opening balance",
                    "inventory": {"items": lines},
                },
            )
    orders = []
    phys = items.get("inventory", [])
    for eid in _free_numbers(ctx, "salesOrder", "SO-", int(body.get("sales_orders", 0))):
        if not out["customers"] or not phys:
            raise ApiError(400, "INVALID_SEED", "sales_orders needs customers and inventory items.")
        lines = [
            {
                "item": _ref(fake.random_element(phys)),
                "quantity": fake.random_int(1, 5),
                "location": _ref(locations[0]),
            }
            for _ in range(fake.random_int(1, 3))
        ]
        orders.append(
            _create(
                ctx,
                "salesOrder",
                {
                    "entity": _ref(fake.random_element(out["customers"])),
                    "orderStatus": "B",
                    "externalId": eid,
                    "item": {"items": lines},
                },
            )
        )
    out["sales_orders"] = orders
    return out


def _explicit(ctx: Ctx, records: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if records.pop("baseline", True):
        out["baseline"] = baseline(ctx)
    for type_name, payloads in records.items():
        if type_name == "transforms":
            out["transforms"] = [_transform(ctx, t) for t in payloads]
            continue
        if not isinstance(payloads, list):
            raise ApiError(400, "INVALID_SEED", f"records.{type_name} must be a list of record bodies.")
        out[type_name] = [_create(ctx, type_name, p) for p in payloads]
    return out


def _transform(ctx: Ctx, spec: dict[str, Any]) -> int:
    src_type, target = lookup(str(spec.get("from"))), lookup(str(spec.get("to")))
    if src_type is None or target is None:
        raise ApiError(400, "INVALID_SEED", "A transform needs 'from', 'to' and 'id'.")
    src = ctx.engine.load(src_type, int(spec["id"]))
    return transform_record(ctx, src, target, spec.get("body", {})).id


def seed(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Seed from faker ({"seed": n, "customers": 3, "items": {"inventory": 5}, "stock": 10, ...}) or records."""
    with emu.store.write() as session:
        ctx = _ctx(emu, session)
        if "records" in body:
            if not isinstance(body["records"], dict):
                raise ApiError(400, "INVALID_SEED", "records must be an object of record type -> list.")
            return _explicit(ctx, dict(body["records"]))
        if "seed" in body:
            if isinstance(body["seed"], bool) or not isinstance(body["seed"], int):
                raise ApiError(400, "INVALID_SEED", "seed must be an integer.")
            return _faker_world(ctx, body)
        if body.get("baseline"):
            return baseline(ctx)
        raise ApiError(
            400, "INVALID_SEED", "Send {'seed': n, ...counts}, {'records': {...}} or {'baseline': true}."
        )
