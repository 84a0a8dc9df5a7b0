"""Consumer pact: what the engine's AP client (sync/clients/ap.py, BILL v3) sends and relies on, and the
notifications it consumes. Writes contracts/pacts/erpsim-sync-ap.json.
"""

from __future__ import annotations

from typing import Any

import pytest
from pact import match

from sync.clients.ap import ApClient
from sync.errors import ApiRefusal

from .conftest import PactBook
from .pactkit import as_bytes, client_kwargs, default_credentials, endpoint, from_state, path_from_state

SYSTEM = "ap"
API = "/connect/v3"
JSON = "application/json"
STAMP = match.regex("2026-01-05T09:00:00.000+0000", regex=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$")
VENDOR_ID = match.regex("00902000000000000001", regex=r"^009\w+$")
BILL_ID = match.regex("00n02000000000000001", regex=r"^00n\w+$")
BILL = {
    "id": BILL_ID,
    "vendorId": VENDOR_ID,
    "invoice": {"invoiceNumber": "INV-1", "invoiceDate": "2026-01-02"},
    "dueDate": "2026-02-01",
    "amount": match.number(120.0),
    "dueAmount": match.number(120.0),
    "paymentStatus": match.str("UNPAID"),
    "approvalStatus": match.str("APPROVED"),
    "billLineItems": match.each_like({"amount": match.number(120.0), "description": match.str("x")}),
    "createdTime": STAMP,
    "updatedTime": STAMP,
}
ERROR = match.each_like(
    {
        "timestamp": STAMP,
        "code": "BDC_1109",
        "severity": "ERROR",
        "category": match.str("DOWNSTREAM"),
        "message": match.str("Session is invalid."),
    },
    min=1,
)


def _client(url: Any, *, signed_in: bool = True) -> ApClient:
    client = ApClient(endpoint(SYSTEM, url), **client_kwargs())
    if signed_in:
        client.session_id = "a-live-session"  # the login is its own interaction
    return client


def test_signs_in_with_an_mfa_trusted_session(pact_book: PactBook) -> None:
    creds = default_credentials(SYSTEM)
    body = {
        "username": creds["username"],
        "password": creds["password"],
        "organizationId": creds["org_id"],
        "devKey": creds["dev_key"],
        "rememberMeId": creds["remember_me_id"],
        "device": creds["device"],
    }
    pact = pact_book.new()
    (
        pact.upon_receiving("a sign-in with the remembered MFA device")
        .given("vendor Northwind Supplies exists in AP")
        .with_request("POST", f"{API}/login")
        .with_header("devKey", creds["dev_key"])
        .with_body(body, content_type=JSON)
        .will_respond_with(200)
        .with_body(
            {
                "sessionId": match.str("sess"),
                "organizationId": creds["org_id"],
                "userId": match.str("006"),
                "trusted": True,
            },
            content_type=JSON,
        )
    )
    with pact.serve() as srv:
        assert _client(srv.url, signed_in=False).login() == "sess"
    pact_book.keep(pact)


def test_lists_bills_changed_since_a_cursor(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("the bills changed since the last pass, oldest first")
        .given("bill INV-1 is approved and unpaid")
        .with_request("GET", f"{API}/bills")
        .with_query_parameter("max", "100")
        .with_query_parameter("filters", "updatedTime:gte:2026-01-01T00:00:00.000+0000")
        .with_query_parameter("sort", "updatedTime:asc")
        .will_respond_with(200)
        .with_body({"results": match.each_like(BILL), "nextPage": None}, content_type=JSON)
    )
    with pact.serve() as srv:
        bills = _client(srv.url).list_all(
            "/bills", filters="updatedTime:gte:2026-01-01T00:00:00.000+0000", sort="updatedTime:asc"
        )
    assert bills[0]["invoice"]["invoiceNumber"] == "INV-1"
    pact_book.keep(pact)


def test_creates_a_netsuite_bill_once(pact_book: PactBook) -> None:
    vendor = from_state("00902000000000000001", "${vendorId}")
    body = {
        "vendorId": vendor,
        "invoice": {"invoiceNumber": "INV-1", "invoiceDate": "2026-01-02"},
        "dueDate": "2026-02-01",
        "billLineItems": [{"amount": 120.0, "description": "Cane sugar, 10 kg"}],
    }
    natural_key = from_state(
        "vendorId:eq:00902000000000000001,invoice.invoiceNumber:eq:INV-1",
        "vendorId:eq:${vendorId},invoice.invoiceNumber:eq:INV-1",
    )
    pact = pact_book.new()
    (
        pact.upon_receiving("a look-up of the AP bill of a NetSuite bill by vendor and invoice number")
        .given("no AP bill has invoice number INV-1")
        .with_request("GET", f"{API}/bills")
        .with_query_parameter("max", "1")
        .with_query_parameter("filters", natural_key)
        .will_respond_with(200)
        .with_body({"results": []}, content_type=JSON)
    )
    (
        pact.upon_receiving("a NetSuite bill created in AP")
        .given("no AP bill has invoice number INV-1")
        .with_request("POST", f"{API}/bills")
        .with_body(body, content_type=JSON)
        .will_respond_with(200)
        .with_body(BILL, content_type=JSON)
    )
    sent = {
        "vendorId": "00902000000000000001",
        "invoice": {"invoiceNumber": "INV-1", "invoiceDate": "2026-01-02"},
        "dueDate": "2026-02-01",
        "billLineItems": [{"amount": 120.0, "description": "Cane sugar, 10 kg"}],
    }
    with pact.serve() as srv:
        created = _client(srv.url).create_keyed(
            "/bills", sent, "vendorId:eq:00902000000000000001,invoice.invoiceNumber:eq:INV-1"
        )
    assert created["id"].startswith("00n")
    pact_book.keep(pact)


def test_marks_a_bill_synced(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a bill marked synced with its NetSuite id")
        .given("bill INV-1 is approved and unpaid")
        .with_request(
            "PATCH", path_from_state(f"{API}/bills/00n02000000000000001", f"{API}/bills/${{billId}}")
        )
        .with_body({"synced": True, "externalId": "77"}, content_type=JSON)
        .will_respond_with(200)
        .with_body(BILL, content_type=JSON)
    )
    with pact.serve() as srv:
        _client(srv.url).patch("/bills/00n02000000000000001", {"synced": True, "externalId": "77"})
    pact_book.keep(pact)


def test_reads_a_bill_as_it_is_now(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a request for a paid bill")
        .given("bill INV-1 was paid in AP")
        .with_request("GET", path_from_state(f"{API}/bills/00n02000000000000001", f"{API}/bills/${{billId}}"))
        .will_respond_with(200)
        .with_body(
            {
                **BILL,
                "paymentStatus": "PAID",
                "dueAmount": match.number(0.0),
                "paidAmount": match.number(120.0),
            },
            content_type=JSON,
        )
    )
    with pact.serve() as srv:
        assert _client(srv.url).get("/bills/00n02000000000000001")["paymentStatus"] == "PAID"
    pact_book.keep(pact)


def test_an_expired_session_is_refused_with_bdc_1109(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a call in an expired session")
        .given("the AP session has expired")
        .with_request(
            "GET", path_from_state(f"{API}/vendors/00902000000000000001", f"{API}/vendors/${{vendorId}}")
        )
        .will_respond_with(401)
        .with_body(ERROR, content_type=JSON)
    )
    with pact.serve() as srv, pytest.raises(ApiRefusal) as refused:
        client = _client(srv.url)
        client.login = lambda: "renewed"  # type: ignore[method-assign] # the renewal is the login interaction's
        client.call("GET", "/vendors/00902000000000000001")
    assert (refused.value.status, refused.value.code) == (401, "BDC_1109")
    pact_book.keep(pact)


def _notification(kind: str, entity: str, shape: dict[str, Any]) -> dict[str, Any]:
    return {
        "metadata": {
            "eventId": match.uuid(),
            "subscriptionId": match.uuid(),
            "organizationId": match.regex("00802ERPSIMORG000001", regex=r"^008\w+$"),
            "eventType": kind,
            "version": "1",
        },
        entity: shape,
    }


METADATA = {
    "x-bill-sha-signature": match.regex(
        "TW/3JXYW4Rrt7FC5Of1kaIuMEyVp8HjvgIhkTLl1Sk8=", regex=r"^[A-Za-z0-9+/]{43}=$"
    )
}


def _consume(body: Any, metadata: dict[str, Any]) -> None:
    """What the receiver does with a notification: parse it into one event with the entity as its data."""
    [event] = _client("http://127.0.0.1:9").parse_webhook(as_bytes(body))
    assert event["id"] and event["type"] and event["data"]["id"]
    assert metadata["x-bill-sha-signature"]


def test_consumes_a_bill_created_notification(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a bill.created notification", "Async")
        .given("bill INV-1 was created in AP")
        .with_body(_notification("bill.created", "bill", BILL), content_type=JSON)
        .with_metadata(METADATA)
    )
    pact.verify(_consume, "Async")
    pact_book.keep(pact)


def test_consumes_a_payment_created_notification(pact_book: PactBook) -> None:
    payment = {
        "id": match.regex("stp02000000000000001", regex=r"^stp\w+$"),
        "vendorId": VENDOR_ID,
        "amount": match.number(120.0),
        "processDate": "2026-01-05",
        "status": match.str("PAID"),
        "createdTime": STAMP,
    }
    pact = pact_book.new()
    (
        pact.upon_receiving("a payment.created notification", "Async")
        .given("bill INV-1 was paid in AP")
        .with_body(_notification("payment.created", "payment", payment), content_type=JSON)
        .with_metadata(METADATA)
    )
    pact.verify(_consume, "Async")
    pact_book.keep(pact)
