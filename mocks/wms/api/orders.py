"""Order routes: /orders (create, list, get by id or client reference, cancel)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from mocks.core import validation as v
from mocks.core.app import current_emulator
from mocks.core.http import json_body, json_response

from ..auth import client_id
from ..domain import fulfilment
from ..domain import orders as domain
from ..domain.common import ITEM_TYPES, MAX_ID, MAX_QTY, ORDER_STATUSES, REF_RE, SKU_RE, country
from ..errors import bad_request, not_found
from .common import paging, path_id, query_enum, query_since, query_str

_ORDER = frozenset(
    {"clientReference", "externalId", "orderNumber", "warehouseId", "courierService", "shipTo", "lines"}
)
_LINE = frozenset({"sku", "quantity", "itemType", "externalLineId"})
_SHIP_TO_REQUIRED = ("name", "address1", "city")
_SHIP_TO_ORDER = (
    "name",
    "company",
    "address1",
    "address2",
    "address3",
    "city",
    "county",
    "postcode",
    "country",
    "email",
    "phone",
)
_SHIP_TO = frozenset(_SHIP_TO_ORDER)
MAX_LINES = 500


def _ship_to(body: dict[str, Any]) -> dict[str, Any]:
    raw = body.get("shipTo")
    if raw is None:
        raise bad_request(
            "A physical ship-to address (shipTo) is required: the WMS only fulfils physical deliveries.",
            "shipTo",
            code="MISSING_SHIP_TO",
        )
    ship_to = v.obj(raw, "shipTo")
    v.known_fields(ship_to, _SHIP_TO, "shipTo")
    out: dict[str, Any] = {}
    for name in _SHIP_TO_REQUIRED:
        if ship_to.get(name) is None:
            raise bad_request(f"'shipTo.{name}' is required.", f"shipTo.{name}", code="MISSING_SHIP_TO")
        out[name] = v.text(ship_to[name], f"shipTo.{name}", max_len=200, blank=False)
    for name in ("company", "address2", "address3", "county", "postcode", "email", "phone"):
        out[name] = v.opt(ship_to, name, v.text, max_len=200, where="shipTo", blank=False)
    if ship_to.get("country") is None:
        raise bad_request(
            "'shipTo.country' (ISO 3166-1 alpha-2) is required.", "shipTo.country", code="MISSING_SHIP_TO"
        )
    out["country"] = country(ship_to["country"], "shipTo.country")
    return {name: out[name] for name in _SHIP_TO_ORDER}


def _lines(body: dict[str, Any]) -> list[domain.LineIn]:
    if body.get("lines") is None:
        raise bad_request("'lines' is required (at least one physical line).", "lines")
    raw = v.array(body["lines"], "lines", min_items=1, max_items=MAX_LINES)
    out = []
    for i, item in enumerate(raw):
        where = f"lines[{i}]"
        line = v.obj(item, where)
        v.known_fields(line, _LINE, where)
        item_type = line.get("itemType")
        out.append(
            domain.LineIn(
                sku=v.req(line, "sku", v.text, max_len=64, pattern=SKU_RE, where=where, blank=False),
                quantity=v.req(line, "quantity", v.integer, minimum=1, maximum=MAX_QTY, where=where),
                item_type=None if item_type is None else v.choice(item_type, f"{where}.itemType", ITEM_TYPES),
                external_line_id=v.opt(line, "externalLineId", v.text, max_len=64, where=where, blank=False),
            )
        )
    return out


def parse_order(body: dict[str, Any]) -> domain.OrderIn:
    """Validate an order create body."""
    v.known_fields(body, _ORDER)
    return domain.OrderIn(
        client_reference=v.req(body, "clientReference", v.text, max_len=50, pattern=REF_RE, blank=False),
        external_id=v.opt(body, "externalId", v.text, max_len=64, blank=False),
        order_number=v.opt(body, "orderNumber", v.text, max_len=50, blank=False),
        warehouse_id=v.opt(body, "warehouseId", v.integer, minimum=1, maximum=MAX_ID),
        courier_service=v.opt(body, "courierService", v.text, max_len=60, blank=False) or "AUTO",
        ship_to=_ship_to(body),
        lines=_lines(body),
    )


def create_order() -> tuple[Response, int] | Response:
    """Accept an order for fulfilment (201): NEW, or HOLDING when a SKU is not in the item master."""
    data = parse_order(json_body())
    return json_response(domain.create_order(current_emulator(), client_id(), data), 201)


def get_order(order_id: int) -> Response:
    """One order by id."""
    return json_response(
        domain.get_order(current_emulator(), client_id(), order_id=path_id(order_id, "Order"))
    )


def get_order_by_reference(client_reference: str) -> Response:
    """One order by its client reference."""
    if not REF_RE.match(client_reference):
        raise not_found("Order", f"'{client_reference[:60]}'")
    return json_response(domain.get_order(current_emulator(), client_id(), client_reference=client_reference))


def list_orders() -> Response:
    """A page of orders (filters: status, clientReference, updatedSince)."""
    page, size = paging()
    return json_response(
        domain.list_orders(
            current_emulator(),
            client_id(),
            page,
            size,
            status=query_enum("status", ORDER_STATUSES),
            client_reference=query_str("clientReference", max_len=50),
            updated_since=query_since(),
        )
    )


def cancel_order(order_id: int) -> Response:
    """Cancel an order that has not started picking (409 with currentStatus otherwise)."""
    body = json_body(required=False)
    v.known_fields(body, frozenset({"reason"}))
    reason = v.opt(body, "reason", v.text, max_len=500, blank=False)
    return json_response(
        fulfilment.client_cancel(current_emulator(), client_id(), path_id(order_id, "Order"), reason)
    )


def register(bp: Blueprint) -> None:
    """Add the /orders routes."""
    bp.add_url_rule("/orders", view_func=list_orders, methods=["GET"])
    bp.add_url_rule("/orders", view_func=create_order, methods=["POST"])
    bp.add_url_rule("/orders/<int:order_id>", view_func=get_order, methods=["GET"])
    bp.add_url_rule("/orders/reference/<client_reference>", view_func=get_order_by_reference, methods=["GET"])
    bp.add_url_rule("/orders/<int:order_id>/cancel", view_func=cancel_order, methods=["POST"])
