"""Materialise the virtual tables from the emulator's store (ns_records, ns_inventory, ns_commitments).

Every builder returns dicts keyed by the table's lower-case columns; missing keys are NULL.
Transaction lines carry NetSuite's posting sign: sales-side lines (sales orders, invoices, cash sales,
fulfilments, bill credits, builds) have negative quantity, quantityshiprecv, quantitybilled and
netamount, as real SuiteQL returns them (public queries wrap them in ABS() or multiply by -1).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import NsCommitment, NsInventory, NsRecord
from ..gl import Chart, gl_lines, item_accounts
from ..recordtypes import RECORD_TYPES, RecordType
from .schema import STATUS_LABELS

Row = dict[str, Any]

#: Record types whose item lines post with a negative sign in transactionline.
_NEGATIVE = {
    "salesOrder",
    "invoice",
    "cashSale",
    "itemFulfillment",
    "vendorCredit",
    "assemblyBuild",
    "estimate",
}
_LINE_SUBLISTS = ("item", "expense", "inventory", "line", "component")
_OPEN_PO_STATUSES = {None, "B", "D", "E"}


def _family(family: str) -> list[str]:
    return [t.name for t in RECORD_TYPES.values() if t.family == family]


class Source:
    """Reads the store once per query and converts stored values to SuiteQL column values."""

    def __init__(self, session: Session, tz: str, *, deleted_records: bool = True) -> None:
        self.session = session
        #: False when the caller's role lacks the "Deleted Records" permission: the feed is then empty.
        self.deleted_records = deleted_records
        try:
            self.tz: ZoneInfo | None = ZoneInfo(tz)
        except (ValueError, KeyError, OSError):
            # An unknown zone name should not fail a query; UTC is the neutral fallback.
            self.tz = None
        self._cache: dict[tuple[str, ...], list[tuple[NsRecord, dict[str, Any]]]] = {}
        self._names: dict[tuple[str, int], str] | None = None
        self._item_types: dict[int, str] | None = None

    # ---- loading -------------------------------------------------------------------------------------
    def records(self, rtypes: Iterable[str]) -> list[tuple[NsRecord, dict[str, Any]]]:
        """Live (not deleted) records of the given types with their parsed bodies, by id."""
        key = tuple(sorted(rtypes))
        if key not in self._cache:
            rows = (
                self.session.execute(
                    select(NsRecord)
                    .where(NsRecord.rtype.in_(key), NsRecord.deleted_at.is_(None))
                    .order_by(NsRecord.id)
                )
                .scalars()
                .all()
            )
            self._cache[key] = [(r, _body(r.body)) for r in rows]
        return self._cache[key]

    def names(self) -> dict[tuple[str, int], str]:
        """(id space, internal id) -> display name of every live record (ids are unique per space)."""
        if self._names is None:
            rows = self.session.execute(
                select(NsRecord.space, NsRecord.id, NsRecord.name, NsRecord.rtype, NsRecord.body).where(
                    NsRecord.deleted_at.is_(None)
                )
            ).all()
            self._names = {}
            for space, rid, name, rtype, body in rows:
                if not name:
                    rt = RECORD_TYPES.get(rtype)
                    raw = _body(body).get(rt.name_field) if rt else None
                    name = raw if isinstance(raw, str) else ""
                self._names[(space, rid)] = name
        return self._names

    def item_type(self, item_id: int | None) -> str | None:
        """The itemtype code of an item id (from its record type)."""
        if item_id is None:
            return None
        if self._item_types is None:
            self._item_types = {}
            for rec, body in self.records(_family("item")):
                rt = RECORD_TYPES[rec.rtype]
                self._item_types[rec.id] = _enum(body.get("itemType")) or rt.item_type or ""
        return self._item_types.get(item_id)

    # ---- conversions ---------------------------------------------------------------------------------
    def dt(self, value: Any) -> str | None:
        """A stored ISO instant as 'YYYY-MM-DD HH:MM:SS' in the account time zone (Oracle DATE semantics)."""
        if not isinstance(value, str) or not value:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        if self.tz is not None:
            parsed = parsed.astimezone(self.tz)
        return parsed.strftime("%Y-%m-%d %H:%M:%S")

    # ---- tables --------------------------------------------------------------------------------------
    def rows(self, table: str, only: dict[str, set[int]] | None = None) -> list[Row]:
        """Every row of one virtual table (only those with these column values, for tables that can say so)."""
        if only and table == "aggregateitemlocation":
            return self._t_aggregateitemlocation(only)
        builder: Callable[[], list[Row]] = getattr(self, f"_t_{table}")
        return builder()

    def _t_transaction(self) -> list[Row]:
        out = []
        for rec, b in self.records(_family("transaction")):
            rt = RECORD_TYPES[rec.rtype]
            out.append(
                {
                    "id": rec.id,
                    "tranid": _str(b.get("tranId")) or rec.name or None,
                    "transactionnumber": _str(b.get("transactionNumber")),
                    "trandate": _date(b.get("tranDate")),
                    "type": rt.tran_code,
                    "recordtype": rt.lower,
                    "status": _status(rt, b),
                    "entity": _ref(b.get("entity", b.get("customer"))),
                    "memo": _str(b.get("memo")),
                    "currency": _ref(b.get("currency")),
                    "exchangerate": _num(b.get("exchangeRate")),
                    "postingperiod": _ref(b.get("postingPeriod")),
                    "createddate": self.dt(rec.created_at),
                    "lastmodifieddate": self.dt(rec.last_modified),
                    "externalid": _extid(rec, b),
                    "createdfrom": _ref(b.get("createdFrom")),
                    "foreigntotal": _total(rt, b),
                    "shipstatus": _enum(b.get("shipStatus")),
                    "duedate": _date(b.get("dueDate")),
                    "shipdate": _date(b.get("shipDate")),
                    "otherrefnum": _str(b.get("otherRefNum")),
                    "terms": _ref(b.get("terms")),
                    "employee": _ref(b.get("employee")),
                    "approvalstatus": _int(_enum(b.get("approvalStatus"))),
                    "transferlocation": _ref(b.get("transferLocation")),
                }
            )
        return out

    def _t_transactionline(self) -> list[Row]:
        out: list[Row] = []
        for rec, b in self.records(_family("transaction")):
            rt = RECORD_TYPES[rec.rtype]
            sign = -1 if rt.name in _NEGATIVE else 1
            header = {
                "transaction": rec.id,
                "subsidiary": _ref(b.get("subsidiary")),
                "entity": _ref(b.get("entity", b.get("customer"))),
                "createdfrom": _ref(b.get("createdFrom")),
                "linelastmodifieddate": self.dt(rec.last_modified),
                "taxline": "F",
            }
            total = _total(rt, b)
            out.append(
                {
                    **header,
                    "id": 0,
                    "linesequencenumber": 0,
                    "uniquekey": rec.id * 10000,
                    "mainline": "T",
                    "isclosed": "F",
                    "memo": _str(b.get("memo")),
                    "location": _ref(b.get("location")),
                    "department": _ref(b.get("department")),
                    "class": _ref(b.get("class")),
                    "netamount": None if total is None or rt.name == "journalEntry" else -sign * total,
                    "foreignamount": None if total is None or rt.name == "journalEntry" else -sign * total,
                }
            )
            used: set[int] = {0}
            seq = 0
            for sublist in _LINE_SUBLISTS:
                if sublist not in rt.sublists:
                    continue
                for line in b.get(sublist) or []:
                    if not isinstance(line, dict):
                        continue
                    for row in self._lines(rt, b, line, sign):
                        seq += 1
                        lid = line.get("line")
                        if not isinstance(lid, int) or isinstance(lid, bool) or lid in used or "id" in row:
                            lid = max(used) + 1
                        used.add(lid)
                        row.pop("id", None)
                        out.append(
                            {
                                **header,
                                **row,
                                "id": lid,
                                "linesequencenumber": seq,
                                "mainline": "F",
                                "uniquekey": _int(line.get("lineUniqueKey")) or rec.id * 10000 + seq,
                            }
                        )
        return out

    def _lines(self, rt: RecordType, b: dict[str, Any], line: dict[str, Any], sign: int) -> list[Row]:
        item = _ref(line.get("item"))
        qty = _num(line.get("quantity"))
        rate = _num(line.get("rate"))
        amount = _num(line.get("amount"))
        if amount is None and qty is not None and rate is not None:
            amount = qty * rate
        row: Row = {
            "item": item,
            "itemtype": _enum(line.get("itemType")) or self.item_type(item),
            "quantity": _signed(sign, qty),
            "rate": rate,
            "netamount": _signed(sign, amount),
            "foreignamount": _signed(sign, amount),
            "memo": _str(line.get("description", line.get("memo"))),
            "location": _ref(line.get("location")) or _ref(b.get("location")),
            "department": _ref(line.get("department")) or _ref(b.get("department")),
            "class": _ref(line.get("class")) or _ref(b.get("class")),
            "isclosed": _bool(line.get("isClosed")),
            "quantityshiprecv": _signed(
                sign, _num(line.get("quantityFulfilled", line.get("quantityReceived")))
            ),
            "quantitybilled": _signed(sign, _num(line.get("quantityBilled"))),
            "quantitycommitted": _num(line.get("quantityCommitted")),
            "quantitybackordered": _num(line.get("quantityBackOrdered")),
            "quantitypicked": _num(line.get("quantityPicked")),
            "quantitypacked": _num(line.get("quantityPacked")),
            "expectedshipdate": _date(line.get("expectedShipDate")),
        }
        if rt.name == "journalEntry":
            debit, credit = _num(line.get("debit")) or 0.0, _num(line.get("credit")) or 0.0
            row.update(
                netamount=debit - credit,
                foreignamount=debit - credit,
                entity=_ref(line.get("entity")) or _ref(b.get("entity")),
            )
        elif rt.name == "inventoryAdjustment":
            adjust = _num(line.get("adjustQtyBy"))
            row.update(quantity=adjust)
        elif rt.name == "inventoryTransfer":
            # NetSuite books a transfer as an issue at the source and a receipt at the destination.
            adjust = _num(line.get("adjustQtyBy"))
            to_row = {**row, "quantity": adjust, "location": _ref(b.get("transferLocation")), "id": None}
            row.update(quantity=None if adjust is None else -adjust)
            return [row, to_row]
        return [row]

    def _t_transactionaccountingline(self) -> list[Row]:
        chart = Chart((rec.id, b) for rec, b in self.records(["account"]))
        accounts = item_accounts({rec.id: b for rec, b in self.records(_family("item"))})
        out: list[Row] = []
        for rec, b in self.records(_family("transaction")):
            modified = self.dt(rec.last_modified)
            for ln in gl_lines(rec.rtype, b, chart, accounts):
                out.append(
                    {
                        "transaction": rec.id,
                        "transactionline": ln.line,
                        "accountingbook": 1,
                        "account": ln.account,
                        "debit": ln.debit or None,
                        "credit": ln.credit or None,
                        "amount": round(ln.debit - ln.credit, 2),
                        "netamount": round(ln.debit - ln.credit, 2),
                        "posting": "T",
                        "entity": ln.entity,
                        "memo": _str(ln.memo),
                        "lastmodifieddate": modified,
                    }
                )
        return out

    def _items(self) -> list[tuple[NsRecord, dict[str, Any], RecordType]]:
        return [(r, b, RECORD_TYPES[r.rtype]) for r, b in self.records(_family("item"))]

    def _t_item(self) -> list[Row]:
        out = []
        for rec, b, rt in self._items():
            itemid = _str(b.get("itemId")) or rec.name
            out.append(
                {
                    "id": rec.id,
                    "itemid": itemid,
                    "fullname": itemid,
                    "displayname": _str(b.get("displayName")),
                    "description": _str(b.get("description")),
                    "salesdescription": _str(b.get("salesDescription")),
                    "purchasedescription": _str(b.get("purchaseDescription")),
                    "upccode": _str(b.get("upcCode")),
                    "itemtype": _enum(b.get("itemType")) or rt.item_type,
                    "isinactive": _bool(b.get("isInactive")),
                    "islotitem": _bool(b.get("isLotItem", rt.name.startswith("lotNumbered"))),
                    "isserialitem": _bool(b.get("isSerialItem")),
                    "usebins": _bool(b.get("useBins")),
                    "costingmethod": _enum(b.get("costingMethod")),
                    "baseprice": _num(b.get("rate")),
                    "cost": _num(b.get("cost")),
                    "averagecost": _num(b.get("averageCost")),
                    "weight": _num(b.get("weight")),
                    "department": _ref(b.get("department")),
                    "class": _ref(b.get("class")),
                    "location": _ref(b.get("location")),
                    "incomeaccount": _ref(b.get("incomeAccount")),
                    "assetaccount": _ref(b.get("assetAccount")),
                    "cogsaccount": _ref(b.get("cogsAccount")),
                    "createddate": self.dt(rec.created_at),
                    "lastmodifieddate": self.dt(rec.last_modified),
                    "externalid": _extid(rec, b),
                }
            )
        return out

    def _entities(self, rtype: str) -> list[Row]:
        out = []
        for rec, b in self.records([rtype]):
            out.append(
                {
                    "id": rec.id,
                    "entityid": _str(b.get("entityId")) or rec.name,
                    "altname": _str(b.get("altName")) or _str(b.get("companyName")),
                    "companyname": _str(b.get("companyName")),
                    "firstname": _str(b.get("firstName")),
                    "lastname": _str(b.get("lastName")),
                    "middlename": _str(b.get("middleName")),
                    "email": _str(b.get("email")),
                    "phone": _str(b.get("phone")),
                    "fax": _str(b.get("fax")),
                    "isperson": _bool(b.get("isPerson")),
                    "isinactive": _bool(b.get("isInactive")),
                    "subsidiary": _ref(b.get("subsidiary")),
                    "currency": _ref(b.get("currency")),
                    "terms": _ref(b.get("terms")),
                    "creditlimit": _num(b.get("creditLimit")),
                    "comments": _str(b.get("comments")),
                    "datecreated": self.dt(rec.created_at),
                    "lastmodifieddate": self.dt(rec.last_modified),
                    "externalid": _extid(rec, b),
                    "salesrep": _ref(b.get("salesRep")),
                    "pricelevel": _ref(b.get("priceLevel")),
                    "taxable": _bool(b.get("taxable")),
                    "legalname": _str(b.get("legalName")),
                    "is1099eligible": _bool(b.get("is1099Eligible")),
                }
            )
        return out

    def _t_customer(self) -> list[Row]:
        return self._entities("customer")

    def _t_vendor(self) -> list[Row]:
        return self._entities("vendor")

    def _t_job(self) -> list[Row]:
        rows = self._entities("job")
        bodies = {rec.id: b for rec, b in self.records(["job"])}
        for row in rows:
            b = bodies.get(row["id"], {})
            row.update(
                parent=_ref(b.get("parent")),
                startdate=_date(b.get("startDate")),
                projectedenddate=_date(b.get("projectedEndDate")),
                enddate=_date(b.get("endDate")),
            )
        return rows

    def _t_employee(self) -> list[Row]:
        return self._entities("employee")

    def _setup(self, rtype: str) -> list[Row]:
        out = []
        for rec, b in self.records([rtype]):
            subs = b.get("subsidiary")
            name = _str(b.get("name")) or rec.name
            out.append(
                {
                    "id": rec.id,
                    "name": name,
                    "fullname": _str(b.get("fullName")) or name,
                    "parent": _ref(b.get("parent")),
                    "isinactive": _bool(b.get("isInactive")),
                    "externalid": _extid(rec, b),
                    "lastmodifieddate": self.dt(rec.last_modified),
                    # Locations hold a subsidiary collection in REST; SuiteQL shows one subsidiary.
                    "subsidiary": _ref(subs[0] if isinstance(subs, list) and subs else subs),
                    "locationtype": _int(_enum(b.get("locationType"))),
                    "makeinventoryavailable": _bool(b.get("makeInventoryAvailable", True)),
                    "usebins": _bool(b.get("useBins")),
                    "legalname": _str(b.get("legalName")),
                    "currency": _ref(b.get("currency")),
                    "country": _enum(b.get("country")),
                    "state": _str(b.get("state")),
                    "iselimination": _bool(b.get("isElimination")),
                }
            )
        return out

    def _t_location(self) -> list[Row]:
        return self._setup("location")

    def _t_department(self) -> list[Row]:
        return self._setup("department")

    def _t_classification(self) -> list[Row]:
        return self._setup("classification")

    def _t_subsidiary(self) -> list[Row]:
        return self._setup("subsidiary")

    def _t_currency(self) -> list[Row]:
        return [
            {
                "id": rec.id,
                "name": _str(b.get("name")) or rec.name,
                "symbol": _str(b.get("symbol")),
                "displaysymbol": _str(b.get("displaySymbol")),
                "exchangerate": _num(b.get("exchangeRate")),
                "isbasecurrency": _bool(b.get("isBaseCurrency")),
                "isinactive": _bool(b.get("isInactive")),
                "currencyprecision": _int(b.get("currencyPrecision")),
                "lastmodifieddate": self.dt(rec.last_modified),
                "externalid": _extid(rec, b),
            }
            for rec, b in self.records(["currency"])
        ]

    def _t_account(self) -> list[Row]:
        out = []
        for rec, b in self.records(["account"]):
            name = _str(b.get("acctName")) or rec.name
            number = _str(b.get("acctNumber"))
            out.append(
                {
                    "id": rec.id,
                    "acctnumber": number,
                    "accountsearchdisplayname": name,
                    "fullname": name,
                    "displaynamewithhierarchy": f"{number} {name}" if number else name,
                    "accttype": _enum(b.get("acctType")),
                    "description": _str(b.get("description")),
                    "parent": _ref(b.get("parent")),
                    "currency": _ref(b.get("currency")),
                    "isinactive": _bool(b.get("isInactive")),
                    "issummary": _bool(b.get("isSummary")),
                    "lastmodifieddate": self.dt(rec.last_modified),
                    "externalid": _extid(rec, b),
                }
            )
        return out

    def _t_role(self) -> list[Row]:
        return [
            {
                "id": rec.id,
                "name": _str(b.get("name")) or rec.name,
                "scriptid": _str(b.get("scriptId")),
                "isinactive": _bool(b.get("isInactive")),
            }
            for rec, b in self.records(["role"])
        ]

    def _t_accountingperiod(self) -> list[Row]:
        out = []
        for rec, b in self.records(["accountingPeriod"]):
            summary = bool(b.get("isQuarter")) or bool(b.get("isYear"))
            row = {
                "id": rec.id,
                "periodname": _str(b.get("periodName")) or rec.name,
                "startdate": _date(b.get("startDate")),
                "enddate": _date(b.get("endDate")),
                "parent": _ref(b.get("parent")),
                "closedondate": _date(b.get("closedOnDate")),
                "isposting": _bool(b.get("isPosting", not summary)),
                "lastmodifieddate": self.dt(rec.last_modified),
            }
            for flag in (
                "closed",
                "allLocked",
                "arLocked",
                "apLocked",
                "payrollLocked",
                "allowNonGLChanges",
                "isQuarter",
                "isYear",
                "isAdjust",
                "isInactive",
            ):
                row[flag.lower()] = _bool(b.get(flag))
            out.append(row)
        return out

    # ---- inventory -----------------------------------------------------------------------------------
    # Plain rows, not ORM objects: a stock table has thousands of rows and this runs on every query.
    def _inventory(self, only: dict[str, set[int]] | None = None) -> list[Any]:
        t = NsInventory.__table__
        query = select(t.c.item_id, t.c.location_id, t.c.lot_id, t.c.bin_id, t.c.on_hand)
        return list(self.session.connection().execute(_narrowed(query, t, only)))

    def _committed(self, only: dict[str, set[int]] | None = None) -> dict[tuple[int, int], float]:
        t = NsCommitment.__table__
        query = select(t.c.item_id, t.c.location_id, t.c.committed)
        return {
            (item, loc): qty
            for item, loc, qty in self.session.connection().execute(_narrowed(query, t, only))
        }

    def _t_aggregateitemlocation(self, only: dict[str, set[int]] | None = None) -> list[Row]:
        on_hand: dict[tuple[int, int], float] = defaultdict(float)
        for inv in self._inventory(only):
            on_hand[(inv.item_id, inv.location_id)] += inv.on_hand
        committed = self._committed(only)
        on_order: dict[tuple[int, int], float] = defaultdict(float)
        backordered: dict[tuple[int, int], float] = defaultdict(float)
        for rec, b in self.records(["purchaseOrder", "salesOrder"]):
            status = _enum(b.get("status")) or _enum(b.get("orderStatus"))
            for line in b.get("item") or []:
                if not isinstance(line, dict) or line.get("isClosed") is True:
                    continue
                item, loc = _ref(line.get("item")), _ref(line.get("location")) or _ref(b.get("location"))
                if item is None or loc is None:
                    continue
                if rec.rtype == "purchaseOrder" and status in _OPEN_PO_STATUSES:
                    rest = (_num(line.get("quantity")) or 0.0) - (_num(line.get("quantityReceived")) or 0.0)
                    if rest > 0:
                        on_order[(item, loc)] += rest
                elif rec.rtype == "salesOrder":
                    backordered[(item, loc)] += _num(line.get("quantityBackOrdered")) or 0.0
        keys = sorted(set(on_hand) | set(committed) | set(on_order) | set(backordered))
        return [
            {
                "item": i,
                "location": loc,
                "quantityonhand": on_hand.get((i, loc), 0.0),
                "quantitycommitted": committed.get((i, loc), 0.0),
                "quantityavailable": max(0.0, on_hand.get((i, loc), 0.0) - committed.get((i, loc), 0.0)),
                "quantityonorder": on_order.get((i, loc), 0.0),
                "quantitybackordered": backordered.get((i, loc), 0.0),
                "quantityintransit": 0.0,
            }
            for i, loc in keys
        ]

    def _t_inventorynumber(self) -> list[Row]:
        per_lot: dict[int, float] = defaultdict(float)
        for inv in self._inventory():
            if inv.lot_id:
                per_lot[inv.lot_id] += inv.on_hand
        out = []
        for rec, b in self.records(["inventoryNumber"]):
            qoh = per_lot.get(rec.id, 0.0)
            out.append(
                {
                    "id": rec.id,
                    "inventorynumber": _str(b.get("inventoryNumber")) or rec.name,
                    "item": _ref(b.get("item")),
                    "expirationdate": _date(b.get("expirationDate")),
                    "memo": _str(b.get("memo")),
                    "quantityonhand": qoh,
                    "quantityavailable": qoh,
                    "isonhand": "T" if qoh > 0 else "F",
                    "lastmodifieddate": self.dt(rec.last_modified),
                }
            )
        return out

    def _t_inventorynumberlocation(self) -> list[Row]:
        per: dict[tuple[int, int], float] = defaultdict(float)
        for inv in self._inventory():
            if inv.lot_id:
                per[(inv.lot_id, inv.location_id)] += inv.on_hand
        return [
            {
                "inventorynumber": lot,
                "location": loc,
                "quantityonhand": q,
                "quantityavailable": q,
                "quantityintransit": 0.0,
            }
            for (lot, loc), q in sorted(per.items())
        ]

    def _t_inventorybalance(self) -> list[Row]:
        committed = self._committed()
        per: dict[tuple[int, int, int, int], float] = defaultdict(float)
        for inv in self._inventory():
            per[(inv.item_id, inv.location_id, inv.bin_id, inv.lot_id)] += inv.on_hand
        return [
            {
                "item": i,
                "location": loc,
                "binnumber": b or None,
                "inventorynumber": lot or None,
                "quantityonhand": q,
                "quantityavailable": q,
                "committedqtyperlocation": committed.get((i, loc)),
            }
            for (i, loc, b, lot), q in sorted(per.items())
            if q != 0
        ]

    def _t_deletedrecord(self) -> list[Row]:
        if not self.deleted_records:
            # Without the role's "Deleted Records" permission the feed answers, empty (Workato's NetSuite
            # deleted-record trigger documents this), rather than refusing the query.
            return []
        rows = self.session.execute(select(NsRecord).where(NsRecord.deleted_at.is_not(None))).scalars()
        out = []
        for rec in rows:
            rt = RECORD_TYPES.get(rec.rtype)
            body = _body(rec.body)
            out.append(
                {
                    "recordid": rec.id,
                    "name": rec.name or None,
                    "type": rec.rtype.lower(),
                    "recordtypeid": rec.rtype.lower(),
                    "externalid": _extid(rec, body),
                    "deleteddate": self.dt(rec.deleted_at),
                    "iscustomrecord": "F",
                    "iscustomlist": "F",
                    "iscustomtransaction": "F" if rt is None or rt.family == "transaction" else None,
                    "context": "WEBSERVICES",
                }
            )
        return out


# ---- stored value -> column value -----------------------------------------------------------------------
def _narrowed(query: Any, table: Any, only: dict[str, set[int]] | None) -> Any:
    """``query`` limited to the wanted items and locations (``only`` from the compiled query's pushdown)."""
    for key, column in (("item", table.c.item_id), ("location", table.c.location_id)):
        if only and key in only:
            query = query.where(column.in_(sorted(only[key])))
    return query


def _body(raw: str) -> dict[str, Any]:
    try:
        parsed = json.loads(raw or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and v != "" else None


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    return None


def _num(v: Any) -> float | int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return v
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return None
    return None


def _signed(sign: int, v: float | int | None) -> float | int | None:
    return None if v is None else sign * v


def _bool(v: Any) -> str:
    # SuiteQL renders checkboxes as 'T'/'F'; an unset checkbox is 'F', never NULL.
    return "T" if v is True else "F"


def _ref(v: Any) -> int | None:
    return _int(v.get("id")) if isinstance(v, dict) else _int(v)


def _enum(v: Any) -> str | None:
    raw = v.get("id") if isinstance(v, dict) else v
    return str(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) and raw != "" else None


def _date(v: Any) -> str | None:
    # Stored like datetimes (midnight) so dates compare correctly with TO_DATE, SYSDATE and datetimes.
    if not isinstance(v, str):
        return None
    try:
        return f"{date.fromisoformat(v[:10]).isoformat()} 00:00:00"
    except ValueError:
        return None


def _extid(rec: NsRecord, body: dict[str, Any]) -> str | None:
    return _str(body.get("externalId")) or rec.external_key


def _status(rt: RecordType, b: dict[str, Any]) -> str | None:
    raw = _enum(b.get("status"))
    labels = {v: k for k, v in _status_labels(rt).items()}
    if raw is not None:
        # A label stored instead of the letter (REST shows status.id as text) maps back to the letter.
        return labels.get(raw, raw)
    if rt.name == "itemFulfillment":
        return _enum(b.get("shipStatus"))
    return _enum(b.get("orderStatus"))


def _status_labels(rt: RecordType) -> dict[str, str]:
    return STATUS_LABELS.get(rt.tran_code or "", {})


def _total(rt: RecordType, b: dict[str, Any]) -> float | int | None:
    total = _num(b.get("total"))
    if total is None and rt.name == "customerPayment":
        total = _num(b.get("payment"))
    if total is not None:
        return total
    values: list[float | int] = []
    for sub in ("item", "expense"):
        for line in b.get(sub) or [] if sub in rt.sublists else []:
            if not isinstance(line, dict):
                continue
            amount, qty, rate = _num(line.get("amount")), _num(line.get("quantity")), _num(line.get("rate"))
            if amount is None and qty is not None and rate is not None:
                amount = qty * rate
            if amount is not None:
                values.append(amount)
    return sum(values) if values else None
