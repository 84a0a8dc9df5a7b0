"""NetSuite against its OpenAPI contract: route parity, and schemathesis (examples, coverage, fuzzing, stateful).

Every generated request is signed with TBA (OAuth 1.0a, HMAC-SHA256) by ``SigningClient``, a Werkzeug test
client that signs the exact URL the WSGI application will see (scheme, ``Host``, raw path and query), so the
generated requests reach the routes instead of stopping at 401.
"""

from __future__ import annotations

import collections
import copy
import io
import json
import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from oauthlib.oauth1 import Client as OAuth1Client
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client, EnvironBuilder
from werkzeug.wrappers import Request

from mocks.core.app import load_openapi
from mocks.core.config import EmulatorConfig
from mocks.core.openapi import parity_report
from mocks.netsuite import create_app
from mocks.netsuite.services import NetSuiteServices
from tests.conftest import ADMIN
from tests.lazy import LazyApp

ACCOUNT = "1234567_SB1"
CREDS = ("erpsim-consumer-key", "erpsim-consumer-secret", "erpsim-token-id", "erpsim-token-secret")
#: Ids 1-22 setup (currencies, subsidiary 3, accounts, periods), 23 location, 24-25 customers, 26 vendor,
#: 27-28 inventory items, 29 a service item, 30 the opening stock adjustment, 31 a sales order (eid SO-1).
SEED = {
    "seed": 1,
    "customers": 2,
    "vendors": 1,
    "items": {"inventory": 2, "service": 1},
    "stock": 10,
    "locations": 1,
    "sales_orders": 1,
}
FORM = "application/x-www-form-urlencoded"

SPEC = load_openapi("netsuite")
#: Record types the generated requests use (the contract documents all 44; drawing from every one makes almost
#: every request miss the seeded world): the types the world holds records of, the transaction types creates
#: and transforms aim at, and two other spellings (type names match case-insensitively).
GEN_TYPES = [
    "customer",
    "vendor",
    "inventoryItem",
    "serviceSaleItem",
    "location",
    "currency",
    "accountingPeriod",
    "inventoryAdjustment",
    "salesOrder",
    "purchaseOrder",
    "itemFulfillment",
    "invoice",
    "salesorder",
    "CUSTOMER",
]
GEN_IDS = [str(i) for i in range(1, 36)] + [
    "999",
    "0",
    "00",
    "1x",
    "eid:SO-1",
    "eid:NEW-1",
    "eid:",
    "eid:%?#",
]
_NAME = {"type": "string", "minLength": 1, "maxLength": 24}
_REF = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"enum": ["24", "25", "26", "27", "28"]}},
    "additionalProperties": False,
}
#: Bodies that can succeed (an entity, an item, an order); the contract's open object stays one of the choices.
GEN_BODIES = [
    {
        "type": "object",
        "required": ["companyName", "subsidiary"],
        "additionalProperties": False,
        "properties": {
            "companyName": _NAME,
            "subsidiary": {"const": {"id": "3"}},
            "email": {"type": "string"},
        },
    },
    {
        "type": "object",
        "required": ["itemId"],
        "additionalProperties": False,
        "properties": {"itemId": _NAME, "displayName": _NAME, "rate": {"type": "number", "minimum": 0}},
    },
    {
        "type": "object",
        "required": ["entity", "item"],
        "additionalProperties": False,
        "properties": {
            "entity": _REF,
            "orderStatus": {"enum": ["A", "B"]},
            "memo": _NAME,
            "item": {
                "type": "object",
                "required": ["items"],
                "additionalProperties": False,
                "properties": {
                    "items": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 3,
                        "items": {
                            "type": "object",
                            "required": ["item"],
                            "additionalProperties": False,
                            "properties": {
                                "item": _REF,
                                "quantity": {"type": "integer", "minimum": 1, "maximum": 5},
                                "line": {"type": "integer", "minimum": 1, "maximum": 3},
                            },
                        },
                    }
                },
            },
        },
    },
]


def _steer(operation: dict[str, Any], id: list[str] | None = None, **schemas: dict[str, Any]) -> None:  # noqa: A002
    """Give an operation's path parameters narrower schemas (``id``: one of these ids)."""
    params = []
    for param in operation["parameters"]:
        name = param.get("name") or param["$ref"].rsplit("/", 1)[-1]
        name = {"RecordType": "recordType", "RecordId": "id", "Sublist": "sublist"}.get(name, name)
        if name == "id" and id is not None:
            param = {"name": "id", "in": "path", "required": True, "schema": {"type": "string", "enum": id}}
        elif name in schemas:
            param = {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "string", **schemas[name]} if "enum" in schemas[name] else schemas[name],
            }
        params.append(param)
    operation["parameters"] = params


def generation_spec() -> dict[str, Any]:
    """The contract, with generation steered at the seeded world; response schemas are untouched.

    Record types come from ``GEN_TYPES``, ids from ``GEN_IDS`` (the negative phase sends other strings), lines
    are small, record bodies are often ones that can be accepted. What is generated stays within the contract,
    except the lower/upper-case type spellings (its enum lists the canonical names; the description says they
    match case-insensitively). Responses are validated against the contract's own response definitions.
    """
    spec = copy.deepcopy(SPEC)  # schemathesis also mutates its input
    comps = spec["components"]
    comps["schemas"]["GenRecordTypeName"] = {"type": "string", "enum": GEN_TYPES}
    gen_type = {"$ref": "#/components/schemas/GenRecordTypeName"}
    comps["parameters"]["RecordType"]["schema"] = gen_type
    # Ids: the world's (and a few past it), external ids, and malformed ones; the negative phase sends any
    # other string. (An ``anyOf`` with a plain string would be merged into the plain string and never hit.)
    comps["parameters"]["RecordId"]["schema"] = {"type": "string", "enum": GEN_IDS}
    # Transforms, sublists and lines only succeed on the right type and id: aim those at the sales order and
    # the items.
    record = "/services/rest/record/v1/{recordType}/{id}"
    _steer(
        spec["paths"][record + "/!transform/{targetType}"]["post"],
        recordType={"enum": ["salesOrder", "salesorder", "purchaseOrder"]},
        id=["31", "eid:SO-1", "24", "0"],
        targetType={"enum": ["itemFulfillment", "invoice", "cashSale", "itemfulfillment"]},
    )
    for path in (record + "/{sublist}", record + "/{sublist}/{line}"):
        _steer(
            spec["paths"][path]["get"],
            recordType={"enum": ["salesOrder", "inventoryItem", "customer"]},
            id=["31", "27", "28", "24", "eid:SO-1", "999"],
            sublist={"enum": ["item", "locations", "addressBook"]},
            line={"type": "integer", "minimum": 0, "maximum": 4},
        )
    body = comps["requestBodies"]["Record"]["content"]["application/json"]
    body["schema"] = {"anyOf": [*GEN_BODIES, body["schema"]]}
    return spec


APP = LazyApp(
    lambda folder: create_app(
        EmulatorConfig(system="netsuite", db_url=f"sqlite:///{folder / 'contract.db'}", data_dir=folder)
    ),
    "erpsim-ns-contract-",
    ready=lambda: _fresh_world(),
)
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]
#: Examples per operation and stateful scenarios (raise them to hunt: ERPSIM_NS_CONTRACT_SCALE=5).
SCALE = float(os.environ.get("ERPSIM_NS_CONTRACT_SCALE", "1"))
#: (test, method, path template, status) of every request the generated cases sent.
HITS: collections.Counter[tuple[str, str, str, int]] = collections.Counter()


class SigningClient(Client):
    """A Werkzeug test client that adds a TBA ``Authorization`` header to every request it sends."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        ck, cs, tid, ts = CREDS
        self.signer = OAuth1Client(
            ck,
            client_secret=cs,
            resource_owner_key=tid,
            resource_owner_secret=ts,
            signature_method=SIGNATURE_HMAC_SHA256,
            realm=ACCOUNT,
        )

    def open(self, *args: Any, buffered: bool = False, follow_redirects: bool = False, **kwargs: Any) -> Any:
        builder = EnvironBuilder(*args, **kwargs)
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        body = environ["wsgi.input"].read()
        environ["wsgi.input"] = io.BytesIO(body)
        # The URL as the server sees it: scheme, Host, the raw path and the query string. (Werkzeug leaves a
        # query passed as ``query_string`` out of RAW_URI, so the two are joined here as they travel on the wire.)
        query = environ.get("QUERY_STRING", "")
        url = (
            f"{environ['wsgi.url_scheme']}://{environ['HTTP_HOST']}{environ['RAW_URI'].split('?', 1)[0]}"
            + (f"?{query}" if query else "")
        )
        form = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower() == FORM
        try:
            _, signed, _ = self.signer.sign(
                url,
                http_method=environ["REQUEST_METHOD"],
                body=body.decode() if form and body else None,
                headers={"Content-Type": FORM} if form and body else None,
            )
            environ["HTTP_AUTHORIZATION"] = signed["Authorization"]
        except ValueError:
            # oauthlib refuses URLs or form bodies it cannot parse; so does the emulator (401), unsigned.
            environ.pop("HTTP_AUTHORIZATION", None)
        response = super().open(Request(environ), buffered=buffered, follow_redirects=follow_redirects)
        if response.status_code == 202:
            # The async processor (a thread when served), so results exist.
            NetSuiteServices.of(APP.emu).async_jobs.run_pending()
        return response


CLIENT = SigningClient(APP)


def _fresh_world() -> None:
    """Reset and seed: currencies, a subsidiary, accounts, periods, a location, customers, a vendor, items."""
    APP.emu.reset()
    r = APP.test_client().post("/__erpsim/seed", headers=ADMIN, json=SEED)
    assert r.status_code == 200, r.get_data(as_text=True)


schema = schemathesis.openapi.from_dict(generation_spec())
schema.app = APP


def _record(test: str, case: Any, response: Any) -> None:
    HITS[(test, case.method, case.path, response.status_code)] += 1


def test_routes_and_contract_agree() -> None:
    assert parity_report(APP, SPEC) == {"undocumented": [], "unimplemented": []}


def test_openapi_json_is_the_yaml() -> None:
    r = APP.test_client().get("/openapi.json")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    assert json.loads(r.get_data()) == load_openapi("netsuite") == SPEC


def test_signing_client_reaches_the_routes() -> None:
    """Sanity for the harness: a signed GET (with a query) is authenticated, an unsigned one is not."""
    path = "/services/rest/record/v1/customer?limit=1&q=id%20GREATER%200"
    assert CLIENT.get(path).status_code == 200
    assert APP.test_client().get(path).status_code == 401


@pytest.fixture(scope="module")
def netsuite_schema() -> Any:
    """The schema bound to the app, handed over when the test runs (collection generates no case)."""
    return schema


@schemathesis.pytest.from_fixture("netsuite_schema").parametrize()
@settings(max_examples=int(40 * SCALE), deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_conforms(case: Any) -> None:
    response = case.call(session=CLIENT)
    _record("stateless", case, response)
    case.validate_response(response, checks=CHECKS)


class NetSuiteWorkflow(schema.as_state_machine()):  # type: ignore[misc]
    """Random sequences of linked calls (create -> get / patch / delete, async -> job -> task) on a fresh world."""

    def setup(self) -> None:
        _fresh_world()

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"session": CLIENT}

    def validate_response(
        self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
    ) -> None:
        _record("stateful", case, response)
        case.validate_response(response, checks=CHECKS)


TestNetSuiteStateful = NetSuiteWorkflow.TestCase
TestNetSuiteStateful.settings = settings(
    max_examples=int(80 * SCALE),
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


def teardown_module() -> None:
    """Print what the generated requests hit (visible with ``-s``), so a run that only saw 401s shows."""
    for test in ("stateless", "stateful"):
        hits = {k[1:]: n for k, n in HITS.items() if k[0] == test}
        by_status = collections.Counter()
        for (_, _, status), n in hits.items():
            by_status[status] += n
        print(
            f"\nnetsuite contract, {test}: {sum(hits.values())} requests; by status: {sorted(by_status.items())}"
        )
        for (method, path, status), n in sorted(hits.items()):
            if method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                print(f"  {method:6} {path} {status}: {n}")
    audit = collections.Counter(e["reason"] for e in NetSuiteServices.of(APP.emu).auth.audit)
    print(f"auth refusals (last 500): {sorted(audit.items())}")
