"""Where stock lives in each system: satellite warehouses mapped to NetSuite locations, SKUs to NetSuite items.

A satellite stock location is named ``wms:<warehouseId>`` (a WMS warehouse) or ``pos:<warehouseid>`` (a Sitoo
warehouse: a store's sellable stock or its quarantine). ERPSIM_SYNC_LOCATION_MAP maps them to NetSuite location
internal ids; a key may also name the warehouse by its code (``wms:WH01``) or external id (``pos:ST001-STOCK``).
Without an entry the default is derived from the systems' own data, the way an implementation team sets the
locations up (external ids carried across):
- a WMS warehouse -> the NetSuite location whose externalId (else name) equals the warehouse code;
- a Sitoo warehouse -> the location whose externalId equals the warehouse's externalid; a store's sellable
  warehouse also matches the location whose externalId (else name) is the store's externalid (else name).
  A quarantine warehouse never falls back to the store's location: quarantined goods are not sellable stock.
A location nothing maps to is an ``unknown_location`` exception, never a silent skip.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .base import Context

QUARANTINE_USE = 20  # Sitoo warehouse usetype of a store's quarantine
#: Daemon mode: how long the location map and the item index are reused across passes (a miss reloads sooner).
REUSE_SECONDS = 30.0
T = TypeVar("T")
_CACHE: dict[int, tuple[Context, dict[str, tuple[float, object, Any]]]] = {}


def per_pass(
    ctx: Context, key: str, loader: Callable[[Context], T], max_age: float, force: bool = False
) -> T:
    """A value loaded once per pass (``--once``), or reused across daemon passes for ``max_age`` seconds."""
    entry = _CACHE.get(id(ctx))
    if entry is None or entry[0] is not ctx:
        entry = (ctx, {})
        _CACHE[id(ctx)] = entry
    hit = entry[1].get(key)
    now = time.monotonic()
    fresh_enough = hit is not None and (hit[1] is ctx.stats or (ctx.daemon and now - hit[0] < max_age))
    if hit is not None and fresh_enough and not force:
        return hit[2]  # type: ignore[no-any-return]
    value = loader(ctx)
    entry[1][key] = (now, ctx.stats, value)
    return value


def locations_of(ctx: Context) -> LocationMap:
    """The location map of this pass (reused for REUSE_SECONDS across daemon passes)."""
    return per_pass(ctx, "locations", LocationMap.load, REUSE_SECONDS)


def items_of(ctx: Context, skus: Iterable[str] = ()) -> ItemIndex:
    """The item index of this pass; in daemon mode reloaded (once a pass) when it misses one of ``skus``."""
    index = per_pass(ctx, "items", ItemIndex.load, REUSE_SECONDS)
    if ctx.daemon and index.loaded_by is not ctx.stats and any(sku not in index.by_sku for sku in skus):
        index = per_pass(ctx, "items", ItemIndex.load, REUSE_SECONDS, force=True)
    return index


@dataclass(frozen=True)
class NsLocation:
    """A NetSuite location: internal id, name, external id, subsidiary."""

    id: str
    name: str
    external_id: str
    subsidiary: str


@dataclass
class LocationMap:
    """Satellite stock locations -> NetSuite locations, read once per pass."""

    ns: dict[str, NsLocation]
    targets: dict[str, str] = field(default_factory=dict)  # "wms:1" -> NetSuite location id
    labels: dict[str, str] = field(default_factory=dict)  # "wms:1" -> "WMS warehouse WH01" (for messages)
    pos_sellable: dict[str, int] = field(default_factory=dict)  # "pos:3" -> store id, for sellable ones

    def resolve(self, key: str) -> str | None:
        """The NetSuite location id of a satellite location, or None when nothing maps it."""
        return self.targets.get(key)

    def label(self, key: str) -> str:
        """A readable name of a satellite location."""
        return self.labels.get(key, key)

    def keys_of(self, system: str) -> list[str]:
        """The known satellite locations of one system (``wms`` or ``pos``)."""
        return sorted(k for k in self.labels if k.startswith(f"{system}:"))

    def subsidiary(self, location_id: str) -> str:
        """The subsidiary of a NetSuite location ('' when the account has none)."""
        loc = self.ns.get(location_id)
        return loc.subsidiary if loc else ""

    @classmethod
    def load(cls, ctx: Context) -> LocationMap:
        """Read NetSuite's locations and the satellites' warehouses and apply the configured overrides."""
        rows = ctx.netsuite.suiteql(
            "SELECT id, name, externalid, subsidiary FROM location WHERE isinactive = 'F'"
        )
        ns = {
            str(r["id"]): NsLocation(
                str(r["id"]),
                str(r.get("name") or ""),
                str(r.get("externalid") or ""),
                str(r.get("subsidiary") or ""),
            )
            for r in rows
        }
        result = cls(ns)
        by_eid = {loc.external_id.lower(): loc.id for loc in ns.values() if loc.external_id}
        by_name = {loc.name.lower(): loc.id for loc in ns.values() if loc.name}
        overrides = ctx.config.location_map
        if ctx.wms is not None:
            for wh in ctx.wms.warehouses():
                key = f"wms:{wh['id']}"
                code = str(wh.get("code") or "")
                result.labels[key] = f"WMS warehouse {code or wh['id']}"
                target = (
                    overrides.get(key)
                    or overrides.get(f"wms:{code}")
                    or by_eid.get(code.lower())
                    or by_name.get(code.lower())
                )
                if target:
                    result.targets[key] = str(target)
        if ctx.pos is not None:
            stores = {int(s["storeid"]): s for s in ctx.pos.stores()}
            for wh in ctx.pos.warehouses():
                key = f"pos:{wh['warehouseid']}"
                eid = str(wh.get("externalid") or "")
                store = stores.get(int(wh["storeid"])) if wh.get("storeid") is not None else None
                quarantine = int(wh.get("usetype") or 0) == QUARANTINE_USE or not wh.get("sellable", True)
                result.labels[key] = f"POS warehouse {eid or wh.get('name') or wh['warehouseid']}"
                target = (
                    overrides.get(key)
                    or (overrides.get(f"pos:{eid}") if eid else None)
                    or (by_eid.get(eid.lower()) if eid else None)
                )
                if not target and store is not None and not quarantine:
                    store_eid = str(store.get("externalid") or "")
                    target = overrides.get(f"pos:{store_eid}") if store_eid else None
                    target = (
                        target
                        or (by_eid.get(store_eid.lower()) if store_eid else None)
                        or by_name.get(str(store.get("name") or "").lower())
                    )
                if target:
                    result.targets[key] = str(target)
                if store is not None and not quarantine:
                    result.pos_sellable[key] = int(store["storeid"])
        return result


@dataclass(frozen=True)
class NsItem:
    """A NetSuite stock item: internal id, SKU (itemId), whether it is lot-numbered."""

    id: str
    sku: str
    lot: bool


@dataclass
class ItemIndex:
    """NetSuite's stock items by SKU and by internal id, read once per pass."""

    by_sku: dict[str, NsItem]
    by_id: dict[str, NsItem]
    loaded_by: object = None  # the pass (its stats object) that loaded the index
    #: WMS SKUs that are no NetSuite itemId, linked by the WMS product's externalId (see ``learn_wms_skus``)
    wms_skus: dict[str, NsItem | None] = field(default_factory=dict)

    def resolve(self, sku: str, satellite: str = "") -> NsItem | None:
        """The NetSuite item behind ``sku`` at a satellite location: the item whose itemId is the SKU (NetSuite owns
        SKUs), or for a WMS SKU that is no itemId (an item renamed in NetSuite whose WMS product is not corrected yet,
        or the former SKU of one that is) the item the WMS product's externalId names; None when neither knows it."""
        found = self.by_sku.get(sku)
        if found is None and satellite.startswith("wms:"):
            return self.wms_skus.get(sku)
        return found

    def learn_wms_skus(self, ctx: Context, skus: Iterable[str]) -> None:
        """Look up (once per index) the WMS product of every WMS SKU that is no NetSuite itemId: its externalId
        is the NetSuite internal id, the link that survives a rename in NetSuite. A SKU no WMS product has any more
        is a former SKU of a product the items flow corrected (WMS history keeps the code it had), found in the id
        map."""
        if ctx.wms is None:
            return
        former: dict[str, str] | None = None
        for sku in sorted({s for s in skus if s not in self.by_sku and s not in self.wms_skus}):
            product = ctx.wms.product_by_sku(sku)
            item_id = str((product or {}).get("externalId") or "")
            if product is None:
                if former is None:
                    former = {
                        old: key
                        for key, (_, data) in ctx.state.mapping_rows("wms", "item").items()
                        for old in data.get("formerSkus", [])
                    }
                item_id = former.get(sku, "")
            self.wms_skus[sku] = self.by_id.get(item_id)

    @classmethod
    def load(cls, ctx: Context) -> ItemIndex:
        """Every active inventory and assembly item (the items that carry stock)."""
        rows = ctx.netsuite.suiteql(
            "SELECT id, itemid, islotitem FROM item WHERE itemtype IN ('InvtPart', 'Assembly') "
            "AND isinactive = 'F'"
        )
        items = [
            NsItem(str(r["id"]), str(r.get("itemid") or ""), r.get("islotitem") in ("T", True)) for r in rows
        ]
        return cls({i.sku: i for i in items if i.sku}, {i.id: i for i in items}, ctx.stats)


def parse_quantity(value: Any) -> float:
    """A quantity from any of the systems (a number, or Sitoo's 3-decimal string)."""
    return float(value or 0)
