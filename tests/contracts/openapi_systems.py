"""The five emulators as the OpenAPI contract tests drive them (``test_emulator_openapi.py``).

For each system: its app (built on first use, on a small seeded world), the document schemathesis generates
from (the contract, steered at the world for NetSuite and POS), how a generated call authenticates, the checks
its responses must pass and the example budgets. ``ERPSIM_CONTRACT_SCALE=5`` multiplies every budget (to hunt).
"""

from __future__ import annotations

import base64
import collections
import copy
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mocks.core.app import load_openapi
from mocks.netsuite.services import NetSuiteServices
from mocks.qms.services import DEFAULT_API_KEY
from tests.lazy import LazyApp
from tests.mocks.driver import Driver, make_app

from . import openapi_netsuite

#: Examples per operation and stateful scenarios are multiplied by this.
SCALE = float(os.environ.get("ERPSIM_CONTRACT_SCALE", "1"))
FOUR_CHECKS = (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
)
FIVE_CHECKS = (*FOUR_CHECKS, response_headers_conformance)


@dataclass
class Contract:
    """One system under its contract: what to generate, how to call, what to check, and what was seen."""

    system: str
    app: LazyApp
    #: the contract itself (contracts/openapi/<system>.yaml), for route parity and the served document
    spec: dict[str, Any]
    #: what schemathesis generates from, bound to ``app``
    schema: Any
    checks: tuple[Any, ...]
    #: examples per operation (the fuzzing phase; the examples and coverage phases add theirs)
    examples: int
    stateful_examples: int
    stateful_steps: int
    #: reset and seed the world the generated calls aim at (and sign in again where sessions end)
    fresh_world: Callable[[], None]
    #: keyword arguments of ``case.call`` that authenticate a generated call
    call_kwargs: Callable[[Any], dict[str, Any]]
    #: generated calls a full run sends at least (its coverage phase alone sends more)
    min_requests: int
    #: after each call, before its checks (AP signs in again after a generated logout)
    after_call: Callable[[Any], None] = lambda case: None
    #: derandomized runs (the same cases every run)
    deterministic: bool = False
    #: Hypothesis' example database (replays past failures); off where runs must not depend on old ones
    example_database: bool = True
    #: (phase, method, path template, status) of every generated call
    seen: collections.Counter[tuple[str, str, str, int]] = field(default_factory=collections.Counter)
    #: more lines for the summary printed at the end of the run
    summary: Callable[[], list[str]] = lambda: []
    #: the system's own check after its runs (NetSuite: no generated call was refused for how it was signed)
    after_runs: Callable[[], None] = lambda: None

    def __post_init__(self) -> None:
        self.schema.app = self.app
        # The stateless budget lives in the schema's own config (one test function serves every system).
        self.schema.config.generation.update(
            max_examples=self.examples,
            deterministic=self.deterministic or None,
            database=None if self.example_database else "none",
        )

    def check(self, case: Any, response: Any, phase: str) -> None:
        """Record a generated call's answer and run the system's checks on it."""
        self.seen[(phase, case.method, case.path, response.status_code)] += 1
        self.after_call(case)
        case.validate_response(response, checks=self.checks)

    def stateful_settings(self) -> settings:
        """Hypothesis settings of the stateful runs."""
        extra: dict[str, Any] = {} if self.example_database else {"database": None}
        return settings(
            max_examples=self.stateful_examples,
            stateful_step_count=self.stateful_steps,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=self.deterministic,
            **extra,
        )


def _scaled(n: int) -> int:
    return int(n * SCALE)


def _seeded(
    system: str, world: dict[str, Any], then: Callable[[], None] = lambda: None, **app_settings: Any
) -> tuple[LazyApp, Callable[[], None]]:
    """An app built on first use, and the reset that gives it ``world`` (run once it is built, then ``then``)."""

    def fresh_world() -> None:
        Driver(app.get()).reset(world)
        then()

    app = LazyApp(
        lambda folder: make_app(system, folder, **app_settings),
        f"erpsim-{system}-contract-",
        ready=fresh_world,
    )
    return app, fresh_world


def _netsuite() -> Contract:
    spec = load_openapi("netsuite")
    app, fresh_world = _seeded("netsuite", openapi_netsuite.SEED)
    client = openapi_netsuite.SigningClient(app)

    def refusals() -> list[str]:
        audit = collections.Counter(e["reason"] for e in NetSuiteServices.of(app.emu).auth.audit)
        return [f"auth refusals (last 500): {sorted(audit.items())}"]

    def signed_well() -> None:
        """The auth audit (its last 500 refusals) holds none that the harness's TBA signing would cause."""
        audit = NetSuiteServices.of(app.emu).auth.audit
        wrong = [e for e in audit if e["kind"] == "tba" and e["reason"] in openapi_netsuite.SIGNING_FAULTS]
        assert wrong == []

    return Contract(
        "netsuite",
        app,
        spec,
        schemathesis.openapi.from_dict(openapi_netsuite.generation_spec(spec)),
        FIVE_CHECKS,
        examples=_scaled(40),
        stateful_examples=_scaled(80),
        stateful_steps=8,
        fresh_world=fresh_world,
        call_kwargs=lambda case: {"session": client},
        min_requests=1000,
        example_database=False,
        summary=refusals,
        after_runs=signed_well,
    )


#: A small seeded world so generated ids hit real records (and state guards), not only 404s.
QMS_WORLD = {
    "seed": 3,
    "items": 4,
    "finished_goods": 2,
    "purchase_orders": 3,
    "received": 1,
    "runs": 1,
    "sales_orders": 2,
}


def _qms() -> Contract:
    spec = load_openapi("qms")
    app, fresh_world = _seeded("qms", QMS_WORLD)
    return Contract(
        "qms",
        app,
        spec,
        schemathesis.openapi.from_dict(copy.deepcopy(spec)),  # it annotates the dict in place
        FOUR_CHECKS,
        examples=_scaled(12),
        stateful_examples=_scaled(25),
        stateful_steps=6,
        fresh_world=fresh_world,
        call_kwargs=lambda case: {"headers": {"Authorization": f"Bearer {DEFAULT_API_KEY}"}},
        min_requests=1500,
        deterministic=True,
    )


WMS_SHIP_TO = {
    "name": "Ada Lovelace",
    "address1": "1 High Street",
    "city": "Manchester",
    "postcode": "M1 1AA",
    "country": "GB",
}
#: SKUs, stock, an order and an ASN, so reads find data.
WMS_WORLD = {
    "records": {
        "skus": [
            {"sku": "A-1", "externalId": "1", "name": "Widget"},
            {"sku": "B-2", "externalId": "2", "name": "Gadget"},
        ],
        "stock": [{"sku": "A-1", "onHand": 50}],
        "orders": [
            {"clientReference": "SO1", "shipTo": WMS_SHIP_TO, "lines": [{"sku": "A-1", "quantity": 1}]}
        ],
        "asns": [{"poReference": "PO1", "lines": [{"sku": "B-2", "quantity": 3}]}],
    }
}


def _wms() -> Contract:
    spec = load_openapi("wms")
    app, fresh_world = _seeded("wms", WMS_WORLD)
    return Contract(
        "wms",
        app,
        spec,
        schemathesis.openapi.from_dict(copy.deepcopy(spec)),
        FIVE_CHECKS,
        examples=_scaled(30),
        stateful_examples=_scaled(40),
        stateful_steps=6,
        fresh_world=fresh_world,
        call_kwargs=lambda case: {"headers": {"X-API-Key": "wms-test-key"}},
        min_requests=1000,
        example_database=False,
    )


POS_WORLD = {"seed": 3, "products": 3, "stores": 1, "users": 2, "stock": 5}
POS_IDS = (
    "productid",
    "userid",
    "orderid",
    "warehouseid",
    "warehousetransactionid",
    "zreportid",
    "subscriptionid",
)


def _pos_generation_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The contract with the account and site pinned (mostly valid values) so requests reach the rules."""
    spec = copy.deepcopy(spec)
    for item in spec["paths"].values():
        for operation in [item, *(v for k, v in item.items() if k in ("get", "post", "put", "delete"))]:
            for param in operation.get("parameters", []):
                if param["name"] == "account":
                    param["schema"] = {"type": "string", "enum": ["10020", "10021"]}
                elif param["name"] == "siteid":
                    param["schema"] = {"type": "integer", "enum": [1, 2]}
                elif param["name"] in POS_IDS:
                    param["schema"] = {"type": "integer", "minimum": 0, "maximum": 6}
    return spec


def _pos() -> Contract:
    spec = load_openapi("pos")
    app, fresh_world = _seeded("pos", POS_WORLD)
    auth = {"Authorization": "Basic " + base64.b64encode(b"10020-140:erpsim-pos-10020").decode()}
    return Contract(
        "pos",
        app,
        spec,
        schemathesis.openapi.from_dict(_pos_generation_spec(spec)),
        (not_a_server_error, response_schema_conformance),
        examples=_scaled(12),
        stateful_examples=_scaled(25),
        stateful_steps=5,
        fresh_world=fresh_world,
        call_kwargs=lambda case: {"headers": auth},
        min_requests=2000,
    )


AP_WORLD = {"seed": 5, "vendors": 2, "customers": 1, "bills": 2, "vendor_credits": 1, "invoices": 1}
AP_LOGIN = {
    "username": "ap-admin@erpsim.test",
    "password": "erpsim-ap-password",
    "organizationId": "00802ERPSIMORG000001",
    "devKey": "erpsim-ap-devkey-0001",
    "rememberMeId": "erpsim-ap-remember-me-0001",
    "device": "erpsim-device",
}


def _ap() -> Contract:
    spec = load_openapi("ap")
    session: dict[str, str] = {}

    def login() -> None:
        r = app.test_client().post("/connect/v3/login", json=AP_LOGIN)
        assert r.status_code == 200, r.get_json()
        session.update({"devKey": AP_LOGIN["devKey"], "sessionId": r.get_json()["sessionId"]})

    def headers(case: Any) -> dict[str, str]:
        """The generated headers (e.g. X-Idempotent-Key) with valid credentials, whatever their case."""
        own = {k.lower() for k in session}
        return {**{k: v for k, v in (case.headers or {}).items() if k.lower() not in own}, **session}

    def after_call(case: Any) -> None:
        if case.operation.path.endswith("/logout"):  # a generated logout ends the session
            login()

    # the reset ends every session: sign in again after it
    app, fresh_world = _seeded("ap", AP_WORLD, login, hourly_limit=10**9, login_hourly_limit=10**9)
    return Contract(
        "ap",
        app,
        spec,
        schemathesis.openapi.from_dict(copy.deepcopy(spec)),
        FOUR_CHECKS,
        examples=_scaled(8),
        stateful_examples=_scaled(15),
        stateful_steps=5,
        fresh_world=fresh_world,
        call_kwargs=lambda case: {"headers": headers(case)},
        min_requests=2000,
        after_call=after_call,
        example_database=False,
    )


BUILDERS: dict[str, Callable[[], Contract]] = {
    "netsuite": _netsuite,
    "qms": _qms,
    "wms": _wms,
    "pos": _pos,
    "ap": _ap,
}


_BUILT: dict[str, Contract] = {}


def contract_of(system: str) -> Contract:
    """The system's contract, built once (its app only when a test first calls it)."""
    if system not in _BUILT:
        _BUILT[system] = BUILDERS[system]()
    return _BUILT[system]


def built() -> list[Contract]:
    """The contracts this run has built."""
    return list(_BUILT.values())
