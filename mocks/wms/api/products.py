"""Item master routes: /products."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from mocks.core import validation as v
from mocks.core.app import current_emulator
from mocks.core.http import json_body, json_response

from ..auth import client_id
from ..domain import products as domain
from ..domain.common import BARCODE_RE, ITEM_TYPES, SKU_RE
from ..errors import bad_request
from .common import paging, path_id, query_since, query_str

_DIMENSIONS = frozenset({"lengthCm", "widthCm", "heightCm"})
_CREATE = frozenset({"sku", "externalId", "name", "itemType", "barcode", "weightKg", "dimensions"})
_PATCH = _CREATE
MAX_MEASURE = 100_000.0


def _attributes(body: dict[str, Any]) -> dict[str, Any]:
    """The optional attributes present in ``body``, validated (null clears an attribute)."""
    out: dict[str, Any] = {}
    if v.present(body, "itemType"):
        out["itemType"] = v.choice(body["itemType"], "itemType", ITEM_TYPES)
    if v.present(body, "barcode"):
        out["barcode"] = v.opt(body, "barcode", v.text, max_len=64, pattern=BARCODE_RE, blank=False)
    if v.present(body, "weightKg"):
        out["weightKg"] = v.opt(body, "weightKg", v.number, minimum=0, maximum=MAX_MEASURE)
    if v.present(body, "dimensions"):
        dims = v.obj(body["dimensions"], "dimensions")
        v.known_fields(dims, _DIMENSIONS, "dimensions")
        for name in sorted(_DIMENSIONS):
            if v.present(dims, name):
                out[name] = v.opt(dims, name, v.number, minimum=0, maximum=MAX_MEASURE, where="dimensions")
    return out


def parse_product(body: dict[str, Any]) -> dict[str, Any]:
    """Validate a SKU create body into item-master fields."""
    v.known_fields(body, _CREATE)
    return {
        "sku": v.req(body, "sku", v.text, max_len=64, pattern=SKU_RE, blank=False),
        "externalId": v.req(body, "externalId", v.text, max_len=64, blank=False),
        "name": v.req(body, "name", v.text, max_len=200, blank=False),
        **_attributes(body),
    }


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
        changes["sku"] = v.req(body, "sku", v.text, max_len=64, pattern=SKU_RE, blank=False)
    for name, max_len in (("externalId", 64), ("name", 200)):
        if v.present(body, name):
            changes[name] = v.req(body, name, v.text, max_len=max_len, blank=False)
    return json_response(
        domain.update_product(current_emulator(), client_id(), path_id(product_id, "Product"), changes)
    )


def get_product(product_id: int) -> Response:
    """One SKU by id."""
    return json_response(domain.get_product(current_emulator(), client_id(), path_id(product_id, "Product")))


def list_products() -> Response:
    """A page of the item master (filters: sku, externalId, updatedSince)."""
    page, size = paging()
    return json_response(
        domain.list_products(
            current_emulator(),
            client_id(),
            page,
            size,
            sku=query_str("sku"),
            external_id=query_str("externalId"),
            updated_since=query_since(),
        )
    )


def register(bp: Blueprint) -> None:
    """Add the /products routes."""
    bp.add_url_rule("/products", view_func=list_products, methods=["GET"])
    bp.add_url_rule("/products", view_func=create_product, methods=["POST"])
    bp.add_url_rule("/products/<int:product_id>", view_func=get_product, methods=["GET"])
    bp.add_url_rule("/products/<int:product_id>", view_func=update_product, methods=["PATCH"])
