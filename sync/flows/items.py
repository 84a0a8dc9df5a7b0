"""Item master: NetSuite items -> WMS products, POS products and QMS items (NetSuite owns SKUs and prices).

Incremental: a SuiteQL read of the items modified since the cursor (in the account's time zone, with an
overlap window: NetSuite stamps to the second and a record saved in the same second as the last read must
not be missed). Each satellite record the engine wants is compared with what it last wrote (a hash kept in the
id map), so re-reading an item changes nothing. Work is queued in the outbox with the cursor in one
transaction, then written with the satellite's natural key (WMS ``externalId`` = NetSuite internal id, POS SKU,
QMS ``netsuiteId``); work the satellite refuses stays queued and parked, and is retried every pass.

Who gets what: physical items (inventory, assembly, lot-numbered) go to the WMS and the POS; lot-numbered items
and assemblies go to the QMS (what it traces). A SKU rename reaches the POS (its SKU is editable) and the WMS:
the WMS product mapped to the item (``externalId``) has its SKU corrected in place, as seeds/003 asks ("the
corresponding item master in Scend must be updated"), and the id map remembers its former SKUs, which the WMS's
history (despatches, movements) keeps; when the new SKU already belongs to another WMS product the rename is
parked as ``sku_mismatch`` (``no-sku-correction`` parks every rename: orders for the item then wait). The QMS's
SKU is immutable, so a rename there is parked as ``sku_mismatch`` (the item stays linked by ``netsuiteId``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from ..errors import ApiRefusal
from .base import Context, Flow
from .catalog import ITEM_COLUMNS, NOT_PRODUCTS, NsItem

log = logging.getLogger("erpsim.sync")

CURSOR = "items:modified"
#: Re-read this much before the cursor: same-second saves and daylight-saving shifts are never missed.
OVERLAP = timedelta(hours=1)
SATELLITES = ("wms", "pos", "qms")


class ItemsFlow(Flow):
    """NetSuite item master -> the satellites' item masters."""

    name: ClassVar[str] = "items"
    systems: ClassVar[tuple[str, ...]] = ("netsuite",)
    description: ClassVar[str] = (
        "NetSuite items -> WMS products (physical), POS products (physical), "
        "QMS items (lot-numbered and assemblies); SKU renames included"
    )

    def enabled(self, ctx: Context) -> bool:
        """Runs when at least one satellite with an item master is configured."""
        return any(getattr(ctx, system) is not None for system in SATELLITES)

    def run(self, ctx: Context) -> None:
        """Read changed items, queue what differs from what each satellite last got, write it."""
        self.collect(ctx)
        for key, payload in ctx.state.pending(self.name):
            self.push(ctx, key, payload)

    # --- reading -------------------------------------------------------------------------------------------
    def collect(self, ctx: Context) -> None:
        """Queue the changed items' records for every satellite, and move the cursor, in one transaction."""
        cursor = ctx.state.cursor(CURSOR)
        query = f"SELECT {ITEM_COLUMNS} FROM item"
        if cursor:
            since = (datetime.strptime(cursor, "%Y-%m-%d %H:%M:%S") - OVERLAP).strftime("%Y-%m-%d %H:%M:%S")
            query += f" WHERE lastmodifieddate >= TO_TIMESTAMP('{since}', 'YYYY-MM-DD HH24:MI:SS')"
        items = [NsItem.from_row(r) for r in ctx.netsuite.suiteql(query + " ORDER BY id")]
        targets = [s for s in SATELLITES if getattr(ctx, s) is not None]
        synced = {s: ctx.state.mapping_rows(s, "item") for s in targets}
        queued = ctx.state.work_of(self.name)
        newest = cursor
        with ctx.state.tx() as session:
            for item in items:
                newest = max(newest, item.modified)
                if item.item_type in NOT_PRODUCTS or not item.sku:
                    continue
                for system in targets:
                    record = desired_record(ctx, system, item)
                    if record is None:
                        continue
                    digest = _digest(record)
                    _, data = synced[system].get(item.id, ("", {}))
                    key = f"item:{system}:{item.id}"
                    status, payload = queued.get(key, ("", {}))
                    if data.get("hash") == digest and status != "pending":
                        continue
                    if status == "pending" and payload.get("hash") == digest:
                        continue
                    if item.inactive and not data:
                        continue  # never create what NetSuite has retired
                    ctx.state.requeue(
                        session,
                        self.name,
                        key,
                        {
                            "system": system,
                            "item": item.id,
                            "sku": item.sku,
                            "record": record,
                            "hash": digest,
                        },
                    )
                    ctx.stats.add(self.name, f"queued:{system}")
            if newest != cursor:
                ctx.state.set_cursor(session, CURSOR, newest)

    # --- writing -------------------------------------------------------------------------------------------
    def push(self, ctx: Context, key: str, payload: dict[str, Any]) -> None:
        """Write one item to one satellite; park (and keep queued) what the satellite refuses."""
        system, item_id = payload["system"], payload["item"]
        try:
            outcome = {"wms": _push_wms, "pos": _push_pos, "qms": _push_qms}[system](ctx, self.name, payload)
        except ApiRefusal as exc:
            ctx.park_refusal(
                self.name, key, exc, {"netsuiteItem": item_id, "sku": payload["sku"], "system": system}
            )
            return
        if outcome is None:
            return  # parked by the writer, stays queued
        target, extra = outcome
        ctx.state.set_mapping(
            system,
            "item",
            item_id,
            target,
            {"sku": payload["sku"], "hash": payload["hash"], "netsuiteSku": payload["sku"], **extra},
        )
        ctx.state.finish(key, result={"id": target})
        ctx.state.resolve_exception(key)
        ctx.stats.add(self.name, f"synced:{system}")


def desired_record(ctx: Context, system: str, item: NsItem) -> dict[str, Any] | None:
    """What ``system`` should hold for ``item`` (None: the item is not for that system)."""
    if system == "wms":
        if not item.physical:
            return None
        return {"sku": item.sku, "externalId": item.id, "name": item.name[:200], "itemType": "PHYSICAL"}
    if system == "pos":
        if not item.physical:
            return None
        return {"sku": item.sku, "title": item.name[:300], "moneyprice": pos_money(ctx, item.price or 0.0)}
    if system == "qms":
        if item.qms_type is None:
            return None
        return {"sku": item.sku, "name": item.name, "type": item.qms_type, "uom": "ea", "netsuiteId": item.id}
    raise ValueError(system)


def pos_money(ctx: Context, amount: float) -> str:
    """A price as Sitoo's money string, rounded half up on the decimal value (naive-rounding: binary float)."""
    if ctx.safeguards.off("naive-rounding"):
        return f"{round(amount, 2):.2f}"
    return str(Decimal(repr(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _digest(record: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()[:16]


Outcome = tuple[str, dict[str, Any]] | None


def _mismatch(
    ctx: Context,
    flow: str,
    payload: dict[str, Any],
    summary: str,
    found: dict[str, Any] | None,
    category: str = "sku_mismatch",
) -> None:
    key = f"item:{payload['system']}:{payload['item']}"
    ctx.park(
        flow,
        category,
        key,
        summary,
        records={"netsuiteItem": payload["item"], "sku": payload["sku"], "system": payload["system"]},
        error={"found": found},
    )


def _push_wms(ctx: Context, flow: str, payload: dict[str, Any]) -> Outcome:
    assert ctx.wms is not None
    record, item_id = payload["record"], payload["item"]
    product = ctx.wms.product_by_external_id(item_id)
    if product is None:
        clash = ctx.wms.product_by_sku(record["sku"])
        if clash is not None:
            _mismatch(
                ctx,
                flow,
                payload,
                f"WMS SKU {record['sku']} already belongs to product {clash['id']} "
                f"(externalId {clash.get('externalId')}), not to NetSuite item {item_id}",
                clash,
            )
            return None
        product = ctx.wms.create_product(record)
        return str(product["id"]), {}
    changes = {k: record[k] for k in ("name", "itemType") if product.get(k) != record[k]}
    known = ctx.state.mapping_data("wms", "item", item_id) or {}
    extra: dict[str, Any] = {"formerSkus": known["formerSkus"]} if known.get("formerSkus") else {}
    if product["sku"] != record["sku"]:
        if ctx.safeguards.off("no-sku-correction"):
            _mismatch(
                ctx,
                flow,
                payload,
                f"NetSuite item {item_id} is now SKU {record['sku']} but the WMS product "
                f"{product['id']} is still SKU {product['sku']}",
                product,
            )
            return None
        clash = ctx.wms.product_by_sku(record["sku"])
        if clash is not None and clash["id"] != product["id"]:
            _mismatch(
                ctx,
                flow,
                payload,
                f"NetSuite item {item_id} is now SKU {record['sku']} but WMS SKU "
                f"{record['sku']} already belongs to product {clash['id']} (externalId "
                f"{clash.get('externalId')}); WMS product {product['id']} keeps SKU {product['sku']} until the "
                "two are merged",
                clash,
            )
            return None
        # seeds/003: a SKU renamed in NetSuite must be updated in the WMS item master, or orders for it are
        # rejected; the same product (id, externalId) takes the new code, its history keeps the old one
        changes["sku"] = record["sku"]
        former = [s for s in known.get("formerSkus", []) if s not in (record["sku"], product["sku"])]
        extra["formerSkus"] = [*former, product["sku"]]
    if changes:
        ctx.wms.update_product(int(product["id"]), changes)
    return str(product["id"]), extra


def _push_pos(ctx: Context, flow: str, payload: dict[str, Any]) -> Outcome:
    assert ctx.pos is not None
    record, item_id = payload["record"], payload["item"]
    known = ctx.state.mapped("pos", "item", item_id)
    product = ctx.pos.product(int(known)) if known else None
    if product is None:
        product = ctx.pos.product_by_sku(record["sku"])
    if product is None:
        return str(ctx.pos.create_product(record)), {}
    if product["sku"] != record["sku"]:
        clash = ctx.pos.product_by_sku(record["sku"])
        if clash is not None and clash["productid"] != product["productid"]:
            _mismatch(
                ctx,
                flow,
                payload,
                f"POS SKU {record['sku']} is already product {clash['productid']}: "
                f"cannot rename product {product['productid']} for NetSuite item {item_id}",
                clash,
            )
            return None
    changes = {k: v for k, v in record.items() if str(product.get(k)) != str(v)}
    if changes:
        ctx.pos.update_product(int(product["productid"]), changes)
    return str(product["productid"]), {}


def _push_qms(ctx: Context, flow: str, payload: dict[str, Any]) -> Outcome:
    assert ctx.qms is not None
    record, item_id = payload["record"], payload["item"]
    item = ctx.qms.item_by_netsuite_id(item_id)
    if item is None:
        by_sku = ctx.qms.item_by_sku(record["sku"])
        if by_sku is not None and by_sku.get("netsuiteId") not in (None, "", item_id):
            _mismatch(
                ctx,
                flow,
                payload,
                f"QMS SKU {record['sku']} belongs to item {by_sku['id']} mapped to "
                f"NetSuite item {by_sku.get('netsuiteId')}, not {item_id}",
                by_sku,
            )
            return None
        if by_sku is None:
            created = ctx.qms.create_item(record)
            return str(created["id"]), {}
        item = ctx.qms.update_item(int(by_sku["id"]), {"netsuiteId": item_id})
    changes = {k: record[k] for k in ("name", "uom") if item.get(k) != record[k]}
    if changes:
        item = ctx.qms.update_item(int(item["id"]), changes)
    if item["sku"] != record["sku"]:
        # the QMS cannot rename a SKU; the item stays linked by netsuiteId, so the sync itself is done
        ctx.park(
            flow,
            "sku_mismatch",
            f"item:qms:{item_id}:sku:{record['sku']}",
            f"NetSuite item {item_id} is now SKU {record['sku']} but QMS item {item['id']} keeps SKU "
            f"{item['sku']} (QMS SKUs are immutable; it stays linked by netsuiteId)",
            records={"netsuiteItem": item_id, "sku": record["sku"], "system": "qms"},
            error={"found": item},
        )
    return str(item["id"]), {"sku": item["sku"]}
