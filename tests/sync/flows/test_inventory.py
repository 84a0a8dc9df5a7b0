"""The inventory flow end to end: WMS movements -> batched NetSuite adjustments, reconciliation, drift, mutants."""

from __future__ import annotations

import hashlib
import hmac
import json
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import select

from sync.config import SyncConfig
from sync.daemon import Daemon
from sync.engine import Engine
from sync.state import InboxEvent
from tests.sync.conftest import World
from tests.sync.flows.stockworld import (
    daemon_engine,
    engine_adjustments,
    engine_at,
    engine_env,
    on_hand,
    seed_pos,
    seed_stock,
)

SKUS = ["SKU-A", "SKU-B", "SKU-C"]


def _once(make_engine: Any, **settings: str) -> Engine:
    engine: Engine = make_engine(systems="netsuite,wms", **settings)
    return engine


def _exceptions(engine: Engine, category: str) -> list[dict[str, Any]]:
    return [e.as_dict() for e in engine.state.exceptions(category)]


def test_once_mode_reconciliation_loads_wms_stock_then_follows_its_movements(
    fresh: World, make_engine: Any
) -> None:
    w = seed_stock(fresh, SKUS, {"SKU-A": 10, "SKU-B": 5})
    engine = _once(make_engine)
    first = engine.run_pass()
    assert first.completed, first.failures
    assert on_hand(engine, w.warehouse_location) == {"SKU-A": 10, "SKU-B": 5}
    assert engine_adjustments(engine) == [
        [("SKU-A", w.warehouse_location, 10.0), ("SKU-B", w.warehouse_location, 5.0)]
    ]
    assert first.stats.counts["inventory"]["level_synced"] == 2
    assert _exceptions(engine, "drift") == []
    fresh.act(
        "wms",
        "adjust_stock",
        {"sku": "SKU-A", "reasonCode": "DAMAGED", "quantity": -2, "warehouseId": w.wms_warehouse},
    )
    fresh.act(
        "wms",
        "adjust_stock",
        {"sku": "SKU-C", "reasonCode": "FOUND", "quantity": 4, "warehouseId": w.wms_warehouse},
    )
    second = engine.run_pass()
    assert second.completed, second.failures
    assert on_hand(engine, w.warehouse_location) == {"SKU-A": 8, "SKU-B": 5, "SKU-C": 4}
    assert engine_adjustments(engine)[1:] == [
        [("SKU-A", w.warehouse_location, -2.0), ("SKU-C", w.warehouse_location, 4.0)]
    ]
    assert _exceptions(engine, "drift") == []
    # nothing new: nothing changes anywhere
    third = engine.run_pass()
    assert third.completed
    assert len(engine_adjustments(engine)) == 2
    assert third.stats.counts == {}


def test_netsuite_changed_behind_the_engine_is_drift_repaired_and_reported(
    fresh: World, make_engine: Any
) -> None:
    w = seed_stock(fresh, SKUS, {"SKU-A": 10})
    engine = _once(make_engine)
    assert engine.run_pass().completed
    fresh.act(
        "netsuite",
        "adjust_inventory",
        {"item": int(w.items["SKU-A"]), "location": int(w.warehouse_location), "adjustQtyBy": 3},
    )
    result = engine.run_pass()
    assert result.completed
    assert result.stats.counts["inventory"]["drift"] == 1
    assert on_hand(engine, w.warehouse_location) == {"SKU-A": 10}
    [drift] = _exceptions(engine, "drift")
    assert drift["records"] == {
        "sku": "SKU-A",
        "item": w.items["SKU-A"],
        "location": w.warehouse_location,
        "wms": 10.0,
        "netsuite": 13.0,
        "pending": 0.0,
        "adjustment": -3.0,
        "repair": 2,
    }
    assert drift["summary"] == (
        f"stock drift on SKU SKU-A at NetSuite location {w.warehouse_location}: WMS 10, "
        "NetSuite 13; repaired with an adjustment of -3"
    )
    assert engine_adjustments(engine)[-1] == [("SKU-A", w.warehouse_location, -3.0)]


def test_an_item_renamed_in_netsuite_before_the_first_sync_keeps_its_wms_stock(
    fresh: World, make_engine: Any
) -> None:
    # NetSuite's SKU-A becomes SKU-A2; the WMS product still has SKU-A and its externalId (the internal id)
    w = seed_stock(fresh, SKUS, {"SKU-A": 10, "SKU-B": 5})
    for sku, qty in (("SKU-A", 10), ("SKU-B", 5)):  # NetSuite's opening stock equals the WMS's
        fresh.act(
            "netsuite",
            "adjust_inventory",
            {"item": int(w.items[sku]), "location": int(w.warehouse_location), "adjustQtyBy": qty},
        )
    fresh.act("netsuite", "rename_item_sku", {"id": w.items["SKU-A"], "itemId": "SKU-A2"})
    engine = _once(make_engine, flows="inventory")  # no items flow: nothing corrects the WMS item master
    assert engine.run_pass().completed
    # matched by externalId: nothing to repair (by SKU, SKU-A2 was written down to 0 and SKU-A was unknown)
    assert on_hand(engine, w.warehouse_location) == {"SKU-A2": 10, "SKU-B": 5}
    assert engine_adjustments(engine) == [] and _exceptions(engine, "unknown_sku") == []
    fresh.act(
        "wms",
        "adjust_stock",
        {"sku": "SKU-A", "reasonCode": "DAMAGED", "quantity": -3, "warehouseId": w.wms_warehouse},
    )
    second = engine.run_pass()
    assert second.completed, second.failures
    assert on_hand(engine, w.warehouse_location) == {"SKU-A2": 7, "SKU-B": 5}
    assert engine_adjustments(engine) == [[("SKU-A2", w.warehouse_location, -3.0)]]
    assert _exceptions(engine, "drift") == [] and _exceptions(engine, "unknown_sku") == []


def test_a_movement_under_the_old_sku_is_booked_after_the_wms_sku_is_corrected(
    fresh: World, make_engine: Any
) -> None:
    # the items flow corrects the WMS product SKU-A to SKU-A2 (seeds/003) in the pass that then reads a damage the
    # floor booked under SKU-A before the correction: the WMS keeps that movement's old code, the id map knows it
    w = seed_stock(fresh, SKUS, {"SKU-A": 10, "SKU-B": 5})
    for sku, qty in (("SKU-A", 10), ("SKU-B", 5)):
        fresh.act(
            "netsuite",
            "adjust_inventory",
            {"item": int(w.items[sku]), "location": int(w.warehouse_location), "adjustQtyBy": qty},
        )
    engine = _once(make_engine, flows="items,inventory")
    assert engine.run_pass().completed
    fresh.control("netsuite", "POST", "clock", {"advance": 120})
    fresh.act("netsuite", "rename_item_sku", {"id": w.items["SKU-A"], "itemId": "SKU-A2"})
    fresh.act(
        "wms",
        "adjust_stock",
        {"sku": "SKU-A", "reasonCode": "DAMAGED", "quantity": -3, "warehouseId": w.wms_warehouse},
    )
    result = engine.run_pass()
    assert result.completed, result.failures
    assert [
        p["sku"]
        for p in fresh.state("wms", "wms_products")["wms_products"]
        if p["external_id"] == w.items["SKU-A"]
    ] == ["SKU-A2"]
    assert on_hand(engine, w.warehouse_location) == {"SKU-A2": 7, "SKU-B": 5}
    assert engine_adjustments(engine) == [[("SKU-A2", w.warehouse_location, -3.0)]]
    assert engine.state.exceptions() == []


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


def test_duplicate_deliveries_count_once_and_the_mutant_double_counts(fresh: World, tmp_path: Path) -> None:
    for mutant, expected in (("", 47.0), ("no-webhook-dedupe", 44.0)):
        fresh.reset()
        w = seed_stock(fresh, SKUS, {"SKU-A": 50})
        with daemon_engine(
            fresh, tmp_path / (mutant or "safe"), systems="netsuite,wms", mutant=mutant
        ) as engine:
            assert engine.run_pass().completed
            fresh.control(
                "wms",
                "PUT",
                "faults",
                {"seed": 1, "rules": [{"kind": "duplicate", "event": "stock.changed"}]},
            )
            fresh.act(
                "wms",
                "adjust_stock",
                {"sku": "SKU-A", "reasonCode": "DAMAGED", "quantity": -3, "warehouseId": w.wms_warehouse},
            )
            fresh.deliver_webhooks()
            assert engine.run_pass().completed
            assert on_hand(engine, w.warehouse_location) == {"SKU-A": expected}, mutant


def test_reordered_events_sum_correctly_and_the_level_mutant_does_not(fresh: World, tmp_path: Path) -> None:
    for mutant, expected in (("", 45.0), ("no-reorder-tolerance", 50.0)):
        fresh.reset()
        w = seed_stock(fresh, SKUS, {"SKU-A": 50})
        with daemon_engine(
            fresh, tmp_path / (mutant or "safe"), systems="netsuite,wms", mutant=mutant
        ) as engine:
            assert engine.run_pass().completed
            fresh.control(
                "wms",
                "PUT",
                "faults",
                {"seed": 1, "rules": [{"kind": "reorder", "event": "stock.changed", "nth": 1}]},
            )
            for qty in (-1, -4):
                fresh.act(
                    "wms",
                    "adjust_stock",
                    {
                        "sku": "SKU-A",
                        "reasonCode": "DAMAGED",
                        "quantity": qty,
                        "warehouseId": w.wms_warehouse,
                    },
                )
            fresh.deliver_webhooks()
            assert engine.run_pass().completed
            assert on_hand(engine, w.warehouse_location) == {"SKU-A": expected}, mutant


def test_unknown_sku_waits_in_the_exception_queue_and_the_mutant_forgets_it(
    fresh: World, tmp_path: Path
) -> None:
    for mutant in ("", "no-sku-check"):
        fresh.reset()
        w = seed_stock(fresh, SKUS, {"SKU-A": 5})
        fresh.control(
            "wms",
            "POST",
            "seed",
            {"records": {"skus": [{"sku": "NEW-1", "externalId": "x1", "name": "New"}]}},
        )
        with daemon_engine(
            fresh, tmp_path / (mutant or "safe"), systems="netsuite,wms", mutant=mutant
        ) as engine:
            assert engine.run_pass().completed
            fresh.act(
                "wms",
                "adjust_stock",
                {"sku": "NEW-1", "reasonCode": "FOUND", "quantity": 7, "warehouseId": w.wms_warehouse},
            )
            fresh.deliver_webhooks()
            assert engine.run_pass().completed
            parked = [e["records"] for e in _exceptions(engine, "unknown_sku")]
            fresh.control(
                "netsuite",
                "POST",
                "seed",
                {
                    "records": {
                        "baseline": False,
                        "inventoryItem": [
                            {"itemId": "NEW-1", "subsidiary": {"items": [{"id": w.subsidiary}]}}
                        ],
                    }
                },
            )
            assert engine.run_pass().completed
            if mutant:
                assert parked == []
                assert on_hand(engine, w.warehouse_location) == {"SKU-A": 5}
            else:
                assert parked == [{"sku": "NEW-1", "location": f"wms:{w.wms_warehouse}"}]
                assert on_hand(engine, w.warehouse_location) == {"SKU-A": 5, "NEW-1": 7}
                assert _exceptions(engine, "unknown_sku") == []  # resolved once the movement went through


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
        [refused] = _exceptions(engine, "rejected_posting")
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
        [parked] = _exceptions(engine, "closed_period")
        assert parked["records"]["day"] == "2026-01-05"
        assert on_hand(engine, w.warehouse_location) == {"SKU-A": 5}
        fresh.act("netsuite", "reopen_period", {"periodName": "Jan 2026"})
        assert engine.run_pass().completed
        assert on_hand(engine, w.warehouse_location) == {"SKU-A": 7}
        assert _exceptions(engine, "closed_period") == []


def test_location_map_setting_overrides_the_default(fresh: World, make_engine: Any) -> None:
    w = seed_stock(fresh, SKUS, {"SKU-A": 4}, extra_locations=[{"name": "Bradford", "externalId": "BRD"}])
    engine = _once(make_engine, location_map=json.dumps({"wms:WH01": w.locations["BRD"]}))
    assert engine.run_pass().completed
    assert on_hand(engine, w.warehouse_location) == {}
    assert on_hand(engine, w.locations["BRD"]) == {"SKU-A": 4}


def test_despatches_not_yet_fulfilled_in_netsuite_are_left_out_of_the_reconciliation(
    fresh: World, make_engine: Any
) -> None:
    w = seed_stock(fresh, SKUS, {"SKU-A": 10})
    engine = _once(make_engine)
    assert engine.run_pass().completed
    scope = {"id": w.subsidiary}
    made = fresh.control(
        "netsuite",
        "POST",
        "seed",
        {"records": {"baseline": False, "customer": [{"companyName": "Acme", "subsidiary": scope}]}},
    )
    so = fresh.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "salesOrder": [
                    {
                        "entity": {"id": str(made["customer"][0])},
                        "orderStatus": "B",
                        "externalId": "SO-77",
                        "item": {
                            "items": [
                                {
                                    "item": {"id": w.items["SKU-A"]},
                                    "quantity": 2,
                                    "location": {"id": w.warehouse_location},
                                }
                            ]
                        },
                    }
                ],
            }
        },
    )["salesOrder"][0]
    fresh.control(
        "wms",
        "POST",
        "seed",
        {
            "records": {
                "orders": [
                    {
                        "clientReference": "SO-77",
                        "externalId": str(so),
                        "warehouseId": w.wms_warehouse,
                        "shipTo": {"name": "Ada", "address1": "1 High St", "city": "Leeds", "country": "GB"},
                        "lines": [{"sku": "SKU-A", "quantity": 2}],
                    }
                ]
            }
        },
    )
    for action in ("release", "pick", "pack"):
        fresh.act("wms", action, {"order": "SO-77"})
    fresh.act("wms", "despatch", {"order": "SO-77", "carrier": "DPD", "trackingNumber": "T1"})
    result = engine.run_pass()  # the WMS has 8, NetSuite 10 until the fulfilment is posted: not drift
    assert result.completed
    assert on_hand(engine, w.warehouse_location) == {"SKU-A": 10}
    assert _exceptions(engine, "drift") == []
    fresh.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "transforms": [{"from": "salesOrder", "to": "itemFulfillment", "id": so}],
            }
        },
    )
    again = engine.run_pass()
    assert again.completed
    assert on_hand(engine, w.warehouse_location) == {"SKU-A": 8}
    assert len(engine_adjustments(engine)) == 1
    assert _exceptions(engine, "drift") == []


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
            throttled = [e for e in _exceptions(engine, "rejected_posting") if e["error"]["status"] == 429]
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


def test_pos_sales_and_refunds_are_coalesced_into_adjustments_in_daily_summary_mode(
    fresh: World, tmp_path: Path
) -> None:
    for mutant in ("", "no-restock-on-refund"):
        fresh.reset()
        p = seed_pos(fresh, netsuite_stock={"SKU-A": 10, "SKU-C": 10})
        first = fresh.act(
            "pos",
            "ring_sale",
            {"registerid": p.register, "lines": [{"sku": "SKU-A", "quantity": 2}], "payment": "Card"},
        )
        fresh.act(
            "pos",
            "ring_sale",
            {
                "registerid": p.register,
                "lines": [{"sku": "SKU-A", "quantity": 1}, {"sku": "SKU-C", "quantity": 1}],
            },
        )
        fresh.act(
            "pos",
            "refund",
            {
                "orderid": first["orderid"],
                "lines": [{"sku": "SKU-A", "quantity": 1}],
                "reasoncode": "damaged",
            },
        )
        with closing(
            engine_at(
                fresh,
                tmp_path / (mutant or "safe"),
                systems="netsuite,pos",
                flows="inventory",
                ledger_mode="daily-summary",
                mutant=mutant,
            )
        ) as engine:
            result = engine.run_pass()
            assert result.completed, result.failures
            expected = [("SKU-A", p.store_location, -3.0), ("SKU-C", p.store_location, -1.0)]
            if not mutant:
                expected.append(("SKU-A", p.quarantine_location, 1.0))
            assert engine_adjustments(engine) == [expected], mutant
            assert on_hand(engine, p.store_location) == {"SKU-A": 7, "SKU-C": 9}
            assert engine.run_pass().stats.counts == {}


def test_in_cash_sale_mode_the_cash_sale_moves_the_stock_and_the_flow_never_posts_it_again(
    fresh: World, tmp_path: Path
) -> None:
    p = seed_pos(fresh, netsuite_stock={"SKU-A": 10})
    fresh.act(
        "pos",
        "ring_sale",
        {"registerid": p.register, "lines": [{"sku": "SKU-A", "quantity": 4}], "payment": "Card"},
    )
    with closing(
        engine_at(fresh, tmp_path / "s", systems="netsuite,pos", flows="pos-sales,inventory")
    ) as engine:
        assert engine.run_pass().completed
        assert engine.run_pass().completed
        assert on_hand(engine, p.store_location) == {"SKU-A": 6}
        assert engine_adjustments(engine) == []


def test_events_no_flow_records_only_wake_the_daemon(fresh: World, tmp_path: Path) -> None:
    w = seed_stock(fresh, SKUS, {"SKU-A": 50})
    engine = Engine(
        SyncConfig.from_env(engine_env(fresh, tmp_path / "s", systems="netsuite,wms")), daemon=True
    )
    daemon = Daemon(engine)
    try:

        def deliver(*events: dict[str, Any]) -> int:
            body = json.dumps(list(events)).encode()
            signature = "sha256=" + hmac.new(daemon.secret.encode(), body, hashlib.sha256).hexdigest()
            daemon.wake.clear()
            status = daemon.receive("wms", {"X-WMS-Signature": signature}, body)
            assert daemon.wake.is_set()
            return status

        def change(event_id: str, cause: str, delta: float) -> dict[str, Any]:
            return {
                "id": event_id,
                "type": "stock.changed",
                "createdAt": "2026-01-05T09:00:00Z",
                "data": {
                    "sku": "SKU-A",
                    "warehouseId": w.wms_warehouse,
                    "cause": cause,
                    "onHandDelta": delta,
                    "onHand": 50,
                },
            }

        def recorded() -> tuple[list[str], list[tuple[str, float]]]:
            with engine.state.tx() as s:
                inbox = sorted(s.scalars(select(InboxEvent.event_id)))
            return inbox, [(d.source_key, d.quantity) for d in engine.state.unbatched_deltas()]

        # An allocation, a zero change and another flow's event type: acknowledged, nothing written.
        assert (
            deliver(
                change("e1", "ALLOCATE", -2),
                change("e2", "COUNT", 0),
                {"id": "e3", "type": "order.despatched", "data": {"clientReference": "not-ours"}},
            )
            == 200
        )
        assert recorded() == ([], [])
        # A movement is recorded once, however often it is delivered.
        assert deliver(change("e4", "DAMAGED", -3), change("e1", "ALLOCATE", -2)) == 200
        assert deliver(change("e4", "DAMAGED", -3)) == 200
        assert recorded() == (["e4"], [("wms:e4", -3.0)])
    finally:
        daemon.server.server_close()
        engine.close()
