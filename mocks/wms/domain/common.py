"""Shared domain helpers: timestamps, statuses, country codes and lookups used by every aggregate."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Select, Table, bindparam, func, insert, select
from sqlalchemy.orm import Session

from mocks.core import validation as v
from mocks.core.app import Emulator

from ..errors import bad_request
from ..models import Warehouse

# Order statuses; HOLDING is the exception state (unknown SKU or short of stock).
NEW, RELEASED, PICKING, PACKED, DESPATCHED = "NEW", "RELEASED", "PICKING", "PACKED", "DESPATCHED"
HOLDING, CANCELLED = "HOLDING", "CANCELLED"
ORDER_STATUSES = (NEW, RELEASED, PICKING, PACKED, DESPATCHED, HOLDING, CANCELLED)
#: Statuses the client (public API) may still cancel from; picking has not started.
CANCELLABLE = (NEW, RELEASED, HOLDING)

PHYSICAL = "PHYSICAL"
ITEM_TYPES = ("PHYSICAL", "DIGITAL", "SERVICE")

#: Largest quantity on one line or movement (keeps every sum far inside 64 bits).
MAX_QTY = 1_000_000
#: Largest id a path or body may name (signed 64-bit).
MAX_ID = 2**63 - 1

ISO2 = frozenset(
    """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY
BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK
FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR
IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK
ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split()
)


#: What the WMS accepts as a SKU, a reference (client reference, PO reference, codes), a barcode, a webhook URL.
SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+/-]{0,63}$")
REF_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,49}$")
BARCODE_RE = re.compile(r"^[A-Za-z0-9-]{1,64}$")
URL_RE = re.compile(r"^https?://[^\s]+$")


def country(value: Any, field: str) -> str:
    """An ISO 3166-1 alpha-2 country code (case-insensitive, returned upper-case)."""
    if not isinstance(value, str) or value.upper() not in ISO2:
        raise bad_request(
            f"'{field}' must be an ISO 3166-1 alpha-2 country code such as GB.", field, code="INVALID_COUNTRY"
        )
    return value.upper()


def ref_value(value: Any, field: str) -> int | str:
    """An act/ reference to a record: its id (integer) or its natural key (string)."""
    if isinstance(value, str):
        return v.text(value, field, max_len=64, blank=False)
    return v.integer(value, field, minimum=1, maximum=MAX_ID)


def stamp(dt: datetime) -> str:
    """A fixed-width UTC timestamp (milliseconds, ``Z``): sortable as a string."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def now_stamp(emu: Emulator, db: Session | Connection) -> str:
    """The virtual clock's now as a stamp, read in ``db``'s transaction."""
    return stamp(emu.clock.now(db))


_FIRST_WAREHOUSE = select(Warehouse.id).order_by(Warehouse.id).limit(1)
_WAREHOUSE = select(Warehouse.id).where(Warehouse.id == bindparam("w"))


def resolve_warehouse(session: Session | Connection, warehouse_id: int | None) -> int:
    """The named warehouse (400 when unknown) or the 3PL's first warehouse."""
    if warehouse_id is None:
        found = session.execute(_FIRST_WAREHOUSE).scalar()
        if found is None:
            raise bad_request(
                "The WMS has no warehouse to fulfil from.", "warehouseId", code="UNKNOWN_WAREHOUSE"
            )
        return int(found)
    found = session.execute(_WAREHOUSE, {"w": warehouse_id}).scalar()
    if found is None:
        raise bad_request(
            f"Warehouse {warehouse_id} does not exist.", "warehouseId", code="UNKNOWN_WAREHOUSE"
        )
    return int(found)


def page_of(session: Session, stmt: Select[Any], page: int, page_size: int) -> tuple[int, list[Any]]:
    """(total, rows of the requested page) for a select ordered by the caller."""
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    rows = session.execute(stmt.limit(page_size).offset((page - 1) * page_size)).scalars().all()
    return int(total), list(rows)


def paged(items: list[dict[str, Any]], total: int, page: int, page_size: int) -> dict[str, Any]:
    """The WMS list envelope (Mintsoft-style page/pageSize)."""
    return {"page": page, "pageSize": page_size, "total": total, "items": items}


def table_of(model: type[Any]) -> Table:
    """The Core table of an ORM model (for lean Core statements)."""
    return cast(Table, model.__table__)


def insert_row(session: Session, table: Table, values: dict[str, Any]) -> int:
    """INSERT one row with a Core statement and return its new id."""
    result = cast(CursorResult[Any], session.execute(insert(table).values(values)))
    pk = result.inserted_primary_key
    assert pk is not None
    return int(pk[0])
