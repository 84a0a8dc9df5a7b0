"""Goods-in notices (ASNs) for purchase orders: created through the API, booked in on the dock.

Booking in records what actually arrived (it may differ from what was expected, and unexpected SKUs
from the item master may arrive too); stock rises by the received quantities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mocks.core.app import Emulator

from ..errors import bad_request, conflict, duplicate, no_such, not_found
from ..models import Asn, AsnLine, Client, Product
from . import stock
from .common import PHYSICAL, now_stamp, page_of, paged, resolve_warehouse
from .events import ASN_BOOKED_IN, publish

AWAITING, BOOKED_IN = "AWAITING", "BOOKED_IN"


@dataclass
class AsnIn:
    """A validated ASN create request."""

    po_reference: str
    lines: list[tuple[str, int]]
    warehouse_id: int | None = None
    supplier: str | None = None
    expected_date: str | None = None


def view(asn: Asn, lines: list[AsnLine]) -> dict[str, Any]:
    """The API view of an ASN."""
    return {
        "id": asn.id,
        "poReference": asn.po_reference,
        "warehouseId": asn.warehouse_id,
        "supplier": asn.supplier,
        "expectedDate": asn.expected_date,
        "status": asn.status,
        "lines": [
            {
                "lineIndex": ln.line_index,
                "sku": ln.sku,
                "quantityExpected": ln.quantity_expected,
                "quantityReceived": ln.quantity_received,
            }
            for ln in lines
        ],
        "createdAt": asn.created_at,
        "updatedAt": asn.updated_at,
        "bookedInAt": asn.booked_in_at,
    }


def _lines(session: Session, asn_id: int) -> list[AsnLine]:
    return list(
        session.execute(
            select(AsnLine).where(AsnLine.asn_id == asn_id).order_by(AsnLine.line_index)
        ).scalars()
    )


def _physical_types(session: Session, client_id: int, skus: set[str]) -> dict[str, str]:
    return dict(
        session.execute(
            select(Product.sku, Product.item_type).where(
                Product.client_id == client_id, Product.sku.in_(skus)
            )
        ).all()
    )


def create_asn(emu: Emulator, client_id: int, data: AsnIn) -> dict[str, Any]:
    """Announce a delivery; every SKU must be a physical item of the master; 422 for a known PO reference."""
    with emu.store.write() as s:
        existing = s.execute(
            select(Asn.id).where(Asn.client_id == client_id, Asn.po_reference == data.po_reference)
        ).scalar()
        if existing is not None:
            raise duplicate(
                "DUPLICATE_PO_REFERENCE",
                f"An ASN for PO '{data.po_reference}' already exists (ASN {existing}).",
                "poReference",
                existingAsnId=existing,
            )
        types = _physical_types(s, client_id, {sku for sku, _ in data.lines})
        for i, (sku, _) in enumerate(data.lines):
            if sku not in types:
                raise bad_request(
                    f"Line {i}: SKU '{sku}' is not in the item master; it cannot be received.",
                    f"lines[{i}].sku",
                    code="UNKNOWN_SKU",
                    lineIndex=i,
                    sku=sku,
                )
            if types[sku] != PHYSICAL:
                raise bad_request(
                    f"Line {i}: SKU '{sku}' is a {types[sku]} item and cannot be received.",
                    f"lines[{i}].sku",
                    code="NON_PHYSICAL_LINE",
                    lineIndex=i,
                    sku=sku,
                )
        warehouse_id = resolve_warehouse(s, data.warehouse_id)
        at = now_stamp(emu, s)
        asn = Asn(
            client_id=client_id,
            po_reference=data.po_reference,
            warehouse_id=warehouse_id,
            supplier=data.supplier,
            expected_date=data.expected_date,
            status=AWAITING,
            created_at=at,
            updated_at=at,
        )
        s.add(asn)
        s.flush()
        lines = [
            AsnLine(asn_id=asn.id, line_index=i, sku=sku, quantity_expected=qty)
            for i, (sku, qty) in enumerate(data.lines)
        ]
        s.add_all(lines)
        s.flush()
        return view(asn, lines)


def get_asn(emu: Emulator, client_id: int, asn_id: int) -> dict[str, Any]:
    """One of the client's ASNs."""
    with emu.store.read() as s:
        asn = s.execute(select(Asn).where(Asn.id == asn_id, Asn.client_id == client_id)).scalar_one_or_none()
        if asn is None:
            raise not_found("ASN", asn_id)
        return view(asn, _lines(s, asn.id))


def list_asns(
    emu: Emulator,
    client_id: int,
    page: int,
    page_size: int,
    *,
    status: str | None = None,
    po_reference: str | None = None,
    updated_since: str | None = None,
) -> dict[str, Any]:
    """A page of the client's ASNs by id."""
    stmt = select(Asn).where(Asn.client_id == client_id)
    if status is not None:
        stmt = stmt.where(Asn.status == status)
    if po_reference is not None:
        stmt = stmt.where(Asn.po_reference == po_reference)
    if updated_since is not None:
        stmt = stmt.where(Asn.updated_at >= updated_since)
    with emu.store.read() as s:
        total, rows = page_of(s, stmt.order_by(Asn.id), page, page_size)
        return paged([view(a, _lines(s, a.id)) for a in rows], total, page, page_size)


def find_asn(session: Session, ref: int | str, client_code: str | None) -> Asn:
    """An ASN for an act/ action: by id (int) or PO reference (str) of a client (default client)."""
    stmt = select(Asn)
    if isinstance(ref, int):
        stmt = stmt.where(Asn.id == ref)
    else:
        stmt = stmt.join(Client, Client.id == Asn.client_id).where(
            Client.code == (client_code or "DEFAULT"), Asn.po_reference == ref
        )
    asn = session.execute(stmt.with_for_update(of=Asn)).scalar_one_or_none()
    if asn is None:
        raise no_such("ASN_NOT_FOUND", f"ASN {ref!r} was not found.", "asn")
    return asn


def book_in(
    emu: Emulator,
    ref: int | str,
    client_code: str | None,
    received: list[tuple[int | None, str | None, int]] | None,
) -> dict[str, Any]:
    """Book an ASN in with received quantities (all as expected when none are given); stock rises by them."""
    with emu.store.write() as s:
        asn = find_asn(s, ref, client_code)
        if asn.status != AWAITING:
            raise conflict(
                "INVALID_STATUS", f"ASN {asn.id} is already {asn.status}.", currentStatus=asn.status
            )
        lines = _lines(s, asn.id)
        if received is None:
            for ln in lines:
                ln.quantity_received = ln.quantity_expected
        else:
            for ln in lines:
                ln.quantity_received = 0
            for index, sku, qty in received:
                line = next(
                    (
                        ln
                        for ln in lines
                        if (index is not None and ln.line_index == index) or (index is None and ln.sku == sku)
                    ),
                    None,
                )
                if line is None and index is not None:
                    raise bad_request(f"ASN {asn.id} has no line {index}.", "lines")
                if line is None:  # an unexpected SKU arrived: it must still be a physical item of the master
                    assert sku is not None
                    stock.physical_product(s, asn.client_id, sku)
                    line = AsnLine(
                        asn_id=asn.id,
                        line_index=len(lines),
                        sku=sku,
                        quantity_expected=0,
                        quantity_received=0,
                    )
                    s.add(line)
                    lines.append(line)
                line.quantity_received = (line.quantity_received or 0) + qty
        at = now_stamp(emu, s)
        for ln in lines:
            if ln.quantity_received:
                st = stock.row(s, asn.client_id, ln.sku, asn.warehouse_id, at)
                stock.move(
                    emu,
                    s,
                    st,
                    on_hand=ln.quantity_received,
                    kind="GOODS_IN",
                    reference=asn.po_reference,
                    at=at,
                )
        asn.status, asn.booked_in_at, asn.updated_at = BOOKED_IN, at, at
        s.flush()
        result = view(asn, lines)
        publish(
            emu,
            s,
            asn.client_id,
            ASN_BOOKED_IN,
            {
                "asnId": asn.id,
                "poReference": asn.po_reference,
                "warehouseId": asn.warehouse_id,
                "bookedInAt": at,
                "lines": result["lines"],
                "discrepancies": any(ln.quantity_received != ln.quantity_expected for ln in lines),
            },
            at,
        )
        return result
