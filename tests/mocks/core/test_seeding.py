"""Seeding the same way in every emulator: a second faker seed adds to the world without colliding, and
explicit records that collide are the system's 4xx with the reason, never a 500 or a half-written world."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.systems import SYSTEMS
from tests.conftest import ADMIN
from tests.mocks.every_system import ACCESS

#: A faker seed with some of everything (the seed number is filled in).
FAKER = {
    "netsuite": {"customers": 2, "vendors": 1, "items": {"inventory": 2}, "stock": 5, "sales_orders": 2},
    "qms": {"runs": 1, "sales_orders": 1, "received": 1},
    "wms": {"skus": 3, "orders": 2, "warehouses": 2},
    "pos": {"products": 3, "stores": 1, "users": 2},
    "ap": {"vendors": 2, "bills": 2, "vendor_credits": 1, "customers": 1, "invoices": 2},
}
#: Explicit records each system refuses the second time (a natural key taken), or accepts again (no key).
TWICE = {
    "netsuite": (
        {
            "records": {
                "currency": [{"name": "Krone", "symbol": "DKK", "exchangeRate": 0.14, "externalId": "DKK"}]
            }
        },
        400,
    ),
    "qms": ({"records": {"items": [{"sku": "RM-1", "name": "Raw", "type": "RAW_MATERIAL"}]}}, 409),
    "wms": ({"records": {"clients": [{"code": "ACME", "name": "Acme", "apiKey": "k1"}]}}, 400),
    "pos": (
        {"records": {"products": [{"sku": "A", "title": "A", "moneyprice": "1.00", "vatvalue": 0}]}},
        400,
    ),
    "ap": ({"records": {"vendors": [{"name": "V1"}]}}, 200),
}


def _seed(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/__erpsim/seed", json=body, headers=ADMIN)


def _state(client: Any) -> Any:
    return client.get("/__erpsim/state", headers=ADMIN).get_json()


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_a_second_faker_seed_adds_to_the_world(tmp_path: Path, system: str) -> None:
    client = ACCESS[system].make_app(tmp_path).test_client()
    first = _seed(client, {"seed": 1, **FAKER[system]})
    assert first.status_code == 200, first.get_json()
    once = _state(client)
    for n in (1, 2):
        again = _seed(client, {"seed": n, **FAKER[system]})
        assert again.status_code == 200, again.get_json()
    assert _state(client) != once


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_colliding_records_are_refused_with_the_reason_and_write_nothing(tmp_path: Path, system: str) -> None:
    client = ACCESS[system].make_app(tmp_path).test_client()
    body, second_status = TWICE[system]
    first = _seed(client, body)
    assert first.status_code == 200, first.get_json()
    before = _state(client)
    second = _seed(client, body)
    assert second.status_code == second_status, second.get_json()
    if second_status >= 400:
        assert second.get_json()["message"]
        assert _state(client) == before
