"""Authentication, account/site routing and the Sitoo error body for every kind of bad request."""

from __future__ import annotations

import base64
from typing import Any

from .conftest import BASE, SITE, PosDriver


def test_basic_auth_is_required_and_checked(pos: PosDriver) -> None:
    r = pos.api("GET", f"{SITE}/products.json", auth=False)
    assert r.status_code == 401
    assert r.get_json() == {"statuscode": 401, "errortext": "Unauthorized. Authorization failed."}
    assert r.headers["WWW-Authenticate"] == 'Basic realm="Sitoo API"'
    wrong = {"Authorization": "Basic " + base64.b64encode(b"10020-140:nope").decode()}
    assert pos.api("GET", f"{SITE}/products.json", headers=wrong).status_code == 401
    assert pos.api("GET", f"{SITE}/products.json", headers={"Authorization": "Bearer x"}).status_code == 401
    assert pos.api("GET", f"{SITE}/products.json", headers={"Authorization": "Basic !!!"}).status_code == 401
    r = pos.api("GET", f"{SITE}/products.json")
    assert (r.status_code, r.get_json()) == (200, {"totalcount": 0, "items": []})


def test_the_base_path_is_sitoos_own(pos: PosDriver) -> None:
    # https://api.mysitoo.com/v2/accounts/{accountid}/...: a Sitoo pos needs only its host changed.
    r = pos.api("GET", "/v2/accounts/10020/sites/1/products.json")
    assert (r.status_code, r.get_json()) == (200, {"totalcount": 0, "items": []})
    r = pos.api("GET", "/api/v2/accounts/10020/sites/1/products.json")
    assert r.status_code == 404 and r.get_json()["statuscode"] == 404


def test_unknown_account_site_and_route_are_404(pos: PosDriver) -> None:
    r = pos.api("GET", "/v2/accounts/999/sites/1/products.json")
    assert r.get_json() == {"statuscode": 404, "errortext": "Account 999 not found."}
    r = pos.api("GET", f"{BASE}/sites/2/products.json")
    assert (r.status_code, r.get_json()) == (404, {"statuscode": 404, "errortext": "Site 2 not found."})
    r = pos.api("GET", f"{BASE}/sites/99999999999999999999/products.json")
    assert r.status_code == 404
    r = pos.api("GET", f"{SITE}/nothing.json")
    assert r.get_json() == {"statuscode": 404, "errortext": "Resource not found. The url is invalid."}
    r = pos.api("DELETE", f"{SITE}/orders.json")
    assert r.status_code == 405 and r.get_json()["statuscode"] == 405 and "GET" in r.headers["Allow"]


def test_bad_bodies_are_refused_and_nothing_is_written(pos: PosDriver, world: dict[str, Any]) -> None:
    url = f"{SITE}/products.json"
    r = pos.api("POST", url, "{nope", content_type="application/json")
    assert r.status_code == 400 and r.get_json()["statuscode"] == 400
    assert r.get_json()["errortext"].startswith("Malformed JSON")
    r = pos.api("POST", url, "sku=x", content_type="text/plain")
    assert r.get_json() == {"statuscode": 415, "errortext": "Unsupported content type 'text/plain'."}
    r = pos.api("POST", url, "just a string")
    assert r.status_code == 400
    cases = [
        ({"sku": "A\x00B", "title": "x"}, "Field 'sku' must not contain NUL characters."),
        ({"sku": "NEW", "title": "x\x00"}, "Field 'title' must not contain NUL characters."),
        ({"sku": "NEW"}, "Missing required field 'title'."),
        ({"sku": 5, "title": "x"}, "Field 'sku' must be a string."),
        (
            {"sku": "NEW", "title": "x", "moneyprice": "1.234"},
            "Field 'moneyprice' must be a money string with at most 2 decimals.",
        ),
        ({"sku": "NEW", "title": "x", "activepos": 1}, "Field 'activepos' must be a boolean."),
        ({"sku": "NEW", "title": "x", "colour": "red"}, "Invalid field 'colour' for product."),
        ({"sku": "NEW", "title": "x", "vatvalue": 101}, "Field 'vatvalue' must be between 0 and 100."),
    ]
    for body, text in cases:
        r = pos.api("POST", url, body)
        assert (r.status_code, r.get_json()) == (400, {"statuscode": 400, "errortext": text}), body
    r = pos.api("POST", f"{SITE}/orders.json", {"orderitems": [{"sku": "TEE-1", "quantity": True}]})
    assert r.get_json() == {"statuscode": 400, "errortext": "Field 'quantity' must be an integer."}
    r = pos.api("POST", f"{SITE}/orders.json", {"orderitems": [{"sku": "TEE-1", "quantity": 2**70}]})
    assert r.get_json() == {
        "statuscode": 400,
        "errortext": "Field 'quantity' must be between -100000 and 100000.",
    }
    r = pos.api("POST", f"{SITE}/orders.json", {"creditorderid": 2**64, "orderitems": []})
    assert r.status_code == 400
    r = pos.api("GET", f"{SITE}/orders.json?start=-1")
    assert r.get_json() == {
        "statuscode": 400,
        "errortext": "Query parameter 'start' must be between 0 and 9223372036854775807.",
    }
    state = pos.state("pos_products", "pos_orders")
    assert [p["sku"] for p in state["pos_products"]] == ["TEE-1", "MUG-1", "BOOK-1"] and state[
        "pos_orders"
    ] == []


def test_integral_floats_are_accepted_as_integers(pos: PosDriver, world: dict[str, Any]) -> None:
    body = {
        "warehouseid": 1.0,
        "transactiontype": 10.0,
        "items": [{"sku": "TEE-1", "decimalquantity": "1.000"}],
    }
    r = pos.api("POST", f"{SITE}/warehousetransactions.json", body)
    assert r.status_code == 200 and isinstance(r.get_json(), int)
    r = pos.api("POST", f"{SITE}/warehousetransactions.json", {**body, "warehouseid": 1.5})
    assert r.get_json() == {"statuscode": 400, "errortext": "Field 'warehouseid' must be an integer."}


def test_throttle_fault_answers_sitoo_429(pos: PosDriver) -> None:
    pos.faults({"kind": "throttle", "nth": 1})
    r = pos.api("GET", f"{SITE}/products.json")
    assert (r.status_code, r.get_json()) == (429, {"statuscode": 429, "errortext": "Too Many Requests."})
    assert r.headers["Retry-After"] == "1"
    assert pos.api("GET", f"{SITE}/products.json").status_code == 200
