"""The OpenAPI contract: route parity, then schemathesis (all phases, stateful too) in-process."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

from mocks.core.app import load_openapi
from mocks.core.openapi import parity_report
from tests.conftest import ADMIN
from tests.lazy import LazyApp

from .conftest import AUTH, make_app

SPEC = load_openapi("pos")
SEED = {"seed": 3, "products": 3, "stores": 1, "users": 2, "stock": 5}


def _constrained(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with the account and site pinned (mostly valid values) so requests reach the rules."""
    spec = copy.deepcopy(spec)
    for item in spec["paths"].values():
        for operation in [item, *(v for k, v in item.items() if k in ("get", "post", "put", "delete"))]:
            for param in operation.get("parameters", []):
                if param["name"] == "account":
                    param["schema"] = {"type": "string", "enum": ["10020", "10021"]}
                elif param["name"] == "siteid":
                    param["schema"] = {"type": "integer", "enum": [1, 2]}
                elif param["name"] in (
                    "productid",
                    "userid",
                    "orderid",
                    "warehouseid",
                    "warehousetransactionid",
                    "zreportid",
                    "subscriptionid",
                ):
                    param["schema"] = {"type": "integer", "minimum": 0, "maximum": 6}
    return spec


def _build(folder: Path) -> Flask:
    app = make_app(folder, db_url=f"sqlite:///{folder / 'contract.db'}")
    app.extensions["erpsim"].reset()
    app.test_client().post("/__erpsim/seed", json=SEED, headers=ADMIN)
    return app


APP = LazyApp(_build, "erpsim-pos-contract-")
schema = schemathesis.openapi.from_dict(_constrained(SPEC))
schema.app = APP


def test_routes_and_spec_agree(tmp_path: Path) -> None:
    assert parity_report(make_app(tmp_path), SPEC) == {"undocumented": [], "unimplemented": []}


@pytest.fixture(scope="module")
def pos_schema() -> Any:
    """The schema bound to the app, handed over when the test runs (collection generates no case)."""
    return schema


@schemathesis.pytest.from_fixture("pos_schema").parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case: Any) -> None:
    response = case.call(headers=AUTH)
    case.validate_response(
        response,
        checks=(
            schemathesis.checks.not_a_server_error,
            schemathesis.specs.openapi.checks.response_schema_conformance,
        ),
    )


class PosWorkflow(schema.as_state_machine()):  # type: ignore[misc]
    """Random sequences of linked calls (add order -> get order, subscribe -> get), fresh DB each time."""

    def setup(self) -> None:
        client = APP.test_client()
        client.post("/__erpsim/reset", json=SEED, headers=ADMIN)

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": AUTH}

    def validate_response(self, response: Any, case: Any, additional_checks: Any = (), **kwargs: Any) -> None:
        case.validate_response(
            response,
            checks=(
                schemathesis.checks.not_a_server_error,
                schemathesis.specs.openapi.checks.response_schema_conformance,
            ),
        )


TestPosWorkflow = PosWorkflow.TestCase
TestPosWorkflow.settings = settings(
    max_examples=25, stateful_step_count=5, deadline=None, suppress_health_check=list(HealthCheck)
)
