"""NetSuite's contract tests: generation steered at a seeded world, and a test client that signs with TBA.

Every generated request is signed with TBA (OAuth 1.0a, HMAC-SHA256) by ``SigningClient``, a Werkzeug test
client that signs the exact URL the WSGI application will see (scheme, ``Host``, raw path and query), so the
generated requests reach the routes instead of stopping at 401.
"""

from __future__ import annotations

import copy
import io
from typing import Any

from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from oauthlib.oauth1 import Client as OAuth1Client
from werkzeug.test import Client, EnvironBuilder
from werkzeug.wrappers import Request

from mocks.netsuite.services import NetSuiteServices
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
#: TBA refusals a correctly signed request never gets (a generated call left unsigned is MissingAuthorization)
SIGNING_FAULTS = {
    "InvalidAccount",
    "InvalidSignature",
    "InvalidTimestamp",
    "InvalidVersion",
    "MalformedAuthorizationHeader",
    "MissingParameter",
    "NonceRejected",
    "TokenRevoked",
    "UnsupportedSignatureMethod",
}

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


def generation_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The contract, with generation steered at the seeded world; response schemas are untouched.

    Record types come from ``GEN_TYPES``, ids from ``GEN_IDS`` (the negative phase sends other strings), lines
    are small, record bodies are often ones that can be accepted. What is generated stays within the contract,
    except the lower/upper-case type spellings (its enum lists the canonical names; the description says they
    match case-insensitively). Responses are validated against the contract's own response definitions.
    """
    spec = copy.deepcopy(spec)  # schemathesis also mutates its input
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


class SigningClient(Client):
    """A Werkzeug test client that adds a TBA ``Authorization`` header to every request it sends."""

    def __init__(self, app: LazyApp) -> None:
        super().__init__(app)
        self.lazy_app = app
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
            NetSuiteServices.of(self.lazy_app.emu).async_jobs.run_pending()
        return response
