"""Items, auth and the generic input refusals (nothing is written by a refused request)."""

from __future__ import annotations

from typing import Any

from .conftest import QmsDriver, err


def test_create_get_list_and_patch_an_item(api: QmsDriver) -> None:
    r = api.api(
        "POST",
        "/items",
        {"sku": "RM-1", "name": "Sugar", "type": "RAW_MATERIAL", "uom": "kg", "netsuiteId": "101"},
    )
    assert r.status_code == 201
    assert r.get_json() == {
        "id": 1,
        "sku": "RM-1",
        "name": "Sugar",
        "type": "RAW_MATERIAL",
        "uom": "kg",
        "netsuiteId": "101",
        "createdAt": "2026-01-05T09:00:00+00:00",
        "updatedAt": "2026-01-05T09:00:00+00:00",
    }
    assert api.api("GET", "/items/1").get_json()["sku"] == "RM-1"
    listing = api.api("GET", "/items?netsuite_id=101").get_json()
    assert (listing["total"], listing["page"], listing["limit"]) == (1, 1, 50)
    assert api.api("GET", "/items?type=FINISHED_GOOD").get_json()["data"] == []
    r = api.api("PATCH", "/items/1", {"name": "Cane Sugar", "netsuiteId": "102"})
    assert r.status_code == 200 and (r.get_json()["name"], r.get_json()["netsuiteId"]) == (
        "Cane Sugar",
        "102",
    )


def test_duplicates_are_409_with_the_existing_id(api: QmsDriver) -> None:
    api.item("RM-1", netsuite_id="101")
    r = api.api("POST", "/items", {"sku": "RM-1", "name": "x", "type": "RAW_MATERIAL"})
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "DUPLICATE",
            "message": "An item with sku 'RM-1' already exists (id 1).",
            "details": {"field": "sku", "existingId": 1},
        },
    )
    r = api.api("POST", "/items", {"sku": "RM-2", "name": "x", "type": "RAW_MATERIAL", "netsuiteId": "101"})
    assert r.status_code == 409 and r.get_json()["details"] == {"field": "netsuiteId", "existingId": 1}
    api.item("RM-3")
    assert api.api("PATCH", "/items/2", {"netsuiteId": "101"}).get_json()["details"]["existingId"] == 1
    assert len(api.state("qms_items")["qms_items"]) == 2


def test_auth_is_required(api: QmsDriver) -> None:
    r = api.api("GET", "/items", auth=False)
    assert err(r) == (
        401,
        {
            "statusCode": 401,
            "name": "UnauthorizedError",
            "code": "UNAUTHORIZED",
            "message": "Send the API key as 'Authorization: Bearer <API key>'.",
        },
    )
    r = api.api("GET", "/items", headers={"Authorization": "Bearer wrong"})
    assert err(r)[1]["message"] == "The API key is not valid."
    r = api.api("GET", "/items", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401


def _refused(api: QmsDriver, body: Any, field: str, message: str) -> None:
    r = api.api("POST", "/items", body)
    assert err(r) == (
        400,
        {
            "statusCode": 400,
            "name": "BadRequestError",
            "code": "VALIDATION_ERROR",
            "message": message,
            "details": {"field": field},
        },
    ), r.get_json()


def test_bad_input_gets_400_and_writes_nothing(api: QmsDriver) -> None:
    ok = {"sku": "RM-1", "name": "Sugar", "type": "RAW_MATERIAL"}
    _refused(api, {"name": "x", "type": "RAW_MATERIAL"}, "sku", "'sku' is required.")
    _refused(api, {**ok, "sku": 5}, "sku", "'sku' must be a string.")
    _refused(api, {**ok, "sku": "A\x00B"}, "sku", "'sku' must not contain NUL characters.")
    _refused(api, {**ok, "sku": "   "}, "sku", "'sku' must be 1 to 80 characters.")
    _refused(
        api,
        {**ok, "type": "GADGET"},
        "type",
        "'type' must be one of RAW_MATERIAL, PACKAGING, INTERMEDIATE, FINISHED_GOOD.",
    )
    r = api.api("POST", "/items", "{nope", content_type="application/json")
    assert r.status_code == 400 and r.get_json()["code"] == "INVALID_JSON"
    r = api.api("POST", "/items", "sku=1", content_type="text/plain")
    assert err(r)[0] == 415 and r.get_json()["code"] == "UNSUPPORTED_MEDIA_TYPE"
    r = api.api("POST", "/items", "[1]", content_type="application/json")
    assert r.status_code == 400
    r = api.api("POST", "/items", b"x" * (11 * 1024 * 1024), content_type="application/json")
    assert r.status_code == 413 and r.get_json()["code"] == "PAYLOAD_TOO_LARGE"
    assert api.api("PATCH", "/items/1", {}).status_code == 404
    api.item("RM-1")
    r = api.api("PATCH", "/items/1", {})
    assert err(r)[0] == 400 and r.get_json()["message"] == "Send at least one of 'name', 'uom', 'netsuiteId'."
    assert api.state("qms_items")["qms_items"][0]["name"] == "Rm-1"


def test_numbers_ints_bools_and_huge_ids(api: QmsDriver) -> None:
    rm = api.item("RM-1")
    base = {"netsuiteId": "PO-9", "number": "PO9"}
    for bad, message in [
        (True, "'lines[0].quantity' must be a number."),
        (0, "'lines[0].quantity' must be greater than 0 and at most 1000000000."),
        (-1, "'lines[0].quantity' must be greater than 0 and at most 1000000000."),
        (1.2345, "'lines[0].quantity' must have at most 3 decimal places."),
        (10**30, "'lines[0].quantity' must be greater than 0 and at most 1000000000."),
    ]:
        r = api.api("POST", "/purchase-orders", {**base, "lines": [{"itemId": rm["id"], "quantity": bad}]})
        assert err(r) == (
            400,
            {
                "statusCode": 400,
                "name": "BadRequestError",
                "code": "VALIDATION_ERROR",
                "message": message,
                "details": {"field": "lines[0].quantity"},
            },
        )
    r = api.api("POST", "/purchase-orders", {**base, "lines": [{"itemId": 2**70, "quantity": 1}]})
    assert r.status_code == 400 and r.get_json()["details"] == {"field": "lines[0].itemId"}
    r = api.api("POST", "/purchase-orders", {**base, "lines": [{"itemId": True, "quantity": 1}]})
    assert r.status_code == 400
    r = api.api(
        "POST", "/purchase-orders", {**base, "lines": [{"itemId": 1.0, "quantity": 2.5, "line": 3.0}]}
    )
    assert r.status_code == 201 and r.get_json()["lines"][0] == {
        "line": 3,
        "itemId": 1,
        "sku": "RM-1",
        "itemNetsuiteId": None,
        "quantity": 2.5,
        "quantityReceived": 0,
        "quantityRemaining": 2.5,
    }
    assert api.api("GET", f"/items/{2**64}").status_code == 404
    assert api.api("GET", "/items/0").status_code == 404
    r = api.api("GET", "/items?limit=0")
    assert err(r) == (
        400,
        {
            "statusCode": 400,
            "name": "BadRequestError",
            "code": "VALIDATION_ERROR",
            "message": "Query parameter 'limit' must be between 1 and 250.",
            "details": {"field": "limit"},
        },
    )


def test_unknown_route_and_method_use_the_qms_shape(api: QmsDriver) -> None:
    r = api.api("GET", "/nothing")
    assert err(r) == (
        404,
        {"statusCode": 404, "name": "NotFoundError", "code": "NOT_FOUND", "message": r.get_json()["message"]},
    )
    r = api.api("DELETE", "/items")
    assert (
        r.status_code == 405 and r.get_json()["code"] == "METHOD_NOT_ALLOWED" and "POST" in r.headers["Allow"]
    )


def test_throttle_fault_is_the_qms_429(api: QmsDriver) -> None:
    api.faults({"kind": "throttle", "nth": 1})
    r = api.api("GET", "/items")
    assert err(r) == (
        429,
        {
            "statusCode": 429,
            "name": "TooManyRequestsError",
            "code": "RATE_LIMITED",
            "message": "Too many requests: the limit is 60 per 60 seconds.",
        },
    )
    assert r.headers["Retry-After"] == "60"
    assert api.api("GET", "/items").status_code == 200
