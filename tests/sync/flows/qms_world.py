"""A QMS world for the flow tests: NetSuite items, a vendor, a purchase order and the same items in the QMS,
mirrored as the item-master flow leaves them (the QMS item's ``netsuiteId`` is the NetSuite internal id)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.sync.conftest import World

QMS_FLOWS = "qms-purchasing,qms-lots,qms-production,qms-shipments,recall"


@dataclass
class QmsWorld:
    """Ids of what ``seed_qms_world`` created."""

    subsidiary: str
    location: str
    hold: str
    vendor: str
    raw: list[str]
    finished: str
    customer: str
    qms_items: dict[str, int] = field(default_factory=dict)  # NetSuite item id -> QMS item id
    purchase_orders: list[str] = field(default_factory=list)


def subsidiary(world: World) -> str:
    """Seed NetSuite's baseline (currency, subsidiary, accounts, periods) once; the subsidiary's id."""
    out = world.control("netsuite", "POST", "seed", {"baseline": True})
    if out:
        world.baseline = out  # type: ignore[attr-defined]
    return str(world.baseline["subsidiary"])  # type: ignore[attr-defined]


def ns_ids(out: dict[str, Any], kind: str) -> list[str]:
    """The NetSuite ids a seed call returned for a record type."""
    return [str(i) for i in out[kind]]


def seed_qms_world(
    world: World,
    *,
    po_lines: list[tuple[int, float]] | None = None,
    lot_items: bool = True,
    extra: dict[str, Any] | None = None,
) -> QmsWorld:
    """Two raw materials and one finished good (lot-numbered), a vendor and customer, one approved PO."""
    kind = "lotNumberedInventoryItem" if lot_items else "inventoryItem"
    sub = subsidiary(world)
    setup = world.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "location": [
                    {"name": "Plant", "subsidiary": {"items": [{"id": sub}]}, "externalId": "plant"},
                    {
                        "name": "QC hold",
                        "subsidiary": {"items": [{"id": sub}]},
                        "externalId": "hold",
                        "makeInventoryAvailable": False,
                    },
                ],
                "vendor": [{"companyName": "Sugar Mill Ltd", "subsidiary": {"id": sub}, "externalId": "V1"}],
                "customer": [{"companyName": "Grocer Inc", "subsidiary": {"id": sub}, "externalId": "C1"}],
                kind: [
                    {"itemId": "RM-SUGAR", "subsidiary": {"items": [{"id": sub}]}, "externalId": "RM1"},
                    {"itemId": "RM-COCOA", "subsidiary": {"items": [{"id": sub}]}, "externalId": "RM2"},
                ],
            }
        },
    )
    location, hold = ns_ids(setup, "location")
    raw = ns_ids(setup, kind)
    assembly_kind = "lotNumberedAssemblyItem" if lot_items else "assemblyItem"
    fg = world.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                assembly_kind: [
                    {
                        "itemId": "FG-BAR",
                        "subsidiary": {"items": [{"id": sub}]},
                        "externalId": "FG1",
                        "member": {
                            "items": [
                                {"item": {"id": raw[0]}, "quantity": 0.5},
                                {"item": {"id": raw[1]}, "quantity": 0.25},
                            ]
                        },
                    }
                ],
                **(extra or {}),
            }
        },
    )
    finished = ns_ids(fg, assembly_kind)[0]
    qms_out = world.control(
        "qms",
        "POST",
        "seed",
        {
            "records": {
                "items": [
                    {
                        "sku": "RM-SUGAR",
                        "name": "Sugar",
                        "type": "RAW_MATERIAL",
                        "uom": "kg",
                        "netsuiteId": raw[0],
                    },
                    {
                        "sku": "RM-COCOA",
                        "name": "Cocoa",
                        "type": "RAW_MATERIAL",
                        "uom": "kg",
                        "netsuiteId": raw[1],
                    },
                    {"sku": "FG-BAR", "name": "Bar", "type": "FINISHED_GOOD", "netsuiteId": finished},
                ]
            }
        },
    )
    qms_items = {ns: row["id"] for ns, row in zip([*raw, finished], qms_out["items"], strict=True)}
    w = QmsWorld(
        subsidiary=sub,
        location=location,
        hold=hold,
        vendor=ns_ids(setup, "vendor")[0],
        raw=raw,
        finished=finished,
        customer=ns_ids(setup, "customer")[0],
        qms_items=qms_items,
    )
    lines = po_lines or [(0, 100), (1, 40)]
    w.purchase_orders.append(create_po(world, w, lines))
    return w


def create_po(world: World, w: QmsWorld, lines: list[tuple[int, float]], location: str | None = None) -> str:
    """An approved NetSuite purchase order of raw materials (index into ``w.raw``, quantity) at the plant."""
    out = world.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "purchaseOrder": [
                    {
                        "entity": {"id": w.vendor},
                        "orderStatus": "B",
                        "location": {"id": location or w.location},
                        "item": {
                            "items": [
                                {"item": {"id": w.raw[i]}, "quantity": q, "rate": 2.5} for i, q in lines
                            ]
                        },
                    }
                ],
            }
        },
    )
    return ns_ids(out, "purchaseOrder")[0]


def ns_client(world: World) -> Any:
    """The engine's own NetSuite client pointed at the world (to read records as the API shows them)."""
    from sync.clients.base import RetryPolicy
    from sync.clients.netsuite import NetSuiteClient
    from sync.config import SyncConfig
    from sync.safeguards import Safeguards

    config = SyncConfig.from_env({**world.env})
    return NetSuiteClient(
        config.systems["netsuite"],
        concurrency=2,
        timeout=10,
        policy=RetryPolicy(2, 0.01, Safeguards()),
        safeguards=Safeguards(),
    )


def ns_get(world: World, rtype: str, rid: str) -> dict[str, Any]:
    """A NetSuite record, expanded."""
    result: dict[str, Any] = ns_client(world).get(rtype, rid)
    return result


def ns_patch(world: World, rtype: str, rid: str, body: dict[str, Any]) -> None:
    """What a NetSuite user changes on a record."""
    ns_client(world).patch(rtype, rid, body)


def suiteql(world: World, query: str) -> list[dict[str, Any]]:
    """Rows of a SuiteQL query against the NetSuite emulator."""
    rows: list[dict[str, Any]] = ns_client(world).suiteql(query)
    return rows


def seed_ns(world: World, records: dict[str, Any]) -> dict[str, list[str]]:
    """Explicit NetSuite records (after the baseline); their ids per record type."""
    out = world.control("netsuite", "POST", "seed", {"records": {"baseline": False, **records}})
    return {k: [str(i) for i in v] for k, v in out.items() if isinstance(v, list)}


def add_recipe(world: World, w: QmsWorld) -> str:
    """The QMS recipe of the finished good: 0.5 sugar and 0.25 cocoa per bar (as NetSuite's assembly BOM)."""
    qms_items = [w.qms_items[w.raw[0]], w.qms_items[w.raw[1]], w.qms_items[w.finished]]
    world.control(
        "qms",
        "POST",
        "seed",
        {
            "records": {
                "recipes": [
                    {
                        "code": "MMR-BAR",
                        "name": "Bar",
                        "itemId": qms_items[2],
                        "components": [
                            {"itemId": qms_items[0], "quantityPerUnit": 0.5},
                            {"itemId": qms_items[1], "quantityPerUnit": 0.25},
                        ],
                    }
                ]
            }
        },
    )
    return "MMR-BAR"


def receive_and_release(world: World, engine: Any, w: QmsWorld, po: int = 0) -> list[str]:
    """Sync the PO, receive everything in the QMS, release every lot, sync the receipts; the lot numbers."""
    engine.run_pass()
    receipt = world.act("qms", "receive", {"po": w.purchase_orders[po]})
    lots = [lot["lotNumber"] for lot in receipt["lots"]]
    for lot in lots:
        world.act("qms", "release", {"lot": lot})
    engine.run_pass()
    return lots


def produce_bars(world: World, engine: Any, w: QmsWorld, quantity: float = 10) -> dict[str, Any]:
    """Schedule a run of bars, sync the work order, produce and release the output, sync the build."""
    run = world.act("qms", "schedule", {"recipe": "MMR-BAR", "quantity": quantity})
    engine.run_pass()
    done = world.act("qms", "produce", {"run": run["id"], "release": True})
    engine.run_pass()
    return dict(done)


def lot_stock(world: World) -> dict[str, dict[str, float]]:
    """NetSuite on-hand per lot number and location (zero balances left out)."""
    rows = suiteql(
        world,
        "SELECT n.inventorynumber AS lot, l.location AS location, l.quantityonhand AS qty "
        "FROM inventorynumberlocation l JOIN inventorynumber n ON n.id = l.inventorynumber "
        "ORDER BY l.location",
    )
    out: dict[str, dict[str, float]] = {}
    for r in rows:
        if float(r["qty"]):
            out.setdefault(r["lot"], {})[str(r["location"])] = float(r["qty"])
    return out


SYSTEMS = ("netsuite", "qms", "wms", "pos", "ap")


def writes_during(world: World, action: Any) -> list[str]:
    """The requests that may change a system (not GETs, SuiteQL or log-ins) served while ``action()`` ran."""
    marks = {s: int(world.control(s, "GET", "journal?limit=1")["lastSeq"]) for s in SYSTEMS}
    action()
    out = []
    for system in SYSTEMS:
        for e in world.control(system, "GET", f"journal?since={marks[system]}")["entries"]:
            if e["method"] not in ("GET", "HEAD") and not any(p in e["path"] for p in ("/suiteql", "/login")):
                out.append(f"{system} {e['method']} {e['path']}")
    return out
