"""Products and prices, pushed from the NetSuite item master; ``sku`` is unique."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from mocks.core import validation as v

from ..errors import bad, not_found
from ..models import PRODUCTS
from .common import SKU, money, parse_money, parse_vat, vat_text

P = PRODUCTS.c
_WRITE_FIELDS = frozenset(
    {
        "sku",
        "title",
        "moneyprice",
        "moneypricein",
        "vatvalue",
        "activepos",
        "stockcountenable",
        "barcode",
        "description",
    }
)
_UPDATE_FIELDS = _WRITE_FIELDS | {"productid"}
DEFAULT_VAT_BP = 2000


def _values(body: dict[str, Any], creating: bool) -> dict[str, Any]:
    """Column values from a product body (only the fields present, except defaults on create)."""
    out: dict[str, Any] = {}
    if creating or "sku" in body:
        out["sku"] = v.req(body, "sku", v.text, max_len=100, pattern=SKU)
    if creating or "title" in body:
        out["title"] = v.req(body, "title", v.text, max_len=300, min_len=1)
    if "moneyprice" in body or creating:
        out["moneyprice"] = parse_money(body.get("moneyprice", "0.00"), "moneyprice")
        if out["moneyprice"] < 0:
            raise bad("moneyprice must not be negative.", "moneyprice")
    if body.get("moneypricein") is not None:
        out["moneypricein"] = parse_money(body["moneypricein"], "moneypricein")
        if out["moneypricein"] < 0:
            raise bad("moneypricein must not be negative.", "moneypricein")
    if "vatvalue" in body or creating:
        out["vat_bp"] = parse_vat(body.get("vatvalue", DEFAULT_VAT_BP / 100), "vatvalue")
    for flag in ("activepos", "stockcountenable"):
        if flag in body:
            out[flag] = v.boolean(body[flag], flag)
        elif creating:
            out[flag] = True
    if body.get("barcode") is not None:
        out["barcode"] = v.text(body["barcode"], "barcode", max_len=100)
    if "description" in body or creating:
        out["description"] = v.text(body.get("description") or "", "description", max_len=5000)
    return out


def _sku_taken(conn: Connection, sku: str, other_than: int | None = None) -> bool:
    stmt = select(P.productid).where(P.sku == sku)
    if other_than is not None:
        stmt = stmt.where(P.productid != other_than)
    return conn.execute(stmt).first() is not None


def product_id(conn: Connection, sku: str) -> int:
    """The id of the product with ``sku`` (400 when the catalogue has none)."""
    pid = conn.execute(select(P.productid).where(P.sku == sku)).scalar()
    if pid is None:
        raise bad(f"Unknown sku '{sku}'.", "sku")
    return int(pid)


def create_product(conn: Connection, raw: Any, ts: int) -> int:
    """Add one product; a duplicate sku is refused. Returns the productid."""
    body = v.obj(raw, "product")
    v.known_fields(body, _WRITE_FIELDS, what="product")
    values = _values(body, creating=True)
    if _sku_taken(conn, values["sku"]):
        raise bad(f"A product with sku '{values['sku']}' already exists.", "sku")
    values.update(datecreated=ts, datemodified=ts)
    return int(conn.execute(insert(PRODUCTS).values(**values).returning(P.productid)).scalar_one())


def update_product(conn: Connection, productid: int | None, raw: Any, ts: int) -> bool:
    """Change a product (price, title, sku...); ``productid`` from the path or the body."""
    body = v.obj(raw, "product")
    v.known_fields(body, _UPDATE_FIELDS if productid is None else _WRITE_FIELDS, what="product")
    if productid is None:
        productid = v.req(body, "productid", v.integer, minimum=1)
        body = {k: v for k, v in body.items() if k != "productid"}
    if conn.execute(select(P.productid).where(P.productid == productid)).first() is None:
        raise not_found(f"Product {productid}")
    values = _values(body, creating=False)
    if "sku" in values and _sku_taken(conn, values["sku"], other_than=productid):
        raise bad(f"A product with sku '{values['sku']}' already exists.", "sku")
    values["datemodified"] = ts
    conn.execute(update(PRODUCTS).where(P.productid == productid).values(**values))
    return True


def delete_product(conn: Connection, productid: int) -> bool:
    """Remove a product (orders keep their sku and title)."""
    if conn.execute(delete(PRODUCTS).where(P.productid == productid)).rowcount == 0:
        raise not_found(f"Product {productid}")
    return True


def render(row: Any) -> dict[str, Any]:
    """A product as Sitoo shows it."""
    return {
        "productid": row.productid,
        "sku": row.sku,
        "title": row.title,
        "moneyprice": money(row.moneyprice),
        "moneypricein": money(row.moneypricein) if row.moneypricein is not None else None,
        "vatvalue": vat_text(row.vat_bp),
        "activepos": bool(row.activepos),
        "stockcountenable": bool(row.stockcountenable),
        "barcode": row.barcode,
        "description": row.description,
        "datecreated": row.datecreated,
        "datemodified": row.datemodified,
    }


def get_product(conn: Connection, productid: int) -> dict[str, Any]:
    """One product, or a 404."""
    row = conn.execute(select(PRODUCTS).where(P.productid == productid)).first()
    if row is None:
        raise not_found(f"Product {productid}")
    return render(row)


def list_products(
    conn: Connection, skus: list[str] | None, start: int, num: int, modified_since: int | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """A page of products, optionally filtered by sku list and last-modified time."""
    cond: list[Any] = []
    if skus:
        cond.append(P.sku.in_(skus))
    if modified_since is not None:
        cond.append(P.datemodified >= modified_since)
    total = conn.execute(select(func.count()).select_from(PRODUCTS).where(*cond)).scalar_one()
    rows = conn.execute(select(PRODUCTS).where(*cond).order_by(P.productid).offset(start).limit(num))
    return total, [render(r) for r in rows]
