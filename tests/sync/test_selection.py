"""Which flows a pass runs (ERPSIM_SYNC_FLOWS, as a harness passes a scenario's flows) and the exception-queue file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync.config import ConfigError, SyncConfig
from sync.engine import Engine
from sync.flows import CONCERNS, FLOW_CLASSES, all_flows

NETSUITE = {
    "ERPSIM_NETSUITE_URL": "http://127.0.0.1:9",
    "ERPSIM_NETSUITE_ACCOUNT": "1",
    "ERPSIM_NETSUITE_CONSUMER_KEY": "a",
    "ERPSIM_NETSUITE_CONSUMER_SECRET": "b",
    "ERPSIM_NETSUITE_TOKEN_ID": "c",
    "ERPSIM_NETSUITE_TOKEN_SECRET": "d",
}
WMS = {"ERPSIM_WMS_URL": "http://127.0.0.1:9", "ERPSIM_WMS_API_KEY": "k"}


def _engine(tmp_path: Path, **env: str) -> Engine:
    return Engine(
        SyncConfig.from_env({**NETSUITE, **WMS, "ERPSIM_STATE_DIR": str(tmp_path / "state"), **env})
    )


def test_every_flow_is_registered_under_its_own_name_in_pass_order() -> None:
    flows = all_flows()
    assert [f.name for f in flows] == list(FLOW_CLASSES)
    assert not set(CONCERNS) & set(FLOW_CLASSES)


def test_only_the_named_flows_run_in_pass_order_and_concerns_select_none(tmp_path: Path) -> None:
    engine = _engine(tmp_path, ERPSIM_SYNC_FLOWS="despatch-to-netsuite, periods,orders-to-wms")
    try:
        assert [f.name for f in engine.flows] == ["orders-to-wms", "despatch-to-netsuite"]
    finally:
        engine.close()


def test_a_list_of_concerns_only_runs_every_enabled_flow(tmp_path: Path) -> None:
    engine = _engine(tmp_path, ERPSIM_SYNC_FLOWS="periods")
    try:
        # netsuite + wms configured: the order-to-warehouse flows and items (the others need QMS, POS or AP)
        assert [f.name for f in engine.flows] == [
            "items",
            "orders-to-wms",
            "cancellations",
            "despatch-to-netsuite",
            "inventory",
        ]
    finally:
        engine.close()


def test_a_named_flow_whose_system_is_not_configured_does_not_run(tmp_path: Path) -> None:
    engine = _engine(tmp_path, ERPSIM_SYNC_FLOWS="orders-to-wms,pos-sales")
    try:
        assert [f.name for f in engine.flows] == ["orders-to-wms"]
    finally:
        engine.close()


def test_an_unknown_flow_name_is_a_one_line_error_listing_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        _engine(tmp_path, ERPSIM_SYNC_FLOWS="orders-to-wms,shipping")
    assert str(err.value) == (
        "ERPSIM_SYNC_FLOWS: unknown flow(s) shipping (known: "
        + ", ".join(sorted([*FLOW_CLASSES, "periods"]))
        + ")"
    )


def test_the_exception_queue_is_mirrored_to_a_json_file_after_every_change(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    queue = tmp_path / "state" / "exceptions.json"
    try:
        assert json.loads(queue.read_text()) == []  # written at start: the mirror never lags the store
        engine.state.park(
            key="k1",
            category="unknown_sku",
            flow="orders-to-wms",
            summary="SKU X unknown",
            records={"sku": "X"},
            error={"status": 400},
        )
        engine.state.park(key="k2", category="closed_period", flow="despatch-to-netsuite", summary="Jan 2026")
        engine.state.park(
            key="k1", category="unknown_sku", flow="orders-to-wms", summary="SKU X still unknown"
        )
        mirrored = json.loads(queue.read_text())
        assert mirrored == [e.as_dict() for e in engine.state.exceptions()]
        assert [(e["category"], e["summary"], e["occurrences"], e["records"]) for e in mirrored] == [
            ("unknown_sku", "SKU X still unknown", 2, {"sku": "X"}),
            ("closed_period", "Jan 2026", 1, {}),
        ]
        engine.state.resolve_exception("k1")
        assert [e["category"] for e in json.loads(queue.read_text())] == ["closed_period"]
        assert [
            p.name for p in queue.parent.iterdir() if p.name.startswith(".")
        ] == []  # no temporary file left
    finally:
        engine.close()


def test_the_queue_file_can_be_named_or_switched_off(tmp_path: Path) -> None:
    named = _engine(tmp_path / "a", ERPSIM_SYNC_EXCEPTIONS_FILE=str(tmp_path / "queue.json"))
    off = _engine(tmp_path / "b", ERPSIM_SYNC_EXCEPTIONS_FILE="")
    try:
        named.state.park(key="k", category="drift", flow="inventory", summary="WMS 3, NetSuite 2")
        off.state.park(key="k", category="drift", flow="inventory", summary="WMS 3, NetSuite 2")
        assert [e["summary"] for e in json.loads((tmp_path / "queue.json").read_text())] == [
            "WMS 3, NetSuite 2"
        ]
        assert not (tmp_path / "b" / "state" / "exceptions.json").exists()
    finally:
        named.close()
        off.close()
