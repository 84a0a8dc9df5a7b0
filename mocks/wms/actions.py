"""What the people inside the warehouse do, as ``/__erpsim/act/<name>`` actions.

Orders are named by ``order`` (the id, or the client reference as a string) and optionally ``client``
(a client code; default DEFAULT). ASNs likewise by ``asn`` (id or PO reference).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from mocks.core import validation as v
from mocks.core.app import Action, Emulator

from .domain import asns, fulfilment, stock
from .domain.clients import client_id_by_code
from .domain.common import MAX_ID, MAX_QTY, ref_value
from .domain.orders import find_order
from .errors import bad_request
from .models import Order

_REF = frozenset({"order", "client"})


def _ref(body: dict[str, Any], key: str, allowed: frozenset[str]) -> tuple[int | str, str | None]:
    v.known_fields(body, allowed)
    if body.get(key) is None:
        raise bad_request(f"'{key}' is required (an id, or the natural key as a string).", key)
    client = v.opt(body, "client", v.text, max_len=40, blank=False)
    return ref_value(body[key], key), client


def _on_order(
    body: dict[str, Any],
    allowed: frozenset[str],
    emu: Emulator,
    work: Callable[[Session, Order], dict[str, Any]],
) -> dict[str, Any]:
    ref, client = _ref(body, "order", allowed)
    with emu.store.write() as s:
        return work(s, find_order(s, ref, client))


def act_release(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Release a NEW or HOLDING order to the floor: allocate stock, or hold naming the unknown SKU/shortage."""
    return _on_order(body, _REF, emu, lambda s, o: fulfilment.release(emu, s, o))


def act_pick(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Pick a RELEASED order in full (PICKING), or hold it when the shelf is short."""
    return _on_order(body, _REF, emu, lambda s, o: fulfilment.pick(emu, s, o))


def act_short_pick(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Record a line of a PICKING order picked short: {order, lineIndex | sku, quantityPicked}."""
    allowed = _REF | {"lineIndex", "sku", "quantityPicked"}
    v.known_fields(body, allowed)
    line = v.opt(body, "lineIndex", v.integer, minimum=0, maximum=10_000)
    sku = v.opt(body, "sku", v.text, max_len=64, blank=False)
    if (line is None) == (sku is None):
        raise bad_request("Send exactly one of 'lineIndex' or 'sku'.", "lineIndex")
    picked = v.req(body, "quantityPicked", v.integer, minimum=0, maximum=MAX_QTY)
    return _on_order(body, allowed, emu, lambda s, o: fulfilment.short_pick(emu, s, o, line, sku, picked))


def act_pack(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Pack a PICKING order (PACKED)."""
    return _on_order(body, _REF, emu, lambda s, o: fulfilment.pack(emu, s, o))


def act_despatch(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Despatch a PACKED order with {carrier, trackingNumber}: stock leaves, order.despatched is sent."""
    allowed = _REF | {"carrier", "trackingNumber"}
    v.known_fields(body, allowed)
    carrier = v.req(body, "carrier", v.text, max_len=60, blank=False)
    tracking = v.req(body, "trackingNumber", v.text, max_len=100, blank=False)
    return _on_order(body, allowed, emu, lambda s, o: fulfilment.despatch(emu, s, o, carrier, tracking))


def act_cancel(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Warehouse-side cancel of any order not yet despatched: {order, reason?}."""
    allowed = _REF | {"reason"}
    v.known_fields(body, allowed)
    reason = v.opt(body, "reason", v.text, max_len=500, blank=False)
    return _on_order(body, allowed, emu, lambda s, o: fulfilment.cancel(emu, s, o, reason, "warehouse"))


def act_reevaluate_holds(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Re-evaluate every HOLDING order (of {client?}): release those whose SKUs and stock are now there."""
    v.known_fields(body, frozenset({"client"}))
    code = v.opt(body, "client", v.text, max_len=40, blank=False)
    client_id = client_id_by_code(emu, code) if code is not None else None
    return {"orders": fulfilment.reevaluate_holds(emu, client_id)}


def act_adjust_stock(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Adjust stock: {sku, reasonCode (DAMAGED, LOST, EXPIRED, FOUND, RETURN, COUNT, OTHER), quantity | countedQuantity, warehouseId?, client?, reference?}."""
    v.known_fields(
        body,
        frozenset({"sku", "reasonCode", "quantity", "countedQuantity", "warehouseId", "client", "reference"}),
    )
    sku = v.req(body, "sku", v.text, max_len=64, blank=False)
    reason = v.req(body, "reasonCode", v.text, max_len=20, blank=False)
    quantity = v.opt(body, "quantity", v.integer, minimum=-MAX_QTY, maximum=MAX_QTY)
    counted = v.opt(body, "countedQuantity", v.integer, minimum=0, maximum=MAX_QTY)
    warehouse = v.opt(body, "warehouseId", v.integer, minimum=1, maximum=MAX_ID)
    reference = v.opt(body, "reference", v.text, max_len=100, blank=False)
    client_id = client_id_by_code(emu, v.opt(body, "client", v.text, max_len=40, blank=False))
    return stock.adjust(
        emu, client_id, sku, warehouse, reason, quantity=quantity, counted=counted, reference=reference
    )


def act_book_in(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Book an ASN in: {asn, lines?: [{lineIndex | sku, quantityReceived}]} (default: as expected)."""
    ref, client = _ref(body, "asn", frozenset({"asn", "client", "lines"}))
    received: list[tuple[int | None, str | None, int]] | None = None
    if body.get("lines") is not None:
        received = []
        for i, item in enumerate(v.array(body["lines"], "lines", min_items=0, max_items=1000)):
            where = f"lines[{i}]"
            line = v.obj(item, where)
            v.known_fields(line, frozenset({"lineIndex", "sku", "quantityReceived"}), where)
            index = v.opt(line, "lineIndex", v.integer, minimum=0, maximum=10_000, where=where)
            sku = v.opt(line, "sku", v.text, max_len=64, where=where, blank=False)
            if (index is None) == (sku is None):
                raise bad_request(f"'{where}' needs exactly one of 'lineIndex' or 'sku'.", where)
            received.append(
                (
                    index,
                    sku,
                    v.req(line, "quantityReceived", v.integer, minimum=0, maximum=MAX_QTY, where=where),
                )
            )
    return asns.book_in(emu, ref, client, received)


ACTIONS: dict[str, Action] = {
    "release": act_release,
    "pick": act_pick,
    "short_pick": act_short_pick,
    "pack": act_pack,
    "despatch": act_despatch,
    "cancel": act_cancel,
    "reevaluate_holds": act_reevaluate_holds,
    "adjust_stock": act_adjust_stock,
    "book_in": act_book_in,
}
