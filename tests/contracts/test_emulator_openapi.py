"""Every emulator against its OpenAPI contract (contracts/openapi/<system>.yaml), in-process.

Per system: route parity, the served document, schemathesis on every operation (examples, coverage, fuzzing),
stateful runs of linked calls on a fresh world, and last a check that the generated requests really reached
the API (a run that only ever saw 4xx proves nothing). The apps are built when their tests first run
(collecting builds none); what differs per system (steering, auth, checks, budgets) is in ``openapi_systems``.
Run with ``-s`` to see what the generated requests hit.
"""

from __future__ import annotations

import collections
import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from mocks.core.openapi import parity_report

from .openapi_netsuite import SigningClient
from .openapi_systems import BUILDERS, Contract, built, contract_of

pytestmark = pytest.mark.slow  # about two minutes on a quiet machine
PHASES = ("stateless", "stateful")


@pytest.fixture(scope="module", params=list(BUILDERS))
def contract(request: pytest.FixtureRequest) -> Contract:
    """One system under its contract (the tests of one system run together, in the order below)."""
    return contract_of(request.param)


@pytest.fixture(scope="module")
def contract_schema(contract: Contract) -> Any:
    """The system's schema, bound to its app, handed over when the test runs (collection generates no case)."""
    return contract.schema


def test_routes_and_contract_agree(contract: Contract) -> None:
    assert parity_report(contract.app, contract.spec) == {"undocumented": [], "unimplemented": []}


def test_served_document_is_the_contract(contract: Contract) -> None:
    r = contract.app.test_client().get("/openapi.json")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert json.loads(r.get_data()) == contract.spec


def test_netsuite_signing_client_reaches_the_routes() -> None:
    """Sanity for the harness: a signed GET (with a query) is authenticated, an unsigned one is not."""
    app = contract_of("netsuite").app
    path = "/services/rest/record/v1/customer?limit=1&q=id%20GREATER%200"
    assert SigningClient(app).get(path).status_code == 200
    assert app.test_client().get(path).status_code == 401


@schemathesis.pytest.from_fixture("contract_schema").parametrize()
@settings(
    deadline=None, suppress_health_check=list(HealthCheck)
)  # the budgets are the system's (its schema's)
def test_api_conforms(case: Any, contract: Contract) -> None:
    contract.check(case, case.call(**contract.call_kwargs(case)), "stateless")


def test_stateful_workflows(contract: Contract) -> None:
    """Random sequences of linked calls (create -> get / update / delete / transform ...), each on a fresh world."""

    class Workflow(contract.schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            contract.fresh_world()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return contract.call_kwargs(case)

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            contract.check(case, response, "stateful")

    Workflow.run(settings=contract.stateful_settings())


def test_generated_requests_reached_the_api(contract: Contract, request: pytest.FixtureRequest) -> None:
    """After the system's runs: each got successful answers, together they sent the usual number of calls, and
    the system's own check holds (NetSuite: no generated call was refused for its TBA signature)."""
    selected = {
        item.originalname
        for item in request.session.items
        if item.path == request.node.path
        and getattr(item, "callspec", None) is not None
        and item.callspec.params.get("contract") == contract.system
    }
    ran = {"stateless": "test_api_conforms" in selected, "stateful": "test_stateful_workflows" in selected}
    if not any(ran.values()):
        pytest.skip("no schemathesis run of this system was selected")
    by_phase: dict[str, collections.Counter[int]] = {phase: collections.Counter() for phase in PHASES}
    for (phase, _, _, status), n in contract.seen.items():
        by_phase[phase][status // 100] += n
    for phase in PHASES:
        if ran[phase]:
            assert by_phase[phase][2] > 0, (
                f"{contract.system} {phase}: no 2xx in {sorted(by_phase[phase].items())}"
            )
    if all(ran.values()):
        assert sum(contract.seen.values()) >= contract.min_requests
    contract.after_runs()


def teardown_module() -> None:
    """Print what the generated requests hit (visible with ``-s``), per system and phase, then per operation."""
    for contract in built():
        for phase in PHASES:
            hits = {k[1:]: n for k, n in contract.seen.items() if k[0] == phase}
            by_status: collections.Counter[int] = collections.Counter()
            for (_, _, status), n in hits.items():
                by_status[status] += n
            print(
                f"\n{contract.system} {phase}: {sum(hits.values())} requests; by status: {sorted(by_status.items())}"
            )
            for (method, path, status), n in sorted(hits.items()):
                print(f"  {method:6} {path} {status}: {n}")
        for line in contract.summary():
            print(line)
