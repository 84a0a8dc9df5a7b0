"""The AP emulator against its OpenAPI contract: route parity and schemathesis (all phases + stateful)."""

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
    response_schema_conformance,
    status_code_conformance,
)

from mocks.core.app import load_openapi
from mocks.core.openapi import parity_report
from tests.conftest import ADMIN
from tests.lazy import LazyApp

from .conftest import LOGIN, TRUST, V3, make_app

SPEC = load_openapi("ap")
SEEN: collections.Counter[tuple[str, int]] = collections.Counter()


def _build(folder: Path) -> Flask:
    app = make_app(folder, hourly_limit=10**9, login_hourly_limit=10**9)
    app.after_request(lambda r: (SEEN.update([(request.method, r.status_code)]), r)[1])
    return app


APP = LazyApp(_build, "erpsim-ap-contract-", ready=lambda: _fresh_world())
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
HEADERS: dict[str, str] = {}


def _headers(case: Any) -> dict[str, str]:
    """The generated headers (e.g. X-Idempotent-Key) with valid credentials, whatever their case."""
    own = {k.lower() for k in HEADERS}
    return {**{k: v for k, v in (case.headers or {}).items() if k.lower() not in own}, **HEADERS}


def _fresh_world() -> None:
    """Reset, seed a small world and log in (the reset ends every session)."""
    APP.emu.reset()
    client = APP.test_client()
    client.post(
        "/__erpsim/seed",
        headers=ADMIN,
        json={"seed": 5, "vendors": 2, "customers": 1, "bills": 2, "vendor_credits": 1, "invoices": 1},
    )
    _login()


def _login() -> None:
    sid = APP.test_client().post(f"{V3}/login", json={**LOGIN, **TRUST}).get_json()["sessionId"]
    HEADERS.update({"devKey": LOGIN["devKey"], "sessionId": sid})


def _check(case: Any, response: Any) -> None:
    """Validate; a generated logout ends the session, so sign in again for the next call."""
    if case.operation.path.endswith("/logout"):
        _login()
    case.validate_response(response, checks=CHECKS)


schema = schemathesis.openapi.from_dict(SPEC)
schema.app = APP


def test_routes_and_contract_agree() -> None:
    assert parity_report(APP, SPEC) == {"undocumented": [], "unimplemented": []}


@pytest.fixture(scope="module")
def ap_schema() -> Any:
    """The schema bound to the app, handed over when the test runs (collection generates no case)."""
    return schema


@schemathesis.pytest.from_fixture("ap_schema").parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_conforms(case: Any) -> None:
    _check(case, case.call(headers=_headers(case)))


class ApWorkflow(schema.as_state_machine()):  # type: ignore[misc]
    """Random sequences of linked calls (create -> get / update / archive / void) on a fresh world."""

    def setup(self) -> None:
        _fresh_world()

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": _headers(case)}

    def validate_response(
        self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
    ) -> None:
        _check(case, response)


TestApStateful = ApWorkflow.TestCase
TestApStateful.settings = settings(
    max_examples=15,
    stateful_step_count=5,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


def teardown_module() -> None:
    """Print what the generated requests hit (visible with ``-s``)."""
    print(f"\nap contract: {sum(SEEN.values())} requests; by method/status: {sorted(SEEN.items())}")
