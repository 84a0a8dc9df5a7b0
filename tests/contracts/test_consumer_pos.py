"""Consumer pact: what the engine's POS client (sync/clients/pos.py, Sitoo API v2) sends and relies on, and the
events it consumes. Writes contracts/pacts/erpsim-sync-pos.json.
"""

from __future__ import annotations

from typing import Any

from pact import match

from sync.clients.pos import PosClient

from .conftest import PactBook
from .pactkit import as_bytes, client_kwargs, default_credentials, endpoint, from_state, path_from_state

SYSTEM = "pos"
CREDS = default_credentials(SYSTEM)
ROOT = f"/v2/accounts/{CREDS['account']}"
SITE = f"{ROOT}/sites/{CREDS['site']}"
JSON = "application/json"
ID = match.int(1)
MONEY = match.regex("24.00", regex=r"^-?\d+\.\d\d$")
DECIMAL = match.regex("8.000", regex=r"^-?\d+\.\d{3}$")
UNIX = match.int(1767603600)
ORDER = {
    "orderid": ID,
    "eshopid": match.int(1),
    "externalid": None,
    "creditorderid": None,
    "orderdate": UNIX,
    "orderstateid": match.int(10),
    "paymentstateid": match.int(20),
    "ordertypeid": match.int(10),
    "registerid": match.str("D73D7ED9-5A8F-5AE2-9CEC-F923473AC274"),
    "warehouseid": ID,
    "currencycode": match.str("GBP"),
    "moneyfinal_net": MONEY,
    "moneyfinal_vat": MONEY,
    "moneytotal_gross_all": MONEY,
    "orderitems": match.each_like(
        {
            "orderitemtype": match.int(10),
            "sku": match.str("SKU-1"),
            "quantity": match.number(2),
            "moneynetpriceperunit": MONEY,
            "vatvalue": match.number(20),
            "moneyitemtotal_net": MONEY,
            "moneyitemtotal_vat": MONEY,
            "moneyrowdiscount": MONEY,
        }
    ),
    "payments": match.each_like({"name": match.str("Card"), "moneyamount": MONEY}),
}


def _client(url: Any) -> PosClient:
    return PosClient(endpoint(SYSTEM, url), **client_kwargs())


def test_reads_sales_after_the_last_one_seen(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("the orders after the last one the engine saw")
        .given("a sale of 2 SKU-1 was rung up at ST001")
        .with_request("GET", f"{SITE}/orders.json")
        .with_query_parameter("orderidfrom", "1")
        .with_query_parameter("num", "1000")
        .with_query_parameter("sort", "orderid")
        .will_respond_with(200)
        .with_body({"totalcount": match.int(1), "items": match.each_like(ORDER)}, content_type=JSON)
    )
    with pact.serve() as srv:
        orders = _client(srv.url).orders_after(0)
    assert orders[0]["orderitems"][0]["sku"] == "SKU-1"
    pact_book.keep(pact)


def test_reads_the_stores_and_their_warehouses(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("the stores")
        .given("store ST001 sells SKU-1 with 10 in stock")
        .with_request("GET", f"{SITE}/stores.json")
        .with_query_parameter("start", "0")
        .with_query_parameter("num", "100")
        .will_respond_with(200)
        .with_body(
            {
                "totalcount": match.int(1),
                "items": match.each_like(
                    {"storeid": ID, "name": match.str("High Street"), "externalid": "ST001"}
                ),
            },
            content_type=JSON,
        )
    )
    (
        pact.upon_receiving("the warehouses")
        .given("store ST001 sells SKU-1 with 10 in stock")
        .with_request("GET", f"{SITE}/warehouses.json")
        .with_query_parameter("start", "0")
        .with_query_parameter("num", "100")
        .will_respond_with(200)
        .with_body(
            {
                "totalcount": match.int(1),
                "items": match.each_like(
                    {
                        "warehouseid": ID,
                        "storeid": ID,
                        "sellable": match.bool(True),
                        "externalid": match.str("ST001-STOCK"),
                    }
                ),
            },
            content_type=JSON,
        )
    )
    with pact.serve() as srv:
        client = _client(srv.url)
        stores, warehouses = client.stores(), client.warehouses()
    assert stores[0]["externalid"] == "ST001" and warehouses[0]["sellable"]
    pact_book.keep(pact)


def test_reads_a_warehouses_stock(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a warehouse's stock rows")
        .given("store ST001 sells SKU-1 with 10 in stock")
        .with_request(
            "GET",
            path_from_state(
                f"{SITE}/warehouses/1/warehouseitems.json",
                f"{SITE}/warehouses/${{warehouseId}}/warehouseitems.json",
            ),
        )
        .with_query_parameter("start", "0")
        .with_query_parameter("num", "1000")
        .will_respond_with(200)
        .with_body(
            {
                "totalcount": match.int(1),
                "items": match.each_like(
                    {
                        "sku": match.str("SKU-1"),
                        "decimaltotal": DECIMAL,
                        "decimalreserved": DECIMAL,
                        "decimalavailable": DECIMAL,
                    }
                ),
            },
            content_type=JSON,
        )
    )
    with pact.serve() as srv:
        rows = _client(srv.url).warehouse_items(1)
    assert rows[0]["decimalavailable"] == "8.000"
    pact_book.keep(pact)


def test_moves_netsuite_availability_into_a_store(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("a batch of warehouse transactions")
        .given("store ST001 sells SKU-1 with 10 in stock")
        .with_request("POST", f"{SITE}/warehousetransactions.json")
        .with_body(
            [
                {
                    "warehouseid": from_state(1, "${warehouseId}"),
                    "transactiontype": 10,
                    "externalid": "NS-AVAIL-1",
                    "items": [{"sku": "SKU-1", "decimalquantity": "3.000"}],
                }
            ],
            content_type=JSON,
        )
        .will_respond_with(200)
        .with_body(match.each_like({"statuscode": 200, "return": ID}), content_type=JSON)
    )
    with pact.serve() as srv:
        result = _client(srv.url).add_warehouse_transactions(
            [
                {
                    "warehouseid": 1,
                    "transactiontype": 10,
                    "externalid": "NS-AVAIL-1",
                    "items": [{"sku": "SKU-1", "decimalquantity": "3.000"}],
                }
            ]
        )
    assert result[0]["statuscode"] == 200
    pact_book.keep(pact)


def test_reads_the_customers(pact_book: PactBook) -> None:
    pact = pact_book.new()
    (
        pact.upon_receiving("the customers")
        .given("customer jane@example.com signed up at the till")
        .with_request("GET", f"{SITE}/users.json")
        .with_query_parameter("start", "0")
        .with_query_parameter("num", "1000")
        .will_respond_with(200)
        .with_body(
            {
                "totalcount": match.int(1),
                "items": match.each_like(
                    {"userid": ID, "email": "jane@example.com", "namefirst": "Jane", "namelast": "Doe"}
                ),
            },
            content_type=JSON,
        )
    )
    with pact.serve() as srv:
        users = _client(srv.url).users()
    assert users[0]["email"] == "jane@example.com"
    pact_book.keep(pact)


def test_subscribes_to_events(pact_book: PactBook) -> None:
    url = "http://127.0.0.1:9999/hooks/pos"
    body = {"url": url, "events": ["order"], "secret": "0f8e4c1d2b3a49587766554433221100"}
    pact = pact_book.new()
    (
        pact.upon_receiving("the account's event subscriptions")
        .given("store ST001 sells SKU-1 with 10 in stock")
        .with_request("GET", f"{ROOT}/eventsubscriptions.json")
        .with_query_parameter("start", "0")
        .with_query_parameter("num", "100")
        .will_respond_with(200)
        .with_body({"totalcount": 0, "items": []}, content_type=JSON)
    )
    (
        pact.upon_receiving("the engine subscribing to order events")
        .given("store ST001 sells SKU-1 with 10 in stock")
        .with_request("POST", f"{ROOT}/eventsubscriptions.json")
        .with_body(body, content_type=JSON)
        .will_respond_with(200)
        .with_body(ID, content_type=JSON)
    )
    with pact.serve() as srv:
        _client(srv.url).subscribe_webhooks(url, body["secret"], ["order"])
    pact_book.keep(pact)


def _consume(body: Any, metadata: dict[str, Any]) -> None:
    """The receiver parses a POST of thin events (id from event_id); the flows then read the orders."""
    events = _client("http://127.0.0.1:9").parse_webhook(as_bytes(body))
    assert events and all(e["id"] and e["type"] and e["data"]["eshop_id"] for e in events)
    assert metadata["x-sitoo-signature"].startswith("sha256=")


def test_consumes_the_events_of_a_sale(pact_book: PactBook) -> None:
    event = {
        "event_id": match.uuid(),
        "event_type": match.str("order"),
        "event_date": UNIX,
        "account_id": match.int(10020),
        "data": match.like({"eshop_id": 1}),
    }
    pact = pact_book.new()
    (
        pact.upon_receiving("a POST of events after an order was rung up", "Async")
        .given("a sale of 2 SKU-1 was rung up at ST001")
        .with_body(match.each_like(event, min=1), content_type=JSON)
        .with_metadata(
            {
                "x-sitoo-signature": match.regex("sha256=" + "0" * 64, regex=r"^sha256=[0-9a-f]{64}$"),
                "x-sitoo-event-count": match.regex("2", regex=r"^([1-9]|10)$"),
            }
        )
    )
    pact.verify(_consume, "Async")
    pact_book.keep(pact)


def test_adds_a_netsuite_item_as_a_product_once(pact_book: PactBook) -> None:
    body = {"sku": "SKU-2", "title": "Gadget", "moneyprice": "9.50", "vatvalue": 20}
    pact = pact_book.new()
    (
        pact.upon_receiving("a look-up of a product by SKU")
        .given("store ST001 sells SKU-1 with 10 in stock")
        .with_request("GET", f"{SITE}/products.json")
        .with_query_parameter("sku", "SKU-2")
        .with_query_parameter("start", "0")
        .with_query_parameter("num", "100")
        .will_respond_with(200)
        .with_body({"totalcount": 0, "items": []}, content_type=JSON)
    )
    (
        pact.upon_receiving("a NetSuite item added as a product")
        .given("store ST001 sells SKU-1 with 10 in stock")
        .with_request("POST", f"{SITE}/products.json")
        .with_body(body, content_type=JSON)
        .will_respond_with(200)
        .with_body(match.int(2), content_type=JSON)
    )
    with pact.serve() as srv:
        client = _client(srv.url)
        assert client.product_by_sku("SKU-2") is None
        assert client.create_product(body) == 2
    pact_book.keep(pact)
