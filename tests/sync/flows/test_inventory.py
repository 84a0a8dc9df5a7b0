"""The inventory flow's sources: WMS webhooks recorded once, POS sales and refunds in both ledger modes."""

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
    SKUS,
    daemon_engine,
    engine_adjustments,
    engine_at,
    engine_env,
    exceptions_of,
    on_hand,
    seed_pos,
    seed_stock,
)


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
            parked = [e["records"] for e in exceptions_of(engine, "unknown_sku")]
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
                assert exceptions_of(engine, "unknown_sku") == []  # resolved once the movement went through


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
