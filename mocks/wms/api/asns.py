"""Goods-in routes: /asns."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from mocks.core import validation as v
from mocks.core.app import current_emulator
from mocks.core.http import json_body, json_response

from ..auth import client_id
from ..domain import asns as domain
from ..domain.common import MAX_ID, MAX_QTY, REF_RE, SKU_RE
from ..errors import bad_request
from .common import paging, path_id, query_enum, query_since, query_str

_ASN = frozenset({"poReference", "warehouseId", "supplier", "expectedDate", "lines"})
_LINE = frozenset({"sku", "quantity"})


def _expected_date(body: dict[str, Any]) -> str | None:
    """``expectedDate``: a YYYY-MM-DD string of 10 characters, or None."""
    expected = v.opt(body, "expectedDate", v.text, max_len=10, blank=False)
    return None if expected is None else v.iso_date(expected, "expectedDate")


def parse_asn(body: dict[str, Any]) -> domain.AsnIn:
    """Validate an ASN create body."""
    v.known_fields(body, _ASN)
    po = v.req(body, "poReference", v.text, max_len=50, pattern=REF_RE, blank=False)
    if body.get("lines") is None:
        raise bad_request("'lines' is required.", "lines")
    lines = []
    for i, item in enumerate(v.array(body["lines"], "lines", min_items=1, max_items=500)):
        where = f"lines[{i}]"
        line = v.obj(item, where)
        v.known_fields(line, _LINE, where)
        lines.append(
            (
                v.req(line, "sku", v.text, max_len=64, pattern=SKU_RE, where=where, blank=False),
                v.req(line, "quantity", v.integer, minimum=1, maximum=MAX_QTY, where=where),
            )
        )
    return domain.AsnIn(
        po_reference=po,
        lines=lines,
        warehouse_id=v.opt(body, "warehouseId", v.integer, minimum=1, maximum=MAX_ID),
        supplier=v.opt(body, "supplier", v.text, max_len=200, blank=False),
        expected_date=_expected_date(body),
    )


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
    return json_response(
        domain.list_asns(
            current_emulator(),
            client_id(),
            page,
            size,
            status=query_enum("status", (domain.AWAITING, domain.BOOKED_IN)),
            po_reference=query_str("poReference", max_len=50),
            updated_since=query_since(),
        )
    )


def register(bp: Blueprint) -> None:
    """Add the /asns routes."""
    bp.add_url_rule("/asns", view_func=list_asns, methods=["GET"])
    bp.add_url_rule("/asns", view_func=create_asn, methods=["POST"])
    bp.add_url_rule("/asns/<int:asn_id>", view_func=get_asn, methods=["GET"])
