"""A small connector that is not the reference engine: NetSuite sales orders to the WMS, and cancellations.

It only speaks the connector protocol (``ERPSIM_*`` variables, a state folder, vendor APIs over HTTP):

    fake_connector.py once        one pass, exit 0
    fake_connector.py daemon      passes every 0.2 s until SIGTERM
    fake_connector.py exceptions  print the exception queue (JSON array)

``FAKE_BUG`` makes it misbehave the way the reference engine's mutants do, so tests can show that the
invariants catch it: ``no-physical-filter`` (digital lines go to the WMS), ``no-cancel-check`` (a cancel
the WMS refuses is dropped silently), ``crash`` (exit 3 after the first order).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import requests
from requests_oauthlib import OAuth1

SHIPPABLE = ("Pending Fulfillment", "Partially Fulfilled", "Pending Billing/Partially Fulfilled")
PHYSICAL = ("InvtPart", "Assembly", "SerializedInvtPart", "LotNumberedInvtPart")
env = os.environ
BUG = env.get("FAKE_BUG", "")
STATE = Path(env.get("ERPSIM_STATE_DIR", "."))
NS = env.get("ERPSIM_NETSUITE_URL", "") + "/services/rest"
WMS = env.get("ERPSIM_WMS_URL", "") + "/api/v1"


def _ns() -> requests.Session:
    s = requests.Session()
    s.auth = OAuth1(
        env["ERPSIM_NETSUITE_CONSUMER_KEY"],
        env["ERPSIM_NETSUITE_CONSUMER_SECRET"],
        env["ERPSIM_NETSUITE_TOKEN_ID"],
        env["ERPSIM_NETSUITE_TOKEN_SECRET"],
        signature_method="HMAC-SHA256",
        realm=env["ERPSIM_NETSUITE_ACCOUNT"],
    )
    return s


def _wms() -> requests.Session:
    s = requests.Session()
    s.headers["X-API-Key"] = env["ERPSIM_WMS_API_KEY"]
    return s


def _load_exceptions() -> list[dict[str, Any]]:
    path = STATE / "exceptions.json"
    return json.loads(path.read_text()) if path.exists() else []


def _flag(category: str, flow: str, summary: str, records: dict[str, Any]) -> None:
    queue = _load_exceptions()
    if any(e["category"] == category and e["records"] == records for e in queue):
        return
    queue.append(
        {
            "id": len(queue) + 1,
            "category": category,
            "flow": flow,
            "summary": summary,
            "records": records,
            "error": {},
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
    )
    (STATE / "exceptions.json").write_text(json.dumps(queue))


def one_pass() -> None:
    ns, wms = _ns(), _wms()
    ids = [row["id"] for row in ns.get(f"{NS}/record/v1/salesOrder", timeout=30).json()["items"]]
    for so_id in ids:
        so = ns.get(
            f"{NS}/record/v1/salesOrder/{so_id}", params={"expandSubResources": "true"}, timeout=30
        ).json()
        status = (so.get("status") or {}).get("refName", "")
        ref = so.get("tranId") or str(so_id)
        found = wms.get(f"{WMS}/orders/reference/{ref}", timeout=30)
        lines = so["item"]["items"]
        closed = status in ("Closed", "Cancelled") or all(ln.get("isClosed") for ln in lines)
        if closed:
            if found.status_code == 200:
                order = found.json()
                if order["status"] in ("NEW", "RELEASED", "HOLDING"):
                    wms.post(
                        f"{WMS}/orders/{order['id']}/cancel",
                        json={"reason": "cancelled in NetSuite"},
                        timeout=30,
                    )
                elif order["status"] != "CANCELLED" and BUG != "no-cancel-check":
                    _flag(
                        "cancel_after_release",
                        "cancellations",
                        f"sales order {ref} was cancelled after the WMS {order['status'].lower()} it",
                        {"salesOrder": str(so_id), "tranId": ref, "wmsOrder": order["id"]},
                    )
            continue
        if status not in SHIPPABLE or found.status_code == 200:
            continue
        wanted = [
            ln
            for ln in lines
            if BUG == "no-physical-filter"
            or (ln["itemType"]["id"] if isinstance(ln.get("itemType"), dict) else ln.get("itemType"))
            in PHYSICAL
        ]
        if not wanted:
            continue
        addr = so.get("shippingAddress") or {}
        country = addr.get("country")
        body = {
            "clientReference": ref,
            "externalId": str(so_id),
            "shipTo": {
                "name": addr.get("addressee") or "Customer",
                "address1": addr.get("addr1") or "-",
                "city": addr.get("city") or "-",
                "postcode": addr.get("zip"),
                "country": country["id"] if isinstance(country, dict) else (country or "GB"),
            },
            "lines": [
                {
                    "sku": ln["item"]["refName"],
                    "quantity": int(ln["quantity"]),
                    "externalLineId": str(ln["line"]),
                }
                for ln in wanted
            ],
        }
        resp = wms.post(f"{WMS}/orders", json=body, timeout=30)
        if resp.status_code >= 400 and resp.status_code != 422:
            _flag(
                "rejected_order",
                "orders-to-wms",
                f"the WMS refused sales order {ref}: {resp.text[:200]}",
                {"salesOrder": str(so_id), "tranId": ref},
            )
        if BUG == "crash":
            sys.exit(3)


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "once"
    if command == "exceptions":
        print(json.dumps(_load_exceptions()))
        return 0
    if command == "once":
        one_pass()
        return 0
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    print("fake connector: daemon started", flush=True)
    while not stop["now"]:
        one_pass()
        time.sleep(0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
