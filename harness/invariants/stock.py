"""Stock: at quiescence NetSuite's on-hand per item and location equals the system holding the goods."""

from __future__ import annotations

from collections import defaultdict

from . import Context, Finding, NotApplicable, invariant


def _netsuite_on_hand(ctx: Context) -> dict[tuple[int, int], float]:
    totals: dict[tuple[int, int], float] = defaultdict(float)
    for row in ctx.state.get("netsuite", {}).get("inventory", []):
        totals[(int(row["item"]), int(row["location"]))] += float(row["onHand"])
    return totals


@invariant("stock_agrees", "stock")
def stock_agrees(ctx: Context, systems: list[str] | None = None, tolerance: float = 0.0) -> list[Finding]:
    """For every item and location the world mirrors, NetSuite's quantity on hand equals the WMS's on-hand
    (warehouses) or the POS's stock (stores)."""
    wanted = set(systems or ["wms", "pos"])
    ns_stock = _netsuite_on_hand(ctx)
    findings: list[Finding] = []
    compared = 0
    refs = ctx.refs.refs
    locations = [(r, a) for r, a in refs.items() if a.get("kind") == "location"]
    items = [(r, a) for r, a in refs.items() if a.get("kind") == "item" and a.get("physical")]
    if "wms" in wanted:
        wms_stock = {(s["sku"], int(s["warehouse_id"])): float(s["on_hand"]) for s in ctx.state.get("wms", {}).get(
            "wms_stock", [])}
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
                    findings.append(Finding(
                        f"{item_ref} at {loc_ref}: NetSuite has {ns_qty:g} on hand, the WMS {wms_qty:g}",
                        [{"system": "netsuite", "item": item["netsuite"], "location": loc["netsuite"], "onHand": ns_qty},
                         {"system": "wms", "sku": item["wms_sku"], "warehouseId": loc["wms"], "onHand": wms_qty}]))
    if "pos" in wanted:
        pos_stock = {(s["sku"], int(s["warehouseid"])): float(s["total_milli"]) / 1000
                     for s in ctx.state.get("pos", {}).get("pos_warehouse_items", [])}
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
                    findings.append(Finding(
                        f"{item_ref} at {loc_ref}: NetSuite has {ns_qty:g} on hand, the POS {pos_qty:g}",
                        [{"system": "netsuite", "item": item["netsuite"], "location": loc["netsuite"], "onHand": ns_qty},
                         {"system": "pos", "sku": item["pos_sku"], "warehouseid": loc["pos"], "stock": pos_qty}]))
    if not compared:
        raise NotApplicable("the world mirrors no item at any location")
    return findings
