"""The WMS against its OpenAPI contract: route parity, schemathesis (examples, coverage, fuzzing, stateful)."""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask, request
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mocks.core.app import load_openapi
from mocks.core.openapi import parity_report
from tests.lazy import LazyApp

from .conftest import KEY, SHIP_TO, make_app

SPEC = load_openapi("wms")
SEEN: collections.Counter[tuple[str, int]] = collections.Counter()


def _build(folder: Path) -> Flask:
    app = make_app(folder, f"sqlite:///{folder / 'contract.db'}")
    app.after_request(lambda r: (SEEN.update([(request.method, r.status_code)]), r)[1])
    return app


APP = LazyApp(_build, "erpsim-wms-contract-", ready=lambda: _fresh_world())
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]


def _fresh_world() -> None:
    """A small world so reads find data: SKUs, stock, an order and an ASN."""
    APP.emu.reset()
    client = APP.test_client()
    client.post(
        "/__erpsim/seed",
        headers={"X-Erpsim-Admin-Token": "erpsim-admin"},
        json={
            "records": {
                "skus": [
                    {"sku": "A-1", "externalId": "1", "name": "Widget"},
                    {"sku": "B-2", "externalId": "2", "name": "Gadget"},
                ],
                "stock": [{"sku": "A-1", "onHand": 50}],
                "orders": [
                    {"clientReference": "SO1", "shipTo": SHIP_TO, "lines": [{"sku": "A-1", "quantity": 1}]}
                ],
                "asns": [{"poReference": "PO1", "lines": [{"sku": "B-2", "quantity": 3}]}],
            }
        },
    )


schema = schemathesis.openapi.from_dict(SPEC)
schema.app = APP


def test_routes_and_contract_agree() -> None:
    assert parity_report(APP, SPEC) == {"undocumented": [], "unimplemented": []}


@pytest.fixture(scope="module")
def wms_schema() -> Any:
    """The schema bound to the app, made when the test runs (collection generates no case)."""
    return schema


@schemathesis.pytest.from_fixture("wms_schema").parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_conforms(case: Any) -> None:
    response = case.call(headers=KEY)
    case.validate_response(response, checks=CHECKS)


class WmsWorkflow(schema.as_state_machine()):  # type: ignore[misc]
    """Random sequences of linked calls (create -> get / cancel / patch / delete) on a fresh world."""

    def setup(self) -> None:
        _fresh_world()

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": KEY}

    def validate_response(
        self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
    ) -> None:
        case.validate_response(response, checks=CHECKS)


TestWmsStateful = WmsWorkflow.TestCase
TestWmsStateful.settings = settings(
    max_examples=40,
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


def teardown_module() -> None:
    """Print what the generated requests hit (visible with ``-s``), so a silently empty run shows."""
    print(f"\nwms contract: {sum(SEEN.values())} requests; by method/status: {sorted(SEEN.items())}")
