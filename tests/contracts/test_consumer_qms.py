"""Consumer pact: what the engine's QMS client (sync/clients/qms.py) sends and relies on, and the webhooks it consumes.

Writes contracts/pacts/erpsim-sync-qms.json (HTTP and message interactions).
"""

from __future__ import annotations

from typing import Any

from pact import match

from sync.clients.qms import QmsClient

from .conftest import PactBook
from .pactkit import as_bytes, client_kwargs, endpoint, path_from_state

SYSTEM = "qms"
API = "/api/v1"
JSON = "application/json"
SECRET = "0f8e4c1d2b3a49587766554433221100"  # the engine's is secrets.token_hex(16)
ID = match.int(1)
STAMP = match.regex(
    "2026-01-05T09:00:00+00:00", regex=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:?\d\d|Z)$"
)
LOT = {
    "id": ID,
    "lotNumber": "L-7",
    "itemId": ID,
    "sku": match.str("RM-1"),
    "status": match.str("QUARANTINE"),
    "quantity": match.number(10),
    "initialQuantity": match.number(10),
    "source": match.str("RECEIPT"),
    "purchaseOrderId": ID,
    "purchaseOrderLine": match.int(1),
    "expiryDate": None,
}
PURCHASE_ORDER = {
    "id": ID,
    "netsuiteId": "301",
    "number": "PO-2001",
    "status": match.str("OPEN"),
    "lines": match.each_like(
        {
            "line": match.int(1),
            "itemNetsuiteId": match.str("201"),
            "quantity": match.number(10),
            "quantityReceived": match.number(0),
        }
    ),
}


def _client(url: Any) -> QmsClient:
    return QmsClient(endpoint(SYSTEM, url), **client_kwargs())


def test_sends_a_netsuite_purchase_order_once(pact_book: PactBook) -> None:
    body = {
        "netsuiteId": "301",
        "number": "PO-2001",
        "vendor": "Northwind Supplies",
        "lines": [{"line": 1, "itemNetsuiteId": "201", "quantity": 10.0}],
    }
    pact = pact_book.new()
    (
        pact.upon_receiving("a look-up of the QMS purchase order of NetSuite PO 301")
        .given("NetSuite purchase order 301 is not in the QMS")
        .with_request("GET", f"{API}/purchase-orders")
        .with_query_parameter("netsuite_id", "301")
        .with_query_parameter("limit", "1")
        .will_respond_with(200)
        .with_body({"data": [], "page": 1, "limit": 1, "total": 0}, content_type=JSON)
    )
    (
        pact.upon_receiving("a NetSuite purchase order created in the QMS")
        .given("NetSuite purchase order 301 is not in the QMS")
        .with_request("POST", f"{API}/purchase-orders")
        .with_body(body, content_type=JSON)
        .will_respond_with(201)
        .with_body(PURCHASE_ORDER, content_type=JSON)
    )
    with pact.serve() as srv:
        created = _client(srv.url).create_keyed(
            "/purchase-orders", body, "/purchase-orders", netsuite_id="301"
        )
    assert created["netsuiteId"] == "301"
    pact_book.keep(pact)


def test_reads_a_lot_as_it_is_now(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a request for a lot in quarantine")
        .given("lot L-7 is in quarantine")
        .with_request("GET", path_from_state(f"{API}/lots/1", f"{API}/lots/${{lotId}}"))
        .will_respond_with(200)
        .with_body({**LOT, "status": "QUARANTINE"}, content_type=JSON)
    )
    with pact.serve() as srv:
        lot = _client(srv.url).get("/lots/1")
    assert (lot["lotNumber"], lot["status"]) == ("L-7", "QUARANTINE")
    pact_book.keep(pact)


def test_reads_the_receipts_of_a_purchase_order(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("the receipts of a purchase order with their lots")
        .given("lot L-7 is in quarantine")
        .with_request(
            "GET",
            path_from_state(
                f"{API}/purchase-orders/1/receipts", f"{API}/purchase-orders/${{purchaseOrderId}}/receipts"
            ),
        )
        .will_respond_with(200)
        .with_body(
            {
                "data": match.each_like(
                    {"id": ID, "purchaseOrderId": ID, "receivedAt": STAMP, "lots": match.each_like(LOT)}
                )
            },
            content_type=JSON,
        )
    )
    with pact.serve() as srv:
        receipts = _client(srv.url).get("/purchase-orders/1/receipts")["data"]
    assert receipts[0]["lots"][0]["lotNumber"] == "L-7"
    pact_book.keep(pact)


def test_lists_the_locked_lots(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("the lots locked for a recall")
        .given("lot L-7 was locked for a recall")
        .with_request("GET", f"{API}/lots")
        .with_query_parameter("status", "LOCKED")
        .with_query_parameter("limit", "250")
        .with_query_parameter("page", "1")
        .will_respond_with(200)
        .with_body(
            {
                "data": match.each_like(
                    {**LOT, "status": "LOCKED", "lockReason": match.str("supplier recall")}
                ),
                "page": 1,
                "limit": 250,
                "total": match.int(1),
            },
            content_type=JSON,
        )
    )
    with pact.serve() as srv:
        locked = _client(srv.url).paged("/lots", status="LOCKED")
    assert [lot["status"] for lot in locked] == ["LOCKED"]
    pact_book.keep(pact)


def test_traces_a_recalled_lot_both_ways(pact_book: PactBook) -> None:
    lot = {"id": ID, "lotNumber": "L-7", "status": "LOCKED"}
    pact = pact_book.new()
    (
        pact.upon_receiving("where a recalled lot went")
        .given("lot L-7 was locked for a recall")
        .with_request(
            "GET", path_from_state(f"{API}/lots/1/trace/forward", f"{API}/lots/${{lotId}}/trace/forward")
        )
        .will_respond_with(200)
        .with_body({"lot": lot, "productionRuns": [], "producedLots": [], "shipments": []}, content_type=JSON)
    )
    (
        pact.upon_receiving("where a recalled lot came from")
        .given("lot L-7 was locked for a recall")
        .with_request(
            "GET", path_from_state(f"{API}/lots/1/trace/backward", f"{API}/lots/${{lotId}}/trace/backward")
        )
        .will_respond_with(200)
        .with_body({"lot": lot, "sourceLots": [], "rawLots": []}, content_type=JSON)
    )
    with pact.serve() as srv:
        client = _client(srv.url)
        forward, backward = client.get("/lots/1/trace/forward"), client.get("/lots/1/trace/backward")
    # a received lot was made from nothing else: no source or raw lots
    assert forward["shipments"] == [] and backward["rawLots"] == []
    pact_book.keep(pact)


def test_closes_a_purchase_order(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a purchase order closed in NetSuite closed in the QMS")
        .given("purchase order PO-2001 is open in the QMS")
        .with_request(
            "POST",
            path_from_state(
                f"{API}/purchase-orders/1/close", f"{API}/purchase-orders/${{purchaseOrderId}}/close"
            ),
        )
        .with_body({}, content_type=JSON)
        .will_respond_with(200)
        .with_body({**PURCHASE_ORDER, "status": "CLOSED"}, content_type=JSON)
    )
    with pact.serve() as srv:
        closed = _client(srv.url).post("/purchase-orders/1/close")
    assert closed["status"] == "CLOSED"
    pact_book.keep(pact)


def test_subscribes_to_lot_events(pact_book: PactBook) -> None:
    url = "http://127.0.0.1:9999/hooks/qms"
    events = ["lot.locked", "lot.rejected", "lot.released", "lot.unlocked"]
    pact = pact_book.new()
    (
        pact.upon_receiving("the engine's webhook subscriptions")
        .given("the QMS knows item RM-1")
        .with_request("GET", f"{API}/webhooks")
        .will_respond_with(200)
        .with_body({"data": []}, content_type=JSON)
    )
    (
        pact.upon_receiving("the engine subscribing to lot events")
        .given("the QMS knows item RM-1")
        .with_request("POST", f"{API}/webhooks")
        .with_body({"url": url, "events": events, "secret": SECRET}, content_type=JSON)
        .will_respond_with(201)
        .with_body({"id": ID, "url": url, "events": events}, content_type=JSON)
    )
    with pact.serve() as srv:
        _client(srv.url).subscribe_webhooks(url, SECRET, events)
    pact_book.keep(pact)


def _event(kind: str, status: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": match.regex("evt_00000001", regex=r"^evt_\d+$"),
        "type": kind,
        "createdAt": STAMP,
        "data": {
            "lot": {**LOT, "status": status},
            "item": {"id": ID, "sku": match.str("RM-1"), "netsuiteId": "201"},
            "source": {
                "type": "RECEIPT",
                "receiptId": ID,
                "purchaseOrder": {"id": ID, "netsuiteId": "301", "number": "PO-2001"},
                "line": match.int(1),
            },
            **(extra or {}),
        },
    }


METADATA = {"x-dataninja-signature": match.regex("sha256=" + "0" * 64, regex=r"^sha256=[0-9a-f]{64}$")}


def _consume(body: Any, metadata: dict[str, Any]) -> None:
    """What the engine's receiver does with a delivery: parse it into events (the flows read these fields)."""
    client = _client("http://127.0.0.1:9")
    [event] = client.parse_webhook(as_bytes(body))
    lot, source = event["data"]["lot"], event["data"]["source"]
    assert all(
        (lot["id"], lot["lotNumber"], lot["status"], source["purchaseOrder"]["netsuiteId"], source["line"])
    )
    assert metadata["x-dataninja-signature"].startswith("sha256=")


def test_consumes_a_lot_released_event(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a lot.released event", "Async")
        .given("lot L-7 was released")
        .with_body(_event("lot.released", "RELEASED"), content_type=JSON)
        .with_metadata({**METADATA, "x-dataninja-event": "lot.released"})
    )
    pact.verify(_consume, "Async")
    pact_book.keep(pact)


def test_consumes_a_lot_locked_event(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a lot.locked event", "Async")
        .given("lot L-7 was locked for a recall")
        .with_body(
            _event("lot.locked", "LOCKED", {"reason": match.str("supplier recall")}), content_type=JSON
        )
        .with_metadata({**METADATA, "x-dataninja-event": "lot.locked"})
    )
    pact.verify(_consume, "Async")
    pact_book.keep(pact)


def test_adds_a_netsuite_item_once(pact_book: PactBook) -> None:
    body = {"sku": "RM-2", "name": "Sea Salt", "netsuiteId": "202", "type": "RAW_MATERIAL", "uom": "kg"}
    pact = pact_book.new()
    (
        pact.upon_receiving("a look-up of the QMS item of NetSuite item 202")
        .given("the QMS knows item RM-1")
        .with_request("GET", f"{API}/items")
        .with_query_parameter("netsuite_id", "202")
        .with_query_parameter("limit", "1")
        .will_respond_with(200)
        .with_body({"data": [], "page": 1, "limit": 1, "total": 0}, content_type=JSON)
    )
    (
        pact.upon_receiving("a NetSuite item created in the QMS")
        .given("the QMS knows item RM-1")
        .with_request("POST", f"{API}/items")
        .with_body(body, content_type=JSON)
        .will_respond_with(201)
        .with_body(
            {"id": ID, "sku": "RM-2", "name": "Sea Salt", "netsuiteId": "202", "type": "RAW_MATERIAL"},
            content_type=JSON,
        )
    )
    with pact.serve() as srv:
        client = _client(srv.url)
        assert client.item_by_netsuite_id("202") is None
        assert client.create_item(body)["netsuiteId"] == "202"
    pact_book.keep(pact)
