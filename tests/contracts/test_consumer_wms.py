"""Consumer pact: what the engine's WMS client (sync/clients/wms.py) sends and relies on, and the webhooks it
consumes. Writes contracts/pacts/erpsim-sync-wms.json.
"""

from __future__ import annotations

from typing import Any

import pytest
from pact import match

from sync.clients.wms import WmsClient
from sync.errors import ApiRefusal

from .conftest import PactBook
from .pactkit import as_bytes, client_kwargs, endpoint, path_from_state

SYSTEM = "wms"
API = "/api/v1"
JSON = "application/json"
ID = match.int(1)
STAMP = match.regex(
    "2026-01-05T09:00:00.000Z", regex=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)$"
)
SECRET = "0f8e4c1d2b3a49587766554433221100"
LINE = {
    "lineIndex": match.int(0),
    "sku": match.str("SKU-1"),
    "externalLineId": match.str("1"),
    "quantity": match.int(2),
    "quantityPicked": match.int(2),
    "quantityShipped": match.int(2),
}
ORDER = {
    "id": ID,
    "clientReference": "SO-1001",
    "externalId": match.str("1001"),
    "warehouseId": ID,
    "status": match.str("NEW"),
    "carrier": None,
    "trackingNumber": None,
    "lines": match.each_like(LINE),
    "updatedAt": STAMP,
}
STOCK_ROW = {
    "sku": match.str("SKU-1"),
    "warehouseId": ID,
    "onHand": match.int(50),
    "allocated": match.int(0),
    "available": match.int(50),
    "updatedAt": STAMP,
}


def _client(url: Any) -> WmsClient:
    return WmsClient(endpoint(SYSTEM, url), **client_kwargs())


def test_finds_an_order_by_its_client_reference(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a request for the order of a client reference")
        .given("WMS order SO-1001 is new")
        .with_request("GET", f"{API}/orders/reference/SO-1001")
        .will_respond_with(200)
        .with_body(ORDER, content_type=JSON)
    )
    with pact.serve() as srv:
        order = _client(srv.url).order_by_reference("SO-1001")
    assert order is not None and order["clientReference"] == "SO-1001"
    pact_book.keep(pact)


def test_an_unknown_client_reference_is_none(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a request for the order of an unused client reference")
        .given("no WMS order has client reference SO-404")
        .with_request("GET", f"{API}/orders/reference/SO-404")
        .will_respond_with(404)
        .with_body({"status": 404, "errorCode": "NOT_FOUND", "message": match.str("x")}, content_type=JSON)
    )
    with pact.serve() as srv:
        assert _client(srv.url).order_by_reference("SO-404") is None
    pact_book.keep(pact)


def test_lists_despatched_orders(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("the despatched orders")
        .given("WMS order SO-1001 was despatched")
        .with_request("GET", f"{API}/orders")
        .with_query_parameter("status", "DESPATCHED")
        .with_query_parameter("page", "1")
        .with_query_parameter("pageSize", "200")
        .will_respond_with(200)
        .with_body(
            {
                "page": 1,
                "pageSize": 200,
                "total": match.int(1),
                "items": match.each_like(
                    {
                        **ORDER,
                        "status": "DESPATCHED",
                        "carrier": match.str("DPD"),
                        "trackingNumber": match.str("TRK-0001"),
                    }
                ),
            },
            content_type=JSON,
        )
    )
    with pact.serve() as srv:
        orders = _client(srv.url).orders(status="DESPATCHED")
    assert orders[0]["trackingNumber"] == "TRK-0001"
    pact_book.keep(pact)


def test_reads_stock_changed_since(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("stock levels changed since a time")
        .given("SKU SKU-1 has 50 on hand in the warehouse")
        .with_request("GET", f"{API}/stock")
        .with_query_parameter("updatedSince", "2026-01-01T00:00:00.000Z")
        .with_query_parameter("page", "1")
        .with_query_parameter("pageSize", "200")
        .will_respond_with(200)
        .with_body(
            {"page": 1, "pageSize": 200, "total": match.int(2), "items": match.each_like(STOCK_ROW)},
            content_type=JSON,
        )
    )
    with pact.serve() as srv:
        rows = _client(srv.url).stock(updated_since="2026-01-01T00:00:00.000Z")
    assert rows[0]["available"] == 50
    pact_book.keep(pact)


def test_subscribes_to_warehouse_events(pact_book: PactBook) -> None:
    url = "http://127.0.0.1:9999/hooks/wms"
    events = ["order.despatched", "stock.changed"]
    pact = pact_book.new()
    (
        pact.upon_receiving("the engine's WMS webhook subscriptions")
        .given("the warehouse knows SKU-1 and SKU-2")
        .with_request("GET", f"{API}/webhooks")
        .with_query_parameter("page", "1")
        .with_query_parameter("pageSize", "200")
        .will_respond_with(200)
        .with_body({"items": []}, content_type=JSON)
    )
    (
        pact.upon_receiving("the engine subscribing to despatches and stock changes")
        .given("the warehouse knows SKU-1 and SKU-2")
        .with_request("POST", f"{API}/webhooks")
        .with_body({"url": url, "events": events, "secret": SECRET}, content_type=JSON)
        .will_respond_with(201)
        .with_body({"id": ID, "url": url, "events": events, "active": True}, content_type=JSON)
    )
    with pact.serve() as srv:
        _client(srv.url).subscribe_webhooks(url, SECRET, events)
    pact_book.keep(pact)


METADATA = {"x-wms-signature": match.regex("sha256=" + "0" * 64, regex=r"^sha256=[0-9a-f]{64}$")}


def _consume(body: Any, metadata: dict[str, Any]) -> None:
    """The receiver parses the delivery into events with an id and a type (the flows read their data)."""
    [event] = _client("http://127.0.0.1:9").parse_webhook(as_bytes(body))
    assert event["id"] and event["type"] and event["data"]
    assert metadata["x-wms-signature"].startswith("sha256=")


def test_consumes_an_order_despatched_event(pact_book: PactBook) -> None:
    data = {
        "orderId": ID,
        "clientReference": "SO-1001",
        "externalId": match.str("1001"),
        "warehouseId": ID,
        "carrier": match.str("DPD"),
        "trackingNumber": match.str("TRK-0001"),
        "despatchedAt": STAMP,
        "shortShipped": False,
        "lines": match.each_like(
            {
                "lineIndex": match.int(0),
                "sku": match.str("SKU-1"),
                "externalLineId": match.str("1"),
                "quantityOrdered": match.int(2),
                "quantityShipped": match.int(2),
            }
        ),
    }
    pact = pact_book.new()
    (
        pact.upon_receiving("an order.despatched event", "Async")
        .given("WMS order SO-1001 was despatched")
        .with_body(
            {
                "id": match.regex("evt_00000005", regex=r"^evt_\d+$"),
                "type": "order.despatched",
                "createdAt": STAMP,
                "clientId": ID,
                "data": data,
            },
            content_type=JSON,
        )
        .with_metadata({**METADATA, "x-wms-event": "order.despatched"})
    )
    pact.verify(_consume, "Async")
    pact_book.keep(pact)


def test_consumes_a_stock_changed_event(pact_book: PactBook) -> None:
    data = {
        "sku": "SKU-1",
        "warehouseId": ID,
        "onHand": match.int(48),
        "allocated": match.int(0),
        "available": match.int(48),
        "onHandDelta": match.int(-2),
        "cause": "ADJUSTMENT",
        "reasonCode": match.str("DAMAGED"),
    }
    pact = pact_book.new()
    (
        pact.upon_receiving("a stock.changed event", "Async")
        .given("SKU SKU-1 was found damaged in the warehouse")
        .with_body(
            {
                "id": match.regex("evt_00000001", regex=r"^evt_\d+$"),
                "type": "stock.changed",
                "createdAt": STAMP,
                "clientId": ID,
                "data": data,
            },
            content_type=JSON,
        )
        .with_metadata({**METADATA, "x-wms-event": "stock.changed"})
    )
    pact.verify(_consume, "Async")
    pact_book.keep(pact)


def test_adds_a_netsuite_item_to_the_item_master_once(pact_book: PactBook) -> None:
    body = {"sku": "SKU-3", "externalId": "103", "name": "Item SKU-3"}
    pact = pact_book.new()
    (
        pact.upon_receiving("a look-up of the product of NetSuite item 103")
        .given("the warehouse knows SKU-1 and SKU-2")
        .with_request("GET", f"{API}/products")
        .with_query_parameter("externalId", "103")
        .with_query_parameter("page", "1")
        .with_query_parameter("pageSize", "200")
        .will_respond_with(200)
        .with_body({"items": [], "total": 0}, content_type=JSON)
    )
    (
        pact.upon_receiving("a NetSuite item added to the item master")
        .given("the warehouse knows SKU-1 and SKU-2")
        .with_request("POST", f"{API}/products")
        .with_body(body, content_type=JSON)
        .will_respond_with(201)
        .with_body({"id": ID, "sku": "SKU-3", "externalId": "103", "name": "Item SKU-3"}, content_type=JSON)
    )
    with pact.serve() as srv:
        assert _client(srv.url).create_product(body)["sku"] == "SKU-3"
    pact_book.keep(pact)


def test_sends_a_sales_order_to_the_warehouse_once(pact_book: PactBook) -> None:
    body = {
        "clientReference": "SO-2002",
        "externalId": "2002",
        "shipTo": {
            "name": "Ada Lovelace",
            "address1": "1 High Street",
            "city": "Manchester",
            "postcode": "M1 1AA",
            "country": "GB",
        },
        "lines": [{"sku": "SKU-1", "quantity": 2, "externalLineId": "1"}],
    }
    pact = pact_book.new()
    (
        pact.upon_receiving("a look-up of the order of client reference SO-2002")
        .given("no WMS order has client reference SO-2002")
        .with_request("GET", f"{API}/orders/reference/SO-2002")
        .will_respond_with(404)
        .with_body({"status": 404, "errorCode": "NOT_FOUND", "message": match.str("x")}, content_type=JSON)
    )
    (
        pact.upon_receiving("a sales order sent to the warehouse")
        .given("no WMS order has client reference SO-2002")
        .with_request("POST", f"{API}/orders")
        .with_body(body, content_type=JSON)
        .will_respond_with(201)
        .with_body({**ORDER, "clientReference": "SO-2002", "externalId": "2002"}, content_type=JSON)
    )
    with pact.serve() as srv:
        created = _client(srv.url).create_order(body)
    assert (created["clientReference"], created["status"]) == ("SO-2002", "NEW")
    pact_book.keep(pact)


def test_cancels_an_order_not_yet_picked(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a cancel of an order not yet released")
        .given("WMS order SO-1001 is new")
        .with_request("POST", path_from_state(f"{API}/orders/1/cancel", f"{API}/orders/${{orderId}}/cancel"))
        .with_body({"reason": "cancelled in NetSuite"}, content_type=JSON)
        .will_respond_with(200)
        .with_body({**ORDER, "status": "CANCELLED"}, content_type=JSON)
    )
    with pact.serve() as srv:
        assert _client(srv.url).cancel_order(1, "cancelled in NetSuite")["status"] == "CANCELLED"
    pact_book.keep(pact)


def test_a_cancel_after_picking_started_is_refused(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a cancel of an order being picked")
        .given("WMS order SO-1001 is being picked")
        .with_request("POST", path_from_state(f"{API}/orders/1/cancel", f"{API}/orders/${{orderId}}/cancel"))
        .with_body({"reason": "cancelled in NetSuite"}, content_type=JSON)
        .will_respond_with(409)
        .with_body(
            {"status": 409, "errorCode": match.str("INVALID_STATE"), "message": match.str("picking started")},
            content_type=JSON,
        )
    )
    with pact.serve() as srv, pytest.raises(ApiRefusal) as refused:
        _client(srv.url).cancel_order(1, "cancelled in NetSuite")
    assert refused.value.status == 409
    pact_book.keep(pact)
