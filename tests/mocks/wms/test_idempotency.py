"""Natural-key idempotency under the failures that cause duplicates: lost responses and concurrent retries."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from mocks.core.middleware import ConnectionDropped

from .conftest import KEY, SHIP_TO, WmsDriver


def test_retry_after_a_lost_response_finds_the_existing_order(wms: WmsDriver) -> None:
    wms.faults({"kind": "reset_after", "method": "POST", "path": "^/api/v1/orders$", "nth": 1})
    with pytest.raises(ConnectionDropped):
        wms.order("SO-RETRY", [{"sku": "A-1", "quantity": 1}])
    retry = wms.order("SO-RETRY", [{"sku": "A-1", "quantity": 1}])
    assert (retry.status_code, retry.get_json()["existingOrderId"]) == (422, 1)
    assert len(wms.state("wms_orders")["wms_orders"]) == 1


def test_concurrent_creates_of_one_reference_make_one_order(wms: WmsDriver, serve_app: Any) -> None:
    srv = serve_app(wms.app)
    body = {"clientReference": "SO-RACE", "shipTo": SHIP_TO, "lines": [{"sku": "A-1", "quantity": 1}]}

    def create(_: int) -> int:
        return requests.post(f"{srv.url}/api/v1/orders", json=body, headers=KEY, timeout=30).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(create, range(24)))
    assert statuses == [201] + [422] * 23
    assert len(wms.state("wms_orders")["wms_orders"]) == 1
    assert len(wms.state("wms_order_lines")["wms_order_lines"]) == 1


def test_creation_time_follows_the_virtual_clock(wms: WmsDriver) -> None:
    wms.clock({"set": "2026-03-31T23:59:59Z"})
    assert (
        wms.order("SO-T", [{"sku": "A-1", "quantity": 1}]).get_json()["createdAt"]
        == "2026-03-31T23:59:59.000Z"
    )
    wms.clock({"rate": 1})
    created = wms.order("SO-T2", [{"sku": "A-1", "quantity": 1}]).get_json()["createdAt"]
    assert "2026-03-31T23:59:59.000Z" <= created < "2026-04-01T00:01:00.000Z"
