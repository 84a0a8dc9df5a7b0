"""Products pushed from the item master (batches, unique sku) and customers looked up by email."""

from __future__ import annotations

from .conftest import SITE, PosDriver


def test_product_add_single_and_batch_with_per_item_status(pos: PosDriver) -> None:
    r = pos.api("POST", f"{SITE}/products.json", {"sku": "A-1", "title": "A", "moneyprice": "9.99"})
    assert (r.status_code, r.get_json()) == (200, 1)
    r = pos.api("POST", f"{SITE}/products.json", {"sku": "A-1", "title": "again"})
    assert (r.status_code, r.get_json()) == (
        400,
        {"statuscode": 400, "errortext": "A product with sku 'A-1' already exists."},
    )
    batch = [
        {"sku": "B-1", "title": "B", "moneyprice": "1.50", "vatvalue": 12.5},
        {"sku": "A-1", "title": "dup"},
        {"sku": "C-1"},
        {"sku": "B-1", "title": "dup in batch"},
        {"sku": "D-1", "title": "D", "moneyprice": 3},
    ]
    r = pos.api("POST", f"{SITE}/products.json", batch)
    assert r.status_code == 200
    assert r.get_json() == [
        {"statuscode": 200, "return": 2},
        {"statuscode": 400, "errortext": "A product with sku 'A-1' already exists."},
        {"statuscode": 400, "errortext": "Missing required field 'title'."},
        {"statuscode": 400, "errortext": "A product with sku 'B-1' already exists."},
        {"statuscode": 200, "return": 3},
    ]
    r = pos.api("GET", f"{SITE}/products/2.json")
    assert r.get_json() == {
        "productid": 2,
        "sku": "B-1",
        "title": "B",
        "moneyprice": "1.50",
        "moneypricein": None,
        "vatvalue": 12.5,
        "activepos": True,
        "stockcountenable": True,
        "barcode": None,
        "description": "",
        "datecreated": 1767603600,
        "datemodified": 1767603600,
    }
    r = pos.api("GET", f"{SITE}/products.json?num=2&start=1&fields=productid,sku")
    assert r.get_json() == {
        "totalcount": 3,
        "items": [{"productid": 2, "sku": "B-1"}, {"productid": 3, "sku": "D-1"}],
    }
    r = pos.api("GET", f"{SITE}/products.json?sku=D-1,A-1&fields=sku,moneyprice")
    assert r.get_json()["items"] == [
        {"sku": "A-1", "moneyprice": "9.99"},
        {"sku": "D-1", "moneyprice": "3.00"},
    ]
    assert pos.api("POST", f"{SITE}/products.json", []).status_code == 400


def test_product_updates_prices_and_skus(pos: PosDriver) -> None:
    pos.api("POST", f"{SITE}/products.json", [{"sku": "A-1", "title": "A"}, {"sku": "B-1", "title": "B"}])
    pos.clock({"advance": 60})
    r = pos.api(
        "PUT",
        f"{SITE}/products.json",
        [
            {"productid": 1, "moneyprice": "12.00"},
            {"productid": 2, "sku": "A-1"},
            {"productid": 9, "title": "x"},
            {"moneyprice": "1.00"},
        ],
    )
    assert r.get_json() == [
        {"statuscode": 200, "return": True},
        {"statuscode": 400, "errortext": "A product with sku 'A-1' already exists."},
        {"statuscode": 404, "errortext": "Product 9 not found."},
        {"statuscode": 400, "errortext": "Missing required field 'productid'."},
    ]
    product = pos.api("GET", f"{SITE}/products/1.json").get_json()
    assert (product["moneyprice"], product["datemodified"] - product["datecreated"]) == ("12.00", 60)
    r = pos.api("PUT", f"{SITE}/products/2.json", {"sku": "B-2", "title": "Bee"})
    assert r.get_json() is True
    assert pos.api("GET", f"{SITE}/products.json?sku=B-2").get_json()["items"][0]["title"] == "Bee"
    r = pos.api("PUT", f"{SITE}/products/2.json", {"productid": 2})
    assert r.get_json() == {"statuscode": 400, "errortext": "Invalid field 'productid' for product."}
    assert pos.api("DELETE", f"{SITE}/products/2.json").get_json() is True
    r = pos.api("GET", f"{SITE}/products/2.json")
    assert (r.status_code, r.get_json()) == (404, {"statuscode": 404, "errortext": "Product 2 not found."})
    assert pos.api("DELETE", f"{SITE}/products/2.json").status_code == 404


def test_customers_are_unique_by_email_case_insensitive(pos: PosDriver) -> None:
    r = pos.api("POST", f"{SITE}/users.json", {"email": "Ann@Example.com", "namefirst": "Ann"})
    assert r.get_json() == 1
    r = pos.api("POST", f"{SITE}/users.json", {"email": "ann@example.com", "namefirst": "Other"})
    assert (r.status_code, r.get_json()) == (
        400,
        {"statuscode": 400, "errortext": "A user with email 'ann@example.com' already exists."},
    )
    r = pos.api(
        "POST",
        f"{SITE}/users.json",
        [
            {"email": "bob@example.com"},
            {"email": "ANN@example.com"},
            {"email": "not-an-email"},
            {"namefirst": "No email"},
        ],
    )
    assert r.get_json() == [
        {"statuscode": 200, "return": 2},
        {"statuscode": 400, "errortext": "A user with email 'ANN@example.com' already exists."},
        {"statuscode": 400, "errortext": "Field 'email' has an invalid format."},
        {"statuscode": 200, "return": 3},
    ]
    r = pos.api("GET", f"{SITE}/users.json?email=ANN@EXAMPLE.COM")
    assert r.get_json() == {
        "totalcount": 1,
        "items": [
            {
                "userid": 1,
                "email": "Ann@Example.com",
                "namefirst": "Ann",
                "namelast": "",
                "customernumber": None,
                "personalid": None,
                "mobile": None,
                "company": None,
                "externalid": None,
                "datecreated": 1767603600,
                "datemodified": 1767603600,
            }
        ],
    }
    assert pos.api("GET", f"{SITE}/users.json?email=nobody@example.com").get_json()["totalcount"] == 0
    r = pos.api("PUT", f"{SITE}/users/2.json", {"email": "ann@example.COM"})
    assert r.status_code == 400
    assert pos.api("PUT", f"{SITE}/users.json", [{"userid": 2, "mobile": "0700"}]).get_json() == [
        {"statuscode": 200, "return": True}
    ]
    assert pos.api("GET", f"{SITE}/users/2.json").get_json()["mobile"] == "0700"
    assert pos.api("DELETE", f"{SITE}/users/1.json").get_json() is True
    assert pos.api("POST", f"{SITE}/users.json", {"email": "ann@example.com"}).get_json() == 4
