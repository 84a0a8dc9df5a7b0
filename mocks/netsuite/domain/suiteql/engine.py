"""Run a compiled SuiteQL query on a per-call in-memory SQLite copy and render NetSuite's envelope."""

from __future__ import annotations

import calendar
import math
import sqlite3
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from mocks.core.errors import ApiError

from ..prefs import get_prefs
from .compile import Compiled, compile_query
from .data import Source
from .errors import MAX_REACH, invalid_query, reach_exceeded, unsupported
from .schema import ITEM_TYPE_LABELS, STATUS_LABELS, TABLES, TRAN_TYPE_LABELS, sql_type

#: Link relation for the previous page (NetSuite's collections say "previous", not "prev").
PREV_REL = "previous"


def run_suiteql(
    session: Session,
    query: str,
    *,
    limit: int,
    offset: int,
    base_url: str,
    today: date,
    deleted_records: bool = True,
) -> dict[str, Any]:
    """Run ``query`` and return NetSuite's SuiteQL response for the page ``offset``/``limit``.

    ``deleted_records`` is the caller's role permission for the deleted-records feed (the REST route reads
    it from the integration's role; a direct call stands for a role that has it).
    """
    if offset + limit > MAX_REACH:
        raise reach_exceeded()
    if not isinstance(query, str) or not query.strip():
        raise unsupported()
    prefs = get_prefs(session)
    date_format = str(prefs.get("dateFormat", "M/D/YYYY"))
    tz = str(prefs.get("timeZone", "UTC"))
    compiled = compile_query(query, date_format=date_format, tz=tz, today=today)
    rows = execute(compiled, Source(session, tz, deleted_records=deleted_records))
    total = len(rows)
    page = rows[offset : offset + limit]
    items = [render_row(compiled.columns, row, date_format) for row in page]
    has_more = offset + len(items) < total
    return {
        "links": page_links(base_url, limit, offset, total, has_more),
        "count": len(items),
        "hasMore": has_more,
        "items": items,
        "offset": offset,
        "totalResults": total,
    }


def execute(compiled: Compiled, source: Source) -> list[tuple[Any, ...]]:
    """Materialise the referenced tables into SQLite and run the query; any SQLite failure is a 400."""
    functions = _Functions(source)
    conn = sqlite3.connect(":memory:")
    try:
        # Oracle's LIKE is case-sensitive; SQLite's is not unless told.
        conn.execute("PRAGMA case_sensitive_like = ON")
        for name in sorted(compiled.tables):
            table = TABLES[name]
            cols = list(table.columns)
            ddl = ", ".join(f'"{c}" {sql_type(table.columns[c])}' for c in cols)
            conn.execute(f'CREATE TABLE "t_{name}" ({ddl})')
            rows = [tuple(r.get(c) for c in cols) for r in source.rows(name, compiled.only.get(name))]
            conn.executemany(f'INSERT INTO "t_{name}" VALUES ({", ".join("?" for _ in cols)})', rows)
        functions.register(conn)
        try:
            return conn.execute(compiled.sql).fetchall()
        except (sqlite3.Error, OverflowError, ValueError, MemoryError):
            if functions.error is not None:
                raise functions.error from None
            raise unsupported() from None
    finally:
        conn.close()


class _Functions:
    """The NS_* SQL functions the compiler emits, bound to one query's data."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.error: ApiError | None = None

    def register(self, conn: sqlite3.Connection) -> None:
        """Register every function on ``conn``."""
        table: dict[str, tuple[int, Callable[..., Any]]] = {
            "NS_DF_REF": (2, self.df_ref),
            "NS_DF_TRANTYPE": (1, lambda v: TRAN_TYPE_LABELS.get(v, v)),
            "NS_DF_ITEMTYPE": (1, lambda v: ITEM_TYPE_LABELS.get(v, v)),
            "NS_DF_STATUS": (2, _df_status),
            "NS_TO_DATE": (2, self.to_date),
            "NS_TO_CHAR": (2, _to_char),
            "NS_TO_NUMBER": (1, self.to_number),
            "NS_TRUNC": (1, _trunc),
            "NS_TRUNC_DATE": (2, _trunc_date),
            "NS_ADD_MONTHS": (2, _add_months),
            "NS_LAST_DAY": (1, _last_day),
            "NS_DATE_ADD": (2, lambda d, n: _date_add(d, n, 1)),
            "NS_DATE_SUB": (2, lambda d, n: _date_add(d, n, -1)),
            "NS_DATE_DIFF": (2, _date_diff),
            "NS_DIV": (2, _div),
            "NS_EXTRACT": (2, _extract),
        }
        for name, (nargs, fn) in table.items():
            conn.create_function(name, nargs, self._guard(fn), deterministic=True)

    def _guard(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            try:
                return fn(*args)
            except ApiError as err:
                # SQLite swallows the exception type; keep it so the caller sees NetSuite's message.
                self.error = err
                raise

        return call

    def df_ref(self, space: str, value: Any) -> str | None:
        """BUILTIN.DF of a reference into an id space: the referenced record's name."""
        if value is None:
            return None
        try:
            return self.source.names().get((space, int(value)))
        except (TypeError, ValueError):
            return None

    def to_date(self, value: Any, fmt: str) -> str | None:
        """TO_DATE / TO_TIMESTAMP: 'YYYY-MM-DD' (or with the time when it has one)."""
        if value is None:
            return None
        try:
            parsed = datetime.strptime(str(value).strip(), fmt)
        except ValueError:
            raise invalid_query(f"Search error occurred: Invalid date value '{str(value)[:60]}'.") from None
        return parsed.strftime("%Y-%m-%d %H:%M:%S")

    def to_number(self, value: Any) -> float | int | None:
        """TO_NUMBER: a number, or NetSuite's refusal (Oracle's ORA-01722 invalid number)."""
        if value is None or isinstance(value, int | float):
            return value
        try:
            number = float(str(value).strip())
        except ValueError:
            raise invalid_query("Search error occurred: Invalid number.") from None
        return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _df_status(tran_type: Any, status: Any) -> Any:
    label = STATUS_LABELS.get(tran_type, {}).get(status)
    if label is None:
        return status
    return f"{TRAN_TYPE_LABELS.get(tran_type, tran_type)} : {label}"


def _as_dt(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def _to_char(value: Any, fmt: str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return oracle_number(value)
    parsed = _as_dt(value)
    if fmt and parsed is not None:
        return parsed.strftime(fmt)
    return str(value)


def _trunc_date(value: Any, unit: str) -> str | None:
    parsed = _as_dt(value)
    if parsed is None:
        return None
    day = parsed.date()
    if unit == "MONTH":
        day = day.replace(day=1)
    elif unit == "YEAR":
        day = day.replace(month=1, day=1)
    return f"{day.isoformat()} 00:00:00"


def _add_months(value: Any, months: Any) -> str | None:
    parsed = _as_dt(value)
    if (
        parsed is None
        or not isinstance(months, int | float)
        or not math.isfinite(months)
        or abs(months) > 12000
    ):
        return None
    index = parsed.year * 12 + parsed.month - 1 + int(months)
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        return None
    last = calendar.monthrange(year, month + 1)[1]
    # Oracle keeps month ends at month ends (Jan 31 + 1 month = Feb 28).
    day = last if parsed.day == calendar.monthrange(parsed.year, parsed.month)[1] else min(parsed.day, last)
    return parsed.replace(year=year, month=month + 1, day=day).strftime("%Y-%m-%d %H:%M:%S")


def _last_day(value: Any) -> str | None:
    parsed = _as_dt(value)
    if parsed is None:
        return None
    return parsed.replace(day=calendar.monthrange(parsed.year, parsed.month)[1]).strftime("%Y-%m-%d %H:%M:%S")


def _trunc(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value):
        return math.trunc(value)
    return value


def _date_add(value: Any, days: Any, sign: int) -> str | None:
    parsed = _as_dt(value)
    if parsed is None or not isinstance(days, int | float) or not math.isfinite(days) or abs(days) > 1e6:
        return None
    return (parsed + timedelta(days=sign * days)).strftime("%Y-%m-%d %H:%M:%S")


def _date_diff(left: Any, right: Any) -> float | None:
    a, b = _as_dt(left), _as_dt(right)
    if a is None or b is None:
        return None
    return (a - b).total_seconds() / 86400


def _div(left: Any, right: Any) -> float | None:
    if not isinstance(left, int | float) or not isinstance(right, int | float) or right == 0:
        return None  # Oracle raises divide-by-zero; NULL keeps the rest of the row readable
    return left / right


def _extract(part: str, value: Any) -> int | None:
    parsed = _as_dt(value)
    return None if parsed is None else int(getattr(parsed, part.lower()))


# ---- rendering ------------------------------------------------------------------------------------------
def oracle_number(value: int | float) -> str:
    """A number as Oracle prints it: no trailing zeros, no leading zero before the point (0.5 -> '.5')."""
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        text = f"{value:.15f}".rstrip("0").rstrip(".")
    if text.startswith("0."):
        text = text[1:]
    elif text.startswith("-0."):
        text = "-" + text[2:]
    return text


def format_date(value: str, date_format: str) -> str:
    """'YYYY-MM-DD[ HH:MM:SS]' as the account's date format shows it (SuiteQL drops the time of day)."""
    parsed = _as_dt(value)
    if parsed is None:
        return value
    d, m, y = parsed.day, parsed.month, parsed.year
    if date_format == "D/M/YYYY":
        return f"{d}/{m}/{y}"
    if date_format == "YYYY-MM-DD":
        return f"{y:04d}-{m:02d}-{d:02d}"
    if date_format == "DD.MM.YYYY":
        return f"{d:02d}.{m:02d}.{y:04d}"
    return f"{m}/{d}/{y}"


def render_row(
    columns: list[tuple[str, str | None]], row: tuple[Any, ...], date_format: str
) -> dict[str, Any]:
    """One result row: lower-case keys, every value a string, NULLs omitted, first of duplicate names kept."""
    item: dict[str, Any] = {"links": []}
    for (name, kind), value in zip(columns, row, strict=False):
        if value is None or name in item:
            continue
        if isinstance(value, int | float):
            item[name] = oracle_number(value)
        elif isinstance(value, bytes):
            item[name] = value.decode("utf-8", "replace")
        elif kind in ("date", "datetime"):
            item[name] = format_date(str(value), date_format)
        else:
            item[name] = str(value)
    return item


def page_links(base_url: str, limit: int, offset: int, total: int, has_more: bool) -> list[dict[str, str]]:
    """previous/first/next/last/self links, as NetSuite's collections carry them."""

    def href(at: int) -> str:
        return f"{base_url}services/rest/query/v1/suiteql?limit={limit}&offset={at}"

    links = []
    if offset > 0:
        links.append({"rel": PREV_REL, "href": href(max(0, offset - limit))})
        links.append({"rel": "first", "href": href(0)})
    if has_more:
        last = min(((total - 1) // limit) * limit, ((MAX_REACH - 1) // limit) * limit)
        links.append({"rel": "next", "href": href(offset + limit)})
        links.append({"rel": "last", "href": href(max(last, offset + limit))})
    links.append({"rel": "self", "href": href(offset)})
    return links
