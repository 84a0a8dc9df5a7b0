"""The control plane's own OpenAPI document: served, true to the routes, and its seed keys enforced."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.systems import SYSTEMS
from mocks.core.app import CONTRACTS_DIR
from mocks.core.faults import FaultKind, FaultRule
from mocks.core.openapi import _normalise
from tests.conftest import ADMIN
from tests.mocks.every_system import ACCESS

#: A faker seed body with one misspelt key per system, what the error names, and the body spelt right.
MISSPELT = {
    "netsuite": ({"seed": 1, "customer": 2}, "customer", {"seed": 1, "customers": 2}),
    "qms": ({"seed": 1, "item": 3}, "item", {"seed": 1, "items": 3}),
    "wms": ({"seed": 1, "sku": 3}, "sku", {"seed": 1, "skus": 3}),
    "pos": ({"seed": 1, "product": 3}, "product", {"seed": 1, "products": 3}),
    "ap": ({"seed": 1, "vendor": 2}, "vendor", {"seed": 1, "vendors": 2}),
}


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref" and isinstance(v, str)] + [
            r for v in node.values() for r in _refs(v)
        ]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _resolve(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_every_emulator_serves_the_document_with_its_seed_body(tmp_path: Path, system: str) -> None:
    app = ACCESS[system].make_app(tmp_path)
    r = app.test_client().get("/__erpsim/openapi.json")  # no token: like /health
    assert r.status_code == 200
    spec = r.get_json()
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["schemas"]["Seed"] == {
        "$ref": f"#/components/schemas/Seed{system.capitalize()}"
    }
    for ref in _refs(spec):
        assert _resolve(spec, ref) is not None, ref
    routes = {
        (m, _normalise(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/__erpsim")
        for m in rule.methods or ()
        if m not in ("HEAD", "OPTIONS")
    }
    documented = {(m.upper(), _normalise(p)) for p, item in spec["paths"].items() for m in item}
    assert routes == documented


def test_the_document_in_contracts_describes_the_fault_rule_model() -> None:
    spec = yaml.safe_load((CONTRACTS_DIR / "control.yaml").read_text())
    rule = spec["components"]["schemas"]["FaultRule"]
    assert set(rule["properties"]) == set(FaultRule.model_fields)
    assert rule["properties"]["kind"]["enum"] == list(typing.get_args(FaultKind))
    operation_ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_a_misspelt_seed_key_is_a_400_in_every_emulator(tmp_path: Path, system: str) -> None:
    client = ACCESS[system].make_app(tmp_path).test_client()
    body, key, right = MISSPELT[system]
    r = client.post("/__erpsim/seed", json=body, headers=ADMIN)
    assert r.status_code == 400
    assert (r.get_json()["error"], r.get_json()["path"]) == ("UNKNOWN_SEED_KEY", key)
    assert r.get_json()["message"].startswith(f"Unknown seed key {key}; known: seed, ")
    records = client.post("/__erpsim/seed", json={"records": {"nope": [{}]}}, headers=ADMIN)
    if system != "netsuite":  # NetSuite's records are keyed by its 44 record types (checked by its seed)
        assert (records.status_code, records.get_json()["path"]) == (400, "records.nope")
    else:
        assert records.status_code == 400
    before = client.get("/__erpsim/state", headers=ADMIN).get_json()
    assert client.post("/__erpsim/seed", json=right, headers=ADMIN).status_code == 200
    seeded = client.get("/__erpsim/state", headers=ADMIN).get_json()
    r = client.post("/__erpsim/reset", json=body, headers=ADMIN)  # refused before the world is emptied
    assert r.status_code == 400
    assert client.get("/__erpsim/state", headers=ADMIN).get_json() == seeded != before
