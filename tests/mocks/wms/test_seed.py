"""Seeding: faker worlds are reproducible; explicit records follow the API's rules; reset restores defaults."""

from __future__ import annotations

from pathlib import Path

from .conftest import WmsDriver, make_app


def _world(tmp_path: Path, name: str) -> WmsDriver:
    w = WmsDriver(make_app(tmp_path, f"sqlite:///{tmp_path / name}"))
    w.seed({"seed": 7, "skus": 5, "orders": 4, "warehouses": 2})
    return w


def test_faker_seed_is_reproducible(tmp_path: Path) -> None:
    a, b = _world(tmp_path, "a.db"), _world(tmp_path, "b.db")
    tables = ("wms_products", "wms_stock", "wms_orders", "wms_order_lines", "wms_warehouses")
    assert a.state(*tables) == b.state(*tables)
    state = a.state(*tables)
    assert [p["sku"] for p in state["wms_products"]] == [f"SKU-{i:05d}" for i in range(1, 6)]
    assert len(state["wms_stock"]) == 10 and len(state["wms_orders"]) == 4
    assert {o["status"] for o in state["wms_orders"]} == {"NEW"}
    assert a.ok("GET", "/orders/reference/SO-000004")["id"] == 4


def test_explicit_records_and_refusals(wms: WmsDriver) -> None:
    out = wms.seed(
        {
            "records": {
                "warehouses": [{"code": "LDN", "name": "London"}],
                "stock": [{"sku": "A-1", "warehouse": "LDN", "onHand": 3}],
                "orders": [
                    {
                        "clientReference": "R1",
                        "warehouseId": 2,
                        "shipTo": {"name": "B", "address1": "x", "city": "y", "country": "FR"},
                        "lines": [{"sku": "A-1", "quantity": 3}],
                    }
                ],
            }
        }
    )
    assert out == {
        "warehouses": [2],
        "stock": [{"sku": "A-1", "warehouseId": 2, "onHand": 3}],
        "orders": [{"id": 1, "clientReference": "R1", "status": "NEW"}],
    }
    assert wms.act("release", {"order": "R1"})["status"] == "RELEASED"
    assert (
        wms.seed({"records": {"stock": [{"sku": "NOPE", "onHand": 1}]}}, status=400)["error"] == "UNKNOWN_SKU"
    )
    wms.seed({"seed": 1, "orders": True}, status=400)


def test_reset_keeps_the_default_client_and_warehouse(wms: WmsDriver) -> None:
    wms.order("SO1", [{"sku": "A-1", "quantity": 1}])
    wms.reset()
    assert wms.ok("GET", "/orders")["total"] == 0
    assert wms.ok("GET", "/warehouses")["items"] == [{"id": 1, "code": "MAIN", "name": "Main warehouse"}]
    assert wms.reset({"seed": 3, "skus": 2})["seeded"]["skus"] == ["SKU-00001", "SKU-00002"]


def test_a_seed_refused_half_way_leaves_nothing_and_can_be_sent_again(wms: WmsDriver) -> None:
    body = {
        "records": {
            "clients": [{"code": "ACME", "name": "Acme", "apiKey": "acme-key"}],
            "warehouses": [{"code": "LDN", "name": "London"}],
            "skus": [{"sku": "B-1", "name": "Bolt", "externalId": "201"}],
            "stock": [{"sku": "NOPE", "warehouse": "LDN", "onHand": 1}],
        }
    }
    before = wms.state("wms_clients", "wms_warehouses", "wms_products", "wms_stock")
    for _ in range(2):  # the same refusal each time: nothing of the first attempt stayed
        assert wms.seed(body, status=400)["error"] == "UNKNOWN_SKU"
        assert wms.state("wms_clients", "wms_warehouses", "wms_products", "wms_stock") == before
    body["records"]["stock"][0]["sku"] = "B-1"
    assert wms.seed(body)["clients"] == ["ACME"]
    assert wms.seed(body, status=400) == {
        "error": "DUPLICATE_CLIENT",
        "message": "records.clients[0]: client 'ACME' already exists.",
        "path": "records.clients[0].code",
    }
    again = wms.seed({"records": {"warehouses": [{"code": "LDN", "name": "Again"}]}}, status=400)
    assert again["error"] == "DUPLICATE_WAREHOUSE"
