"""Rendering stored records as SuiteTalk REST returns them: references, enums, sublists, subrecords."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..models import NsRecord
from .recordtypes import RECORD_TYPES, Field, RecordType, space_of
from .values import minute_precision

REST_PATH = "services/rest/record/v1"
ENUM_LABELS: dict[str, dict[str, str]] = {
    "salesOrder.status": {
        "A": "Pending Approval",
        "B": "Pending Fulfillment",
        "C": "Cancelled",
        "D": "Partially Fulfilled",
        "E": "Pending Billing/Partially Fulfilled",
        "F": "Pending Billing",
        "G": "Billed",
        "H": "Closed",
    },
    "purchaseOrder.status": {
        "A": "Pending Supervisor Approval",
        "B": "Pending Receipt",
        "C": "Rejected by Supervisor",
        "D": "Partially Received",
        "E": "Pending Billing/Partially Received",
        "F": "Pending Bill",
        "G": "Fully Billed",
        "H": "Closed",
    },
    "returnAuthorization.status": {
        "A": "Pending Approval",
        "B": "Pending Receipt",
        "C": "Cancelled",
        "D": "Partially Received",
        "E": "Pending Refund/Partially Received",
        "F": "Pending Refund",
        "G": "Refunded",
        "H": "Closed",
    },
    "itemFulfillment.status": {"A": "Picked", "B": "Packed", "C": "Shipped"},
    "itemFulfillment.shipStatus": {"A": "Picked", "B": "Packed", "C": "Shipped"},
    "invoice.status": {"A": "Open", "B": "Paid In Full", "V": "Voided"},
    "creditMemo.status": {"A": "Open", "B": "Fully Applied", "V": "Voided"},
    "vendorBill.status": {"A": "Open", "B": "Paid In Full", "D": "Pending Approval", "V": "Voided"},
    "cashSale.status": {"A": "Unapproved Payment", "B": "Not Deposited", "C": "Deposited", "V": "Voided"},
    "customerPayment.status": {
        "A": "Unapproved Payment",
        "B": "Not Deposited",
        "C": "Deposited",
        "V": "Voided",
    },
    # Voided is the one status the emulator gives these; other letters are not modelled.
    "cashRefund.status": {"V": "Voided"},
    "vendorCredit.status": {"A": "Open", "B": "Fully Applied", "V": "Voided"},
    "vendorPayment.status": {"V": "Voided"},
    "vendorPrepayment.status": {"V": "Voided"},
    "check.status": {"V": "Voided"},
    "journalEntry.status": {"V": "Voided"},
    "workOrder.status": {
        "A": "Planned",
        "B": "Released",
        "C": "Cancelled",
        "D": "In Process",
        "G": "Built",
        "H": "Closed",
    },
    "approvalStatus": {"1": "Pending Approval", "2": "Approved", "3": "Rejected"},
}
#: Inventory assignment keys that refer to records, and the id space each points into.
_ASSIGNMENT_REFS = {"issueInventoryNumber": "inventoryNumber", "binNumber": "bin", "toBinNumber": "bin"}
_ORDER_STATUS = {"A": "Pending Approval", "B": "Pending Fulfillment", "C": "Cancelled"}


def record_href(base: str, rtype: RecordType, rid: int | str) -> str:
    """The self link of a record (lower-case type, as the real hrefs are)."""
    return f"{base}{REST_PATH}/{rtype.lower}/{rid}"


def _enum(rtype: RecordType, fld: Field, value: str, simple: bool) -> Any:
    if simple:
        return value
    if fld.name == "status":
        labels = ENUM_LABELS.get(f"{rtype.name}.status", {})
        label = labels.get(value, value)
        # The current REST format puts the display text in status.id (see netsuite-records.md).
        return {"id": label, "refName": label}
    if fld.name == "orderStatus":
        labels = ENUM_LABELS.get(f"{rtype.name}.status", _ORDER_STATUS)
        return {"id": value, "refName": labels.get(value, value)}
    labels = ENUM_LABELS.get(f"{rtype.name}.{fld.name}") or ENUM_LABELS.get(fld.name) or {}
    return {"id": value, "refName": labels.get(value, value)}


class Renderer:
    """Renders records for one request: names of referenced records are fetched in one query."""

    def __init__(self, session: Session, base: str, *, simple_enum: bool = False) -> None:
        self.session = session
        self.base = base
        self.simple_enum = simple_enum
        self._names: dict[tuple[str, int], tuple[str, str]] = {}

    def prefetch(
        self, rtype: RecordType, values: list[dict[str, Any]], fields: dict[str, Field] | None = None
    ) -> None:
        """Look up the type and refName of every record the values refer to, at once.

        ``values`` are record bodies of ``rtype`` (sublists included) or, with ``fields``, sublist lines
        or subrecords described by those fields. Ids are numbered per id space, so each reference is
        looked up in the space its field points into.
        """
        wanted: set[tuple[str, int]] = set()

        def digits(raw: Any) -> int | None:
            text = str(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
            return int(text) if text.isascii() and text.isdigit() and len(text) <= 15 else None

        def walk(value: dict[str, Any], spec: dict[str, Field], with_sublists: bool) -> None:
            for key, raw in value.items():
                if with_sublists and key in rtype.sublists and isinstance(raw, list):
                    for line in raw:
                        if isinstance(line, dict):
                            walk(line, rtype.sublist_fields(key), False)
                    continue
                fld = spec.get(key)
                if fld is None:
                    continue
                if fld.kind == "r" and isinstance(raw, dict) and (rid := digits(raw.get("id"))) is not None:
                    wanted.add((space_of(fld.arg, rtype), rid))
                elif fld.kind == "c" and isinstance(raw, list):
                    wanted.update(
                        (space_of(fld.arg, rtype), rid) for v in raw if (rid := digits(v)) is not None
                    )
                elif fld.kind == "v" and isinstance(raw, dict):
                    for a in raw.get("inventoryAssignment") or []:
                        for akey, space in _ASSIGNMENT_REFS.items():
                            if (rid := digits(a.get(akey))) is not None:
                                wanted.add((space, rid))

        for value in values:
            walk(value, fields if fields is not None else rtype.fields, fields is None)
        missing = wanted - set(self._names)
        if not missing:
            return
        by_space: dict[str, set[int]] = {}
        for space, rid in missing:
            by_space.setdefault(space, set()).add(rid)
        rows = self.session.execute(
            select(NsRecord.space, NsRecord.id, NsRecord.rtype, NsRecord.name).where(
                or_(*(and_(NsRecord.space == space, NsRecord.id.in_(ids)) for space, ids in by_space.items()))
            )
        ).all()
        for space, rid, rtype_name, name in rows:
            self._names[(space, rid)] = (rtype_name, name)

    def ref(self, space: str, rid: str) -> dict[str, Any]:
        """A reference as REST renders it: links, id, refName."""
        rtype, name = self._names.get((space, int(rid)), ("", rid))
        target = RECORD_TYPES.get(rtype)
        out: dict[str, Any] = {"id": rid, "refName": name}
        if target is not None:
            out = {"links": [{"rel": "self", "href": record_href(self.base, target, rid)}], **out}
        return out

    def value(self, rtype: RecordType, fld: Field, value: Any, href: str, expand: bool) -> Any:
        """One field value in REST form."""
        kind = fld.kind
        if kind == "r":
            return (
                self.ref(space_of(fld.arg, rtype), value["id"])
                if isinstance(value, dict) and "id" in value
                else None
            )
        if kind == "c":
            items = [self.ref(space_of(fld.arg, rtype), v) for v in value]
            return {
                "links": [],
                "count": len(items),
                "hasMore": False,
                "items": items,
                "offset": 0,
                "totalResults": len(items),
            }
        if kind == "e":
            return _enum(rtype, fld, str(value), self.simple_enum)
        if kind == "t":
            return minute_precision(value)
        if kind == "a":
            out = {k: v for k, v in value.items() if not k.startswith("_")}
            if isinstance(out.get("country"), str) and not self.simple_enum:
                out["country"] = {"id": out["country"], "refName": out["country"]}
            return (
                {"links": [{"rel": "self", "href": f"{href}/{fld.name}"}], **out}
                if expand
                else {"links": [{"rel": "self", "href": f"{href}/{fld.name}"}]}
            )
        if kind == "v":
            link = {"links": [{"rel": "self", "href": f"{href}/{fld.name}"}]}
            if not expand:
                return link
            items = []
            for a in value.get("inventoryAssignment") or []:
                rendered = {k: v for k, v in a.items() if not k.startswith("_")}
                for key, space in _ASSIGNMENT_REFS.items():
                    if key in rendered:
                        rendered[key] = self.ref(space, str(rendered[key]))
                items.append(rendered)
            out = {**link, "inventoryAssignment": {"links": [], "items": items, "totalResults": len(items)}}
            if "quantity" in value:
                out["quantity"] = value["quantity"]
            return out
        return value

    def line(
        self, rtype: RecordType, sublist: str, line: dict[str, Any], href: str, expand: bool
    ) -> dict[str, Any]:
        """One sublist line."""
        fields = rtype.sublist_fields(sublist)
        lhref = f"{href}/{sublist}/{line.get('line')}"
        out: dict[str, Any] = {"links": [{"rel": "self", "href": lhref}]}
        for key, value in line.items():
            if key.startswith("_") or value is None:
                continue
            fld = fields.get(key)
            out[key] = self.value(rtype, fld, value, lhref, expand) if fld is not None else value
        return out

    def sublist(
        self, rtype: RecordType, name: str, lines: list[dict[str, Any]], href: str, expand: bool
    ) -> dict[str, Any]:
        """A sublist: only its link unless expanded."""
        link = [{"rel": "self", "href": f"{href}/{name}"}]
        if not expand:
            return {"links": link}
        items = [self.line(rtype, name, ln, href, expand) for ln in lines]
        return {"links": link, "items": items, "totalResults": len(items)}

    def record(
        self,
        rtype: RecordType,
        rid: int,
        body: dict[str, Any],
        created: str,
        modified: str,
        *,
        expand: bool = False,
        fields: set[str] | None = None,
        computed: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A whole record as GET returns it."""
        href = record_href(self.base, rtype, rid)
        out: dict[str, Any] = {"links": [{"rel": "self", "href": href}], "id": str(rid)}
        data = {**body, **(computed or {})}
        created_key = "dateCreated" if rtype.family == "entity" else "createdDate"
        data[created_key] = created
        if "lastModifiedDate" in rtype.fields or rtype.family != "setup":
            data["lastModifiedDate"] = modified
        for key, value in data.items():
            if key.startswith("_") or value is None or (fields is not None and key not in fields):
                continue
            if key in rtype.sublists:
                out[key] = self.sublist(rtype, key, value, href, expand)
                continue
            fld = rtype.fields.get(key)
            if fld is None:
                fld = Field(key, "t") if key in ("createdDate", "dateCreated") else None
            out[key] = self.value(rtype, fld, value, href, expand) if fld is not None else value
        for name in rtype.sublists:
            if name not in out and (fields is None or name in fields) and name in body:
                out[name] = self.sublist(rtype, name, [], href, expand)
        return out


class RenderCache:
    """Rendered GET bodies by (world generation, type, id, version, refName generation, request shape).

    A record's version moves with every write to it, the refName generation with every rename of any
    record, and the world generation with every reset or seed (in the store, so across worker processes),
    so a hit is always what a fresh render would produce. Items and lots are not cached: their quantities
    are computed from stock, which moves without touching the record.
    """

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._data: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        """The cached body, or None."""
        with self._lock:
            data = self._data.get(key)
            if data is not None:
                self._data.move_to_end(key)
            return data

    def put(self, key: tuple[Any, ...], data: bytes) -> None:
        """Remember a rendered body (least recently used entries fall out)."""
        with self._lock:
            self._data[key] = data
            if len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        """Forget every body (a new world generation: their keys can never match again)."""
        with self._lock:
            self._data.clear()
