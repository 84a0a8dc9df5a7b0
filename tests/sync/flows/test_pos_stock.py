"""pos-stock end to end: NetSuite availability pushed to the Sitoo store, never a stale overwrite of a sale."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

from sync.config import SyncConfig
from sync.engine import Engine
from sync.flows.pos_stock import PosStockFlow
from tests.sync.conftest import World
from tests.sync.flows.stockworld import engine_at, engine_env, on_hand, pos_levels, seed_pos


def test_netsuite_stock_is_pushed_as_move_in_and_move_out(fresh: World, make_engine: Any) -> None:
    w = seed_pos(fresh, netsuite_stock={"SKU-A": 10}, pos_stock={"SKU-A": 3, "SKU-B": 5})
    # a web order committed to the store: still on its shelves, so still in Sitoo's total
    customer = fresh.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "customer": [{"companyName": "Web shopper", "subsidiary": {"id": w.subsidiary}}],
            }
        },
    )["customer"][0]
    fresh.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "salesOrder": [
                    {
                        "entity": {"id": str(customer)},
                        "orderStatus": "B",
                        "item": {
                            "items": [
                                {
                                    "item": {"id": w.items["SKU-A"]},
                                    "quantity": 2,
                                    "location": {"id": w.store_location},
                                }
                            ]
                        },
                    }
                ],
            }
        },
    )
    fresh.act("pos", "create_local_product", {"sku": "LOCAL-1", "title": "Local", "moneyprice": "1.00"})
    fresh.act("pos", "adjust_stock", {"warehouseid": w.warehouse, "sku": "LOCAL-1", "quantity": "4.000"})
    engine: Engine = make_engine(systems="netsuite,pos", flows="pos-stock", ledger_mode="daily-summary")
    result = engine.run_pass()
    assert result.completed, result.failures
    assert pos_levels(engine, w.warehouse) == {"SKU-A": 10.0, "SKU-B": 0.0, "LOCAL-1": 4.0}
    assert engine.ctx.pos is not None
    pushed = [
        t
        for t in engine.ctx.pos.items(
            f"{engine.ctx.pos.site_root}/warehouses/{w.warehouse}/warehousetransactions.json"
        )
        if t["description"] == "erpsim sync: NetSuite stock"
    ]
    assert sorted(
        (t["transactiontype"], [(i["sku"], i["decimalquantity"]) for i in t["items"]]) for t in pushed
    ) == [(10, [("SKU-A", "7.000")]), (20, [("SKU-B", "-5.000")])]
    assert result.stats.counts["pos-stock"] == {"items_pushed": 2}
    again = engine.run_pass()
    assert again.stats.counts == {}


def test_a_sale_not_yet_in_netsuite_is_flushed_first_and_not_overwritten(
    fresh: World, make_engine: Any
) -> None:
    w = seed_pos(fresh, netsuite_stock={"SKU-A": 10}, pos_stock={"SKU-A": 10})
    fresh.act(
        "pos",
        "ring_sale",
        {"registerid": w.register, "lines": [{"sku": "SKU-A", "quantity": 3}], "payment": "Card"},
    )
    engine: Engine = make_engine(systems="netsuite,pos", flows="pos-stock", ledger_mode="daily-summary")
    result = engine.run_pass()
    assert result.completed, result.failures
    assert on_hand(engine, w.store_location) == {"SKU-A": 7}
    assert pos_levels(engine, w.warehouse) == {"SKU-A": 7.0}
    assert "pos-stock" not in result.stats.counts


def test_a_daemon_spreads_a_push_of_every_store_over_its_passes(fresh: World, tmp_path: Path) -> None:
    seed_pos(fresh)
    stores = [f"pos:{n}" for n in range(1, 6)]
    env = engine_env(
        fresh, tmp_path, systems="netsuite,pos", pos_stock_seconds="3600", pos_stock_stores_per_pass="2"
    )
    with closing(Engine(SyncConfig.from_env(env), daemon=True)) as engine:
        flow = PosStockFlow()
        picks = [flow.stores_this_pass(engine.ctx, stores) for _ in range(5)]
    # one push of the five stores, two per pass, then nothing until the next one is due (an hour here)
    assert picks == [["pos:1", "pos:2"], ["pos:3", "pos:4"], ["pos:5"], [], []]
    with closing(engine_at(fresh, tmp_path / "once", systems="netsuite,pos")) as once:
        assert flow.stores_this_pass(once.ctx, stores) == stores  # --once: every store, every pass
