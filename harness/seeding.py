"""The coherent seed: NetSuite's masters created once, mirrored into the systems that hold them.

NetSuite is the master of locations, items, customers and vendors. Each master is mirrored the way a
connector would have left it, keyed by NetSuite's internal id:

| NetSuite | mirrored as |
|---|---|
| location (warehouse) | WMS warehouse (the first one is the WMS's default ``MAIN``) |
| location (store) | POS store (``externalid`` = NetSuite id) with its sellable warehouse |
| inventory / lot / assembly item | WMS product (``externalId`` = NetSuite id), POS product (same SKU) |
| lot / (lot) assembly item | QMS item (``netsuiteId``), lots as QMS lots (a RELEASED lot passed its inspection) |
| customer | POS user (``externalid`` = NetSuite id, same email); AP customer when it says ``mirror: [ap]`` |
| vendor | AP vendor (synced, ``externalId`` = NetSuite id) |

A world with a store also gets the NetSuite set-up POS postings need (``POS_LEDGER_MASTERS``: payment methods,
the POS discount item, a 20% VAT tax item).

Stock is the same in NetSuite and in the system that holds it physically. A lot goes through the QMS as a real
one does: it is created in QUARANTINE and released by an inspection (PASS), and only released lots are NetSuite
(and WMS) stock; a lot declared ``QUARANTINE`` stays in the QMS alone. A scenario about missing or mismatched
masters says so per record (``mirror: []``, ``skus: {wms: OTHER}``).
"""

from __future__ import annotations

from typing import Any

from .refs import RefMap
from .scenario import ItemSpec, LocationSpec, LotSpec, PartySpec, WorldSpec
from .world import World
from .world_spec import LOT_KINDS

NS_ITEM_TYPES = {
    "inventory": "inventoryItem",
    "lot": "lotNumberedInventoryItem",
    "assembly": "assemblyItem",
    "lotAssembly": "lotNumberedAssemblyItem",
    "service": "serviceSaleItem",
    "download": "downloadItem",
    "nonInventory": "nonInventorySaleItem",
}
WMS_ITEM_TYPES = {
    "inventory": "PHYSICAL",
    "lot": "PHYSICAL",
    "assembly": "PHYSICAL",
    "lotAssembly": "PHYSICAL",
    "service": "SERVICE",
    "download": "DIGITAL",
    "nonInventory": "SERVICE",
}
#: What a NetSuite account selling through Sitoo tills has set up for the POS postings: the tills' payment
#: methods, the discount item of till discounts and the UK standard VAT rate the POS applies by default (20%).
POS_LEDGER_MASTERS: dict[str, list[dict[str, Any]]] = {
    "paymentMethod": [{"name": "Card"}, {"name": "Cash"}, {"name": "Gift card"}],
    "discountItem": [{"itemId": "POS Discount", "rate": "0"}],
    "salesTaxItem": [{"itemId": "VAT20", "rate": "20%"}],
}
SHIP_TO = {
    "addressee": "Alex Morgan",
    "addr1": "1 Harbour Street",
    "city": "Bristol",
    "zip": "BS1 4RN",
    "country": "GB",
}


def _item_mirrors(item: ItemSpec, world: WorldSpec) -> set[str]:
    wanted: set[str]
    if item.mirror is not None:
        wanted = set(item.mirror)
    else:
        wanted = {"wms", "pos"} if item.physical else set()
        if item.kind in ("lot", "assembly", "lotAssembly"):
            wanted.add("qms")
    return wanted & set(world.mirror)


def _party_mirrors(party: PartySpec, default: set[str], world: WorldSpec) -> set[str]:
    wanted: set[str] = set(party.mirror) if party.mirror is not None else default
    return wanted & set(world.mirror)


def _stock_by_location(item: ItemSpec, world: WorldSpec) -> dict[str, float]:
    if isinstance(item.stock, dict):
        return {k: float(v) for k, v in item.stock.items() if v}
    return {world.locations[0].ref: float(item.stock)} if item.stock and world.locations else {}


def released_lots(item: ItemSpec) -> list[LotSpec]:
    """The lots of an item that passed inspection: the only ones in NetSuite and WMS stock."""
    return [lot for lot in item.lots if lot.status == "RELEASED"]


def _netsuite_baseline(world: World) -> dict[str, Any]:
    """Subsidiary, the adjustment account and periods of the account (created when the account is empty)."""
    world.control["netsuite"].call("POST", "seed", {"baseline": True})
    records = world.control["netsuite"].call("GET", "state")["records"]
    subsidiary = records["subsidiary"][0]["id"]
    accounts = {r["body"].get("acctName"): r["id"] for r in records.get("account", [])}
    account = accounts.get("Inventory Adjustments") or next(iter(accounts.values()), None)
    periods = {r["body"].get("periodName"): r["id"] for r in records.get("accountingPeriod", [])}
    return {"subsidiary": subsidiary, "adjustment_account": account, "periods": periods}


def seed_world(world: World, spec: WorldSpec) -> RefMap:
    """Create ``spec`` in NetSuite and mirror it; returns every ref's ids per system."""
    refs = RefMap()
    if spec.clock:
        world.clock(set_to=spec.clock)
    base = _netsuite_baseline(world)
    refs.meta.update(base)
    sub = {"id": str(base["subsidiary"])}
    customers, vendors = spec.customer_specs(), spec.vendor_specs()
    records: dict[str, list[dict[str, Any]]] = {"baseline": False}  # type: ignore[dict-item]
    order: list[tuple[str, str, str]] = []  # (ns type, ref, kind) in creation order

    def add(rtype: str, ref: str, kind: str, body: dict[str, Any]) -> None:
        records.setdefault(rtype, []).append(body)
        order.append((rtype, ref, kind))

    for loc in spec.locations:
        add(
            "location",
            loc.ref,
            "location",
            {"name": loc.name or loc.ref.title(), "externalId": loc.ref, "subsidiary": {"items": [sub]}},
        )
    for c in customers:
        add(
            "customer",
            c.ref,
            "customer",
            {
                "companyName": c.name or f"Customer {c.ref}",
                "subsidiary": sub,
                "email": c.email or f"{c.ref.lower()}@customers.example",
                "externalId": c.ref,
            },
        )
    for v in vendors:
        add(
            "vendor",
            v.ref,
            "vendor",
            {
                "companyName": v.name or f"Vendor {v.ref}",
                "subsidiary": sub,
                "email": v.email or f"{v.ref.lower()}@vendors.example",
                "externalId": v.ref,
            },
        )
    for item in spec.items:
        add(
            NS_ITEM_TYPES[item.kind],
            item.ref,
            "item",
            {
                "itemId": item.sku or item.ref,
                "displayName": item.name or f"Item {item.ref}",
                "rate": item.price,
                "externalId": item.ref,
                "subsidiary": {"items": [sub]},
                **(
                    {
                        "member": {
                            "items": [
                                {"item": {"externalId": ref}, "quantity": per}
                                for ref, per in item.components.items()
                            ]
                        }
                    }
                    if item.components
                    else {}
                ),
            },
        )
    adjustment_lines = []
    for item in spec.items:
        for loc_ref, qty in _stock_by_location(item, spec).items():
            if item.kind in LOT_KINDS:
                continue
            adjustment_lines.append(
                {"item": {"externalId": item.ref}, "location": {"externalId": loc_ref}, "adjustQtyBy": qty}
            )
        for lot in released_lots(item):
            adjustment_lines.append(
                {
                    "item": {"externalId": item.ref},
                    "location": {"externalId": lot.location or spec.locations[0].ref},
                    "adjustQtyBy": lot.quantity,
                    "inventoryDetail": {
                        "inventoryAssignment": {
                            "items": [{"receiptInventoryNumber": lot.number, "quantity": lot.quantity}]
                        }
                    },
                }
            )
    if adjustment_lines:
        add(
            "inventoryAdjustment",
            "",
            "adjustment",
            {
                "account": {"id": str(base["adjustment_account"])},
                "memo": "opening balance",
                "inventory": {"items": adjustment_lines},
            },
        )
    if any(loc.kind == "store" and loc.mirror for loc in spec.locations) and "pos" in spec.mirror:
        for rtype, bodies in POS_LEDGER_MASTERS.items():
            for master in bodies:
                add(rtype, "", "pos-ledger", dict(master))
    first_customer = customers[0].ref if customers else None
    for so in spec.sales_orders:
        location = so.location or spec.locations[0].ref
        body: dict[str, Any] = {
            "entity": {"externalId": so.customer or first_customer},
            "orderStatus": so.status,
            "externalId": so.external_id or so.ref,
            "location": {"externalId": location},
            "shippingAddress": dict(SHIP_TO),
            "item": {
                "items": [
                    {
                        "item": {"externalId": ln.item},
                        "quantity": ln.quantity,
                        "location": {"externalId": location},
                        **({"rate": ln.rate} if ln.rate is not None else {}),
                    }
                    for ln in so.lines
                ]
            },
        }
        if so.date:
            body["tranDate"] = so.date
        add("salesOrder", so.ref, "salesOrder", body)
    created = world.control["netsuite"].call("POST", "seed", {"records": records})
    cursor: dict[str, int] = {}
    for rtype, ref, kind in order:
        index = cursor.get(rtype, 0)
        cursor[rtype] = index + 1
        if ref:
            refs.add(ref, kind, netsuite=created[rtype][index])
    for item in spec.items:
        refs.update(
            item.ref,
            sku=item.sku or item.ref,
            itemKind=item.kind,
            physical=item.physical,
            externalId=item.ref,
        )
    for party in (*customers, *vendors):
        refs.update(
            party.ref,
            externalId=party.ref,
            email=party.email or f"{party.ref.lower()}@{refs.kind(party.ref)}s.example",
        )
    for so in spec.sales_orders:
        refs.update(so.ref, externalId=so.external_id or so.ref)
    _mirror_wms(world, spec, refs)
    _mirror_pos(world, spec, refs)
    _mirror_qms(world, spec, refs)
    _mirror_ap(world, spec, refs)
    return refs


def _wms_code(loc: LocationSpec) -> str:
    return loc.ref.upper()[:20]


def _mirror_wms(world: World, spec: WorldSpec, refs: RefMap) -> None:
    if "wms" not in spec.mirror:
        return
    warehouses = [loc for loc in spec.locations if loc.kind == "warehouse" and loc.mirror]
    records: dict[str, Any] = {}
    extra = warehouses[1:]
    if extra:
        records["warehouses"] = [
            {"code": _wms_code(loc), "name": loc.name or loc.ref.title()} for loc in extra
        ]
    skus = []
    stock = []
    for item in spec.items:
        if "wms" not in _item_mirrors(item, spec):
            continue
        sku = item.skus.get("wms", item.sku or item.ref)
        skus.append(
            {
                "sku": sku,
                "externalId": str(refs.id(item.ref)),
                "name": item.name or f"Item {item.ref}",
                "itemType": WMS_ITEM_TYPES[item.kind],
            }
        )
        quantities = dict(_stock_by_location(item, spec)) if item.kind not in LOT_KINDS else {}
        for lot in released_lots(item):
            where = lot.location or spec.locations[0].ref
            quantities[where] = quantities.get(where, 0.0) + lot.quantity
        for loc_ref, qty in quantities.items():
            loc = next(x for x in spec.locations if x.ref == loc_ref)
            if loc in warehouses:
                code = "MAIN" if loc is warehouses[0] else _wms_code(loc)
                stock.append({"sku": sku, "onHand": int(qty), "warehouse": code})
    if skus:
        records["skus"] = skus
    if stock:
        records["stock"] = stock
    if records:
        world.control["wms"].call("POST", "seed", {"records": records})
        products = world.control["wms"].call("GET", "state", params={"tables": "wms_products,wms_warehouses"})
        by_sku = {p["sku"]: p["id"] for p in products.get("wms_products", [])}
        by_code = {w["code"]: w["id"] for w in products.get("wms_warehouses", [])}
        for item in spec.items:
            sku = item.skus.get("wms", item.sku or item.ref)
            if "wms" in _item_mirrors(item, spec) and sku in by_sku:
                refs.update(item.ref, wms=by_sku[sku], wms_sku=sku)
        for i, loc in enumerate(warehouses):
            code = "MAIN" if i == 0 else _wms_code(loc)
            if code in by_code:
                refs.update(loc.ref, wms=by_code[code], wms_code=code)
    elif warehouses:
        refs.update(warehouses[0].ref, wms=1, wms_code="MAIN")


def _mirror_pos(world: World, spec: WorldSpec, refs: RefMap) -> None:
    if "pos" not in spec.mirror:
        return
    stores = [loc for loc in spec.locations if loc.kind == "store" and loc.mirror]
    records: dict[str, Any] = {}
    if stores:
        records["stores"] = [
            {"name": loc.name or loc.ref.title(), "externalid": str(refs.id(loc.ref)), "city": "Bristol"}
            for loc in stores
        ]
    products = [item for item in spec.items if "pos" in _item_mirrors(item, spec)]
    if products:
        records["products"] = [
            {
                "sku": item.skus.get("pos", item.sku or item.ref),
                "title": item.name or f"Item {item.ref}",
                "moneyprice": f"{item.price:.2f}",
            }
            for item in products
        ]
    users = [c for c in spec.customer_specs() if "pos" in _party_mirrors(c, {"pos"}, spec)]
    if users:
        records["users"] = [
            {
                "email": refs.get(c.ref, "email"),
                "namefirst": "Customer",
                "namelast": c.ref,
                "externalid": str(refs.id(c.ref)),
            }
            for c in users
        ]
    if not records:
        return
    out = world.control["pos"].call("POST", "seed", {"records": records})
    for loc, store in zip(stores, out.get("stores", []), strict=False):
        refs.update(
            loc.ref, pos=store["warehouseid"], pos_store=store["storeid"], pos_register=store["registerid"]
        )
    for item, pid in zip(products, out.get("products", []), strict=False):
        refs.update(item.ref, pos=pid, pos_sku=item.skus.get("pos", item.sku or item.ref))
    for c, uid in zip(users, out.get("users", []), strict=False):
        refs.update(c.ref, pos=uid)
    stock = []
    for item in products:
        for loc_ref, qty in _stock_by_location(item, spec).items():
            loc = next(x for x in spec.locations if x.ref == loc_ref)
            if loc in stores:
                stock.append(
                    {
                        "warehouseid": refs.get(loc.ref, "pos"),
                        "sku": refs.get(item.ref, "pos_sku"),
                        "quantity": qty,
                    }
                )
    if stock:
        world.control["pos"].call("POST", "seed", {"records": {"stock": stock}})


def _mirror_qms(world: World, spec: WorldSpec, refs: RefMap) -> None:
    if "qms" not in spec.mirror:
        return
    items = [item for item in spec.items if "qms" in _item_mirrors(item, spec)]
    if not items:
        return
    body = {
        "items": [
            {
                "sku": item.skus.get("qms", item.sku or item.ref),
                "name": item.name or f"Item {item.ref}",
                "type": "FINISHED_GOOD" if item.kind in ("assembly", "lotAssembly") else "RAW_MATERIAL",
                "uom": "ea",
                "netsuiteId": str(refs.id(item.ref)),
            }
            for item in items
        ]
    }
    out = world.control["qms"].call("POST", "seed", {"records": body})
    lots: list[dict[str, Any]] = []
    for item, created in zip(items, out.get("items", []), strict=False):
        refs.update(item.ref, qms=created["id"], qms_sku=created["sku"])
        lots.extend(
            {
                "itemId": created["id"],
                "lotNumber": lot.number,
                "quantity": lot.quantity,
                "status": "QUARANTINE",
            }
            for lot in item.lots
        )
    if lots:
        world.control["qms"].call("POST", "seed", {"records": {"lots": lots}})
    for item in items:  # QC releases them through the QMS's own inspection, so each has its PASS record
        for lot in released_lots(item):
            world.act("qms", "release", {"lot": lot.number, "inspector": "opening stock"})


def _mirror_ap(world: World, spec: WorldSpec, refs: RefMap) -> None:
    if "ap" not in spec.mirror:
        return
    vendors = [v for v in spec.vendor_specs() if "ap" in _party_mirrors(v, {"ap"}, spec)]
    customers = [c for c in spec.customer_specs() if "ap" in _party_mirrors(c, {"pos"}, spec)]
    if not vendors and not customers:
        return
    body: dict[str, Any] = {}
    if vendors:
        body["vendors"] = [
            {
                "name": v.name or f"Vendor {v.ref}",
                "accountType": "BUSINESS",
                "email": refs.get(v.ref, "email"),
                "ref": v.ref,
            }
            for v in vendors
        ]
    if customers:
        body["customers"] = [
            {
                "name": c.name or f"Customer {c.ref}",
                "accountType": "BUSINESS",
                "email": refs.get(c.ref, "email"),
                "ref": c.ref,
            }
            for c in customers
        ]
    out = world.control["ap"].call("POST", "seed", {"records": body})
    for party, key in [*((v, "vendorId") for v in vendors), *((c, "customerId") for c in customers)]:
        ap_id = out["refs"][party.ref]
        refs.update(party.ref, ap=ap_id)
        world.act("ap", "mark_synced", {key: ap_id, "externalId": str(refs.id(party.ref))})
