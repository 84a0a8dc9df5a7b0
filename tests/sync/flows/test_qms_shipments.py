"""qms-shipments: NetSuite sales orders reach the QMS; shipped QMS shipments become item fulfilments issuing the
shipped lots; NetSuite cancels reach the QMS only while nothing shipped."""

from __future__ import annotations

import json
from typing import Any

from tests.sync.conftest import World
from tests.sync.flows.qms_world import (
    QMS_FLOWS,
    QmsWorld,
    add_recipe,
    lot_stock,
    ns_get,
    ns_patch,
    produce_bars,
    receive_and_release,
    seed_ns,
    seed_qms_world,
    suiteql,
    writes_during,
)


def _engine(make_engine: Any, q: QmsWorld, **settings: str) -> Any:
    return make_engine(flows=QMS_FLOWS, location_map=json.dumps({"qms": q.location}), **settings)


def sales_order(world: World, q: QmsWorld, quantity: float, *, location: str | None = None) -> str:
    """An approved NetSuite sales order of bars at the plant (or another location)."""
    return seed_ns(
        world,
        {
            "salesOrder": [
                {
                    "entity": {"id": q.customer},
                    "orderStatus": "B",
                    "item": {
                        "items": [
                            {
                                "item": {"id": q.finished},
                                "quantity": quantity,
                                "rate": 3,
                                "location": {"id": location or q.location},
                            }
                        ]
                    },
                }
            ]
        },
    )["salesOrder"][0]


def _bars(world: World, make_engine: Any) -> tuple[QmsWorld, Any, str]:
    q = seed_qms_world(world)
    add_recipe(world, q)
    engine = _engine(make_engine, q)
    receive_and_release(world, engine, q)
    bar = produce_bars(world, engine, q, 10)["outputLotNumber"]
    return q, engine, bar


def test_shipped_lots_become_a_fulfilment_and_the_order_pending_billing(
    fresh: World, make_engine: Any
) -> None:
    q, engine, bar = _bars(fresh, make_engine)
    so = sales_order(fresh, q, 4)
    other_site = sales_order(fresh, q, 1, location=q.hold)
    assert engine.run_pass().stats.counts == {"qms-shipments": {"written": 1}}
    [qms_so] = fresh.state("qms")["qms_sales_orders"]
    assert (qms_so["netsuite_id"], qms_so["status"]) == (so, "PENDING_FULFILLMENT")
    assert other_site not in {o["netsuite_id"] for o in fresh.state("qms")["qms_sales_orders"]}
    fresh.act("qms", "ship", {"order": so, "carrier": "UPS", "trackingNumber": "1Z999"})
    assert engine.run_pass().stats.counts == {"qms-shipments": {"written": 1}}
    [row] = suiteql(fresh, "SELECT id, externalid FROM transaction WHERE type = 'ItemShip'")
    assert row["externalid"] == "qms-ship-1"
    ful = ns_get(fresh, "itemFulfillment", str(row["id"]))
    assert ful["memo"] == "QMS shipment 1 UPS 1Z999"
    assert [
        (
            ln["orderLine"],
            ln["quantity"],
            ln["location"]["id"],
            [a["quantity"] for a in ln["inventoryDetail"]["inventoryAssignment"]["items"]],
        )
        for ln in ful["item"]["items"]
    ] == [(1, 4, q.location, [4])]
    assert ns_get(fresh, "salesOrder", so)["status"]["id"] == "Pending Billing"
    assert lot_stock(fresh)[bar] == {q.location: 6.0}
    assert writes_during(fresh, engine.run_pass) == []
    assert engine.state.mapping_data("qms", "sales-order", so)["open"] is False


def test_partial_shipments_fulfil_what_shipped(fresh: World, make_engine: Any) -> None:
    q, engine, bar = _bars(fresh, make_engine)
    so = sales_order(fresh, q, 6)
    engine.run_pass()
    fresh.act("qms", "ship", {"order": so, "lots": [{"lot": bar, "quantity": 2}]})
    engine.run_pass()
    assert ns_get(fresh, "salesOrder", so)["status"]["id"] == "Pending Billing/Partially Fulfilled"
    fresh.act("qms", "ship", {"order": so, "lots": [{"lot": bar, "quantity": 4}]})
    engine.run_pass()
    assert [
        r["externalid"]
        for r in suiteql(fresh, "SELECT externalid FROM transaction WHERE type = 'ItemShip' ORDER BY id")
    ] == ["qms-ship-1", "qms-ship-2"]
    assert lot_stock(fresh)[bar] == {q.location: 4.0}


def test_cancel_reaches_the_qms_before_shipping_and_is_parked_after(fresh: World, make_engine: Any) -> None:
    q, engine, bar = _bars(fresh, make_engine)
    early = sales_order(fresh, q, 1)
    late = sales_order(fresh, q, 3)
    engine.run_pass()
    fresh.act("qms", "ship", {"order": late, "lots": [{"lot": bar, "quantity": 1}]})
    engine.run_pass()
    for so in (early, late):
        ns_patch(fresh, "salesOrder", so, {"item": {"items": [{"line": 1, "isClosed": True}]}})
    engine.run_pass()
    statuses = {o["netsuite_id"]: o["status"] for o in fresh.state("qms")["qms_sales_orders"]}
    assert statuses == {early: "CANCELLED", late: "PARTIALLY_FULFILLED"}
    [parked] = engine.state.exceptions()
    assert (parked.category, parked.records["salesOrder"]) == ("cancel_after_release", late)
