"""The stock ledger: movements coalesced into batched adjustments, refusals parked, creates made safe."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from tests.sync.conftest import World
from tests.sync.flows.stockworld import (
    SKUS,
    daemon_engine,
    engine_adjustments,
    engine_at,
    exceptions_of,
    on_hand,
    seed_stock,
)


def test_daemon_webhooks_are_coalesced_into_one_batched_adjustment(fresh: World, tmp_path: Path) -> None:
    w = seed_stock(fresh, SKUS, {"SKU-A": 50, "SKU-B": 50, "SKU-C": 50})
    with daemon_engine(fresh, tmp_path / "s", systems="netsuite,wms") as engine:
        assert engine.run_pass().completed  # initial load by the first reconciliation
        before = len(engine_adjustments(engine))
        for sku, qty in [
            ("SKU-A", -1),
            ("SKU-A", -2),
            ("SKU-B", 3),
            ("SKU-A", -1),
            ("SKU-C", -5),
            ("SKU-C", 5),
        ]:
            fresh.act(
                "wms",
                "adjust_stock",
                {"sku": sku, "reasonCode": "OTHER", "quantity": qty, "warehouseId": w.wms_warehouse},
            )
        fresh.deliver_webhooks()
        result = engine.run_pass()
        assert result.completed, result.failures
        assert engine_adjustments(engine)[before:] == [
            [("SKU-A", w.warehouse_location, -4.0), ("SKU-B", w.warehouse_location, 3.0)]
        ]
        assert on_hand(engine, w.warehouse_location) == {"SKU-A": 46, "SKU-B": 53, "SKU-C": 50}
        assert result.stats.counts["inventory"] == {
            "deltas_batched": 4,
            "adjustments": 1,
            "adjustment_lines": 2,
        }


def test_batch_size_splits_lines_and_no_batching_posts_one_request_per_event(
    fresh: World, tmp_path: Path
) -> None:
    w = seed_stock(fresh, SKUS, {"SKU-A": 50, "SKU-B": 50, "SKU-C": 50})
    moves = [("SKU-A", -1), ("SKU-B", -2), ("SKU-A", -3), ("SKU-C", 4)]
    with daemon_engine(fresh, tmp_path / "s", systems="netsuite,wms", batch_lines="2") as engine:
        assert engine.run_pass().completed
        before = len(engine_adjustments(engine))
        for sku, qty in moves:
            fresh.act(
                "wms",
                "adjust_stock",
                {"sku": sku, "reasonCode": "OTHER", "quantity": qty, "warehouseId": w.wms_warehouse},
            )
        fresh.deliver_webhooks()
        assert engine.run_pass().completed
        loc = w.warehouse_location
        # batches are posted concurrently: their order in NetSuite is not fixed
        assert sorted(engine_adjustments(engine)[before:]) == [
            [("SKU-A", loc, -4.0), ("SKU-B", loc, -2.0)],
            [("SKU-C", loc, 4.0)],
        ]
    fresh.reset()
    w = seed_stock(fresh, SKUS, {"SKU-A": 50, "SKU-B": 50, "SKU-C": 50})
    with daemon_engine(fresh, tmp_path / "m", systems="netsuite,wms", mutant="no-batching") as naive:
        assert naive.run_pass().completed
        for sku, qty in moves:
            fresh.act(
                "wms",
                "adjust_stock",
                {"sku": sku, "reasonCode": "OTHER", "quantity": qty, "warehouseId": w.wms_warehouse},
            )
        fresh.deliver_webhooks()
        assert naive.run_pass().completed
        loc = w.warehouse_location
        assert sorted(engine_adjustments(naive)[3:]) == [
            [("SKU-A", loc, -3.0)],
            [("SKU-A", loc, -1.0)],
            [("SKU-B", loc, -2.0)],
            [("SKU-C", loc, 4.0)],
        ]


def test_a_refused_line_is_parked_alone_and_the_rest_of_the_batch_posts(fresh: World, tmp_path: Path) -> None:
    w = seed_stock(fresh, SKUS, {"SKU-A": 5, "SKU-B": 5})
    with daemon_engine(fresh, tmp_path / "s", systems="netsuite,wms") as engine:
        assert engine.run_pass().completed
        # NetSuite has less SKU-B than the WMS thinks (someone removed it there): a -5 cannot post
        fresh.act(
            "netsuite",
            "adjust_inventory",
            {"item": int(w.items["SKU-B"]), "location": int(w.warehouse_location), "adjustQtyBy": -4},
        )
        for sku in ("SKU-A", "SKU-B"):
            fresh.act(
                "wms",
                "adjust_stock",
                {"sku": sku, "reasonCode": "LOST", "quantity": -5, "warehouseId": w.wms_warehouse},
            )
        fresh.deliver_webhooks()
        assert engine.run_pass().completed
        assert on_hand(engine, w.warehouse_location) == {"SKU-B": 1}
        [refused] = exceptions_of(engine, "rejected_posting")
        assert refused["records"]["item"] == w.items["SKU-B"]
        assert refused["records"]["quantity"] == -5.0
        assert refused["error"]["status"] == 400
        assert refused["summary"] == (
            "netsuite refused: Error while accessing a resource. You only have 1 "
            "available. Please enter a different quantity."
        )


def test_closed_period_parks_the_batch_until_reopened(fresh: World, tmp_path: Path) -> None:
    w = seed_stock(fresh, SKUS, {"SKU-A": 5})
    with daemon_engine(fresh, tmp_path / "s", systems="netsuite,wms") as engine:
        assert engine.run_pass().completed
        fresh.act("netsuite", "close_period", {"periodName": "Jan 2026"})
        fresh.act(
            "wms",
            "adjust_stock",
            {"sku": "SKU-A", "reasonCode": "FOUND", "quantity": 2, "warehouseId": w.wms_warehouse},
        )
        fresh.deliver_webhooks()
        assert engine.run_pass().completed
        [parked] = exceptions_of(engine, "closed_period")
        assert parked["records"]["day"] == "2026-01-05"
        assert on_hand(engine, w.warehouse_location) == {"SKU-A": 5}
        fresh.act("netsuite", "reopen_period", {"periodName": "Jan 2026"})
        assert engine.run_pass().completed
        assert on_hand(engine, w.warehouse_location) == {"SKU-A": 7}
        assert exceptions_of(engine, "closed_period") == []


def test_an_ambiguous_create_is_looked_up_not_duplicated_and_the_mutant_duplicates(
    fresh: World, tmp_path: Path
) -> None:
    for mutant, expected in (("", 6.0), ("no-idempotency", 12.0)):
        fresh.reset()
        w = seed_stock(fresh, SKUS, {"SKU-A": 6})
        fresh.control(
            "netsuite",
            "PUT",
            "faults",
            {
                "seed": 3,
                "rules": [
                    {"kind": "reset_after", "method": "POST", "path": "/inventoryAdjustment$", "nth": 1}
                ],
            },
        )
        with closing(
            engine_at(fresh, tmp_path / (mutant or "safe"), systems="netsuite,wms", mutant=mutant)
        ) as engine:
            assert engine.run_pass().completed
            assert on_hand(engine, w.warehouse_location) == {"SKU-A": expected}, mutant


def test_the_concurrency_cap_keeps_batches_within_governance_and_the_mutant_meets_429s(
    fresh: World, tmp_path: Path
) -> None:
    skus = [f"SKU-{n}" for n in range(8)]
    for mutant in ("", "no-concurrency-cap"):
        fresh.reset()
        w = seed_stock(fresh, skus, dict.fromkeys(skus, 3))
        fresh.act("netsuite", "set_governance", {"concurrencyLimit": 2, "serviceTime": {"create": 0.2}})
        with closing(
            engine_at(
                fresh,
                tmp_path / (mutant or "safe"),
                systems="netsuite,wms",
                mutant=mutant,
                batch_lines="1",
                netsuite_concurrency="2",
            )
        ) as engine:
            assert engine.run_pass().completed
            throttled = [e for e in exceptions_of(engine, "rejected_posting") if e["error"]["status"] == 429]
            if mutant:
                assert throttled
                assert (
                    throttled[0]["error"]["body"]["o:errorDetails"][0]["o:errorCode"]
                    == "CONCURRENCY_LIMIT_EXCEEDED"
                )
                assert len(on_hand(engine, w.warehouse_location)) == 8 - len(throttled)
            else:
                assert throttled == []
                assert on_hand(engine, w.warehouse_location) == dict.fromkeys(skus, 3)
        fresh.act("netsuite", "set_governance", {"concurrencyLimit": 5, "serviceTime": "none"})
