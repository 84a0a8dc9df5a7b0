"""Stock reconciliation: WMS on-hand against NetSuite on-hand at the mapped locations, drift repaired and reported.

The WMS owns physical stock. A run reads every WMS stock row and NetSuite's ``aggregateitemlocation`` at the
locations WMS warehouses map to (locations a POS warehouse also maps to are left out: their NetSuite figure
is not the WMS's alone), and compares, per SKU and location, WMS on-hand with NetSuite on-hand plus the
movements the engine has recorded but NetSuite does not show yet (pending or parked adjustments). WMS stock is
matched to NetSuite items by SKU, and a WMS SKU that is no NetSuite itemId by its product's externalId (the
NetSuite internal id): an item renamed in NetSuite keeps its stock while the WMS still has the old SKU. Left out:
SKUs on WMS despatches whose item fulfilment is not in NetSuite yet (the despatch flow posts those; counting
them here too would move the stock twice), and SKUs whose movements arrived while the run was reading.

A difference is repaired with a delta keyed by the SKU, its location and the repair's number there (posted with
the next batch): the same history gives the same keys, so a crash cannot make a repair twice. It is reported as
``drift`` (an exception-queue entry with both figures, and the pass stats) when the engine did not expect it:
always in daemon mode (webhooks should have carried every movement), and in once mode when the WMS row did not
change since the last run (its level is the one the last run saw; the very first run is the initial load, never
drift) (NetSuite moved behind the engine's back, or a movement was lost). In once mode a
difference on a WMS row that changed since the last run is how WMS movements reach NetSuite without webhooks:
counted as ``level_synced``, not drift.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from sqlalchemy import select

from ..state import StockDelta
from .base import Context
from .inventory_ledger import FLOW, Movement, last_delta_id, pairs_after, record, unconfirmed
from .stockmaps import ItemIndex, LocationMap, parse_quantity

LAST_RUN_AT = "inventory:recon_at"
WMS_SEEN = "inventory:recon_wms_time"
DESPATCH_SINCE = "inventory:despatch_since"
DESPATCH_WATCH = "inventory:despatch_watch"
_EPS = 1e-9


class Reconciler:
    """One reconciliation run between the WMS and NetSuite (see the module docstring)."""

    def __init__(self, ctx: Context, locations: LocationMap, items: ItemIndex) -> None:
        self.ctx, self.locations, self.items = ctx, locations, items

    def due(self) -> bool:
        """Every pass with --once; in daemon mode every ERPSIM_SYNC_RECONCILE_SECONDS."""
        if not self.ctx.daemon:
            return True
        last = float(self.ctx.state.cursor(LAST_RUN_AT, "0") or 0)
        return time.time() - last >= self.ctx.config.reconcile_seconds

    def run(self) -> int:
        """Compare, record repairs, report drift; returns the number of differences found."""
        ctx = self.ctx
        assert ctx.wms is not None
        with ctx.state.tx() as s:
            before = last_delta_id(s)
        excluded = self.unposted_despatches()
        rows = ctx.wms.stock()
        excluded |= self.unposted_despatches()
        targets: dict[str, list[str]] = {}
        stocked = {f"wms:{row['warehouseId']}" for row in rows if parse_quantity(row.get("onHand"))}
        for warehouse in self.locations.keys_of("wms"):
            mapped = self.locations.resolve(warehouse)
            if mapped is None:
                if warehouse not in stocked:
                    continue  # an empty warehouse nothing maps to has nothing to reconcile
                ctx.park(
                    FLOW,
                    "unknown_location",
                    f"inventory:location:{warehouse}",
                    f"{self.locations.label(warehouse)} is not mapped to a NetSuite location: its stock is "
                    "not reconciled (set ERPSIM_SYNC_LOCATION_MAP or give the location that external id)",
                    records={"location": warehouse},
                )
                continue
            targets.setdefault(mapped, []).append(warehouse)
        shared = {self.locations.resolve(k) for k in self.locations.keys_of("pos")}
        for location in [loc for loc in targets if loc in shared]:
            del targets[location]
        if not targets:
            return 0
        previous: dict[str, float] | None = json.loads(ctx.state.cursor(WMS_SEEN, "null") or "null")
        self.items.learn_wms_skus(ctx, {str(row["sku"]) for row in rows})
        wms: dict[tuple[str, str], float] = {}
        home: dict[tuple[str, str], str] = {}
        for row in rows:
            satellite = f"wms:{row['warehouseId']}"
            at = self.locations.resolve(satellite)
            if at is None or at not in targets:
                continue
            key = (self.canonical(str(row["sku"]), satellite), at)
            wms[key] = wms.get(key, 0.0) + parse_quantity(row.get("onHand"))
            home.setdefault(key, satellite)
        levels = {f"{sku}@{loc}": qty for (sku, loc), qty in wms.items()}
        changed = {key for key in wms if previous is None or previous.get(f"{key[0]}@{key[1]}") != wms[key]}
        changed |= {(k.rsplit("@", 1)[0], k.rsplit("@", 1)[1]) for k in (previous or {}) if k not in levels}
        ns: dict[tuple[str, str], float] = {}
        ids = ", ".join(sorted(targets, key=int))
        for r in ctx.netsuite.suiteql(
            f"SELECT item, location, quantityonhand FROM aggregateitemlocation WHERE location IN ({ids})"
        ):
            item = self.items.by_id.get(str(r.get("item")))
            if item is not None and not item.lot:
                key = (item.sku, str(r["location"]))
                ns[key] = ns.get(key, 0.0) + parse_quantity(r.get("quantityonhand"))
        with ctx.state.tx() as s:
            pending_raw = unconfirmed(s, upto_id=before, location_prefix="wms:")
            late = pairs_after(s, before)
        pending: dict[tuple[str, str], float] = {}
        for (sku, satellite), qty in pending_raw.items():
            at = self.locations.resolve(satellite)
            if at is not None and at in targets:
                key = (self.canonical(sku, satellite), at)
                pending[key] = pending.get(key, 0.0) + qty
        blocked = {(self.canonical(sku, sat), self.locations.resolve(sat)) for sku, sat in excluded | late}
        with ctx.state.tx() as s:
            earlier = Counter(
                key.rsplit(":", 1)[0]
                for key in s.scalars(
                    select(StockDelta.source_key).where(StockDelta.source_key.startswith("recon:"))
                )
            )
        repairs: list[Movement] = []
        reports: list[dict[str, Any]] = []
        for key in sorted(set(wms) | set(ns)):
            sku, location = key
            item = self.items.resolve(sku)
            if item is not None and item.lot:
                continue
            diff = round(wms.get(key, 0.0) - ns.get(key, 0.0) - pending.get(key, 0.0), 6)
            if abs(diff) <= _EPS or key in blocked:
                continue
            if item is None:
                if ctx.safeguards.on("no-sku-check"):
                    ctx.park(
                        FLOW,
                        "unknown_sku",
                        f"inventory:sku:{sku}",
                        f"the WMS holds {wms.get(key, 0):g} of SKU {sku}, which NetSuite does not know: its "
                        "stock is not reconciled",
                        records={"sku": sku, "location": location},
                    )
                continue
            satellite = home.get(key) or targets[location][0]
            # the n-th repair of this SKU here: the same history gives the same keys, a crash cannot add one
            n = earlier[f"recon:{satellite}:{sku}"] + 1
            repairs.append(Movement(f"recon:{satellite}:{sku}:{n}", sku, satellite, diff, ""))
            figures = {
                "sku": sku,
                "item": item.id,
                "location": location,
                "wms": wms.get(key, 0.0),
                "netsuite": ns.get(key, 0.0),
                "pending": pending.get(key, 0.0),
                "adjustment": diff,
                "repair": n,
            }
            if previous is not None and (
                ctx.daemon or key not in changed
            ):  # the first run is the initial load
                reports.append(figures)
            else:
                ctx.stats.add(FLOW, "level_synced")
        for figures in reports:  # reported before the repair is recorded: a crash in between reports it again
            ctx.park(
                FLOW,
                "drift",
                f"drift:{figures['location']}:{figures['sku']}:{figures['repair']}",
                f"stock drift on SKU {figures['sku']} at NetSuite location {figures['location']}: WMS "
                f"{figures['wms']:g}, NetSuite {figures['netsuite']:g}"
                + (f" (+{figures['pending']:g} pending)" if figures["pending"] else "")
                + f"; repaired with an adjustment of {figures['adjustment']:+g}",
                records=figures,
            )
        with ctx.state.tx() as s:
            record(s, repairs)
            ctx.state.set_cursor(s, LAST_RUN_AT, str(time.time()))
            ctx.state.set_cursor(s, WMS_SEEN, json.dumps(levels, sort_keys=True))
        if reports:
            ctx.stats.add(FLOW, "drift", len(reports))
        return len(repairs)

    def canonical(self, sku: str, satellite: str) -> str:
        """The NetSuite SKU (itemId) of a WMS SKU: matched by the WMS product's externalId (the NetSuite internal
        id) when the SKU is no itemId, so an item renamed in NetSuite is compared with its own WMS stock."""
        item = self.items.resolve(sku, satellite)
        return item.sku if item is not None else sku

    # --- despatches not yet in NetSuite ---------------------------------------------------------------------
    def unposted_despatches(self) -> set[tuple[str, str]]:
        """(SKU, WMS location) on despatched WMS orders whose sales order has no item fulfilment in NetSuite yet."""
        ctx = self.ctx
        assert ctx.wms is not None
        since = ctx.state.cursor(DESPATCH_SINCE, "")
        watched = {int(o["id"]): o for o in json.loads(ctx.state.cursor(DESPATCH_WATCH, "[]") or "[]")}
        orders = ctx.wms.orders(status="DESPATCHED", updated_since=since or None)
        candidates = {**watched, **{int(o["id"]): _brief(o) for o in orders}}
        unposted = self._unposted(list(candidates.values()))
        with ctx.state.tx() as s:
            ctx.state.set_cursor(s, DESPATCH_WATCH, json.dumps(unposted, sort_keys=True))
            stamps = [str(o.get("updatedAt") or "") for o in orders]
            if stamps:
                ctx.state.set_cursor(s, DESPATCH_SINCE, max(stamps + [since]))
        return {(sku, f"wms:{o['warehouseId']}") for o in unposted for sku in o["skus"]}

    def _unposted(self, orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The despatched WMS orders whose item fulfilment NetSuite does not hold yet.

        A despatch is posted when NetSuite has the fulfilment the despatch flow creates for it (externalId
        ``WMS-<clientReference>``), or, for another connector's keys, as many fulfilments of the sales order as
        the WMS has despatched orders for it. A WMS order whose sales order NetSuite does not know is never
        posted by anyone, so it is not left out (its stock is the reconciliation's to repair).
        """
        if not orders:
            return []
        ns = self.ctx.netsuite
        refs = sorted({str(o["ref"]) for o in orders if o.get("ref")})
        posted_eids: set[str] = set()
        for start in range(0, len(refs), 200):
            names = ", ".join(_quote(f"WMS-{r}") for r in refs[start : start + 200])
            posted_eids |= {
                str(r.get("externalid") or "").upper()
                for r in ns.suiteql(
                    f"SELECT externalid FROM transaction WHERE type = 'ItemShip' AND externalid IN ({names})"
                )
            }
        rest = [o for o in orders if f"WMS-{o.get('ref')}".upper() not in posted_eids]
        if not rest:
            return []
        keys = sorted({str(o[k]) for o in orders for k in ("ref", "eid") if o.get(k)})
        quoted = ", ".join(_quote(k) for k in keys)
        numeric = ", ".join(sorted({k for k in keys if k.isdigit()})) or "0"
        by_ref: dict[str, str] = {}
        for row in ns.suiteql(
            f"SELECT id, tranid, externalid FROM transaction WHERE type = 'SalesOrd' AND "
            f"(id IN ({numeric}) OR externalid IN ({quoted}) OR tranid IN ({quoted}))"
        ):
            for field in ("id", "externalid", "tranid"):
                if row.get(field) is not None:
                    by_ref.setdefault(str(row[field]), str(row["id"]))
        for o in orders:
            o["so"] = by_ref.get(str(o.get("eid") or "")) or by_ref.get(str(o.get("ref") or ""))
        known = sorted({o["so"] for o in rest if o.get("so")}, key=int)
        if not known:
            return []
        shipped: dict[str, int] = {}
        for row in ns.suiteql(
            f"SELECT createdfrom FROM transaction WHERE type = 'ItemShip' AND createdfrom IN "
            f"({', '.join(known)})"
        ):
            shipped[str(row["createdfrom"])] = shipped.get(str(row["createdfrom"]), 0) + 1
        despatched: dict[str, int] = {}
        for o in orders:
            if o.get("so"):
                despatched[o["so"]] = despatched.get(o["so"], 0) + 1
        return [o for o in rest if o.get("so") and shipped.get(o["so"], 0) < despatched.get(o["so"], 0)]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _brief(order: dict[str, Any]) -> dict[str, Any]:
    """What the watch list keeps of a despatched WMS order."""
    return {
        "id": int(order["id"]),
        "ref": order.get("clientReference"),
        "eid": order.get("externalId"),
        "warehouseId": order.get("warehouseId"),
        "updatedAt": order.get("updatedAt"),
        "skus": sorted({str(ln["sku"]) for ln in order.get("lines") or [] if ln.get("quantityShipped")}),
    }
