"""The engine's core: configuration errors, the mutant list, the state store, the CLI protocol."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sync.config import ConfigError, SyncConfig
from sync.safeguards import MUTANTS, Safeguards, UnknownMutant
from sync.state import StateStore

ROOT = Path(__file__).resolve().parents[2]


def test_missing_netsuite_url_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="^ERPSIM_NETSUITE_URL is not set"):
        SyncConfig.from_env({})


def test_missing_credential_names_the_variable() -> None:
    env = {"ERPSIM_NETSUITE_URL": "http://127.0.0.1:1", "ERPSIM_NETSUITE_ACCOUNT": "1"}
    with pytest.raises(ConfigError, match="^ERPSIM_NETSUITE_CONSUMER_KEY is not set"):
        SyncConfig.from_env(env)


def test_bad_number_and_choice_are_one_line_errors() -> None:
    base = {
        "ERPSIM_NETSUITE_URL": "http://127.0.0.1:1",
        "ERPSIM_NETSUITE_ACCOUNT": "1",
        "ERPSIM_NETSUITE_CONSUMER_KEY": "a",
        "ERPSIM_NETSUITE_CONSUMER_SECRET": "b",
        "ERPSIM_NETSUITE_TOKEN_ID": "c",
        "ERPSIM_NETSUITE_TOKEN_SECRET": "d",
    }
    with pytest.raises(ConfigError, match="ERPSIM_SYNC_RETRIES='x' is not an integer"):
        SyncConfig.from_env({**base, "ERPSIM_SYNC_RETRIES": "x"})
    with pytest.raises(
        ConfigError, match="ERPSIM_SYNC_CLOSED_PERIOD='later' must be one of exception, first-open"
    ):
        SyncConfig.from_env({**base, "ERPSIM_SYNC_CLOSED_PERIOD": "later"})
    config = SyncConfig.from_env(base)
    assert list(config.systems) == ["netsuite"]
    assert config.systems["netsuite"].credentials["account"] == "1"


def test_mutants_are_declared_once_and_unknown_ones_refused() -> None:
    assert len(MUTANTS) >= 10
    assert Safeguards().on("no-cancel-check")
    assert Safeguards("no-cancel-check").off("no-cancel-check")
    assert Safeguards("no-cancel-check").on("no-retry")
    with pytest.raises(UnknownMutant):
        Safeguards("no-such-thing")


def test_cli_lists_mutants_one_per_line_and_refuses_bad_config(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ERPSIM_")}
    out = subprocess.run(
        [sys.executable, "-m", "harness.cli", "sync", "--list-mutants"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0
    lines = out.stdout.strip().splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == list(MUTANTS)
    bad = subprocess.run(
        [sys.executable, "-m", "sync", "--once"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "erpsim sync: ERPSIM_NETSUITE_URL is not set: the engine syncs systems with NetSuite (run `erpsim up` and "
        "export the variables it prints)"
    ]


def test_state_store_outbox_and_exceptions_survive_reopening(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = StateStore(url)
    with store.tx() as s:
        assert store.enqueue(s, "orders-to-wms", "so:1", {"id": "1"})
        assert not store.enqueue(s, "orders-to-wms", "so:1", {"id": "1"})
        store.set_cursor(s, "orders", "2026-01-05")
    assert store.park(
        key="k1", category="sku_mismatch", flow="items", summary="SKU X unknown", records={"sku": "X"}
    )
    assert not store.park(key="k1", category="sku_mismatch", flow="items", summary="SKU X unknown")
    store.close()
    again = StateStore(url)
    assert again.pending("orders-to-wms") == [("so:1", {"id": "1"})]
    assert again.cursor("orders") == "2026-01-05"
    [entry] = again.exceptions()
    assert (entry.category, entry.records, entry.occurrences) == ("sku_mismatch", {"sku": "X"}, 2)
    again.finish("so:1", result={"wms": 7})
    assert again.pending("orders-to-wms") == []
    assert again.result("so:1") == {"wms": 7}
    again.close()


def test_the_no_durable_outbox_mutant_keeps_new_work_in_memory_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = StateStore(url, volatile_outbox=True)
    with store.tx() as s:
        assert store.enqueue(s, "despatch-to-netsuite", "despatch:NS-SO-1", {"ref": "NS-SO-1"})
        assert not store.enqueue(s, "despatch-to-netsuite", "despatch:NS-SO-1", {"ref": "NS-SO-1"})
        store.requeue(s, "orders-to-wms", "wms-order:2:1", {"so": "2"})
        store.set_cursor(s, "despatch:updated", "2026-01-05T10:00:00Z")
    assert store.pending("despatch-to-netsuite") == [("despatch:NS-SO-1", {"ref": "NS-SO-1"})]
    assert store.pending("orders-to-wms") == [("wms-order:2:1", {"so": "2"})]
    store.finish("wms-order:2:1", result={"wmsId": 9})
    assert store.pending("orders-to-wms") == []
    store.close()
    restarted = StateStore(url, volatile_outbox=True)  # a crash before the despatch was written: it is lost
    assert restarted.pending("despatch-to-netsuite") == []
    assert restarted.outbox_status("despatch:NS-SO-1") == "done"
    assert restarted.cursor("despatch:updated") == "2026-01-05T10:00:00Z"
    restarted.close()
