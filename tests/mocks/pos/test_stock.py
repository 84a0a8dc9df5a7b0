"""Stores, warehouses, stock per sku and warehouse transactions (batches of up to 1000)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.conftest import ADMIN

from .conftest import AUTH, SITE, stock_of


def test_stores_warehouses_and_stock(client: FlaskClient, world: dict[str, Any]) -> None:
    assert world["stores"][0] == {
        "storeid": 1,
        "externalid": "CAM",
        "warehouseid": 1,
        "quarantinewarehouseid": 2,
        "registerid": world["stores"][0]["registerid"],
    }
    stores = client.get(f"{SITE}/stores.json", headers=AUTH).get_json()
    assert [s["name"] for s in stores["items"]] == ["Camden", "Leeds"]
    wh = client.get(f"{SITE}/warehouses.json", headers=AUTH).get_json()
    assert [(w["warehouseid"], w["storeid"], w["usetype"], w["sellable"]) for w in wh["items"]] == [
        (1, 1, 10, True),
        (2, 1, 20, False),
        (3, 2, 10, True),
        (4, 2, 20, False),
    ]
    r = client.get(f"{SITE}/warehouses/1/warehouseitems.json", headers=AUTH)
    assert r.get_json()["items"][2] == {
        "warehouseid": 1,
        "sku": "TEE-1",
        "decimaltotal": "10.000",
        "decimalreserved": "0.000",
        "decimalavailable": "10.000",
        "moneytotal": "0.00",
        "binlocation": "",
        "datelastmodified": 1767603600,
    }
    assert client.get(f"{SITE}/warehouses/9.json", headers=AUTH).status_code == 404
    assert client.get(f"{SITE}/warehouses/9/warehouseitems.json", headers=AUTH).status_code == 404


def test_transactions_move_stock_with_type_and_reason(client: FlaskClient, world: dict[str, Any]) -> None:
    body = [
        {
            "warehouseid": 1,
            "transactiontype": 10,
            "externalid": "GRN-1",
            "reasoncode": "delivery",
            "items": [
                {"sku": "TEE-1", "decimalquantity": "5.000", "moneypricein": "3.45"},
                {"sku": "MUG-1", "decimalquantity": "2"},
            ],
        },
        {
            "warehouseid": 1,
            "transactiontype": 20,
            "reasoncode": "shrinkage",
            "items": [{"sku": "BOOK-1", "decimalquantity": "-4.000"}],
        },
        {
            "warehouseid": 1,
            "transactiontype": 10,
            "externalid": "GRN-1",
            "items": [{"sku": "TEE-1", "decimalquantity": "1"}],
        },
        {"warehouseid": 1, "transactiontype": 20, "items": [{"sku": "TEE-1", "decimalquantity": "1"}]},
        {"warehouseid": 1, "transactiontype": 30, "items": [{"sku": "TEE-1", "decimalquantity": "-1"}]},
        {"warehouseid": 1, "transactiontype": 10, "items": [{"sku": "NOPE", "decimalquantity": "1"}]},
        {"warehouseid": 7, "transactiontype": 10, "items": [{"sku": "TEE-1", "decimalquantity": "1"}]},
    ]
    r = client.post(f"{SITE}/warehousetransactions.json", json=body, headers=AUTH)
    assert r.get_json() == [
        {"statuscode": 200, "return": 5},
        {"statuscode": 200, "return": 6},
        {"statuscode": 400, "errortext": "A warehouse transaction with externalid 'GRN-1' already exists."},
        {"statuscode": 400, "errortext": "Move Out quantities must be negative."},
        {"statuscode": 400, "errortext": "Transaction type 30 (Sales) is read only."},
        {"statuscode": 400, "errortext": "Unknown sku 'NOPE'."},
        {"statuscode": 400, "errortext": "Warehouse 7 does not exist."},
    ]
    assert (stock_of(client, 1, "TEE-1"), stock_of(client, 1, "MUG-1"), stock_of(client, 1, "BOOK-1")) == (
        "15.000",
        "7.000",
        "-1.000",
    )
    r = client.get(f"{SITE}/warehouses/1/warehousetransactions.json?num=2", headers=AUTH)
    page = r.get_json()
    assert page["totalcount"] == 5
    assert page["items"][0] == {
        "warehousetransactionid": 6,
        "warehouseid": 1,
        "datecreated": 1767603600,
        "transactiontype": 20,
        "description": "Move Out",
        "orderid": None,
        "externalid": None,
        "reasoncode": "shrinkage",
        "items": [
            {
                "sku": "BOOK-1",
                "decimalquantity": "-4.000",
                "moneypricein": None,
                "decimaltotalafter": "-1.000",
            }
        ],
    }
    r = client.get(
        f"{SITE}/warehouses/1/warehousetransactions.json?transactiontype=10&sort=warehousetransactionid"
        "&warehousetransactionidfrom=4",
        headers=AUTH,
    )
    assert [t["warehousetransactionid"] for t in r.get_json()["items"]] == [5]
    r = client.get(f"{SITE}/warehouses/1/warehousetransactions/5.json", headers=AUTH)
    assert r.get_json()["items"][0] == {
        "sku": "TEE-1",
        "decimalquantity": "5.000",
        "moneypricein": "3.45",
        "decimaltotalafter": "15.000",
    }
    assert client.get(f"{SITE}/warehouses/3/warehousetransactions/5.json", headers=AUTH).status_code == 404


def test_batch_limit_is_1000_and_a_refused_batch_writes_nothing(
    client: FlaskClient, world: dict[str, Any]
) -> None:
    one = {"warehouseid": 3, "transactiontype": 10, "items": [{"sku": "MUG-1", "decimalquantity": "1"}]}
    r = client.post(f"{SITE}/warehousetransactions.json", json=[one] * 1001, headers=AUTH)
    assert (r.status_code, r.get_json()) == (
        400,
        {"statuscode": 400, "errortext": "A batch holds at most 1000 warehouse transactions; got 1001."},
    )
    assert stock_of(client, 3, "MUG-1") == "0.000"
    r = client.post(f"{SITE}/warehousetransactions.json", json=[one] * 1000, headers=AUTH)
    assert (
        r.status_code == 200
        and all(x["statuscode"] == 200 for x in r.get_json())
        and len(r.get_json()) == 1000
    )
    assert stock_of(client, 3, "MUG-1") == "1000.000"
    single = {"warehouseid": 3, "transactiontype": 20, "items": [{"sku": "MUG-1", "decimalquantity": "-0.5"}]}
    assert client.post(f"{SITE}/warehousetransactions.json", json=single, headers=AUTH).status_code == 200
    assert stock_of(client, 3, "MUG-1") == "999.500"
    r = client.post(f"{SITE}/warehousetransactions.json", json={**single, "items": []}, headers=AUTH)
    assert r.get_json() == {"statuscode": 400, "errortext": "Field 'items' must hold at least 1 entries."}


def test_stock_take_and_adjust_actions(client: FlaskClient, world: dict[str, Any]) -> None:
    r = client.post(
        "/__erpsim/act/stock_take", json={"warehouseid": 1, "sku": "TEE-1", "counted": 7}, headers=ADMIN
    )
    assert r.get_json()["transactiontype"] == 50 and r.get_json()["items"][0]["decimalquantity"] == "-3.000"
    r = client.post(
        "/__erpsim/act/adjust_stock",
        json={"warehouseid": 1, "sku": "TEE-1", "quantity": "-2", "reasoncode": "damaged"},
        headers=ADMIN,
    )
    assert (r.get_json()["transactiontype"], r.get_json()["reasoncode"]) == (20, "damaged")
    assert stock_of(client, 1, "TEE-1") == "5.000"
    r = client.post(
        "/__erpsim/act/adjust_stock", json={"warehouseid": 1, "sku": "ZZZ", "quantity": "1"}, headers=ADMIN
    )
    assert (r.status_code, r.get_json()) == (
        400,
        {"error": "INVALID_REQUEST", "message": "Unknown sku 'ZZZ'.", "path": "sku"},
    )
