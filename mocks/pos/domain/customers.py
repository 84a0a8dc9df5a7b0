"""Customers (Sitoo ``users``), matched to NetSuite by email; a second user with one email is refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from mocks.core import validation as v

from ..errors import bad, not_found
from ..models import USERS
from .common import EMAIL

U = USERS.c
_FIELDS = frozenset(
    {"email", "namefirst", "namelast", "customernumber", "personalid", "mobile", "company", "externalid"}
)
_LIMITS = {
    "namefirst": 100,
    "namelast": 100,
    "customernumber": 100,
    "personalid": 100,
    "mobile": 50,
    "company": 200,
    "externalid": 100,
}


def _values(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "email" in body:
        email = v.opt(body, "email", v.text, max_len=200, pattern=EMAIL)
        out["email"] = email
        out["email_key"] = email.strip().lower() if email else None
    for name, limit in _LIMITS.items():
        if name in body:
            value = v.opt(body, name, v.text, max_len=limit)
            out[name] = (value or "") if name in ("namefirst", "namelast") else value
    return out


def _email_taken(conn: Connection, key: str | None, other_than: int | None = None) -> bool:
    if key is None:
        return False
    stmt = select(U.userid).where(U.email_key == key)
    if other_than is not None:
        stmt = stmt.where(U.userid != other_than)
    return conn.execute(stmt).first() is not None


def create_user(conn: Connection, raw: Any, ts: int) -> int:
    """Add a customer; an email already used by another customer is refused. Returns the userid."""
    body = v.obj(raw, "user")
    v.known_fields(body, _FIELDS, what="user")
    values = _values(body)
    if _email_taken(conn, values.get("email_key")):
        raise bad(f"A user with email '{values['email']}' already exists.", "email")
    values.setdefault("namefirst", "")
    values.setdefault("namelast", "")
    values.update(datecreated=ts, datemodified=ts)
    return int(conn.execute(insert(USERS).values(**values).returning(U.userid)).scalar_one())


def update_user(conn: Connection, userid: int | None, raw: Any, ts: int) -> bool:
    """Change a customer (userid from the path or the body); the email stays unique."""
    body = v.obj(raw, "user")
    v.known_fields(body, _FIELDS | ({"userid"} if userid is None else set()), what="user")
    if userid is None:
        userid = v.req(body, "userid", v.integer, minimum=1)
        body = {k: v for k, v in body.items() if k != "userid"}
    if conn.execute(select(U.userid).where(U.userid == userid)).first() is None:
        raise not_found(f"User {userid}")
    values = _values(body)
    if _email_taken(conn, values.get("email_key"), other_than=userid):
        raise bad(f"A user with email '{values['email']}' already exists.", "email")
    values["datemodified"] = ts
    conn.execute(update(USERS).where(U.userid == userid).values(**values))
    return True


def delete_user(conn: Connection, userid: int) -> bool:
    """Remove a customer."""
    if conn.execute(delete(USERS).where(U.userid == userid)).rowcount == 0:
        raise not_found(f"User {userid}")
    return True


def render(row: Any) -> dict[str, Any]:
    """A customer as Sitoo shows it."""
    return {
        "userid": row.userid,
        "email": row.email,
        "namefirst": row.namefirst,
        "namelast": row.namelast,
        "customernumber": row.customernumber,
        "personalid": row.personalid,
        "mobile": row.mobile,
        "company": row.company,
        "externalid": row.externalid,
        "datecreated": row.datecreated,
        "datemodified": row.datemodified,
    }


def get_user(conn: Connection, userid: int) -> dict[str, Any]:
    """One customer, or a 404."""
    row = conn.execute(select(USERS).where(U.userid == userid)).first()
    if row is None:
        raise not_found(f"User {userid}")
    return render(row)


def list_users(
    conn: Connection, filters: dict[str, str | None], start: int, num: int
) -> tuple[int, list[dict[str, Any]]]:
    """A page of customers filtered by email (case-insensitive), customernumber or mobile."""
    cond = []
    if filters.get("email"):
        cond.append(U.email_key == str(filters["email"]).strip().lower())
    if filters.get("customernumber"):
        cond.append(U.customernumber == filters["customernumber"])
    if filters.get("mobile"):
        cond.append(U.mobile == filters["mobile"])
    total = conn.execute(select(func.count()).select_from(USERS).where(*cond)).scalar_one()
    rows = conn.execute(select(USERS).where(*cond).order_by(U.userid).offset(start).limit(num))
    return total, [render(r) for r in rows]
