"""act/ actions (what cashiers and staff do) and reproducible seeding."""

from __future__ import annotations

from typing import Any

from .conftest import SITE, PosDriver, stock_of


def _act(pos: PosDriver, name: str, body: dict[str, Any]) -> tuple[int, Any]:
    r = pos.control("POST", f"act/{name}", body)
    return r.status_code, r.get_json()


def test_actions_are_listed_with_descriptions(pos: PosDriver) -> None:
    actions = pos.control("GET", "act").get_json()
    assert sorted(actions) == [
        "adjust_stock",
        "cancel_order",
        "change_price",
        "close_day",
        "create_local_product",
        "refund",
        "register_customer",
        "rename_sku",
        "ring_sale",
        "stock_take",
    ]
    assert all(actions.values())


def test_cashier_rings_a_sale_and_a_full_refund(pos: PosDriver, world: dict[str, Any]) -> None:
    status, order = _act(
        pos,
        "ring_sale",
        {
            "lines": [{"sku": "TEE-1", "quantity": 3, "discount": "6.00"}],
            "externalid": "TILL-1",
            "email": "ann@example.com",
        },
    )
    assert status == 200
    assert (order["registerid"], order["moneytotal_gross_all"], order["payments"][0]["name"]) == (
        world["stores"][0]["registerid"],
        "30.00",
        "Card",
    )
    assert stock_of(pos, 1, "TEE-1") == "7.000"
    status, again = _act(pos, "ring_sale", {"lines": [{"sku": "TEE-1"}], "externalid": "TILL-1"})
    assert (status, again) == (
        400,
        {
            "error": "INVALID_REQUEST",
            "message": "An order with externalid 'TILL-1' already exists.",
            "path": "externalid",
        },
    )
    status, refund = _act(pos, "refund", {"orderid": order["orderid"], "payment": "cash"})
    assert status == 200 and refund["creditorderid"] == order["orderid"]
    assert (
        refund["moneytotal_gross_all"],
        refund["payments"][0]["name"],
        refund["orderitems"][0]["quantity"],
    ) == ("-30.00", "Cash", -3)
    assert stock_of(pos, 1, "TEE-1") == "10.000"
    status, err = _act(pos, "refund", {"orderid": order["orderid"]})
    assert (status, err["message"]) == (400, "Everything on order 1 has already been returned.")


def test_merchandiser_actions_create_drift_from_the_item_master(
    pos: PosDriver, world: dict[str, Any]
) -> None:
    status, product = _act(
        pos, "create_local_product", {"sku": "LOCAL-1", "title": "Till special", "moneyprice": "2.00"}
    )
    assert status == 200 and product["productid"] == 4
    assert _act(pos, "change_price", {"sku": "TEE-1", "moneyprice": "11.50"})[1]["moneyprice"] == "11.50"
    assert _act(pos, "rename_sku", {"sku": "MUG-1", "new_sku": "MUG-2"})[1]["sku"] == "MUG-2"
    assert _act(pos, "rename_sku", {"sku": "MUG-1", "new_sku": "MUG-3"})[0] == 400
    status, order = _act(pos, "ring_sale", {"lines": [{"sku": "LOCAL-1"}, {"sku": "TEE-1"}]})
    assert order["moneytotal_gross_all"] == "16.20"  # 2.00 + 20% and 11.50 + 20%
    status, user = _act(pos, "register_customer", {"email": "new@example.com", "namefirst": "New"})
    assert status == 200 and user["userid"] == 2
    assert _act(pos, "register_customer", {"email": "ANN@example.com"})[0] == 400
    parked = pos.api(
        "POST",
        f"{SITE}/orders.json",
        {"warehouseid": 1, "orderstateid": 0, "orderitems": [{"sku": "BOOK-1", "quantity": 1}]},
    ).get_json()
    status, cancelled = _act(pos, "cancel_order", {"orderid": parked})
    assert (status, cancelled["orderstateid"], cancelled["paymentstateid"]) == (200, 20, 30)


def test_faker_seed_is_reproducible(pos: PosDriver) -> None:
    body = {"seed": 7, "products": 4, "stores": 2, "users": 3}
    tables = ("pos_products", "pos_users", "pos_warehouse_items", "pos_registers")
    first = pos.reset(body)["seeded"]
    dump1 = pos.state(*tables)
    second = pos.reset(body)["seeded"]
    dump2 = pos.state(*tables)
    assert first == second and dump1 == dump2
    assert first["products"] == ["SKU-0001", "SKU-0002", "SKU-0003", "SKU-0004"]
    assert [s["storeid"] for s in first["stores"]] == [1, 2] and first["users"] == [1, 2, 3]
    assert len(dump1["pos_warehouse_items"]) == 8
    pos.seed({"products": 3}, status=400)
    refused = pos.seed({"records": {"stock": [{"warehouseid": 1, "sku": "NOPE", "quantity": 1}]}}, status=400)
    assert refused["message"] == "Unknown sku 'NOPE'."
