"""WMS despatch -> exactly one NetSuite item fulfilment (shipped quantities, lots, tracking), over real HTTP."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from typing import Any

import requests

from sync.daemon import Daemon
from tests.sync.chaos import journal_mark, writes_since
from tests.sync.flows.conftest import OrderWorld, wms_stock

FLOWS = {"systems": "netsuite,wms,qms", "flows": "items,orders-to-wms,despatch-to-netsuite"}


def _shipped(
    shop: OrderWorld,
    make_engine: Any,
    lines: list[tuple[str, float]],
    *,
    short: int | None = None,
    **settings: str,
) -> tuple[str, Any]:
    """An order sent, picked (optionally WAX picked short to ``short``), packed and despatched in the WMS."""
    so = shop.sales_order(lines)
    engine = make_engine(**{**FLOWS, **settings})
    assert engine.run_pass().completed
    wms_stock(shop.world, {"BOOT-42": 20, "WAX-200": 20, "SOCK-3P": 20})
    [reference] = [o["client_reference"] for o in shop.wms("wms_orders") if o["external_id"] == so]
    shop.floor(reference, "release", "pick")
    if short is not None:
        shop.world.act("wms", "short_pick", {"order": reference, "sku": "WAX-200", "quantityPicked": short})
    shop.floor(reference, "pack", "despatch", tracking="1Z999")
    return so, engine


def _fulfilments(shop: OrderWorld, so: str) -> list[dict[str, Any]]:
    return [
        {"id": str(r["id"]), **r["body"]}
        for r in shop.ns_records("itemFulfillment")
        if r["body"]["createdFrom"]["id"] == so
    ]


def _lines(fulfilment: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (
            ln["orderLine"],
            ln["item"]["id"],
            ln["quantity"],
            [
                (a["issueInventoryNumber"], a["quantity"])
                for a in (ln.get("inventoryDetail") or {}).get("inventoryAssignment", [])
            ],
        )
        for ln in fulfilment["item"]
    ]


def _lot_ids(shop: OrderWorld) -> dict[str, str]:
    return {r["body"]["inventoryNumber"]: str(r["id"]) for r in shop.ns_records("inventoryNumber")}


def test_a_despatch_becomes_one_shipped_fulfilment_with_lots_and_tracking(
    shop: OrderWorld, make_engine: Any
) -> None:
    so, engine = _shipped(shop, make_engine, [("BOOT", 2), ("EBOOK", 1), ("WAX", 12)])
    result = engine.run_pass()
    assert result.completed and result.stats.counts["despatch-to-netsuite"] == {"queued": 1, "fulfilled": 1}
    [fulfilment] = _fulfilments(shop, so)
    lots = _lot_ids(shop)
    assert (fulfilment["externalId"], fulfilment["shipStatus"], fulfilment["tranDate"]) == (
        f"WMS-NS-SO-{so}",
        "C",
        "2026-01-05",
    )
    # first expiry first out: WAX-B (March) before WAX-A (June)
    assert _lines(fulfilment) == [
        (1, shop.ids["BOOT"], 2.0, []),
        (3, shop.ids["WAX"], 12.0, [(lots["WAX-B"], 10.0), (lots["WAX-A"], 2.0)]),
    ]
    assert [(p["packageTrackingNumber"], p["packageDescr"]) for p in fulfilment["package"]] == [
        ("1Z999", "DHL")
    ]
    assert (
        shop.ns_record("salesOrder", so)["status"] == "F"
    )  # pending billing: the download needs no fulfilment
    stock = {(r["item"], r["lot"]): r["onHand"] for r in shop.world.state("netsuite")["inventory"]}
    assert stock[(int(shop.ids["WAX"]), int(lots["WAX-B"]))] == 0.0
    assert stock[(int(shop.ids["WAX"]), int(lots["WAX-A"]))] == 4.0
    assert engine.state.mapped("netsuite", "fulfillment", f"NS-SO-{so}") == fulfilment["id"]
    assert engine.state.mapped("wms", "open-order", so) is None  # off the cancellation watch list
    mark = journal_mark(shop.world)
    assert make_engine(**FLOWS).run_pass().completed
    assert writes_since(shop.world, mark) == []


def test_a_short_pick_fulfils_what_shipped_and_leaves_the_rest_open(
    shop: OrderWorld, make_engine: Any
) -> None:
    so, engine = _shipped(shop, make_engine, [("BOOT", 1), ("WAX", 8)], short=5)
    assert engine.run_pass().completed
    [fulfilment] = _fulfilments(shop, so)
    lots = _lot_ids(shop)
    assert _lines(fulfilment) == [
        (1, shop.ids["BOOT"], 1.0, []),
        (2, shop.ids["WAX"], 5.0, [(lots["WAX-B"], 5.0)]),
    ]
    order = shop.ns_record("salesOrder", so)
    assert order["status"] == "E"
    assert [(ln["line"], ln["quantityFulfilled"]) for ln in order["item"]] == [(1, 1.0), (2, 5.0)]
    assert engine.state.exceptions() == []


def test_an_ambiguous_transform_still_makes_one_fulfilment(shop: OrderWorld, make_engine: Any) -> None:
    so, engine = _shipped(shop, make_engine, [("WAX", 8)], short=3)
    shop.world.control(
        "netsuite",
        "PUT",
        "faults",
        {"rules": [{"kind": "reset_after", "method": "POST", "path": "!transform", "times": 1}]},
    )
    assert engine.run_pass().completed
    [fulfilment] = _fulfilments(shop, so)
    assert fulfilment["item"][0]["quantity"] == 3.0
    assert shop.ns_record("salesOrder", so)["item"][0]["quantityFulfilled"] == 3.0


def test_without_natural_keys_an_ambiguous_transform_fulfils_twice(
    shop: OrderWorld, make_engine: Any
) -> None:
    so, engine = _shipped(shop, make_engine, [("WAX", 8)], short=3, mutant="no-idempotency")
    shop.world.control(
        "netsuite",
        "PUT",
        "faults",
        {"rules": [{"kind": "reset_after", "method": "POST", "path": "!transform", "times": 1}]},
    )
    assert engine.run_pass().completed
    assert [f["item"][0]["quantity"] for f in _fulfilments(shop, so)] == [3.0, 3.0]  # 6 fulfilled, 3 shipped
    assert shop.ns_record("salesOrder", so)["item"][0]["quantityFulfilled"] == 6.0


def test_a_despatch_in_a_closed_period_waits_for_it_to_reopen(shop: OrderWorld, make_engine: Any) -> None:
    so, engine = _shipped(shop, make_engine, [("BOOT", 1)])
    shop.world.act("netsuite", "close_period", {"periodName": "Jan 2026"})
    assert engine.run_pass().completed
    assert _fulfilments(shop, so) == []
    [entry] = engine.state.exceptions()
    assert (entry.category, entry.records["clientReference"]) == ("closed_period", f"NS-SO-{so}")
    assert entry.summary == (
        f"fulfilment of NS-SO-{so}: 2026-01-05 is in accounting period Jan 2026, which is closed"
    )
    shop.world.act("netsuite", "reopen_period", {"periodName": "Jan 2026"})
    assert engine.run_pass().completed
    assert len(_fulfilments(shop, so)) == 1
    assert engine.state.exceptions() == []


def test_a_despatched_line_that_is_not_the_orders_item_is_parked(
    shop: OrderWorld, make_engine: Any, tmp_path: Any
) -> None:
    so = shop.sales_order([("BOOT", 1), ("SOCK", 1)])
    make_engine(systems="netsuite,wms,qms", flows="items").run_pass()
    wms_stock(shop.world, {"BOOT-42": 5})
    wms = requests.Session()
    wms.headers["X-API-Key"] = shop.world.env["ERPSIM_WMS_API_KEY"]
    created = wms.post(
        f"{shop.world.url('wms')}/api/v1/orders",
        timeout=10,
        json={
            "clientReference": f"NS-SO-{so}",
            "externalId": so,
            "shipTo": {"name": "A", "address1": "1 St", "city": "Leeds", "country": "GB"},
            "lines": [
                {"sku": "BOOT-42", "quantity": 1, "externalLineId": "1"},
                {"sku": "BOOT-42", "quantity": 1, "externalLineId": "2"},
            ],
        },
    )  # line 2 is SOCK in NetSuite
    assert created.status_code == 201, created.text
    shop.floor(f"NS-SO-{so}", "release", "pick", "pack", "despatch")
    despatch_only = {"systems": "netsuite,wms", "flows": "despatch-to-netsuite"}

    naive = make_engine(mutant="no-sku-check", db=f"sqlite:///{tmp_path / 'naive.db'}", **despatch_only)
    assert naive.run_pass().completed
    [fulfilment] = _fulfilments(shop, so)  # the boot on line 1 only: the wrong line vanished unreported
    assert _lines(fulfilment) == [(1, shop.ids["BOOT"], 1.0, [])]
    assert naive.state.exceptions() == []

    engine = make_engine(**despatch_only)
    assert engine.run_pass().completed
    [entry] = engine.state.exceptions()
    assert (entry.category, entry.flow) == ("sku_mismatch", "despatch-to-netsuite")
    assert entry.summary == (
        f"despatch NS-SO-{so}: WMS line 2 shipped SKU BOOT-42, which is not the WMS SKU of "
        f"NetSuite item {shop.ids['SOCK']} on that sales-order line"
    )
    assert len(_fulfilments(shop, so)) == 1  # the careful engine wrote nothing


def test_the_despatch_webhook_is_verified_and_recorded(shop: OrderWorld, make_engine: Any) -> None:
    so = shop.sales_order([("BOOT", 1)])
    engine = make_engine(**FLOWS)
    assert engine.run_pass().completed
    daemon = Daemon(engine)
    thread = threading.Thread(target=daemon.server.serve_forever, daemon=True)
    thread.start()
    try:
        daemon.subscribe()
        [sub] = shop.world.control("wms", "GET", "webhooks")["subscriptions"]
        assert (sub["url"], sub["events"]) == (f"{daemon.url}/hooks/wms", ["order.despatched"])
        wms_stock(shop.world, {"BOOT-42": 3})
        shop.floor(f"NS-SO-{so}", "release", "pick", "pack", "despatch")
        forged = json.dumps({"id": "evt_x", "type": "order.despatched", "data": {}}).encode()
        bad = requests.post(
            f"{daemon.url}/hooks/wms",
            data=forged,
            timeout=5,
            headers={"X-WMS-Signature": "sha256=" + hmac.new(b"guess", forged, hashlib.sha256).hexdigest()},
        )
        assert bad.status_code == 401
        sent = shop.world.control("wms", "POST", "webhooks/deliver", {})["sent"]
        assert [s["status"] for s in sent] == [200]
        work = engine.state.work_of("despatch-to-netsuite")
        assert list(work) == [f"despatch:NS-SO-{so}"]
        status, payload = work[f"despatch:NS-SO-{so}"]
        assert (status, payload["tracking"], payload["lines"]) == (
            "pending",
            "TRK-1",
            [{"line": "1", "sku": "BOOT-42", "shipped": 1, "ordered": 1}],
        )
        assert engine.run_pass().completed
        [fulfilment] = _fulfilments(shop, so)
        assert fulfilment["externalId"] == f"WMS-NS-SO-{so}"
    finally:
        daemon.server.shutdown()
        daemon.server.server_close()
