"""Goods-in routes: /asns."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from mocks.core.app import current_emulator
from mocks.core.http import json_body, json_response

from ..auth import client_id
from ..domain import asns as domain
from ..domain.common import MAX_ID, MAX_QTY
from ..errors import bad_request
from . import validate as v
from .common import paging, path_id

_ASN = frozenset({"poReference", "warehouseId", "supplier", "expectedDate", "lines"})
_LINE = frozenset({"sku", "quantity"})


def parse_asn(body: dict[str, Any]) -> domain.AsnIn:
    """Validate an ASN create body."""
    v.known_fields(body, _ASN)
    po = v.req_str(body, "poReference", max_len=50, pattern=v.REF_RE)
    if body.get("lines") is None:
        raise bad_request("'lines' is required.", "lines")
    lines = []
    for i, item in enumerate(v.array(body["lines"], "lines", min_items=1, max_items=500)):
        where = f"lines[{i}]"
        line = v.obj(item, where)
        v.known_fields(line, _LINE, where)
        lines.append((v.req_str(line, "sku", max_len=64, pattern=v.SKU_RE, where=where),
                      v.req_int(line, "quantity", minimum=1, maximum=MAX_QTY, where=where)))
    expected = body.get("expectedDate")
    return domain.AsnIn(po_reference=po, lines=lines,
                        warehouse_id=v.opt_int(body, "warehouseId", minimum=1, maximum=MAX_ID),
                        supplier=v.opt_str(body, "supplier", max_len=200),
                        expected_date=None if expected is None else v.iso_date(expected, "expectedDate"))


def create_asn() -> tuple[Response, int] | Response:
    """Announce a goods-in delivery for a purchase order (201); 422 when the PO reference is known."""
    data = parse_asn(json_body())
    return json_response(domain.create_asn(current_emulator(), client_id(), data), 201)


def get_asn(asn_id: int) -> Response:
    """One ASN by id."""
    return json_response(domain.get_asn(current_emulator(), client_id(), path_id(asn_id, "ASN")))


def list_asns() -> Response:
    """A page of ASNs (filters: status, poReference, updatedSince)."""
    page, size = paging()
    return json_response(domain.list_asns(
        current_emulator(), client_id(), page, size, status=v.query_enum("status", (domain.AWAITING, domain.BOOKED_IN)),
        po_reference=v.query_str("poReference", max_len=50), updated_since=v.query_since()))


def register(bp: Blueprint) -> None:
    """Add the /asns routes."""
    bp.add_url_rule("/asns", view_func=list_asns, methods=["GET"])
    bp.add_url_rule("/asns", view_func=create_asn, methods=["POST"])
    bp.add_url_rule("/asns/<int:asn_id>", view_func=get_asn, methods=["GET"])
