"""qms-purchasing: approved NetSuite purchase orders reach the QMS once, lines under their NetSuite numbers."""

from __future__ import annotations

import json
from typing import Any

from tests.sync.conftest import World
from tests.sync.flows.qms_world import QMS_FLOWS, create_po, ns_patch, seed_ns, seed_qms_world


def _qms_orders(world: World) -> list[dict[str, Any]]:
    state = world.state("qms")
    lines = state["qms_po_lines"]
    return [
        {
            "netsuite_id": po["netsuite_id"],
            "number": po["number"],
            "vendor": po["vendor"],
            "status": po["status"],
            "lines": [
                (ln["line_no"], ln["item_id"], ln["ordered_m"]) for ln in lines if ln["po_id"] == po["id"]
            ],
        }
        for po in state["qms_purchase_orders"]
    ]


def test_open_orders_go_once_with_their_lines(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh, po_lines=[(0, 100), (1, 40.5)])
    pending = fresh.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "purchaseOrder": [
                    {
                        "entity": {"id": q.vendor},
                        "orderStatus": "A",
                        "location": {"id": q.location},
                        "item": {"items": [{"item": {"id": q.raw[0]}, "quantity": 5}]},
                    }
                ],
            }
        },
    )["purchaseOrder"]
    engine = make_engine(flows=QMS_FLOWS, location_map=json.dumps({"qms": q.location}))
    result = engine.run_pass()
    assert result.completed and result.stats.counts == {"qms-purchasing": {"written": 1}}
    sugar, cocoa = q.qms_items[q.raw[0]], q.qms_items[q.raw[1]]
    expected = [
        {
            "netsuite_id": q.purchase_orders[0],
            "number": "PO1",
            "vendor": "Sugar Mill Ltd",
            "status": "OPEN",
            "lines": [(1, sugar, 100_000), (2, cocoa, 40_500)],
        }
    ]
    assert _qms_orders(fresh) == expected
    again = engine.run_pass()  # nothing new: nothing written anywhere
    assert again.completed and again.stats.counts == {}
    assert _qms_orders(fresh) == expected
    fresh.act("netsuite", "approve_purchase_order", {"id": pending[0]})
    engine.run_pass()
    assert [po["netsuite_id"] for po in _qms_orders(fresh)] == [q.purchase_orders[0], str(pending[0])]


def test_only_lines_of_the_qms_site_go_and_other_sites_orders_are_skipped(
    fresh: World, make_engine: Any
) -> None:
    q = seed_qms_world(fresh)
    elsewhere = create_po(fresh, q, [(0, 7)], location=q.hold)
    engine = make_engine(flows=QMS_FLOWS, location_map=json.dumps({"qms": q.location}))
    assert engine.run_pass().stats.counts == {"qms-purchasing": {"written": 1, "skipped": 1}}
    assert [po["netsuite_id"] for po in _qms_orders(fresh)] == [q.purchase_orders[0]]
    assert engine.state.result(f"qms-po:{elsewhere}") == {"skipped": "no inventory lines for the QMS site"}


def test_an_order_already_in_the_qms_is_adopted_not_duplicated(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh)
    fresh.control(
        "qms",
        "POST",
        "seed",
        {
            "records": {
                "purchase_orders": [
                    {
                        "netsuiteId": q.purchase_orders[0],
                        "number": "PO1",
                        "lines": [{"line": 1, "itemId": 1, "quantity": 100}],
                    }
                ]
            }
        },
    )
    engine = make_engine(flows=QMS_FLOWS, location_map=json.dumps({"qms": q.location}))
    assert engine.run_pass().stats.counts == {"qms-purchasing": {"written": 1}}
    assert len(_qms_orders(fresh)) == 1
    assert engine.state.mapped("qms", "purchase-order", q.purchase_orders[0]) == "1"


def test_unknown_item_is_parked_and_lands_once_the_item_exists(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh)
    [new_id] = seed_ns(
        fresh,
        {
            "lotNumberedInventoryItem": [
                {"itemId": "RM-NEW", "subsidiary": {"items": [{"id": q.subsidiary}]}, "externalId": "RM3"}
            ]
        },
    )["lotNumberedInventoryItem"]
    q.raw.append(new_id)
    po = create_po(fresh, q, [(2, 3)])
    engine = make_engine(flows=QMS_FLOWS, location_map=json.dumps({"qms": q.location}))
    engine.run_pass()
    [parked] = engine.state.exceptions()
    assert (parked.category, parked.flow, parked.records) == (
        "unknown_sku",
        "qms-purchasing",
        {"purchaseOrder": po},
    )
    assert parked.error["status"] == 422 and parked.error["body"]["code"] == "UNKNOWN_REFERENCE"
    fresh.control(
        "qms",
        "POST",
        "seed",
        {
            "records": {
                "items": [{"sku": "RM-NEW", "name": "New", "type": "RAW_MATERIAL", "netsuiteId": new_id}]
            }
        },
    )
    engine.run_pass()
    assert engine.state.exceptions() == []
    assert [po_["netsuite_id"] for po_ in _qms_orders(fresh)] == [q.purchase_orders[0], po]


def test_closed_in_netsuite_is_closed_in_the_qms(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh)
    engine = make_engine(flows=QMS_FLOWS, location_map=json.dumps({"qms": q.location}))
    engine.run_pass()
    ns_patch(
        fresh,
        "purchaseOrder",
        q.purchase_orders[0],
        {"item": {"items": [{"line": 1, "isClosed": True}, {"line": 2, "isClosed": True}]}},
    )
    engine.run_pass()
    assert [po["status"] for po in _qms_orders(fresh)] == ["CLOSED"]
    assert engine.run_pass().stats.counts == {}


def test_the_qms_site_can_be_named_by_external_id(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh)
    create_po(fresh, q, [(0, 7)], location=q.hold)
    engine = make_engine(flows=QMS_FLOWS, location_map=json.dumps({"qms": "eid:plant"}))
    assert engine.run_pass().stats.counts == {"qms-purchasing": {"written": 1, "skipped": 1}}
    assert [po["netsuite_id"] for po in _qms_orders(fresh)] == [q.purchase_orders[0]]


def test_an_unknown_qms_site_is_parked(fresh: World, make_engine: Any) -> None:
    seed_qms_world(fresh)
    engine = make_engine(flows=QMS_FLOWS, location_map=json.dumps({"qms": "eid:nowhere"}))
    engine.run_pass()
    assert [e.category for e in engine.state.exceptions()] == ["unknown_location"]
    assert _qms_orders(fresh) == []
