"""The stock invariant on small hand-made worlds: NetSuite's stock against the WMS's and the tills'."""

from __future__ import annotations

from typing import Any

from harness.invariants import Context, check
from harness.refs import RefMap

from .invariant_worlds import TENT, _ctx, _messages


def test_stock_agrees() -> None:
    refs = RefMap()
    refs.add("MAIN", "location", netsuite=1, wms=1)
    refs.add("TENT", "item", netsuite=TENT, physical=True, wms_sku="TENT")
    ctx = _ctx(refs=refs, extra={"wms": {"wms_stock": [{"sku": "TENT", "warehouse_id": 1, "on_hand": 7}]}})
    ctx.state["netsuite"]["inventory"] = [{"item": TENT, "location": 1, "lot": 0, "bin": 0, "onHand": 9.0}]
    assert _messages("stock_agrees", ctx) == ["TENT at MAIN: NetSuite has 9 on hand, the WMS 7"]
    assert check("stock_agrees", _ctx()).note == "the world mirrors no item at any location"


def _pos_world(level: int, pushed: int | None) -> Context:
    """A store (POS warehouse 3 = NetSuite location 2) holding MUG; ``pushed``: a connector push of that many."""
    refs = RefMap()
    refs.add("STORE", "location", netsuite=2, pos=3)
    refs.add("MUG", "item", netsuite=TENT, physical=True, pos_sku="MUG")
    txs = [{"warehousetransactionid": 1, "warehouseid": 3}, {"warehousetransactionid": 2, "warehouseid": 3}]
    rows = [{"warehousetransactionid": 1, "sku": "MUG", "quantity_milli": 10_000}]
    journal: list[dict[str, Any]] = []
    if pushed is not None:
        rows.append({"warehousetransactionid": 2, "sku": "MUG", "quantity_milli": pushed * 1000})
        journal = [
            {
                "method": "POST",
                "path": "/v2/accounts/1/sites/1/warehousetransactions.json",
                "status": 200,
                "response_body": '[{"statuscode":200,"return":2}]',
            }
        ]
    pos = {
        "pos_warehouse_items": [{"warehouseid": 3, "sku": "MUG", "total_milli": level * 1000}],
        "pos_warehouse_transactions": txs,
        "pos_warehouse_transaction_items": rows,
    }
    ctx = _ctx(refs=refs, extra={"pos": pos})
    ctx.state["netsuite"]["inventory"] = [{"item": TENT, "location": 2, "lot": 0, "bin": 0, "onHand": 8.0}]
    ctx.journals["pos"] = journal
    return ctx


def test_stock_agrees_sees_through_the_connector_pushing_its_own_figure_to_the_till() -> None:
    # sold 2, refunded 1 (the till has 9); NetSuite got a refund of quantity 0 (8) and the connector pushed -1
    assert _messages("stock_agrees", _pos_world(8, pushed=-1), systems=["pos"]) == [
        "MUG at STORE: NetSuite has 8 on hand, the store 9"
    ]
    assert _messages("stock_agrees", _pos_world(8, pushed=-1), systems=["pos"], store_pushes=True) == []
    assert _messages("stock_agrees", _pos_world(8, pushed=None), systems=["pos"]) == []
    assert _messages("stock_agrees", _pos_world(9, pushed=None), systems=["pos"]) == [
        "MUG at STORE: NetSuite has 8 on hand, the store 9"
    ]
