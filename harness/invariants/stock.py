"""Stock: at quiescence NetSuite's on-hand per item and location equals the system holding the goods."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from . import Context, Finding, NotApplicable, invariant


def _netsuite_on_hand(ctx: Context) -> dict[tuple[int, int], float]:
    totals: dict[tuple[int, int], float] = defaultdict(float)
    for row in ctx.state.get("netsuite", {}).get("inventory", []):
        totals[(int(row["item"]), int(row["location"]))] += float(row["onHand"])
    return totals


def _connector_pushes(ctx: Context) -> dict[tuple[str, int], float]:
    """Per (SKU, POS warehouse): the stock the connector itself wrote into the POS (warehouse transactions it
    created through the POS API, found by the ids the POS answered), which is not a movement in the store."""
    created: set[int] = set()
    for entry in ctx.journals.get("pos", []):
        if (
            entry.get("method") != "POST"
            or not str(entry.get("path", "")).endswith("/warehousetransactions.json")
            or entry.get("status") != 200
        ):
            continue
        try:
            results: Any = json.loads(entry.get("response_body") or "null")
        except ValueError:
            continue
        for result in results if isinstance(results, list) else []:
            if (
                isinstance(result, dict)
                and result.get("statuscode") == 200
                and result.get("return") is not None
            ):
                created.add(int(result["return"]))
    pos = ctx.state.get("pos", {})
    warehouse = {
        t["warehousetransactionid"]: int(t["warehouseid"])
        for t in pos.get("pos_warehouse_transactions", [])
        if t["warehousetransactionid"] in created
    }
    pushed: dict[tuple[str, int], float] = defaultdict(float)
    for row in pos.get("pos_warehouse_transaction_items", []):
        if row["warehousetransactionid"] in warehouse:
            pushed[(row["sku"], warehouse[row["warehousetransactionid"]])] += (
                float(row["quantity_milli"]) / 1000
            )
    return pushed


@invariant("stock_agrees", "stock")
def stock_agrees(
    ctx: Context, systems: list[str] | None = None, tolerance: float = 0.0, store_pushes: bool = False
) -> list[Finding]:
    """For every item and location the world mirrors, NetSuite's quantity on hand equals the WMS's on-hand
    (warehouses) or the store's stock (stores): the POS's stock less what the connector itself pushed into the POS,
    so a connector that loses a movement (a refund posted with quantity 0) and then copies NetSuite's figure over
    the till's does not hide it. ``store_pushes: true`` counts the pushes as store stock (a scenario that moves
    store stock in NetSuite itself, such as a transfer, which only a push brings to the till)."""
    wanted = set(systems or ["wms", "pos"])
    ns_stock = _netsuite_on_hand(ctx)
    findings: list[Finding] = []
    compared = 0
    refs = ctx.refs.refs
    locations = [(r, a) for r, a in refs.items() if a.get("kind") == "location"]
    items = [(r, a) for r, a in refs.items() if a.get("kind") == "item" and a.get("physical")]
    if "wms" in wanted:
        wms_stock = {
            (s["sku"], int(s["warehouse_id"])): float(s["on_hand"])
            for s in ctx.state.get("wms", {}).get("wms_stock", [])
        }
        for loc_ref, loc in locations:
            if loc.get("wms") is None:
                continue
            for item_ref, item in items:
                if item.get("wms_sku") is None:
                    continue
                compared += 1
                ns_qty = ns_stock.get((int(item["netsuite"]), int(loc["netsuite"])), 0.0)
                wms_qty = wms_stock.get((item["wms_sku"], int(loc["wms"])), 0.0)
                if abs(ns_qty - wms_qty) > tolerance:
                    findings.append(
                        Finding(
                            f"{item_ref} at {loc_ref}: NetSuite has {ns_qty:g} on hand, the WMS {wms_qty:g}",
                            [
                                {
                                    "system": "netsuite",
                                    "item": item["netsuite"],
                                    "location": loc["netsuite"],
                                    "onHand": ns_qty,
                                },
                                {
                                    "system": "wms",
                                    "sku": item["wms_sku"],
                                    "warehouseId": loc["wms"],
                                    "onHand": wms_qty,
                                },
                            ],
                        )
                    )
    if "pos" in wanted:
        pos_stock: dict[tuple[str, int], float] = defaultdict(float)
        for s in ctx.state.get("pos", {}).get("pos_warehouse_items", []):
            pos_stock[(s["sku"], int(s["warehouseid"]))] += float(s["total_milli"]) / 1000
        for key, qty in ({} if store_pushes else _connector_pushes(ctx)).items():
            pos_stock[key] -= qty
        for loc_ref, loc in locations:
            if loc.get("pos") is None:
                continue
            for item_ref, item in items:
                if item.get("pos_sku") is None:
                    continue
                compared += 1
                ns_qty = ns_stock.get((int(item["netsuite"]), int(loc["netsuite"])), 0.0)
                pos_qty = pos_stock.get((item["pos_sku"], int(loc["pos"])), 0.0)
                if abs(ns_qty - pos_qty) > tolerance:
                    findings.append(
                        Finding(
                            f"{item_ref} at {loc_ref}: NetSuite has {ns_qty:g} on hand, the store {pos_qty:g}",
                            [
                                {
                                    "system": "netsuite",
                                    "item": item["netsuite"],
                                    "location": loc["netsuite"],
                                    "onHand": ns_qty,
                                },
                                {
                                    "system": "pos",
                                    "sku": item["pos_sku"],
                                    "warehouseid": loc["pos"],
                                    "stock": pos_qty,
                                },
                            ],
                        )
                    )
    if not compared:
        raise NotApplicable("the world mirrors no item at any location")
    return findings
