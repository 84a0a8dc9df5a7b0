"""Item master rules, authentication, the WMS error shape for core conditions, faults and throttling."""

from __future__ import annotations

from .conftest import WmsDriver


def test_product_create_read_update(wms: WmsDriver) -> None:
    body = {
        "sku": "C-3",
        "externalId": "104",
        "name": "Gizmo",
        "barcode": "4006381333931",
        "weightKg": 1.25,
        "dimensions": {"lengthCm": 30, "widthCm": 20, "heightCm": 10.5},
    }
    created = wms.ok("POST", "/products", body, status=201)
    assert created == {
        "id": 4,
        "sku": "C-3",
        "externalId": "104",
        "name": "Gizmo",
        "itemType": "PHYSICAL",
        "barcode": "4006381333931",
        "weightKg": 1.25,
        "dimensions": {"lengthCm": 30.0, "widthCm": 20.0, "heightCm": 10.5},
        "createdAt": "2026-01-05T09:00:00.000Z",
        "updatedAt": "2026-01-05T09:00:00.000Z",
    }
    assert wms.ok("GET", "/products/4") == created
    wms.clock({"advance": 5})
    patched = wms.ok(
        "PATCH", "/products/4", {"name": "Gizmo v2", "barcode": None, "dimensions": {"heightCm": 12}}
    )
    assert (patched["name"], patched["barcode"], patched["dimensions"]["heightCm"], patched["updatedAt"]) == (
        "Gizmo v2",
        None,
        12.0,
        "2026-01-05T09:00:05.000Z",
    )
    assert [p["sku"] for p in wms.ok("GET", "/products?updatedSince=2026-01-05T09:00:01Z")["items"]] == [
        "C-3"
    ]
    assert wms.ok("GET", "/products?externalId=102")["items"][0]["sku"] == "B-2"
    assert wms.ok("GET", "/products?sku=A-1")["items"][0]["weightKg"] == 0.5


def test_product_natural_keys_and_refusals(wms: WmsDriver) -> None:
    r = wms.api("POST", "/products", {"sku": "A-1", "externalId": "999", "name": "Dup"})
    assert r.status_code == 422 and r.get_json() == {
        "status": 422,
        "errorCode": "DUPLICATE_SKU",
        "message": "SKU 'A-1' already exists in the item master (product 1).",
        "field": "sku",
        "existingProductId": 1,
    }
    r = wms.api("POST", "/products", {"sku": "NEW", "externalId": "101", "name": "Dup"})
    assert (r.status_code, r.get_json()["errorCode"], r.get_json()["existingProductId"]) == (
        422,
        "DUPLICATE_EXTERNAL_ID",
        1,
    )
    r = wms.api("PATCH", "/products/2", {"externalId": "101"})
    assert (r.status_code, r.get_json()["errorCode"]) == (422, "DUPLICATE_EXTERNAL_ID")
    r = wms.api("PATCH", "/products/1", {"sku": "B-2"})  # a SKU correction cannot take another item's code
    assert (r.status_code, r.get_json()["errorCode"], r.get_json()["existingProductId"]) == (
        422,
        "DUPLICATE_SKU",
        2,
    )
    r = wms.api("PATCH", "/products/1", {"sku": "-bad"})
    assert (r.status_code, r.get_json()["field"]) == (400, "sku")
    assert wms.api("PATCH", "/products/1", {}).status_code == 400
    assert wms.api("PATCH", "/products/99", {"name": "x"}).status_code == 404
    for bad, field in (
        ({"weightKg": -1}, "weightKg"),
        ({"weightKg": True}, "weightKg"),
        ({"itemType": "KIT"}, "itemType"),
        ({"dimensions": {"depthCm": 1}}, "dimensions.depthCm"),
        ({"barcode": "12 34"}, "barcode"),
        ({"name": None}, "name"),
    ):
        r = wms.api("PATCH", "/products/1", bad)
        assert (r.status_code, r.get_json()["field"]) == (400, field), bad
    r = wms.api("POST", "/products", {"sku": "-bad", "externalId": "1", "name": "x"})
    assert (r.status_code, r.get_json()["field"]) == (400, "sku")
    assert len(wms.state("wms_products")["wms_products"]) == 3


def test_api_key_is_required_and_checked(wms: WmsDriver) -> None:
    r = wms.api("GET", "/orders", auth=False)
    assert r.status_code == 401 and r.get_json() == {
        "status": 401,
        "errorCode": "UNAUTHORIZED",
        "message": "Missing API key: send it in the X-API-Key header.",
    }
    r = wms.api("POST", "/orders", {"clientReference": "X"}, headers={"X-API-Key": "wrong"})
    assert r.status_code == 401 and r.get_json() == {
        "status": 401,
        "errorCode": "UNAUTHORIZED",
        "message": "Invalid API key.",
    }
    assert wms.state("wms_orders")["wms_orders"] == []


def test_core_conditions_use_the_wms_error_shape(wms: WmsDriver) -> None:
    r = wms.api("POST", "/orders", "{nope", content_type="application/json")
    assert r.status_code == 400 and r.get_json()["errorCode"] == "INVALID_JSON"
    r = wms.api("POST", "/orders", "[1]", content_type="application/json")
    assert r.status_code == 400 and r.get_json()["errorCode"] == "INVALID_JSON"
    r = wms.api("POST", "/orders", "a=1", content_type="text/plain")
    assert r.status_code == 415 and r.get_json()["errorCode"] == "UNSUPPORTED_MEDIA_TYPE"
    r = wms.api("GET", "/nowhere")
    assert r.status_code == 404 and r.get_json() == {
        "status": 404,
        "errorCode": "NOT_FOUND",
        "message": "No resource matches this URL.",
    }
    r = wms.api("DELETE", "/orders/1")
    assert (
        r.status_code == 405
        and r.get_json()["errorCode"] == "METHOD_NOT_ALLOWED"
        and "GET" in r.headers["Allow"]
    )
    r = wms.api("POST", "/orders", b"{" + b" " * (11 * 1024 * 1024) + b"}", content_type="application/json")
    assert r.status_code == 413 and r.get_json()["errorCode"] == "PAYLOAD_TOO_LARGE"
    assert wms.state("wms_orders")["wms_orders"] == []


def test_throttle_and_injected_faults(wms: WmsDriver) -> None:
    wms.faults({"kind": "throttle", "method": "POST", "path": "/orders", "nth": 1})
    r = wms.order("T1", [{"sku": "A-1", "quantity": 1}])
    assert r.status_code == 429 and r.headers["Retry-After"] == "60"
    assert r.get_json() == {
        "status": 429,
        "errorCode": "RATE_LIMITED",
        "message": "Too many requests: the limit is 150 requests per minute per API key.",
        "retryAfterSeconds": 60,
    }
    assert wms.state("wms_orders")["wms_orders"] == []
    assert wms.order("T1", [{"sku": "A-1", "quantity": 1}]).status_code == 201
    wms.faults({"kind": "error", "status": 503, "path": "/stock"})
    r = wms.api("GET", "/stock")
    assert r.status_code == 503 and r.get_json() == {
        "status": 503,
        "errorCode": "SERVICE_ERROR",
        "message": "Injected fault",
    }
