"""ap-invoices: invoices created in AP reach NetSuite once, for the customer matched by e-mail (or created),
with AP's quantities, prices and half-up amounts; the AP invoice is then synced (locked)."""

from __future__ import annotations

from typing import Any

from tests.sync.conftest import World
from tests.sync.flows.ap_world import ap_list, seed_ap_world
from tests.sync.flows.qms_world import ns_get, seed_ns, suiteql


def _invoices(world: World) -> list[tuple[Any, ...]]:
    rows = suiteql(world, "SELECT id FROM transaction WHERE type = 'CustInvc' ORDER BY id")
    out = []
    for row in rows:
        inv = ns_get(world, "invoice", str(row["id"]))
        out.append(
            (
                inv.get("externalId"),
                inv["entity"]["id"],
                inv.get("tranId"),
                inv.get("otherRefNum"),
                inv["total"],
                [(ln["quantity"], ln["rate"], ln["amount"]) for ln in inv["item"]["items"]],
            )
        )
    return out


def test_ap_invoices_reach_netsuite_once(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    [known] = seed_ns(
        fresh,
        {
            "customer": [
                {"companyName": "Grocer Inc", "email": "ap@grocer.test", "subsidiary": {"id": w.subsidiary}}
            ]
        },
    )["customer"]
    refs = fresh.control(
        "ap",
        "POST",
        "seed",
        {
            "records": {
                "customers": [
                    {"ref": "g", "name": "Grocer Inc", "accountType": "BUSINESS", "email": "ap@grocer.test"},
                    {"ref": "p", "name": "Mary Ann Evans", "accountType": "PERSON"},
                ],
                "invoices": [
                    {
                        "ref": "i1",
                        "customerRef": "g",
                        "invoiceNumber": "AR-1",
                        "invoiceDate": "2026-01-05",
                        "dueDate": "2026-02-04",
                        "poNumber": "PO-77",
                        "invoiceLineItems": [{"quantity": 3, "price": 0.125, "description": "samples"}],
                    },
                    {
                        "ref": "i2",
                        "customerRef": "p",
                        "invoiceNumber": "AR-2",
                        "invoiceDate": "2026-01-05",
                        "dueDate": "2026-02-04",
                        "invoiceLineItems": [{"quantity": 2, "price": 10}],
                    },
                ],
            }
        },
    )["refs"]
    engine = make_engine(flows="ap-invoices")
    assert engine.run_pass().stats.counts == {"ap-invoices": {"written": 2}}
    person = engine.state.mapped("ap", "customer", refs["p"])
    assert _invoices(fresh) == [
        (f"ap-inv-{refs['i1']}", known, "AR-1", "PO-77", 0.38, [(3, 0.125, 0.38)]),
        (f"ap-inv-{refs['i2']}", person, "AR-2", None, 20, [(2, 10, 20)]),
    ]
    created = ns_get(fresh, "customer", str(person))
    assert (created["isPerson"], created["firstName"], created["lastName"], created["externalId"]) == (
        True,
        "Mary",
        "Ann Evans",
        f"ap-customer-{refs['p']}",
    )
    assert [(i["invoiceNumber"], i["synced"]) for i in ap_list(fresh, "/invoices")] == [
        ("AR-1", True),
        ("AR-2", True),
    ]
    assert engine.run_pass().stats.counts == {}  # nothing new: nothing written anywhere


def test_invoices_synced_by_someone_else_are_left_alone(fresh: World, make_engine: Any) -> None:
    seed_ap_world(fresh)
    fresh.control(
        "ap",
        "POST",
        "seed",
        {
            "records": {
                "customers": [{"ref": "g", "name": "Grocer Inc", "accountType": "BUSINESS"}],
                "invoices": [
                    {
                        "customerRef": "g",
                        "invoiceNumber": "AR-9",
                        "invoiceDate": "2026-01-05",
                        "dueDate": "2026-02-04",
                        "synced": True,
                        "invoiceLineItems": [{"quantity": 1, "price": 5}],
                    }
                ],
            }
        },
    )
    engine = make_engine(flows="ap-invoices")
    engine.run_pass()
    assert _invoices(fresh) == []
