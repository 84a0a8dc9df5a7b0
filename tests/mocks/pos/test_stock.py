"""Stores, warehouses, stock per sku and warehouse transactions (batches of up to 1000)."""

from __future__ import annotations

from typing import Any

from .conftest import SITE, PosDriver, stock_of


def test_stores_warehouses_and_stock(pos: PosDriver, world: dict[str, Any]) -> None:
    assert world["stores"][0] == {
        "storeid": 1,
        "externalid": "CAM",
        "warehouseid": 1,
        "quarantinewarehouseid": 2,
        "registerid": world["stores"][0]["registerid"],
    }
    stores = pos.api("GET", f"{SITE}/stores.json").get_json()
    assert [s["name"] for s in stores["items"]] == ["Camden", "Leeds"]
    wh = pos.api("GET", f"{SITE}/warehouses.json").get_json()
    assert [(w["warehouseid"], w["storeid"], w["usetype"], w["sellable"]) for w in wh["items"]] == [
        (1, 1, 10, True),
        (2, 1, 20, False),
        (3, 2, 10, True),
        (4, 2, 20, False),
    ]
    r = pos.api("GET", f"{SITE}/warehouses/1/warehouseitems.json")
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
    assert pos.api("GET", f"{SITE}/warehouses/9.json").status_code == 404
    assert pos.api("GET", f"{SITE}/warehouses/9/warehouseitems.json").status_code == 404


def test_transactions_move_stock_with_type_and_reason(pos: PosDriver, world: dict[str, Any]) -> None:
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
    r = pos.api("POST", f"{SITE}/warehousetransactions.json", body)
    assert r.get_json() == [
        {"statuscode": 200, "return": 5},
        {"statuscode": 200, "return": 6},
        {"statuscode": 400, "errortext": "A warehouse transaction with externalid 'GRN-1' already exists."},
        {"statuscode": 400, "errortext": "Move Out quantities must be negative."},
        {"statuscode": 400, "errortext": "Transaction type 30 (Sales) is read only."},
        {"statuscode": 400, "errortext": "Unknown sku 'NOPE'."},
        {"statuscode": 400, "errortext": "Warehouse 7 does not exist."},
    ]
    assert (stock_of(pos, 1, "TEE-1"), stock_of(pos, 1, "MUG-1"), stock_of(pos, 1, "BOOK-1")) == (
        "15.000",
        "7.000",
        "-1.000",
    )
    r = pos.api("GET", f"{SITE}/warehouses/1/warehousetransactions.json?num=2")
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
    r = pos.api(
        "GET",
        f"{SITE}/warehouses/1/warehousetransactions.json?transactiontype=10&sort=warehousetransactionid"
        "&warehousetransactionidfrom=4",
    )
    assert [t["warehousetransactionid"] for t in r.get_json()["items"]] == [5]
    r = pos.api("GET", f"{SITE}/warehouses/1/warehousetransactions/5.json")
    assert r.get_json()["items"][0] == {
        "sku": "TEE-1",
        "decimalquantity": "5.000",
        "moneypricein": "3.45",
        "decimaltotalafter": "15.000",
    }
    assert pos.api("GET", f"{SITE}/warehouses/3/warehousetransactions/5.json").status_code == 404


def test_batch_limit_is_1000_and_a_refused_batch_writes_nothing(
    pos: PosDriver, world: dict[str, Any]
) -> None:
    one = {"warehouseid": 3, "transactiontype": 10, "items": [{"sku": "MUG-1", "decimalquantity": "1"}]}
    r = pos.api("POST", f"{SITE}/warehousetransactions.json", [one] * 1001)
    assert (r.status_code, r.get_json()) == (
        400,
        {"statuscode": 400, "errortext": "A batch holds at most 1000 warehouse transactions; got 1001."},
    )
    assert stock_of(pos, 3, "MUG-1") == "0.000"
    r = pos.api("POST", f"{SITE}/warehousetransactions.json", [one] * 1000)
    assert (
        r.status_code == 200
        and all(x["statuscode"] == 200 for x in r.get_json())
        and len(r.get_json()) == 1000
    )
    assert stock_of(pos, 3, "MUG-1") == "1000.000"
    single = {"warehouseid": 3, "transactiontype": 20, "items": [{"sku": "MUG-1", "decimalquantity": "-0.5"}]}
    assert pos.api("POST", f"{SITE}/warehousetransactions.json", single).status_code == 200
    assert stock_of(pos, 3, "MUG-1") == "999.500"
    r = pos.api("POST", f"{SITE}/warehousetransactions.json", {**single, "items": []})
    assert r.get_json() == {"statuscode": 400, "errortext": "Field 'items' must hold at least 1 entries."}


def test_stock_take_and_adjust_actions(pos: PosDriver, world: dict[str, Any]) -> None:
    taken = pos.act("stock_take", {"warehouseid": 1, "sku": "TEE-1", "counted": 7})
    assert taken["transactiontype"] == 50 and taken["items"][0]["decimalquantity"] == "-3.000"
    adjusted = pos.act(
        "adjust_stock", {"warehouseid": 1, "sku": "TEE-1", "quantity": "-2", "reasoncode": "damaged"}
    )
    assert (adjusted["transactiontype"], adjusted["reasoncode"]) == (20, "damaged")
    assert stock_of(pos, 1, "TEE-1") == "5.000"
    assert pos.act("adjust_stock", {"warehouseid": 1, "sku": "ZZZ", "quantity": "1"}, status=400) == {
        "error": "INVALID_REQUEST",
        "message": "Unknown sku 'ZZZ'.",
        "path": "sku",
    }
