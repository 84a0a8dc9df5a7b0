"""Seeding: faker worlds are reproducible from the seed; explicit records go through the same rules."""

from __future__ import annotations

from pathlib import Path

from harness.systems import SYSTEMS
from mocks.core.config import EmulatorConfig
from mocks.qms import credentials

from .conftest import QmsDriver, make_app

WORLD = {
    "seed": 7,
    "items": 5,
    "finished_goods": 2,
    "purchase_orders": 3,
    "received": 2,
    "runs": 2,
    "sales_orders": 3,
}


def test_faker_world_is_reproducible(tmp_path: Path) -> None:
    dumps = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        api = QmsDriver(make_app(tmp_path / name))
        dumps.append((api.reset(WORLD), api.state()))
    assert dumps[0] == dumps[1]
    seeded, state = dumps[0]
    assert len(seeded["seeded"]["items"]) == 7 and len(seeded["seeded"]["sales_orders"]) == 3
    assert [r["status"] for r in state["qms_production_runs"]] == ["COMPLETED", "COMPLETED"]
    assert {lot["status"] for lot in state["qms_lots"]} == {"RELEASED"}
    api = QmsDriver(make_app(tmp_path / "a"))
    other = api.reset({**WORLD, "seed": 8})
    assert other["seeded"]["items"] != seeded["seeded"]["items"]


def test_explicit_records_are_atomic(api: QmsDriver) -> None:
    seeded = api.seed(
        {
            "records": {
                "items": [{"sku": "RM-1", "name": "A", "type": "RAW_MATERIAL"}],
                "lots": [{"itemSku": "RM-1", "lotNumber": "OPEN-1", "quantity": 12.5}],
                "webhooks": [{"url": "http://127.0.0.1:9/x", "secret": "12345678"}],
            }
        },
    )
    assert seeded == {
        "items": [{"id": 1, "sku": "RM-1"}],
        "purchase_orders": [],
        "recipes": [],
        "lots": [{"id": 1, "lotNumber": "OPEN-1"}],
        "production_runs": [],
        "sales_orders": [],
        "webhooks": [{"id": 1}],
    }
    lot = api.api("GET", "/lots/1").get_json()
    assert (lot["status"], lot["quantity"], lot["source"]) == ("RELEASED", 12.5, "MANUAL")
    refused = api.seed(
        {
            "records": {
                "items": [{"sku": "RM-2", "name": "B", "type": "RAW_MATERIAL"}],
                "purchase_orders": [
                    {"netsuiteId": "1", "number": "P", "lines": [{"itemSku": "NOPE", "quantity": 1}]}
                ],
            }
        },
        status=422,
    )
    assert refused["error"] == "UNKNOWN_REFERENCE"
    assert len(api.state("qms_items")["qms_items"]) == 1
    api.seed({"records": {"widgets": []}}, status=400)
    api.seed({"seed": "x"}, status=400)


def test_credentials_and_port(tmp_path: Path) -> None:
    assert SYSTEMS["qms"] == ("mocks.qms", 8702)
    cfg = EmulatorConfig(system="qms", data_dir=tmp_path)
    assert credentials(cfg) == {"API_KEY": "dnk_erpsim_qms_0123456789abcdef"}
    cfg = EmulatorConfig(system="qms", data_dir=tmp_path, settings={"api_key": "k2"})
    assert credentials(cfg) == {"API_KEY": "k2"}
    api = QmsDriver(make_app(tmp_path, api_key="k2"))
    assert api.api("GET", "/items").status_code == 401
    assert api.api("GET", "/items", headers={"Authorization": "Bearer k2"}).status_code == 200
    assert sorted(api.control("GET", "act").get_json()) == [
        "adjust",
        "complete",
        "consume",
        "inspect",
        "lock",
        "produce",
        "receive",
        "reject",
        "release",
        "scan",
        "schedule",
        "ship",
        "unlock",
    ]
