"""Cash registers and their Z reports (close of day): totals by payment method and VAT group.

A Z report takes every closed order rung on the register since its last report, so each sale and
refund is in exactly one report, and the report's totals equal the sum of those orders.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from ..errors import bad, not_found
from ..models import ORDER_ITEMS, ORDER_PAYMENTS, ORDERS, REGISTERS, STORES, ZREPORTS
from . import events
from .common import money
from .context import PosContext
from .orders import CLOSED, ITEM_DISCOUNT, ITEM_PRODUCT

OR = ORDERS.c
OI = ORDER_ITEMS.c
OP = ORDER_PAYMENTS.c
R = REGISTERS.c
S = STORES.c
Z = ZREPORTS.c


def default_register(conn: Connection) -> str:
    """The register a till action uses when none is named: the first register of the first store."""
    rid = conn.execute(select(R.registerid).order_by(R.storeid, R.registernumber).limit(1)).scalar()
    if rid is None:
        raise bad("There is no cash register; seed a store first.", "registerid")
    return str(rid)


def render_register(row: Any) -> dict[str, Any]:
    """A cash register as Sitoo shows it."""
    return {
        "registerid": row.registerid,
        "registerkey": row.registerkey,
        "registernumber": row.registernumber,
        "storeid": row.storeid,
        "warehouseid": row.warehouseid,
        "currencycode": row.currencycode,
    }


def list_registers(conn: Connection, start: int, num: int) -> tuple[int, list[dict[str, Any]]]:
    """A page of cash registers."""
    total = conn.execute(select(func.count()).select_from(REGISTERS)).scalar_one()
    rows = conn.execute(select(REGISTERS).order_by(R.storeid, R.registernumber).offset(start).limit(num))
    return total, [render_register(r) for r in rows]


def get_register(conn: Connection, registerid: str) -> dict[str, Any]:
    """One cash register, or a 404."""
    row = conn.execute(select(REGISTERS).where(R.registerid == registerid)).first()
    if row is None:
        raise not_found(f"Cash register {registerid}")
    return render_register(row)


def _vat_groups(conn: Connection, cond: list[Any], sign: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(OI.vat_bp, func.sum(OI.moneyitemtotal_net), func.sum(OI.moneyitemtotal_vat))
        .join(ORDERS, OR.orderid == OI.orderid)
        .where(*cond)
        .group_by(OI.vat_bp)
        .order_by(OI.vat_bp)
    )
    out = []
    for bp, net, vat in rows:
        net, vat = sign * int(net), sign * int(vat)
        out.append(
            {
                "vatvalue": bp // 100 if bp % 100 == 0 else bp / 100,
                "moneytotal": money(net + vat),
                "moneytotalnet": money(net),
                "moneytotalvat": money(vat),
            }
        )
    return out


def _payments(conn: Connection, cond: list[Any], sign: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(OP.name, func.sum(OP.moneyamount))
        .join(ORDERS, OR.orderid == OP.orderid)
        .where(*cond)
        .group_by(OP.name)
        .order_by(OP.name)
    )
    return [
        {
            "name": name,
            "moneytotal": money(sign * int(total)),
            "moneycaptured": money(sign * int(total)),
            "moneyreserved": "0.00",
        }
        for name, total in rows
    ]


def _totals(conn: Connection, cond: list[Any]) -> tuple[int, int, int, int]:
    count, gross, net = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(OR.moneytotal_gross_all), 0),
            func.coalesce(func.sum(OR.moneyfinal_net), 0),
        ).where(*cond)
    ).one()
    items = conn.execute(
        select(func.coalesce(func.sum(OI.quantity), 0))
        .join(ORDERS, OR.orderid == OI.orderid)
        .where(*cond, OI.orderitemtype == ITEM_PRODUCT)
    ).scalar_one()
    return int(count), int(gross), int(net), int(items)


def close_day(
    conn: Connection, ctx: PosContext, registerid: str, ts: int, counted: int | None = None, staff: str = ""
) -> dict[str, Any]:
    """Produce the register's Z report over its unreported closed orders, and mark them reported."""
    reg = conn.execute(select(REGISTERS).where(R.registerid == registerid)).first()
    if reg is None:
        raise not_found(f"Cash register {registerid}")
    store = conn.execute(select(S.externalid, S.name).where(S.storeid == reg.storeid)).first()
    base = [OR.registerid == registerid, OR.zreportid.is_(None), OR.orderstateid == CLOSED]
    sales = [*base, OR.creditorderid.is_(None)]
    refunds = [*base, OR.creditorderid.is_not(None)]
    nsales, sales_gross, sales_net, sales_items = _totals(conn, sales)
    nref, ref_gross, ref_net, ref_items = _totals(conn, refunds)
    discount = conn.execute(
        select(func.coalesce(func.sum(OI.moneyitemtotal_net + OI.moneyitemtotal_vat), 0))
        .join(ORDERS, OR.orderid == OI.orderid)
        .where(*sales, OI.orderitemtype == ITEM_DISCOUNT)
    ).scalar_one()
    cash = conn.execute(
        select(func.coalesce(func.sum(OP.moneyamount), 0))
        .join(ORDERS, OR.orderid == OP.orderid)
        .where(*base, OP.name == "Cash")
    ).scalar_one()
    prior_sales, prior_refund = conn.execute(
        select(
            func.coalesce(func.sum(Z.moneysalestotal), 0), func.coalesce(func.sum(Z.moneyrefundtotal), 0)
        ).where(Z.registerid == registerid)
    ).one()
    expected = reg.cash_in + int(cash)
    counted = expected if counted is None else counted
    refund_total = -ref_gross
    grand_sales, grand_refund = int(prior_sales) + sales_gross, int(prior_refund) + refund_total
    report: dict[str, Any] = {
        "registerid": registerid,
        "registerkey": reg.registerkey,
        "registernumber": reg.registernumber,
        "datecreated": ts,
        "dateopened": reg.dateopened,
        "eshopid": ctx.site,
        "store_id": store.externalid if store else None,
        "store_name": store.name if store else None,
        "currencycode": reg.currencycode,
        "staff": staff,
        "moneysalestotal": money(sales_gross),
        "moneysalestotalnet": money(sales_net),
        "numsales": nsales,
        "numsalesitems": sales_items,
        "vatgroupssales": _vat_groups(conn, sales, 1),
        "moneyrefundtotal": money(refund_total),
        "moneyrefundtotalnet": money(-ref_net),
        "numrefund": nref,
        "numrefunditems": -ref_items,
        "vatgroupsrefund": _vat_groups(conn, refunds, -1),
        "moneyroundoff": "0.00",
        "moneysummarysales": money(sales_gross),
        "moneysummaryrefund": money(refund_total),
        "moneysummarysubtotal": money(sales_gross - refund_total),
        "moneysummarysalestax": "0.00",
        "moneysummaryroundoff": "0.00",
        "moneysummarytotal": money(sales_gross - refund_total),
        "paymentssales": _payments(conn, sales, 1),
        "paymentsrefund": _payments(conn, refunds, -1),
        "moneydiscount": money(-int(discount)),
        "moneycash_in": money(reg.cash_in),
        "moneycash_salesrefunds": money(int(cash)),
        "moneycash_expected": money(expected),
        "moneycash_counted": money(counted),
        "moneycash_diff": money(counted - expected),
        "numreceipts": nsales + nref,
        "moneygrandtotalsales": money(grand_sales),
        "moneygrandtotalrefund": money(grand_refund),
        "moneygrandtotalnet": money(grand_sales - grand_refund),
    }
    zid = int(
        conn.execute(
            insert(ZREPORTS)
            .values(
                registerid=registerid,
                datecreated=ts,
                dateopened=reg.dateopened,
                moneysalestotal=sales_gross,
                moneyrefundtotal=refund_total,
                numsales=nsales,
                numrefund=nref,
                body="{}",
            )
            .returning(Z.zreportid)
        ).scalar_one()
    )
    report = {"zreportid": zid, **report}
    conn.execute(update(ZREPORTS).where(Z.zreportid == zid).values(body=json.dumps(report)))
    conn.execute(update(ORDERS).where(*base).values(zreportid=zid))
    conn.execute(update(REGISTERS).where(R.registerid == registerid).values(dateopened=ts))
    events.zreport_event(conn, ctx, registerid, zid, ts)
    return report


def list_zreports(
    conn: Connection, registerid: str, datefrom: int | None, dateto: int | None, start: int, num: int
) -> tuple[int, list[dict[str, Any]]]:
    """A page of a register's Z reports, filtered by creation time."""
    get_register(conn, registerid)
    cond = [Z.registerid == registerid]
    if datefrom is not None:
        cond.append(Z.datecreated >= datefrom)
    if dateto is not None:
        cond.append(Z.datecreated < dateto)
    total = conn.execute(select(func.count()).select_from(ZREPORTS).where(*cond)).scalar_one()
    rows = conn.execute(select(Z.body).where(*cond).order_by(Z.zreportid).offset(start).limit(num))
    return total, [json.loads(r.body) for r in rows]


def get_zreport(conn: Connection, registerid: str, zreportid: int) -> dict[str, Any]:
    """One Z report, or a 404."""
    body = conn.execute(select(Z.body).where(Z.registerid == registerid, Z.zreportid == zreportid)).scalar()
    if body is None:
        raise not_found(f"Z report {zreportid}")
    result: dict[str, Any] = json.loads(body)
    return result
