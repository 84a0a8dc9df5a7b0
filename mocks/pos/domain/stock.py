"""Stores, warehouses, stock per sku per warehouse and warehouse transactions.

Stock may go negative: a till never refuses a sale because the stock record is wrong (the goods are
in the customer's hand), exactly the drift the integration has to reconcile with NetSuite.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from mocks.core import fastsql
from mocks.core import validation as v

from ..errors import bad, not_found
from ..models import PRODUCTS, STORES, WAREHOUSE_ITEMS, WAREHOUSES, WH_TRANSACTION_ITEMS, WH_TRANSACTIONS
from . import events
from .common import EXTERNAL_ID, SKU, decimal3, money, parse_decimal3, parse_money
from .context import PosContext

MOVE_IN, MOVE_OUT, SALES, REFUND, STOCKTAKING = 10, 20, 30, 40, 50
TYPE_NAMES = {
    MOVE_IN: "Move In",
    MOVE_OUT: "Move Out",
    SALES: "Sales",
    REFUND: "Refund",
    STOCKTAKING: "StockTaking",
}
WRITABLE_TYPES = (MOVE_IN, MOVE_OUT)
FIFO, VIRTUAL = 10, 20
USE_STORE, USE_QUARANTINE = 10, 20
MAX_BATCH = 1000
MAX_TX_ITEMS = 1000

W = WAREHOUSES.c
WI = WAREHOUSE_ITEMS.c
WT = WH_TRANSACTIONS.c
WTI = WH_TRANSACTION_ITEMS.c
P = PRODUCTS.c

_MOVE = (
    update(WAREHOUSE_ITEMS)
    .where(WI.warehouseid == bindparam("w"), WI.sku == bindparam("s"))
    .values(total_milli=WI.total_milli + bindparam("d"), datemodified=bindparam("ts"))
    .returning(WI.total_milli)
)
_NEW_ITEM = insert(WAREHOUSE_ITEMS)
# PostgreSQL: the first movement of a sku races with any other first movement of it, so it is one upsert
# (on SQLite writers are serialised and the UPDATE-then-INSERT pair cannot race).
_NEW_ITEM_PG = pg_insert(WAREHOUSE_ITEMS).values(
    warehouseid=bindparam("w"),
    sku=bindparam("s"),
    total_milli=bindparam("d"),
    reserved_milli=0,
    binlocation="",
    datemodified=bindparam("ts"),
)
_UPSERT_PG = _NEW_ITEM_PG.on_conflict_do_update(
    index_elements=[WI.warehouseid, WI.sku],
    set_={
        "total_milli": WI.total_milli + _NEW_ITEM_PG.excluded.total_milli,
        "datemodified": _NEW_ITEM_PG.excluded.datemodified,
    },
).returning(WI.total_milli)
_INSERT_TX = insert(WH_TRANSACTIONS).returning(WT.warehousetransactionid)
_INSERT_TX_ITEMS = insert(WH_TRANSACTION_ITEMS)
_WAREHOUSE = select(W.warehouseid, W.storeid, W.warehousetype, W.usetype, W.sellable, W.currencycode).where(
    W.warehouseid == bindparam("w")
)
_QUARANTINE = (
    select(W.warehouseid)
    .where(W.storeid == bindparam("st"), W.usetype == USE_QUARANTINE)
    .order_by(W.warehouseid)
    .limit(1)
)
_TX_FIELDS = frozenset({"warehouseid", "transactiontype", "externalid", "reasoncode", "description", "items"})
_TX_ITEM_FIELDS = frozenset({"sku", "decimalquantity", "moneypricein"})


class Wh(NamedTuple):
    """The warehouse facts the rules need."""

    warehouseid: int
    storeid: int | None
    warehousetype: int
    usetype: int
    sellable: bool
    currencycode: str


def move(conn: Connection, warehouseid: int, sku: str, delta_milli: int, ts: int) -> int:
    """Add ``delta_milli`` to a sku's stock in a warehouse (one UPDATE, or upsert); returns the stock after."""
    params = {"w": warehouseid, "s": sku, "d": delta_milli, "ts": ts}
    if conn.dialect.name == "postgresql":
        return int(conn.execute(_UPSERT_PG, params).scalar_one())
    row = fastsql.first(conn, _MOVE, params)
    if row is None:
        fastsql.many(
            conn,
            _NEW_ITEM,
            [
                {
                    "warehouseid": warehouseid,
                    "sku": sku,
                    "total_milli": delta_milli,
                    "reserved_milli": 0,
                    "binlocation": "",
                    "datemodified": ts,
                }
            ],
        )
        return delta_milli
    return int(row[0])


def warehouse_row(conn: Connection, warehouseid: int) -> Wh | None:
    """The warehouse's id, store, type, use type, sellable flag and currency, or None."""
    row = fastsql.first(conn, _WAREHOUSE, {"w": warehouseid})
    return None if row is None else Wh(row[0], row[1], row[2], row[3], bool(row[4]), row[5])


def quarantine_for(conn: Connection, storeid: int | None) -> int | None:
    """The quarantine warehouse of a store (where damaged returns go), if it has one."""
    if storeid is None:
        return None
    row = fastsql.first(conn, _QUARANTINE, {"st": storeid})
    return None if row is None else int(row[0])


def record_transaction(
    conn: Connection,
    ctx: PosContext,
    warehouseid: int,
    ttype: int,
    lines: list[tuple[str, int, int | None]],
    ts: int,
    *,
    externalid: str | None = None,
    reasoncode: str | None = None,
    description: str | None = None,
    orderid: int | None = None,
    subs: events.Subs | None = None,
) -> int:
    """Apply (sku, delta, pricein) lines to a warehouse as one transaction; returns its id."""
    inserted = fastsql.first(
        conn,
        _INSERT_TX,
        {
            "warehouseid": warehouseid,
            "datecreated": ts,
            "transactiontype": ttype,
            "description": description if description is not None else TYPE_NAMES[ttype],
            "externalid": externalid,
            "reasoncode": reasoncode,
            "orderid": orderid,
        },
    )
    assert inserted is not None
    txid = int(inserted[0])
    rows = []
    for sku, delta, pricein in lines:
        after = move(conn, warehouseid, sku, delta, ts)
        rows.append(
            {
                "warehousetransactionid": txid,
                "sku": sku,
                "quantity_milli": delta,
                "moneypricein": pricein,
                "total_after_milli": after,
            }
        )
    fastsql.many(conn, _INSERT_TX_ITEMS, rows)
    events.warehouse_transaction_event(conn, ctx, warehouseid, txid, ts, subs)
    return txid


def parse_transaction(conn: Connection, raw: Any, index: int | None = None) -> dict[str, Any]:
    """Validate one warehouse transaction of a POST body against the rules (no writes)."""
    body = v.obj(raw, "warehousetransaction" if index is None else f"[{index}]")
    v.known_fields(body, _TX_FIELDS, what="warehousetransaction")
    wid = v.req(body, "warehouseid", v.integer, minimum=1)
    ttype = v.req(body, "transactiontype", v.integer, minimum=0, maximum=1000)
    if ttype not in TYPE_NAMES:
        raise bad(f"Invalid transactiontype {ttype}.", "transactiontype")
    if ttype not in WRITABLE_TYPES:
        raise bad(f"Transaction type {ttype} ({TYPE_NAMES[ttype]}) is read only.", "transactiontype")
    wh = warehouse_row(conn, wid)
    if wh is None:
        raise bad(f"Warehouse {wid} does not exist.", "warehouseid")
    if wh.warehousetype == VIRTUAL:
        raise bad(f"Warehouse {wid} is virtual and cannot take transactions.", "warehouseid")
    externalid = v.opt(body, "externalid", v.text, max_len=40, pattern=EXTERNAL_ID)
    if (
        externalid is not None
        and conn.execute(select(WT.warehousetransactionid).where(WT.externalid == externalid)).first()
    ):
        raise bad(f"A warehouse transaction with externalid '{externalid}' already exists.", "externalid")
    items = v.req(body, "items", v.array, max_items=MAX_TX_ITEMS, min_items=1)
    lines: list[tuple[str, int, int | None]] = []
    for i, raw_item in enumerate(items):
        item = v.obj(raw_item, f"items[{i}]")
        v.known_fields(item, _TX_ITEM_FIELDS, what="warehouse transaction item")
        sku = v.req(item, "sku", v.text, max_len=100, pattern=SKU)
        qty = parse_decimal3(v.req(item, "decimalquantity"), "decimalquantity")
        if ttype == MOVE_IN and qty <= 0:
            raise bad("Move In quantities must be positive.", "decimalquantity")
        if ttype == MOVE_OUT and qty >= 0:
            raise bad("Move Out quantities must be negative.", "decimalquantity")
        pricein = None
        if item.get("moneypricein") is not None:
            pricein = parse_money(item["moneypricein"], "moneypricein")
            if pricein < 0:
                raise bad("moneypricein must not be negative.", "moneypricein")
        lines.append((sku, qty, pricein))
    skus = {sku for sku, _, _ in lines}
    known = {r[0] for r in conn.execute(select(P.sku).where(P.sku.in_(skus)))}
    missing = sorted(skus - known)
    if missing:
        raise bad(f"Unknown sku '{missing[0]}'.", "sku")
    return {
        "warehouseid": wid,
        "transactiontype": ttype,
        "externalid": externalid,
        "reasoncode": v.opt(body, "reasoncode", v.text, max_len=100),
        "description": v.opt(body, "description", v.text, max_len=200),
        "lines": lines,
    }


def add_transaction(conn: Connection, ctx: PosContext, tx: dict[str, Any], ts: int) -> int:
    """Write a validated warehouse transaction (from ``parse_transaction``)."""
    return record_transaction(
        conn,
        ctx,
        tx["warehouseid"],
        tx["transactiontype"],
        tx["lines"],
        ts,
        externalid=tx["externalid"],
        reasoncode=tx["reasoncode"],
        description=tx["description"],
    )


def stock_take(
    conn: Connection,
    ctx: PosContext,
    warehouseid: int,
    sku: str,
    counted_milli: int,
    ts: int,
    reasoncode: str | None = None,
) -> int:
    """Set a sku's stock to a counted value through a StockTaking transaction."""
    current = conn.execute(
        select(WI.total_milli).where(WI.warehouseid == warehouseid, WI.sku == sku)
    ).scalar()
    delta = counted_milli - int(current or 0)
    return record_transaction(
        conn, ctx, warehouseid, STOCKTAKING, [(sku, delta, None)], ts, reasoncode=reasoncode
    )


# ---- reads --------------------------------------------------------------------------------------
def render_warehouse(row: Any) -> dict[str, Any]:
    """A warehouse as Sitoo shows it."""
    return {
        "warehouseid": row.warehouseid,
        "warehousetype": row.warehousetype,
        "usetype": row.usetype,
        "storeid": row.storeid,
        "sellable": bool(row.sellable),
        "currencycode": row.currencycode,
        "name": row.name,
        "externalid": row.externalid,
    }


def list_warehouses(conn: Connection, start: int, num: int) -> tuple[int, list[dict[str, Any]]]:
    """A page of warehouses."""
    total = conn.execute(select(func.count()).select_from(WAREHOUSES)).scalar_one()
    rows = conn.execute(select(WAREHOUSES).order_by(W.warehouseid).offset(start).limit(num))
    return total, [render_warehouse(r) for r in rows]


def get_warehouse(conn: Connection, warehouseid: int) -> dict[str, Any]:
    """One warehouse, or a 404."""
    row = conn.execute(select(WAREHOUSES).where(W.warehouseid == warehouseid)).first()
    if row is None:
        raise not_found("Warehouse")
    return render_warehouse(row)


def list_items(
    conn: Connection, warehouseid: int, skus: list[str] | None, start: int, num: int
) -> tuple[int, list[dict[str, Any]]]:
    """A page of a warehouse's stock rows (``decimaltotal``/``reserved``/``available``)."""
    get_warehouse(conn, warehouseid)
    cond = [WI.warehouseid == warehouseid]
    if skus:
        cond.append(WI.sku.in_(skus))
    total = conn.execute(select(func.count()).select_from(WAREHOUSE_ITEMS).where(*cond)).scalar_one()
    rows = conn.execute(
        select(WI.sku, WI.total_milli, WI.reserved_milli, WI.binlocation, WI.datemodified, P.moneypricein)
        .select_from(WAREHOUSE_ITEMS.outerjoin(PRODUCTS, P.sku == WI.sku))
        .where(*cond)
        .order_by(WI.sku)
        .offset(start)
        .limit(num)
    )
    items = []
    for r in rows:
        value = (r.moneypricein or 0) * r.total_milli // 1000
        items.append(
            {
                "warehouseid": warehouseid,
                "sku": r.sku,
                "decimaltotal": decimal3(r.total_milli),
                "decimalreserved": decimal3(r.reserved_milli),
                "decimalavailable": decimal3(r.total_milli - r.reserved_milli),
                "moneytotal": money(value),
                "binlocation": r.binlocation,
                "datelastmodified": r.datemodified,
            }
        )
    return total, items


def render_transactions(conn: Connection, rows: list[Any]) -> list[dict[str, Any]]:
    """Warehouse transactions with their item logs."""
    ids = [r.warehousetransactionid for r in rows]
    lines: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        for it in conn.execute(
            select(WH_TRANSACTION_ITEMS).where(WTI.warehousetransactionid.in_(ids)).order_by(WTI.id)
        ):
            lines[it.warehousetransactionid].append(
                {
                    "sku": it.sku,
                    "decimalquantity": decimal3(it.quantity_milli),
                    "moneypricein": money(it.moneypricein) if it.moneypricein is not None else None,
                    "decimaltotalafter": decimal3(it.total_after_milli),
                }
            )
    return [
        {
            "warehousetransactionid": r.warehousetransactionid,
            "warehouseid": r.warehouseid,
            "datecreated": r.datecreated,
            "transactiontype": r.transactiontype,
            "description": r.description,
            "orderid": r.orderid,
            "externalid": r.externalid,
            "reasoncode": r.reasoncode,
            "items": lines[r.warehousetransactionid],
        }
        for r in rows
    ]


def list_transactions(
    conn: Connection, warehouseid: int, filters: dict[str, int | None], start: int, num: int, descending: bool
) -> tuple[int, list[dict[str, Any]]]:
    """A page of a warehouse's transactions (filters: id from/to, type, datecreated from/to)."""
    get_warehouse(conn, warehouseid)
    cond = [WT.warehouseid == warehouseid]
    if filters.get("idfrom") is not None:
        cond.append(WT.warehousetransactionid >= filters["idfrom"])
    if filters.get("idto") is not None:
        cond.append(WT.warehousetransactionid < filters["idto"])
    if filters.get("type") is not None:
        cond.append(WT.transactiontype == filters["type"])
    if filters.get("datefrom") is not None:
        cond.append(WT.datecreated >= filters["datefrom"])
    if filters.get("dateto") is not None:
        cond.append(WT.datecreated < filters["dateto"])
    total = conn.execute(select(func.count()).select_from(WH_TRANSACTIONS).where(*cond)).scalar_one()
    order = WT.warehousetransactionid.desc() if descending else WT.warehousetransactionid
    rows = list(conn.execute(select(WH_TRANSACTIONS).where(*cond).order_by(order).offset(start).limit(num)))
    return total, render_transactions(conn, rows)


def get_transaction(conn: Connection, warehouseid: int, txid: int) -> dict[str, Any]:
    """One warehouse transaction, or a 404."""
    rows = list(
        conn.execute(
            select(WH_TRANSACTIONS).where(WT.warehouseid == warehouseid, WT.warehousetransactionid == txid)
        )
    )
    if not rows:
        raise not_found("Warehouse transaction")
    return render_transactions(conn, rows)[0]


def render_store(row: Any) -> dict[str, Any]:
    """A store as Sitoo shows it."""
    return {
        "storeid": row.storeid,
        "storetype": row.storetype,
        "name": row.name,
        "externalid": row.externalid,
        "city": row.city,
        "countryid": row.countryid,
        "currencycode": row.currencycode,
    }


def list_stores(conn: Connection, start: int, num: int) -> tuple[int, list[dict[str, Any]]]:
    """A page of stores."""
    total = conn.execute(select(func.count()).select_from(STORES)).scalar_one()
    rows = conn.execute(select(STORES).order_by(STORES.c.storeid).offset(start).limit(num))
    return total, [render_store(r) for r in rows]
