"""CPU time per hottest write, in process (Flask test client, no server, no wrk): POS sale, WMS order create.

    python load/bench/write_cpu.py pos|wms [requests=300] [rounds=3]

Prints the best round's CPU microseconds per request (``time.process_time``): on a shared machine CPU time
moves far less with the load than requests per second do, so two trees are compared by running this
alternately in each (``PYTHONPATH=<tree>``) and taking each one's minimum. The bodies are those of
``tests/mocks/pos/bench_sale.lua`` and ``tests/mocks/wms/bench_order_create.lua``.
"""

from __future__ import annotations

import base64
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mocks.core.config import EmulatorConfig

ADMIN = {"X-Erpsim-Admin-Token": "erpsim-admin"}


def pos_sale(data_dir: Path) -> Callable[[], None]:
    """A seeded POS and one sale request (two products, a discount line, a card payment)."""
    from mocks.pos import create_app

    client = create_app(EmulatorConfig(system="pos", data_dir=data_dir)).test_client()
    world = client.post(
        "/__erpsim/seed",
        headers=ADMIN,
        json={
            "records": {
                "stores": [{"name": "Bench Store"}],
                "products": [
                    {"sku": "SKU-0001", "title": "A", "moneyprice": "12.00", "vatvalue": 20},
                    {"sku": "SKU-0002", "title": "B", "moneyprice": "6.00", "vatvalue": 20},
                ],
            }
        },
    ).get_json()
    headers = {"Authorization": "Basic " + base64.b64encode(b"10020-140:erpsim-pos-10020").decode()}
    body: dict[str, Any] = {
        "registerid": world["stores"][0]["registerid"],
        "orderitems": [
            {"sku": "SKU-0001", "quantity": 1, "moneynetpriceperunit": "10.00", "vatvalue": 20},
            {"sku": "SKU-0002", "quantity": 2, "moneynetpriceperunit": "5.00", "vatvalue": 20},
            {"orderitemtype": 30, "moneyrowdiscount": "1.20"},
        ],
        "payments": [{"name": "Card", "moneyamount": "22.80"}],
    }

    def sale() -> None:
        r = client.post("/v2/accounts/10020/sites/1/orders.json", headers=headers, json=body)
        assert r.status_code == 200, r.get_data()

    return sale


def wms_order(data_dir: Path) -> Callable[[], None]:
    """A seeded WMS and one order create request (a new client reference each time)."""
    from mocks.wms import create_app

    client = create_app(EmulatorConfig(system="wms", data_dir=data_dir)).test_client()
    assert (
        client.post("/__erpsim/seed", headers=ADMIN, json={"seed": 1, "skus": 2, "orders": 0}).status_code
        == 200
    )
    counter = iter(range(1, 10**9))

    def order() -> None:
        k = next(counter)
        r = client.post(
            "/api/v1/orders",
            headers={"X-API-Key": "wms-test-key"},
            json={
                "clientReference": f"B-{k}",
                "externalId": str(k),
                "shipTo": {
                    "name": "Ada Lovelace",
                    "address1": "1 High Street",
                    "city": "Manchester",
                    "postcode": "M1 1AA",
                    "country": "GB",
                },
                "lines": [
                    {"sku": "SKU-00001", "quantity": 2, "externalLineId": "1"},
                    {"sku": "SKU-00002", "quantity": 1, "externalLineId": "2"},
                ],
            },
        )
        assert r.status_code == 201, r.get_data()

    return order


def main() -> None:
    """Measure and print microseconds of CPU per request (best round)."""
    system = sys.argv[1] if len(sys.argv) > 1 else "pos"
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    with tempfile.TemporaryDirectory(prefix="erpsim-cpu-") as data_dir:
        request = {"pos": pos_sale, "wms": wms_order}[system](Path(data_dir))
        for _ in range(200):  # warm up: caches, pools, the first pages of every table
            request()
        best = float("inf")
        for _ in range(rounds):
            started = time.process_time()
            for _ in range(requests):
                request()
            best = min(best, (time.process_time() - started) / requests * 1e6)
    print(f"{system}: {best:.0f} us CPU per request (best of {rounds} x {requests})")


if __name__ == "__main__":
    main()
