"""In-process cost of the NetSuite emulator's inventory adjustment create path (no service time, no HTTP server).

Seeds an account like ``inventory_sync.py`` does (stores as locations, SKUs as inventory items, negative stock
allowed), then creates ``--count`` adjustments of ``--lines`` lines each (the body the engine's stock ledger
sends: account, subsidiary, memo, externalId, item/location/adjustQtyBy lines) through Flask's test client,
every request TBA-signed, and prints the milliseconds per request. ``--profile`` prints a cProfile of the
creates (cumulative time). Not a test: nothing is asserted but the 204s.

    .venv/bin/python load/bench/ns_adjust_profile.py [--count 10] [--lines 200] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from oauthlib.oauth1 import Client as OAuth1Client

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from mocks.core.config import EmulatorConfig  # noqa: E402
from mocks.netsuite import create_app  # noqa: E402

ADMIN = {"X-Erpsim-Admin-Token": "erpsim-admin"}
REST = "/services/rest/record/v1"


def main() -> int:
    """Seed, create the adjustments, print the figures."""
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--count", type=int, default=10)
    p.add_argument("--lines", type=int, default=200)
    p.add_argument("--skus", type=int, default=4000)
    p.add_argument("--stores", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2, help="adjustments created before timing")
    p.add_argument("--profile", action="store_true", help="print a cProfile of the timed creates")
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime)")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="erpsim-nsprof-"))
    app = create_app(EmulatorConfig(system="netsuite", db_url=f"sqlite:///{tmp / 'ns.db'}", data_dir=tmp))
    client = app.test_client()

    def control(path: str, body: Any) -> Any:
        r = client.post(f"/__erpsim/{path}", json=body, headers=ADMIN)
        assert r.status_code == 200, r.get_data(as_text=True)
        return r.get_json()

    base = control("seed", {"baseline": True})
    control("act/set_preference", {"name": "allowNegativeInventory", "value": True})
    scope = {"items": [{"id": str(base["subsidiary"])}]}
    control(
        "seed",
        {
            "records": {
                "baseline": False,
                "location": [
                    {"name": f"Store {i}", "externalId": f"ST{i:03d}", "subsidiary": scope}
                    for i in range(args.stores)
                ],
            }
        },
    )
    for start in range(0, args.skus, 1000):
        control(
            "seed",
            {
                "records": {
                    "baseline": False,
                    "inventoryItem": [
                        {"itemId": f"SKU-{i:05d}", "subsidiary": scope}
                        for i in range(start, min(args.skus, start + 1000))
                    ],
                }
            },
        )
    state = client.get("/__erpsim/state?types=location,inventoryItem,account", headers=ADMIN).get_json()[
        "records"
    ]
    locations = [
        str(r["id"]) for r in state["location"] if str(r["body"].get("name", "")).startswith("Store")
    ]
    items = [str(r["id"]) for r in state["inventoryItem"]]
    account = str(next(r["id"] for r in state["account"] if not r["body"].get("isSummary")))
    signer = OAuth1Client(
        "erpsim-consumer-key",
        client_secret="erpsim-consumer-secret",
        resource_owner_key="erpsim-token-id",
        resource_owner_secret="erpsim-token-secret",
        signature_method=SIGNATURE_HMAC_SHA256,
        realm="1234567_SB1",
    )
    rnd = random.Random(7)

    def body(n: int) -> str:
        pairs: set[tuple[str, str]] = set()
        while len(pairs) < args.lines:
            pairs.add((rnd.choice(items), rnd.choice(locations)))
        return json.dumps(
            {
                "account": {"id": account},
                "subsidiary": {"id": str(base["subsidiary"])},
                "memo": f"erpsim sync: stock movements ({args.lines} lines)",
                "externalId": f"prof-{n}",
                "inventory": {
                    "items": [
                        {"item": {"id": i}, "location": {"id": loc}, "adjustQtyBy": -rnd.randint(1, 4)}
                        for i, loc in sorted(pairs)
                    ]
                },
            }
        )

    def create(n: int, data: str) -> tuple[float, float]:
        path = f"{REST}/inventoryAdjustment"
        _, signed, _ = signer.sign(f"http://localhost{path}", http_method="POST")
        started, cpu = time.perf_counter(), time.thread_time()
        r = client.post(
            path,
            data=data,
            headers={"Authorization": signed["Authorization"], "Content-Type": "application/json"},
        )
        elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu
        assert r.status_code == 204, r.get_data(as_text=True)
        return elapsed, cpu

    for n in range(args.warmup):
        create(-n - 1, body(-n - 1))
    bodies = [body(n) for n in range(args.count)]
    profiler = (
        cProfile.Profile(time.thread_time) if args.profile else None
    )  # CPU: a loaded machine adds no noise
    if profiler:
        profiler.enable()
    measured = [create(n, data) for n, data in enumerate(bodies)]
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    times = sorted(m[0] for m in measured)
    cpu = sorted(m[1] for m in measured)
    mid = len(times) // 2
    # CPU time of the request's thread is what a loaded machine distorts least.
    print(
        f"{args.count} adjustments x {args.lines} lines: wall median {1000 * times[mid]:.1f} ms "
        f"(min {1000 * times[0]:.1f}, max {1000 * times[-1]:.1f}); CPU median {1000 * cpu[mid]:.1f} ms "
        f"(min {1000 * cpu[0]:.1f}) = {args.lines / cpu[mid]:.0f} lines/s of CPU"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
