"""The master-data tables: items, entities, setup lists, currencies, accounts, roles, accounting periods."""

from __future__ import annotations

from typing import Any

from ...models import NsRecord
from ..recordtypes import RECORD_TYPES, RecordType
from .reader import Row, StoreReader, _family
from .values import _bool, _date, _enum, _extid, _int, _num, _ref, _str


class MasterTables(StoreReader):
    """Builders of the master-data tables (a mixin of ``data.Source``)."""

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
