"""Rewrites of SuiteQL's functions and Oracle date arithmetic into SQLite SQL and ``NS_*`` calls.

A mixin of ``compile.Compiler``: each ``_rw_<node class>`` method rewrites one sqlglot node type and
returns the new node with its kind; the ``NS_*`` functions are registered by ``engine``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date
from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.dialects.oracle import Oracle
from sqlglot.time import format_time

from .errors import unsupported
from .schema import ref_space

if TYPE_CHECKING:
    from .scope import Scope

DATES = {"date", "datetime"}
#: TRUNC(date, fmt) formats -> the unit NS_TRUNC_DATE truncates to.
TRUNC_UNITS = {
    "DD": "DAY",
    "DDD": "DAY",
    "J": "DAY",
    "MM": "MONTH",
    "MON": "MONTH",
    "MONTH": "MONTH",
    "RM": "MONTH",
    "YYYY": "YEAR",
    "YEAR": "YEAR",
    "YYY": "YEAR",
    "YY": "YEAR",
    "Y": "YEAR",
}


class FunctionRewrites(ABC):
    """BUILTIN.DF, TO_DATE/TO_CHAR/TO_NUMBER, TRUNC, EXTRACT, CAST, SYSDATE, date +/- days, exact division."""

    strp: str
    today: date

    @abstractmethod
    def rw(self, node: exp.Expr, scope: Scope) -> tuple[exp.Expr, str | None]:
        """Rewrite any node (implemented by the compiler)."""

    @abstractmethod
    def expr(self, node: exp.Expr, scope: Scope) -> exp.Expr:
        """Rewrite one expression, kind discarded (implemented by the compiler)."""

    def _rw_dot(self, node: exp.Dot, scope: Scope) -> tuple[exp.Expr, str | None]:
        # BUILTIN.DF(col) is the only dotted call SuiteQL programs use that the emulator supports.
        fn = node.expression
        if not (
            isinstance(node.this, exp.Identifier)
            and node.this.this.lower() == "builtin"
            and isinstance(fn, exp.Anonymous)
            and str(fn.this).lower() == "df"
            and len(fn.expressions) == 1
        ):
            raise unsupported()
        arg = fn.expressions[0]
        new, kind = self.rw(arg, scope)
        if (space := ref_space(kind)) is not None:
            return exp.Anonymous(this="NS_DF_REF", expressions=[exp.Literal.string(space), new]), "text"
        if kind == "trantype":
            return exp.Anonymous(this="NS_DF_TRANTYPE", expressions=[new]), "text"
        if kind == "itemtype":
            return exp.Anonymous(this="NS_DF_ITEMTYPE", expressions=[new]), "text"
        if kind == "status" and isinstance(new, exp.Column):
            type_col = exp.column(exp.to_identifier("type", quoted=True), table=new.args.get("table"))
            return exp.Anonymous(this="NS_DF_STATUS", expressions=[type_col, new]), "text"
        return new, kind

    def _rw_anonymous(self, node: exp.Anonymous, scope: Scope) -> tuple[exp.Expr, str | None]:
        # TRUNC(x) of an unknown-typed column arrives unparsed; anything else anonymous is not SuiteQL we emulate.
        if str(node.this).upper() != "TRUNC" or len(node.expressions) != 1:
            raise unsupported()
        return self._trunc(node.expressions[0], None, scope)

    def _rw_trunc(self, node: exp.Trunc, scope: Scope) -> tuple[exp.Expr, str | None]:
        return self._trunc(node.this, None, scope)

    def _rw_datetrunc(self, node: exp.DateTrunc, scope: Scope) -> tuple[exp.Expr, str | None]:
        unit = node.args.get("unit")
        if not (isinstance(unit, exp.Literal) and unit.is_string and unit.this.upper() in TRUNC_UNITS):
            raise unsupported()
        return self._trunc(node.this, TRUNC_UNITS[unit.this.upper()], scope)

    def _trunc(self, value: exp.Expr, unit: str | None, scope: Scope) -> tuple[exp.Expr, str | None]:
        arg, kind = self.rw(value, scope)
        if kind in DATES:
            return exp.Anonymous(
                this="NS_TRUNC_DATE", expressions=[arg, exp.Literal.string(unit or "DAY")]
            ), "date"
        if unit is not None:
            raise unsupported()
        return exp.Anonymous(this="NS_TRUNC", expressions=[arg]), "num"

    def _rw_addmonths(self, node: exp.AddMonths, scope: Scope) -> tuple[exp.Expr, str | None]:
        value, kind = self.rw(node.this, scope)
        months, _ = self.rw(node.expression, scope)
        return exp.Anonymous(this="NS_ADD_MONTHS", expressions=[value, months]), kind or "date"

    def _rw_lastday(self, node: exp.LastDay, scope: Scope) -> tuple[exp.Expr, str | None]:
        value, kind = self.rw(node.this, scope)
        return exp.Anonymous(this="NS_LAST_DAY", expressions=[value]), kind or "date"

    def _rw_strtodate(self, node: exp.StrToDate, scope: Scope) -> tuple[exp.Expr, str | None]:
        return self._to_date(node, scope)

    def _rw_strtotime(self, node: exp.StrToTime, scope: Scope) -> tuple[exp.Expr, str | None]:
        return self._to_date(node, scope)

    def _to_date(self, node: exp.Expr, scope: Scope) -> tuple[exp.Expr, str | None]:
        value, _ = self.rw(node.this, scope)
        fmt = node.args.get("format")
        if fmt is None:
            fmt_lit = exp.Literal.string(self.strp)
        elif isinstance(fmt, exp.Literal) and fmt.is_string:
            fmt_lit = fmt
        else:
            raise unsupported()
        has_time = any(t in fmt_lit.this for t in ("%H", "%I", "%M", "%S"))
        return (
            exp.Anonymous(this="NS_TO_DATE", expressions=[value, fmt_lit]),
            "datetime" if has_time else "date",
        )

    def _rw_datestrtodate(self, node: exp.DateStrToDate, scope: Scope) -> tuple[exp.Expr, str | None]:
        lit = node.this
        if not (isinstance(lit, exp.Literal) and lit.is_string):
            raise unsupported()
        try:
            return typed(f"{date.fromisoformat(lit.this.strip()).isoformat()} 00:00:00"), "date"
        except ValueError:
            raise unsupported() from None

    def _rw_tochar(self, node: exp.ToChar, scope: Scope) -> tuple[exp.Expr, str | None]:
        value, kind = self.rw(node.this, scope)
        fmt = node.args.get("format")
        if fmt is None:
            return exp.Anonymous(this="NS_TO_CHAR", expressions=[value, exp.Null()]), "text"
        if not (isinstance(fmt, exp.Literal) and fmt.is_string) or kind not in DATES | {None}:
            raise unsupported()
        py = format_time(fmt.this, Oracle.TIME_MAPPING, Oracle.TIME_TRIE) or ""
        return exp.Anonymous(this="NS_TO_CHAR", expressions=[value, exp.Literal.string(py)]), "text"

    def _rw_tonumber(self, node: exp.ToNumber, scope: Scope) -> tuple[exp.Expr, str | None]:
        if node.args.get("format") is not None:
            raise unsupported()
        value, _ = self.rw(node.this, scope)
        return exp.Anonymous(this="NS_TO_NUMBER", expressions=[value]), "num"

    def _rw_currentdate(self, node: exp.Expr, scope: Scope) -> tuple[exp.Expr, str | None]:
        return typed(f"{self.today.isoformat()} 00:00:00"), "date"

    def _rw_currenttimestamp(self, node: exp.Expr, scope: Scope) -> tuple[exp.Expr, str | None]:
        # Only the emulated day is known here, so SYSDATE is that day at midnight.
        return typed(f"{self.today.isoformat()} 00:00:00"), "datetime"

    def _rw_extract(self, node: exp.Extract, scope: Scope) -> tuple[exp.Expr, str | None]:
        part = node.this
        if not isinstance(part, exp.Var | exp.Identifier) or str(part.this).upper() not in (
            "YEAR",
            "MONTH",
            "DAY",
            "HOUR",
            "MINUTE",
            "SECOND",
        ):
            raise unsupported()
        value, _ = self.rw(node.expression, scope)
        return exp.Anonymous(
            this="NS_EXTRACT", expressions=[exp.Literal.string(str(part.this).upper()), value]
        ), "num"

    def _rw_cast(self, node: exp.Cast, scope: Scope) -> tuple[exp.Expr, str | None]:
        value, kind = self.rw(node.this, scope)
        to = node.to
        if to.is_type(*exp.DataType.NUMERIC_TYPES):
            return exp.Anonymous(this="NS_TO_NUMBER", expressions=[value]), "num"
        if to.is_type(*exp.DataType.TEXT_TYPES):
            return exp.Anonymous(this="NS_TO_CHAR", expressions=[value, exp.Null()]), "text"
        if to.is_type(exp.DataType.Type.DATE, exp.DataType.Type.DATETIME, exp.DataType.Type.TIMESTAMP):
            return value, kind if kind in DATES else "date"
        raise unsupported()

    def _rw_add(self, node: exp.Add, scope: Scope) -> tuple[exp.Expr, str | None]:
        return self._arith(node, scope, "NS_DATE_ADD")

    def _rw_sub(self, node: exp.Sub, scope: Scope) -> tuple[exp.Expr, str | None]:
        return self._arith(node, scope, "NS_DATE_SUB")

    def _arith(self, node: exp.Binary, scope: Scope, date_fn: str) -> tuple[exp.Expr, str | None]:
        left, lk = self.rw(node.this, scope)
        right, rk = self.rw(node.expression, scope)
        if lk in DATES and rk in DATES and date_fn == "NS_DATE_SUB":
            return exp.Anonymous(this="NS_DATE_DIFF", expressions=[left, right]), "num"
        if lk in DATES:
            return exp.Anonymous(this=date_fn, expressions=[left, right]), lk
        if rk in DATES and date_fn == "NS_DATE_ADD":
            return exp.Anonymous(this=date_fn, expressions=[right, left]), rk
        node.set("this", left)
        node.set("expression", right)
        return node, "num"

    def _rw_div(self, node: exp.Div, scope: Scope) -> tuple[exp.Expr, str | None]:
        # Oracle divides exactly (7/2 = 3.5); SQLite would truncate two integers.
        left, _ = self.rw(node.this, scope)
        right, _ = self.rw(node.expression, scope)
        return exp.Anonymous(this="NS_DIV", expressions=[left, right]), "num"

    def _rw_window(self, node: exp.Window, scope: Scope) -> tuple[exp.Expr, str | None]:
        # ROW_NUMBER() OVER (ORDER BY ...): the other common paging idiom besides ROWNUM.
        if not isinstance(node.this, exp.RowNumber) or node.args.get("partition_by") or node.args.get("spec"):
            raise unsupported()
        if node.args.get("order") is not None:
            node.set("order", self.expr(node.args["order"], scope))
        return node, "num"


def typed(value: str) -> exp.Expr:
    """A date value the compiler produced: parenthesised so it is not re-read as a user's string literal."""
    return exp.Paren(this=exp.Literal.string(value))
