"""qms-lots: released QMS lots become NetSuite item receipts with their lot numbers, once, never lost; quarantined
and rejected lots never reach NetSuite stock."""

from __future__ import annotations

import json
from typing import Any

from sync.engine import Engine
from tests.sync.conftest import World
from tests.sync.flows.qms_world import QMS_FLOWS, QmsWorld, ns_get, seed_qms_world, suiteql
from tests.sync.flows.receivers import receiver


def _engine(make_engine: Any, q: QmsWorld, **settings: str) -> Engine:
    engine: Engine = make_engine(flows=QMS_FLOWS, location_map=json.dumps({"qms": q.location}), **settings)
    return engine


def _receive(world: World, q: QmsWorld, po: int = 0) -> list[str]:
    """The QMS receives everything open on a purchase order: one QUARANTINE lot per line."""
    receipt = world.act("qms", "receive", {"po": q.purchase_orders[po]})
    return [lot["lotNumber"] for lot in receipt["lots"]]


def receipts(world: World) -> list[dict[str, Any]]:
    """NetSuite item receipts: external id, source, received line and lot numbers."""
    rows = suiteql(world, "SELECT id, externalid FROM transaction WHERE type = 'ItemRcpt' ORDER BY id")
    out = []
    for row in rows:
        rec = ns_get(world, "itemReceipt", str(row["id"]))
        lines = rec["item"]["items"]
        out.append(
            {
                "externalId": rec.get("externalId"),
                "createdFrom": rec["createdFrom"]["id"],
                "lines": [
                    (
                        ln["orderLine"],
                        ln["item"]["id"],
                        ln["quantity"],
                        ln["location"]["id"],
                        [
                            (a["receiptInventoryNumber"], a["quantity"])
                            for a in ln["inventoryDetail"]["inventoryAssignment"]["items"]
                        ],
                    )
                    for ln in lines
                ],
            }
        )
    return out


def lot_stock(world: World) -> dict[str, tuple[str, float]]:
    """NetSuite on-hand per lot number: (location, quantity)."""
    rows = suiteql(
        world,
        "SELECT n.inventorynumber AS lot, l.location AS location, l.quantityonhand AS qty "
        "FROM inventorynumberlocation l JOIN inventorynumber n ON n.id = l.inventorynumber",
    )
    return {r["lot"]: (str(r["location"]), float(r["qty"])) for r in rows if float(r["qty"])}


def test_released_lots_are_received_and_quarantined_or_rejected_ones_never(
    fresh: World, make_engine: Any
) -> None:
    q = seed_qms_world(fresh, po_lines=[(0, 100), (1, 40)])
    engine = _engine(make_engine, q)
    engine.run_pass()
    sugar, cocoa = _receive(fresh, q)
    fresh.act("qms", "release", {"lot": sugar})
    result = engine.run_pass()
    assert result.stats.counts == {"qms-lots": {"written": 1}}
    po = q.purchase_orders[0]
    assert receipts(fresh) == [
        {
            "externalId": "qms-lot-1",
            "createdFrom": po,
            "lines": [(1, q.raw[0], 100, q.location, [(sugar, 100)])],
        }
    ]
    assert lot_stock(fresh) == {sugar: (q.location, 100.0)}
    fresh.act("qms", "reject", {"lot": cocoa})
    assert engine.run_pass().stats.counts == {}
    assert engine.run_pass().stats.counts == {}  # nothing new: nothing written anywhere
    assert len(receipts(fresh)) == 1
    assert ns_get(fresh, "purchaseOrder", po)["status"]["id"] == "Pending Billing/Partially Received"
    assert engine.state.exceptions() == []


def test_mutant_push_quarantined_lots_puts_unreleased_lots_in_stock(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh, po_lines=[(0, 100), (1, 40)])
    engine = _engine(make_engine, q, mutant="push-quarantined-lots")
    engine.run_pass()
    sugar, cocoa = _receive(fresh, q)
    fresh.act("qms", "reject", {"lot": cocoa})
    engine.run_pass()
    assert lot_stock(fresh) == {sugar: (q.location, 100.0), cocoa: (q.location, 40.0)}  # the defect


def test_released_later_is_received_later(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh, po_lines=[(0, 100), (1, 40)])
    engine = _engine(make_engine, q)
    engine.run_pass()
    sugar, cocoa = _receive(fresh, q)
    engine.run_pass()
    assert receipts(fresh) == []
    fresh.act("qms", "release", {"lot": cocoa})
    fresh.act("qms", "release", {"lot": sugar})
    engine.run_pass()
    assert [r["lines"][0][4][0][0] for r in receipts(fresh)] == [sugar, cocoa]
    po = ns_get(fresh, "purchaseOrder", q.purchase_orders[0])
    assert po["status"]["id"] == "Pending Bill"
    assert engine.state.mapping_data("qms", "purchase-order", q.purchase_orders[0])["open"] is False


def test_ambiguous_failure_never_posts_a_receipt_twice(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh, po_lines=[(0, 100)])
    engine = _engine(make_engine, q)
    engine.run_pass()
    receipt = fresh.act(
        "qms", "receive", {"po": q.purchase_orders[0], "lines": [{"line": 1, "quantity": 30}]}
    )
    sugar = receipt["lots"][0]["lotNumber"]
    fresh.act("qms", "release", {"lot": sugar})
    fresh.control(
        "netsuite",
        "POST",
        "faults",
        {"kind": "reset_after", "method": "POST", "path": "itemReceipt", "times": 1},
    )
    assert engine.run_pass().completed
    assert len(receipts(fresh)) == 1
    assert lot_stock(fresh) == {sugar: (q.location, 30.0)}


def test_mutant_repost_receipts_duplicates_after_an_ambiguous_failure(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh, po_lines=[(0, 100)])
    engine = _engine(make_engine, q, mutant="repost-receipts")
    engine.run_pass()
    receipt = fresh.act(
        "qms", "receive", {"po": q.purchase_orders[0], "lines": [{"line": 1, "quantity": 30}]}
    )
    sugar = receipt["lots"][0]["lotNumber"]
    fresh.act("qms", "release", {"lot": sugar})
    fresh.control(
        "netsuite",
        "POST",
        "faults",
        {"kind": "reset_after", "method": "POST", "path": "itemReceipt", "times": 1},
    )
    engine.run_pass()
    line = (1, q.raw[0], 30, q.location, [(sugar, 30)])
    assert receipts(fresh) == [{"externalId": None, "createdFrom": q.purchase_orders[0], "lines": [line]}] * 2
    assert lot_stock(fresh) == {sugar: (q.location, 60.0)}  # the defect: 30 received, 60 in stock


def test_a_crash_after_the_write_resumes_without_a_duplicate(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh, po_lines=[(0, 100)])
    first = _engine(make_engine, q, retries="1")
    first.run_pass()
    [sugar] = _receive(fresh, q)
    fresh.act("qms", "release", {"lot": sugar})
    fresh.control(
        "netsuite",
        "POST",
        "faults",
        {
            "rules": [
                {"kind": "reset_after", "method": "POST", "path": "itemReceipt", "times": 1},
                {"kind": "error", "status": 503, "method": "GET", "path": "itemReceipt/eid", "nth": 2},
            ]
        },
    )
    result = (
        first.run_pass()
    )  # the receipt committed, the answer was lost, the look-up failed: the pass gave up
    assert not result.completed
    first.close()
    again = _engine(make_engine, q)  # a new process on the same state
    assert again.run_pass().completed
    assert [r["externalId"] for r in receipts(fresh)] == ["qms-lot-1"]
    assert again.state.mapped("netsuite", "lot-receipt", "1") is not None


def test_closed_period_parks_the_receipt_until_it_reopens(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh, po_lines=[(0, 100)])
    engine = _engine(make_engine, q)
    engine.run_pass()
    [sugar] = _receive(fresh, q)
    fresh.act("qms", "release", {"lot": sugar})
    fresh.act("netsuite", "close_period", {"periodName": "Jan 2026"})
    engine.run_pass()
    [parked] = engine.state.exceptions()
    assert (parked.category, parked.flow, parked.records["lot"]) == ("closed_period", "qms-lots", sugar)
    assert receipts(fresh) == []
    fresh.act("netsuite", "reopen_period", {"periodName": "Jan 2026"})
    engine.run_pass()
    assert engine.state.exceptions() == []
    assert len(receipts(fresh)) == 1


def test_first_open_period_redates_the_receipt(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh, po_lines=[(0, 100)])
    engine = _engine(make_engine, q, closed_period="first-open")
    engine.run_pass()
    [sugar] = _receive(fresh, q)
    fresh.act("qms", "release", {"lot": sugar})
    fresh.act("netsuite", "close_period", {"periodName": "Jan 2026"})
    engine.run_pass()
    [row] = suiteql(fresh, "SELECT trandate FROM transaction WHERE type = 'ItemRcpt'")
    assert row["trandate"] == "2/1/2026"


def _lock_after_release_delivered_reordered(fresh: World, engine: Engine, q: QmsWorld) -> str:
    engine.run_pass()
    [sugar] = _receive(fresh, q)
    with receiver(engine):
        fresh.act("qms", "release", {"lot": sugar})
        fresh.act("qms", "lock", {"lot": sugar, "reason": "supplier recall"})
        fresh.control("qms", "POST", "faults", {"kind": "reorder", "event": "lot.released"})
        sent = fresh.control("qms", "POST", "webhooks/deliver", {})["sent"]
        assert [(s["events"], s["status"]) for s in sent] == [(["lot.locked"], 200), (["lot.released"], 200)]
        engine.run_pass()
    return sugar


def test_a_release_delivered_after_the_lock_does_not_receive_the_lot(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh, po_lines=[(0, 100)])
    engine = _engine(make_engine, q)
    _lock_after_release_delivered_reordered(fresh, engine, q)
    assert receipts(fresh) == []


def test_mutant_no_reorder_tolerance_receives_a_locked_lot(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh, po_lines=[(0, 100)])
    engine = _engine(make_engine, q, mutant="no-reorder-tolerance")
    sugar = _lock_after_release_delivered_reordered(fresh, engine, q)
    assert [r["lines"][0][4] for r in receipts(fresh)] == [[(sugar, 100)]]  # the defect


def test_bad_webhook_signature_is_refused(fresh: World, make_engine: Any) -> None:
    q = seed_qms_world(fresh, po_lines=[(0, 100)])
    engine = _engine(make_engine, q)
    import requests

    with receiver(engine) as daemon:
        body = json.dumps({"id": "evt_00000001", "type": "lot.released", "data": {}}).encode()
        bad = requests.post(
            f"{daemon.url}/hooks/qms",
            data=body,
            timeout=5,
            headers={"X-DataNinja-Signature": "sha256=00", "Content-Type": "application/json"},
        )
        assert bad.status_code == 401
        subs = fresh.control("qms", "GET", "webhooks")["subscriptions"]
        assert [s["url"] for s in subs] == [f"{daemon.url}/hooks/qms"]
