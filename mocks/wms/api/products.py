"""Item master routes: /products."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from mocks.core.app import current_emulator
from mocks.core.http import json_body, json_response

from ..auth import client_id
from ..domain import products as domain
from ..domain.common import ITEM_TYPES
from ..errors import bad_request
from . import validate as v
from .common import paging, path_id

_DIMENSIONS = frozenset({"lengthCm", "widthCm", "heightCm"})
_CREATE = frozenset({"sku", "externalId", "name", "itemType", "barcode", "weightKg", "dimensions"})
_PATCH = _CREATE
MAX_MEASURE = 100_000.0


def _attributes(body: dict[str, Any]) -> dict[str, Any]:
    """The optional attributes present in ``body``, validated (null clears an attribute)."""
    out: dict[str, Any] = {}
    if v.present(body, "itemType"):
        out["itemType"] = v.enum_value(body["itemType"], "itemType", ITEM_TYPES)
    if v.present(body, "barcode"):
        out["barcode"] = v.opt_str(body, "barcode", max_len=64, pattern=v.BARCODE_RE)
    if v.present(body, "weightKg"):
        out["weightKg"] = v.opt_number(body, "weightKg", maximum=MAX_MEASURE)
    if v.present(body, "dimensions"):
        dims = v.obj(body["dimensions"], "dimensions")
        v.known_fields(dims, _DIMENSIONS, "dimensions")
        for name in sorted(_DIMENSIONS):
            if v.present(dims, name):
                out[name] = v.opt_number(dims, name, maximum=MAX_MEASURE, where="dimensions")
    return out


def parse_product(body: dict[str, Any]) -> dict[str, Any]:
    """Validate a SKU create body into item-master fields."""
    v.known_fields(body, _CREATE)
    return {"sku": v.req_str(body, "sku", max_len=64, pattern=v.SKU_RE),
              "externalId": v.req_str(body, "externalId", max_len=64),
              "name": v.req_str(body, "name", max_len=200), **_attributes(body)}


def create_product() -> tuple[Response, int] | Response:
    """Add a SKU to the item master (201); 422 when the SKU or external id is already taken."""
    fields = parse_product(json_body())
    return json_response(domain.create_product(current_emulator(), client_id(), fields), 201)


def update_product(product_id: int) -> Response:
    """Change a SKU's attributes, or correct its SKU code (the same item: id and external id stay)."""
    body = json_body()
    v.known_fields(body, _PATCH)
    if not body:
        raise bad_request("Send at least one attribute to change.", None)
    changes = _attributes(body)
    if "sku" in body:
        changes["sku"] = v.req_str(body, "sku", max_len=64, pattern=v.SKU_RE)
    for name, max_len in (("externalId", 64), ("name", 200)):
        if v.present(body, name):
            changes[name] = v.req_str(body, name, max_len=max_len)
    return json_response(domain.update_product(current_emulator(), client_id(), path_id(product_id, "Product"),
                                               changes))


def get_product(product_id: int) -> Response:
    """One SKU by id."""
    return json_response(domain.get_product(current_emulator(), client_id(), path_id(product_id, "Product")))


def list_products() -> Response:
    """A page of the item master (filters: sku, externalId, updatedSince)."""
    page, size = paging()
    return json_response(domain.list_products(current_emulator(), client_id(), page, size,
                                              sku=v.query_str("sku"), external_id=v.query_str("externalId"),
                                              updated_since=v.query_since()))


def register(bp: Blueprint) -> None:
    """Add the /products routes."""
    bp.add_url_rule("/products", view_func=list_products, methods=["GET"])
    bp.add_url_rule("/products", view_func=create_product, methods=["POST"])
    bp.add_url_rule("/products/<int:product_id>", view_func=get_product, methods=["GET"])
    bp.add_url_rule("/products/<int:product_id>", view_func=update_product, methods=["PATCH"])
