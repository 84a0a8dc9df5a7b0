"""The OpenAPI contract: route parity, and schemathesis (examples, coverage, fuzzing, stateful) in-process."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mocks.core.openapi import parity_report
from mocks.qms.services import DEFAULT_API_KEY
from tests.conftest import ADMIN
from tests.lazy import LazyApp

from .conftest import make_app

SPEC_PATH = Path(__file__).resolve().parents[3] / "contracts" / "openapi" / "qms.yaml"
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
# A small seeded world so generated ids hit real records (and state guards), not only 404s.
WORLD = {
    "seed": 3,
    "items": 4,
    "finished_goods": 2,
    "purchase_orders": 3,
    "received": 1,
    "runs": 1,
    "sales_orders": 2,
}

APP = LazyApp(make_app, "erpsim-qms-contract-", ready=lambda: _reset())


def _reset() -> None:
    APP.test_client().post("/__erpsim/reset", json=WORLD, headers=ADMIN)


schema = schemathesis.openapi.from_dict(copy.deepcopy(SPEC))  # it annotates the dict in place
schema.app = APP


def test_routes_and_spec_agree() -> None:
    assert parity_report(APP, SPEC) == {"undocumented": [], "unimplemented": []}


def test_served_spec_is_the_contract() -> None:
    assert APP.test_client().get("/openapi.json").get_json() == SPEC


@pytest.fixture(scope="module")
def qms_schema() -> Any:
    """The schema bound to the app, handed over when the test runs (collection generates no case)."""
    return schema


@schemathesis.pytest.from_fixture("qms_schema").parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms(case: Any) -> None:
    response = case.call(headers=AUTH)
    case.validate_response(response, checks=CHECKS)


class QmsWorkflow(schema.as_state_machine()):  # type: ignore[misc]
    """Stateful: follow the links (create -> get / receive / inspect / lock / scan ...) from a fresh world."""

    def setup(self) -> None:
        _reset()

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": AUTH}

    def validate_response(
        self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
    ) -> None:
        case.validate_response(response, checks=CHECKS)


TestQmsWorkflow = QmsWorkflow.TestCase
TestQmsWorkflow.settings = settings(
    max_examples=25,
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


def test_zz_schemathesis_generated_enough_requests() -> None:
    """Runs last in this module: the generated calls above really reached the API (journal count)."""
    served = APP.emu.journal.last_seq
    print(f"\nschemathesis sent {served} requests to the QMS")
    assert served > 500
