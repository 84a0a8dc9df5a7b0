"""qms-production: QMS runs become NetSuite work orders (recipe components) and, once the output lot is
released, assembly builds with the finished lot and the component lots consumed."""

from __future__ import annotations

import json
from typing import Any

from tests.sync.conftest import World
from tests.sync.flows.qms_world import (
    QMS_FLOWS,
    add_recipe,
    lot_stock,
    ns_get,
    receive_and_release,
    seed_qms_world,
    suiteql,
)


def _engine(make_engine: Any, location: str, **settings: str) -> Any:
    return make_engine(flows=QMS_FLOWS, location_map=json.dumps({"qms": location}), **settings)


def test_runs_become_work_orders_and_released_output_a_build(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh)
    add_recipe(fresh, q)
    engine = _engine(make_engine, q.location)
    sugar, cocoa = receive_and_release(fresh, engine, q)
    run = fresh.act("qms", "schedule", {"recipe": "MMR-BAR", "quantity": 10, "scheduledDate": "2026-01-07"})
    assert engine.run_pass().stats.counts == {"qms-production": {"written": 1}}
    [wo] = suiteql(fresh, "SELECT id, tranid, externalid FROM transaction WHERE type = 'WorkOrd'")
    assert wo["externalid"] == f"qms-run-{run['id']}"
    order = ns_get(fresh, "workOrder", str(wo["id"]))
    assert (order["assemblyItem"]["id"], order["quantity"], order["location"]["id"], order["startDate"]) == (
        q.finished,
        10,
        q.location,
        "2026-01-07",
    )
    assert [(ln["item"]["id"], ln["quantity"]) for ln in order["item"]["items"]] == [
        (q.raw[0], 5),
        (q.raw[1], 2.5),
    ]
    assert fresh.state("qms")["qms_production_runs"][0]["work_order_ref"] == wo["tranid"]

    produced = fresh.act("qms", "produce", {"run": run["id"], "quantity": 12})  # output waits in QUARANTINE
    assert engine.run_pass().stats.counts == {}
    bar = produced["outputLotNumber"]
    assert bar not in lot_stock(fresh)
    fresh.act("qms", "release", {"lot": bar})
    assert engine.run_pass().stats.counts == {"qms-production": {"written": 1}}
    [build] = suiteql(fresh, "SELECT id, externalid FROM transaction WHERE type = 'Build'")
    assert build["externalid"] == f"qms-build-{run['id']}"
    record = ns_get(fresh, "assemblyBuild", str(build["id"]))
    assert (record["item"]["id"], record["quantity"], record["createdFrom"]["id"]) == (
        q.finished,
        12,
        str(wo["id"]),
    )
    assert [
        (
            c["item"]["id"],
            c["quantity"],
            [a["quantity"] for a in c["componentInventoryDetail"]["inventoryAssignment"]["items"]],
        )
        for c in record["component"]["items"]
    ] == [(q.raw[0], 6, [6]), (q.raw[1], 3, [3])]
    assert lot_stock(fresh) == {sugar: {q.location: 94.0}, cocoa: {q.location: 37.0}, bar: {q.location: 12.0}}
    assert ns_get(fresh, "workOrder", str(wo["id"]))["status"]["id"] == "Built"
    assert engine.run_pass().stats.counts == {}  # nothing new: nothing written anywhere
    assert engine.state.exceptions() == []


def test_rejected_output_never_reaches_stock_and_is_reported(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh)
    add_recipe(fresh, q)
    engine = _engine(make_engine, q.location)
    sugar, cocoa = receive_and_release(fresh, engine, q)
    run = fresh.act("qms", "schedule", {"recipe": "MMR-BAR", "quantity": 10})
    engine.run_pass()
    bar = fresh.act("qms", "produce", {"run": run["id"]})["outputLotNumber"]
    fresh.act("qms", "reject", {"lot": bar})
    engine.run_pass()
    assert suiteql(fresh, "SELECT id FROM transaction WHERE type = 'Build'") == []
    [parked] = engine.state.exceptions()
    assert (parked.category, parked.flow, parked.records["lot"]) == ("quarantined_lot", "qms-production", bar)
    assert engine.run_pass().stats.counts == {}
    assert [e.occurrences for e in engine.state.exceptions()] == [1]


def test_mutant_push_quarantined_lots_builds_before_release(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh)
    add_recipe(fresh, q)
    engine = _engine(make_engine, q.location, mutant="push-quarantined-lots")
    receive_and_release(fresh, engine, q)
    run = fresh.act("qms", "schedule", {"recipe": "MMR-BAR", "quantity": 10})
    engine.run_pass()
    bar = fresh.act("qms", "produce", {"run": run["id"]})["outputLotNumber"]
    engine.run_pass()
    assert lot_stock(fresh)[bar] == {q.location: 10.0}  # the defect: a quarantined lot in stock


def test_cancelled_run_before_sync_never_reaches_netsuite(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh)
    add_recipe(fresh, q)
    engine = _engine(make_engine, q.location)
    engine.run_pass()
    run = fresh.act("qms", "schedule", {"recipe": "MMR-BAR", "quantity": 10})
    fresh.control("qms", "POST", "seed", {"records": {}})
    import requests

    key = fresh.env["ERPSIM_QMS_API_KEY"]
    cancelled = requests.post(
        f"{fresh.url('qms')}/api/v1/production-runs/{run['id']}/cancel",
        json={},
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    )
    assert cancelled.status_code == 200
    assert engine.run_pass().stats.counts == {}
    assert suiteql(fresh, "SELECT id FROM transaction WHERE type = 'WorkOrd'") == []
