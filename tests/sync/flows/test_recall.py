"""recall: lots the QMS locks (with what was made from them) are held out of sale in NetSuite, the orders they
reached are reported as recalled_lot, and lifting the lock puts the stock back."""

from __future__ import annotations

import json
from typing import Any

from tests.sync.conftest import World
from tests.sync.flows.qms_world import (
    QMS_FLOWS,
    QmsWorld,
    add_recipe,
    lot_stock,
    produce_bars,
    receive_and_release,
    seed_ns,
    seed_qms_world,
    suiteql,
    writes_during,
)


def _shipped_bars(
    world: World, make_engine: Any, **settings: str
) -> tuple[QmsWorld, Any, list[str], str, str]:
    q = seed_qms_world(world)
    add_recipe(world, q)
    engine = make_engine(flows=QMS_FLOWS, location_map=json.dumps({"qms": q.location}), **settings)
    raw = receive_and_release(world, engine, q)
    bar = produce_bars(world, engine, q, 10)["outputLotNumber"]
    so = seed_ns(
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
                                "quantity": 4,
                                "rate": 3,
                                "location": {"id": q.location},
                            }
                        ]
                    },
                }
            ]
        },
    )["salesOrder"][0]
    engine.run_pass()
    world.act("qms", "ship", {"order": so})
    engine.run_pass()
    return q, engine, raw, bar, so


def test_a_recall_holds_the_lot_and_what_was_made_from_it_and_reports_the_order(
    fresh: World, make_engine: Any
) -> None:
    q, engine, (sugar, cocoa), bar, so = _shipped_bars(fresh, make_engine, recall_location="")
    fresh.act("qms", "lock", {"lot": sugar, "reason": "supplier recall", "cascade": True})
    result = engine.run_pass()
    assert result.stats.counts["recall"] == {"recalled": 2, "held": 2, "parked:recalled_lot": 2}
    [hold] = [
        r["id"] for r in suiteql(fresh, "SELECT id FROM location WHERE externalid = 'erpsim-recall-hold'")
    ]
    hold = str(hold)
    assert lot_stock(fresh) == {sugar: {hold: 95.0}, cocoa: {q.location: 37.5}, bar: {hold: 6.0}}
    transfers = suiteql(fresh, "SELECT externalid FROM transaction WHERE type = 'InvTrnfr' ORDER BY id")
    assert [t["externalid"] for t in transfers] == [
        f"qms-hold-1-1-{q.location}-1",
        f"qms-hold-3-1-{q.location}-1",
    ]
    recalled = engine.state.exceptions("recalled_lot")
    assert [
        (e.records["lot"], e.records["salesOrder"], [s["lot"] for s in e.records["shipments"]])
        for e in recalled
    ] == [(sugar, so, [bar]), (bar, so, [bar])]
    assert recalled[0].records["producedLots"] == [bar]
    assert {r["lot"] for r in recalled[1].records["sourceLots"]} == {sugar, cocoa}
    assert recalled[0].records["shipments"][0]["itemFulfillment"] is not None
    assert writes_during(fresh, engine.run_pass) == []  # nothing new: nothing moved, nothing reported again
    assert [e.occurrences for e in engine.state.exceptions()] == [1, 1]


def test_lifting_the_lock_puts_the_stock_back(fresh: World, make_engine: Any) -> None:
    q, engine, (sugar, cocoa), bar, so = _shipped_bars(fresh, make_engine)
    fresh.act("qms", "lock", {"lot": bar, "reason": "mock recall"})
    engine.run_pass()
    fresh.act("qms", "unlock", {"lot": bar})
    assert engine.run_pass().stats.counts == {"recall": {"released": 1}}
    assert lot_stock(fresh)[bar] == {q.location: 6.0}
    fresh.act("qms", "lock", {"lot": bar, "reason": "second look"})
    engine.run_pass()
    hold = str(suiteql(fresh, "SELECT id FROM location WHERE externalid = 'erpsim-recall-hold'")[0]["id"])
    assert lot_stock(fresh)[bar] == {hold: 6.0}
    assert [
        t["externalid"]
        for t in suiteql(fresh, "SELECT externalid FROM transaction WHERE type = 'InvTrnfr' ORDER BY id")
    ] == [f"qms-hold-3-1-{q.location}-1", f"qms-unhold-3-1-{q.location}", f"qms-hold-3-2-{q.location}-1"]


def test_a_configured_hold_location_is_used(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh)
    engine = make_engine(
        flows=QMS_FLOWS, location_map=json.dumps({"qms": q.location}), recall_location=q.hold
    )
    sugar, cocoa = receive_and_release(fresh, engine, q)
    fresh.act("qms", "lock", {"lot": cocoa, "reason": "allergen"})
    engine.run_pass()
    assert lot_stock(fresh) == {sugar: {q.location: 100.0}, cocoa: {q.hold: 40.0}}
    assert engine.state.exceptions() == []  # nothing shipped: no order to report


def test_mutant_no_recall_hold_leaves_recalled_stock_for_sale(fresh: World, make_engine: Any) -> None:
    q, engine, (sugar, cocoa), bar, so = _shipped_bars(fresh, make_engine, mutant="no-recall-hold")
    fresh.act("qms", "lock", {"lot": sugar, "reason": "supplier recall", "cascade": True})
    engine.run_pass()
    assert lot_stock(fresh)[bar] == {q.location: 6.0}  # the defect: recalled bars still sellable
    assert len(engine.state.exceptions("recalled_lot")) == 2
