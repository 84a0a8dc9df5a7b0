"""Consumer pact: what the engine's NetSuite client (sync/clients/netsuite.py) sends and relies on.

Writes contracts/pacts/erpsim-sync-netsuite.json; tests/contracts/test_provider.py verifies the emulator
against it. Provider states are in business terms (harness/contracts/states/netsuite.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from pact import match

from sync.clients.netsuite import NetSuiteClient
from sync.errors import ApiRefusal, RetryableError

from .conftest import PactBook
from .pactkit import client_kwargs, endpoint, from_state, path_from_state

SYSTEM = "netsuite"
REST = "/services/rest/record/v1"
SINGULAR = "application/vnd.oracle.resource+json; type=singular"
COLLECTION = "application/vnd.oracle.resource+json; type=collection"
ERROR = "application/vnd.oracle.resource+json; type=error"
ID = match.regex("101", regex=r"^\d+$")


def _client(url: Any) -> NetSuiteClient:
    return NetSuiteClient(endpoint(SYSTEM, url), concurrency=4, **client_kwargs())


def _location(rtype: str) -> Any:
    return match.regex(
        f"https://1234567-sb1.suitetalk.api.netsuite.com{REST}/{rtype.lower()}/77",
        regex=rf"^https?://[^/]+{REST}/{rtype.lower()}/\d+$",
    )


def _ref(example: str = "101") -> dict[str, Any]:
    return {"id": match.regex(example, regex=r"^\d+$"), "refName": match.str("Name")}


def _error(code: str, status: int) -> dict[str, Any]:
    return {
        "type": match.str("https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"),
        "title": match.str("Bad Request"),
        "status": status,
        "o:errorDetails": match.each_like(
            {"detail": match.str("what went wrong"), "o:errorCode": code}, min=1
        ),
    }


def _not_yet(pact: Any, state: str, rtype: str, eid: str) -> None:
    """The look-up by natural key the client makes before a create (nothing there yet)."""
    (
        pact.upon_receiving(f"a look-up of {rtype} {eid} before creating it")
        .given(state)
        .with_request("GET", f"{REST}/{rtype}/eid:{eid}")
        .will_respond_with(404)
        .with_body(_error("NONEXISTENT_ID", 404), content_type=ERROR)
    )


SALES_ORDER_LINE = {
    "line": match.int(1),
    "item": _ref(),
    "quantity": match.number(2),
    "quantityFulfilled": match.number(0),
    "isClosed": match.bool(False),
    "itemType": {"id": match.str("InvtPart")},
}
SALES_ORDER = {
    "id": ID,
    "externalId": "SO-1001",
    "tranId": match.str("SO1"),
    "tranDate": match.regex("2026-01-05", regex=r"^\d{4}-\d\d-\d\d$"),
    "entity": _ref(),
    "orderStatus": {"id": "B", "refName": match.str("Pending Fulfillment")},
    "subsidiary": _ref(),
    "currency": _ref(),
    "total": match.number(32.0),
    "lastModifiedDate": match.regex(
        "2026-01-05T09:00:00Z", regex=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"
    ),
    "item": {"items": match.each_like(SALES_ORDER_LINE, min=3)},
}


def test_reads_a_sales_order_with_its_lines(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a request for a sales order with its lines expanded")
        .given("sales order SO-1001 is pending fulfillment")
        .with_request(
            "GET", path_from_state(f"{REST}/salesOrder/1001", f"{REST}/salesOrder/${{salesOrderId}}")
        )
        .with_query_parameter("expandSubResources", "true")
        .will_respond_with(200)
        .with_body(SALES_ORDER, content_type=SINGULAR)
    )
    with pact.serve() as srv:
        order = _client(srv.url).get("salesOrder", "1001")
    assert order["orderStatus"]["id"] == "B"
    assert order["item"]["items"][0]["item"]["id"] == "101"
    pact_book.keep(pact)


def test_finds_a_sales_order_by_external_id(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a request for a sales order by its external id")
        .given("sales order SO-1001 is pending fulfillment")
        .with_request("GET", f"{REST}/salesOrder/eid:SO-1001")
        .with_query_parameter("expandSubResources", "true")
        .will_respond_with(200)
        .with_body(SALES_ORDER, content_type=SINGULAR)
    )
    with pact.serve() as srv:
        order = _client(srv.url).find_eid("salesOrder", "SO-1001")
    assert order is not None and order["externalId"] == "SO-1001"
    pact_book.keep(pact)


def test_an_unknown_external_id_is_none(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a request for a customer by an external id nobody has")
        .given("no customer has external id CUST-404")
        .with_request("GET", f"{REST}/customer/eid:CUST-404")
        .will_respond_with(404)
        .with_body(_error("NONEXISTENT_ID", 404), content_type=ERROR)
    )
    with pact.serve() as srv:
        assert _client(srv.url).find_eid("customer", "CUST-404", expand=False) is None
    pact_book.keep(pact)


def test_lists_approved_sales_orders(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a list of the sales orders pending fulfillment")
        .given("sales order SO-1001 is pending fulfillment")
        .with_request("GET", f"{REST}/salesOrder")
        .with_query_parameter("q", "orderStatus ANY_OF [B]")
        .with_query_parameter("limit", "1000")
        .with_query_parameter("offset", "0")
        .will_respond_with(200)
        .with_body(
            {
                "count": match.int(1),
                "hasMore": False,
                "offset": 0,
                "totalResults": match.int(1),
                "items": match.each_like(
                    {"id": ID, "links": match.each_like({"rel": "self", "href": match.str("x")})}
                ),
                "links": match.each_like({"rel": match.str("self"), "href": match.str("x")}),
            },
            content_type=COLLECTION,
        )
    )
    with pact.serve() as srv:
        ids = _client(srv.url).list_ids("salesOrder", "orderStatus ANY_OF [B]")
    assert ids == ["101"]
    pact_book.keep(pact)


def test_fulfils_a_sales_order_by_transform(pact_book: PactBook) -> None:
    body = {
        "externalId": "WMS-DESP-1",
        "shipStatus": "C",
        "item": {
            "items": [
                {"orderLine": 1, "quantity": 2, "itemReceive": True},
                {"orderLine": 2, "itemReceive": False},
            ]
        },
    }
    pact = pact_book.new()
    _not_yet(pact, "sales order SO-1001 is pending fulfillment", "itemFulfillment", "WMS-DESP-1")
    (
        pact.upon_receiving("a despatch turned into an item fulfilment of the order")
        .given("sales order SO-1001 is pending fulfillment")
        .with_request(
            "POST",
            path_from_state(
                f"{REST}/salesOrder/1001/!transform/itemFulfillment",
                f"{REST}/salesOrder/${{salesOrderId}}/!transform/itemFulfillment",
            ),
        )
        .with_body(body, content_type="application/json")
        .will_respond_with(204)
        .with_header("Location", _location("itemFulfillment"))
    )
    with pact.serve() as srv:
        new_id = _client(srv.url).transform_keyed("salesOrder", "1001", "itemFulfillment", body)
    assert new_id == "77"
    pact_book.keep(pact)


def test_receives_a_purchase_order_with_its_lot(pact_book: PactBook) -> None:
    body = {
        "externalId": "QMS-RCPT-1",
        "item": {
            "items": [
                {
                    "orderLine": 1,
                    "quantity": 10,
                    "location": {"id": from_state("23", "${locationId}")},
                    "inventoryDetail": {
                        "quantity": 10,
                        "inventoryAssignment": {"items": [{"receiptInventoryNumber": "L-7", "quantity": 10}]},
                    },
                }
            ]
        },
    }
    pact = pact_book.new()
    _not_yet(pact, "purchase order PO-2001 is pending receipt", "itemReceipt", "QMS-RCPT-1")
    (
        pact.upon_receiving("a released lot received against its purchase order")
        .given("purchase order PO-2001 is pending receipt")
        .with_request(
            "POST",
            path_from_state(
                f"{REST}/purchaseOrder/2001/!transform/itemReceipt",
                f"{REST}/purchaseOrder/${{purchaseOrderId}}/!transform/itemReceipt",
            ),
        )
        .with_body(body, content_type="application/json")
        .will_respond_with(204)
        .with_header("Location", _location("itemReceipt"))
    )
    sent = {
        "externalId": "QMS-RCPT-1",
        "item": {
            "items": [
                {
                    "orderLine": 1,
                    "quantity": 10,
                    "location": {"id": "23"},
                    "inventoryDetail": {
                        "quantity": 10,
                        "inventoryAssignment": {"items": [{"receiptInventoryNumber": "L-7", "quantity": 10}]},
                    },
                }
            ]
        },
    }
    with pact.serve() as srv:
        assert _client(srv.url).transform_keyed("purchaseOrder", "2001", "itemReceipt", sent) == "77"
    pact_book.keep(pact)


def test_closes_a_sales_order_line(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a sales order line closed")
        .given("sales order SO-1001 is pending fulfillment")
        .with_request(
            "PATCH", path_from_state(f"{REST}/salesOrder/1001", f"{REST}/salesOrder/${{salesOrderId}}")
        )
        .with_body({"item": {"items": [{"line": 3, "isClosed": True}]}}, content_type="application/json")
        .will_respond_with(204)
    )
    with pact.serve() as srv:
        _client(srv.url).patch("salesOrder", "1001", {"item": {"items": [{"line": 3, "isClosed": True}]}})
    pact_book.keep(pact)


def test_posts_a_stock_adjustment_once(pact_book: PactBook) -> None:
    ids = {
        "account": from_state("10", "${adjustmentAccountId}"),
        "location": from_state("23", "${locationId}"),
        "item": from_state("25", "${itemId}"),
    }
    body = {
        "externalId": "INV-WMS-1-SKU-1",
        "account": {"id": ids["account"]},
        "adjLocation": {"id": ids["location"]},
        "memo": match.str("WMS stock movements"),
        "inventory": {
            "items": [
                {
                    "item": {"id": ids["item"]},
                    "location": {"id": ids["location"]},
                    "adjustQtyBy": match.number(-2),
                }
            ]
        },
    }
    pact = pact_book.new()
    _not_yet(pact, "inventory item SKU-1 has 12 on hand", "inventoryAdjustment", "INV-WMS-1-SKU-1")
    (
        pact.upon_receiving("a coalesced stock adjustment with a natural key")
        .given("inventory item SKU-1 has 12 on hand")
        .with_request("POST", f"{REST}/inventoryAdjustment")
        .with_body(body, content_type="application/json")
        .will_respond_with(204)
        .with_header("Location", _location("inventoryAdjustment"))
    )
    sent = {
        "externalId": "INV-WMS-1-SKU-1",
        "account": {"id": "10"},
        "adjLocation": {"id": "23"},
        "memo": "WMS stock movements",
        "inventory": {"items": [{"item": {"id": "25"}, "location": {"id": "23"}, "adjustQtyBy": -2}]},
    }
    with pact.serve() as srv:
        assert _client(srv.url).create_keyed("inventoryAdjustment", sent) == "77"
    pact_book.keep(pact)


def test_upserts_a_customer_by_external_id(pact_book: PactBook) -> None:
    body = {
        "companyName": "Jane Doe",
        "email": "jane@example.com",
        "subsidiary": {"id": from_state("1", "${subsidiaryId}")},
    }
    pact = pact_book.new()
    (
        pact.upon_receiving("a POS customer upserted by external id")
        .given("no customer has external id POS-CUST-42")
        .with_request("PUT", f"{REST}/customer/eid:POS-CUST-42")
        .with_body(body, content_type="application/json")
        .will_respond_with(204)
        .with_header("Location", _location("customer"))
    )
    with pact.serve() as srv:
        new_id = _client(srv.url).upsert(
            "customer",
            "POS-CUST-42",
            {"companyName": "Jane Doe", "email": "jane@example.com", "subsidiary": {"id": "1"}},
        )
    assert new_id == "77"
    pact_book.keep(pact)


def test_reads_availability_with_suiteql(pact_book: PactBook) -> None:
    query = "SELECT item, location, quantityonhand, quantityavailable FROM aggregateItemLocation WHERE item IN ({})"
    pact = pact_book.new()
    (
        pact.upon_receiving("a SuiteQL query of availability per item and location")
        .given("inventory item SKU-1 has 12 on hand")
        .with_request("POST", "/services/rest/query/v1/suiteql")
        .with_query_parameter("limit", "1000")
        .with_query_parameter("offset", "0")
        .with_header("Prefer", "transient")
        .with_body(
            {"q": from_state(query.format(25), query.format("${itemId}"))}, content_type="application/json"
        )
        .will_respond_with(200)
        .with_body(
            {
                "count": match.int(1),
                "hasMore": False,
                "offset": 0,
                "totalResults": match.int(1),
                "items": match.each_like(
                    {
                        "item": ID,
                        "location": ID,
                        "quantityonhand": match.regex("12", regex=r"^-?\d+(\.\d+)?$"),
                        "quantityavailable": match.regex("12", regex=r"^-?\d+(\.\d+)?$"),
                    },
                    min=1,
                ),
            },
            content_type=COLLECTION,
        )
    )
    with pact.serve() as srv:
        rows = _client(srv.url).suiteql(query.format(25))
    assert rows == [{"item": "101", "location": "101", "quantityonhand": "12", "quantityavailable": "12"}]
    pact_book.keep(pact)


def test_a_posting_in_a_closed_period_is_refused(pact_book: PactBook) -> None:
    ref = {"id": from_state("24", "${customerId}")}
    body = {
        "externalId": "POS-SALE-1",
        "entity": ref,
        "tranDate": "2025-12-15",
        "location": {"id": from_state("23", "${locationId}")},
        "item": {
            "items": [
                {
                    "item": {"id": from_state("25", "${itemId}")},
                    "quantity": 1,
                    "rate": 10.0,
                    "location": {"id": from_state("23", "${locationId}")},
                }
            ]
        },
    }
    pact = pact_book.new()
    _not_yet(pact, "the accounting period of 2025-12-15 is closed", "cashSale", "POS-SALE-1")
    (
        pact.upon_receiving("a cash sale dated in a closed period")
        .given("the accounting period of 2025-12-15 is closed")
        .with_request("POST", f"{REST}/cashSale")
        .with_body(body, content_type="application/json")
        .will_respond_with(400)
        .with_body(
            {
                **_error("USER_ERROR", 400),
                "o:errorDetails": match.each_like(
                    {
                        "detail": match.str("The accounting period Dec 2025 is closed."),
                        "o:errorCode": "USER_ERROR",
                        "o:errorPath": "tranDate",
                    },
                    min=1,
                ),
            },
            content_type=ERROR,
        )
    )
    sent = {
        "externalId": "POS-SALE-1",
        "entity": {"id": "24"},
        "tranDate": "2025-12-15",
        "location": {"id": "23"},
        "item": {"items": [{"item": {"id": "25"}, "quantity": 1, "rate": 10.0, "location": {"id": "23"}}]},
    }
    with pact.serve() as srv, pytest.raises(ApiRefusal) as refused:
        _client(srv.url).create_keyed("cashSale", sent)
    assert (refused.value.status, refused.value.code) == (400, "USER_ERROR")
    pact_book.keep(pact)


def test_a_throttled_call_is_retryable(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("any call while the account is at its concurrency limit")
        .given("the account is at its concurrency limit")
        .with_request("GET", path_from_state(f"{REST}/customer/24", f"{REST}/customer/${{customerId}}"))
        .with_query_parameter("expandSubResources", "true")
        .will_respond_with(429)
        .with_body(_error("CONCURRENCY_LIMIT_EXCEEDED", 429), content_type=ERROR)
    )
    with pact.serve() as srv, pytest.raises(RetryableError) as throttled:
        _client(srv.url).get("customer", "24")
    assert throttled.value.status == 429
    pact_book.keep(pact)


def test_opens_a_work_order_for_a_production_run(pact_book: PactBook) -> None:
    ids = {
        k: from_state(v, f"${{{k}}}")
        for k, v in (("assemblyItemId", "29"), ("locationId", "23"), ("subsidiaryId", "1"), ("itemId", "25"))
    }
    body = {
        "externalId": "qms-run-1",
        "assemblyItem": {"id": ids["assemblyItemId"]},
        "quantity": 5.0,
        "location": {"id": ids["locationId"]},
        "startDate": "2026-01-05",
        "memo": "QMS run RUN-1",
        "subsidiary": {"id": ids["subsidiaryId"]},
        "item": {"items": [{"item": {"id": ids["itemId"]}, "quantity": 10.0}]},
    }
    state = "assembly item ASM-1 is built from SKU-1"
    created = f"{REST}/workOrder/${{workOrderId}}"
    pact = pact_book.new()
    _not_yet(pact, state, "workOrder", "qms-run-1")
    (
        pact.upon_receiving("a work order for a QMS production run")
        .given(state)
        .with_request("POST", f"{REST}/workOrder")
        .with_body(body, content_type="application/json")
        .will_respond_with(204)
        .with_header("Location", _location("workOrder"))
    )
    (
        pact.upon_receiving("the new work order's number")
        .given(state)
        .given("a work order was opened for QMS run RUN-1")
        .with_request("GET", path_from_state(f"{REST}/workOrder/77", created))
        .will_respond_with(200)
        .with_body(
            {
                "id": ID,
                "tranId": match.str("WO1"),
                "externalId": "qms-run-1",
                "quantity": match.number(5),
                "location": _ref(),
            },
            content_type=SINGULAR,
        )
    )
    sent = {
        "externalId": "qms-run-1",
        "assemblyItem": {"id": "29"},
        "quantity": 5.0,
        "location": {"id": "23"},
        "startDate": "2026-01-05",
        "memo": "QMS run RUN-1",
        "subsidiary": {"id": "1"},
        "item": {"items": [{"item": {"id": "25"}, "quantity": 10.0}]},
    }
    with pact.serve() as srv:
        client = _client(srv.url)
        wo_id = client.create_keyed("workOrder", sent)
        assert client.get("workOrder", wo_id, expand=False)["tranId"] == "WO1"
    pact_book.keep(pact)
