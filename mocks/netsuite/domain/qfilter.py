"""The record list ``q`` filter: ``<field> <OPERATOR> <value>`` joined by AND / OR with parentheses.

Dates are date-only literals in the account's date format; datetime fields (lastModifiedDate) are
compared by their date in the account's time zone, which is exactly how cursor syncs that cut a
timestamp to a date lose records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from mocks.core.errors import ApiError

from ..errors import invalid_parameter, nonexistent_field
from .reads import is_unfilterable
from .recordtypes import Field, RecordType

_TOKEN = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<lb>\[)|(?P<rb>\])|(?P<comma>,)|"(?P<str>(?:[^"\\]|\\.)*)"'
    r"|(?P<word>[^\s()\[\],\"]+))"
)
_OPS = {
    "EMPTY",
    "EMPTY_NOT",
    "IS",
    "IS_NOT",
    "ANY_OF",
    "ANY_OF_NOT",
    "BETWEEN",
    "BETWEEN_NOT",
    "EQUAL",
    "EQUAL_NOT",
    "GREATER",
    "GREATER_NOT",
    "GREATER_OR_EQUAL",
    "GREATER_OR_EQUAL_NOT",
    "LESS",
    "LESS_NOT",
    "LESS_OR_EQUAL",
    "LESS_OR_EQUAL_NOT",
    "WITHIN",
    "WITHIN_NOT",
    "CONTAIN",
    "CONTAIN_NOT",
    "START_WITH",
    "START_WITH_NOT",
    "END_WITH",
    "END_WITH_NOT",
    "AFTER",
    "AFTER_NOT",
    "BEFORE",
    "BEFORE_NOT",
    "ON",
    "ON_NOT",
    "ON_OR_AFTER",
    "ON_OR_AFTER_NOT",
    "ON_OR_BEFORE",
    "ON_OR_BEFORE_NOT",
}
_DATE_FORMATS = {
    "M/D/YYYY": "%m/%d/%Y",
    "D/M/YYYY": "%d/%m/%Y",
    "YYYY-MM-DD": "%Y-%m-%d",
    "DD.MM.YYYY": "%d.%m.%Y",
}
#: A row to test: (id, body, created, lastModified).
Row = tuple[int, dict[str, Any], str, str]
Predicate = Callable[[Row], bool]


def _bad(detail: str) -> ApiError:
    return invalid_parameter(f"Invalid search query. {detail}", query_param="q")


def _unknown_field(name: str) -> ApiError:
    # NetSuite's words, as logged for employee.lastModifiedDate in airbyte#35401.
    return nonexistent_field(
        f"Unknown field name '{name}' in the search query. The field does not exist on this record type.",
        query_param="q",
    )


class _Parser:
    def __init__(self, text: str, rtype: RecordType, prefs: dict[str, Any]) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                raise _bad(f"Unexpected character at position {pos}.")
            kind = m.lastgroup or ""
            value = m.group(kind) if kind else ""
            self.tokens.append((kind, value))
            pos = m.end()
        self.i = 0
        self.rtype = rtype
        self.date_fmt = _DATE_FORMATS.get(prefs.get("dateFormat", "M/D/YYYY"), "%m/%d/%Y")
        self.date_fmt_name = prefs.get("dateFormat", "M/D/YYYY")
        try:
            self.tz = ZoneInfo(prefs.get("timeZone", "America/Los_Angeles"))
        except Exception:  # noqa: BLE001 - an unknown zone falls back to UTC
            self.tz = ZoneInfo("UTC")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise _bad("The query ended unexpectedly.")
        self.i += 1
        return tok

    def parse(self) -> Predicate:
        pred = self.expr()
        if self.peek() is not None:
            raise _bad(f"Unexpected token '{self.peek()[1]}'.")  # type: ignore[index]
        return pred

    def expr(self) -> Predicate:
        left = self.term()
        while (tok := self.peek()) is not None and tok[0] == "word" and tok[1].upper() in ("AND", "OR"):
            self.take()
            right = self.term()
            if tok[1].upper() == "AND":
                left = (lambda a, b: lambda r: a(r) and b(r))(left, right)
            else:
                left = (lambda a, b: lambda r: a(r) or b(r))(left, right)
        return left

    def term(self) -> Predicate:
        tok = self.take()
        if tok[0] == "lp":
            inner = self.expr()
            if self.take()[0] != "rp":
                raise _bad("Missing closing parenthesis.")
            return inner
        if tok[0] != "word":
            raise _bad(f"Expected a field name, got '{tok[1]}'.")
        name = tok[1]
        fld = self._field(name)
        op_tok = self.take()
        op = op_tok[1].upper()
        if op_tok[0] != "word" or op not in _OPS:
            raise _bad(f"Unknown operator '{op_tok[1]}'.")
        negate = op.endswith("_NOT") and op not in ("EMPTY_NOT",)
        base = op[:-4] if negate else op
        if base in ("EMPTY", "EMPTY_NOT"):
            want_empty = base == "EMPTY"
            return lambda r: (self._get(r, fld) in (None, "", [])) == want_empty
        values = self._values()
        test = self._comparison(fld, base, values)
        return (lambda t: lambda r: not t(r))(test) if negate else test

    def _values(self) -> list[str]:
        tok = self.take()
        if tok[0] == "lb":
            out = []
            while True:
                t = self.take()
                if t[0] == "rb":
                    break
                if t[0] == "comma":
                    continue
                if t[0] not in ("str", "word"):
                    raise _bad(f"Unexpected token '{t[1]}' in a value list.")
                out.append(t[1])
            return out
        if tok[0] not in ("str", "word"):
            raise _bad(f"Expected a value, got '{tok[1]}'.")
        return [tok[1]]

    def _field(self, name: str) -> Field:
        special = {
            "id": Field("id", "i"),
            "externalId": Field("externalId", "s"),
            "lastModifiedDate": Field("lastModifiedDate", "t"),
            "createdDate": Field("createdDate", "t"),
            "dateCreated": Field("dateCreated", "t"),
        }
        fld = self.rtype.fields.get(name) or special.get(name)
        if (
            fld is None
            or is_unfilterable(self.rtype, name)
            or fld.kind in ("a", "v", "c")
            or name in self.rtype.sublists
        ):
            raise _unknown_field(name)
        return fld

    @staticmethod
    def _get(row: Row, fld: Field) -> Any:
        rid, body, created, modified = row
        if fld.name == "id":
            return rid
        if fld.name == "lastModifiedDate":
            return modified
        if fld.name in ("createdDate", "dateCreated"):
            return created
        value = body.get(fld.name)
        if fld.kind == "r":
            return (
                int(value["id"]) if isinstance(value, dict) and str(value.get("id", "")).isdigit() else None
            )
        return value

    def _date(self, text: str) -> date:
        try:
            return datetime.strptime(text, self.date_fmt).date()
        except ValueError:
            raise _bad(
                f"Invalid date value '{text}'. Use the account date format {self.date_fmt_name} (date only)."
            ) from None

    def _local_date(self, value: Any, fld: Field) -> date | None:
        if not value:
            return None
        if fld.kind == "t":
            dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            return dt.astimezone(self.tz).date()
        return date.fromisoformat(str(value)[:10])

    def _comparison(self, fld: Field, op: str, values: list[str]) -> Predicate:
        kind = fld.kind
        if kind in ("d", "t"):
            if op not in ("AFTER", "BEFORE", "ON", "ON_OR_AFTER", "ON_OR_BEFORE", "WITHIN"):
                raise _bad(f"Operator {op} cannot be used with date field {fld.name}.")
            dates = [self._date(v) for v in values]
            if (op == "WITHIN") != (len(dates) == 2) or (op != "WITHIN" and len(dates) != 1):
                raise _bad(f"Wrong number of values for operator {op}.")
            cmp: dict[str, Callable[[date], bool]] = {
                "AFTER": lambda d: d > dates[0],
                "BEFORE": lambda d: d < dates[0],
                "ON": lambda d: d == dates[0],
                "ON_OR_AFTER": lambda d: d >= dates[0],
                "ON_OR_BEFORE": lambda d: d <= dates[0],
                "WITHIN": lambda d: dates[0] <= d <= dates[-1],
            }

            def _test(r: Row) -> bool:
                d = self._local_date(self._get(r, fld), fld)
                return d is not None and cmp[op](d)

            return _test
        if kind in ("n", "i", "r"):
            if op not in (
                "ANY_OF",
                "BETWEEN",
                "EQUAL",
                "GREATER",
                "GREATER_OR_EQUAL",
                "LESS",
                "LESS_OR_EQUAL",
                "WITHIN",
            ):
                raise _bad(f"Operator {op} cannot be used with numeric field {fld.name}.")
            try:
                nums = [float(v) for v in values]
            except ValueError:
                raise _bad(f"Invalid number in the values for {fld.name}.") from None
            if op in ("BETWEEN", "WITHIN") and len(nums) != 2:
                raise _bad(f"Operator {op} needs two values.")
            ncmp: dict[str, Callable[[float], bool]] = {
                "ANY_OF": lambda x: x in nums,
                "EQUAL": lambda x: x == nums[0],
                "GREATER": lambda x: x > nums[0],
                "GREATER_OR_EQUAL": lambda x: x >= nums[0],
                "LESS": lambda x: x < nums[0],
                "LESS_OR_EQUAL": lambda x: x <= nums[0],
                "BETWEEN": lambda x: nums[0] <= x <= nums[-1],
                "WITHIN": lambda x: nums[0] <= x <= nums[-1],
            }

            def _ntest(r: Row) -> bool:
                v = self._get(r, fld)
                return isinstance(v, int | float) and not isinstance(v, bool) and ncmp[op](float(v))

            return _ntest
        if kind == "b":
            if op != "IS" or len(values) != 1 or values[0].lower() not in ("true", "false", "t", "f"):
                raise _bad(f"Boolean field {fld.name} takes IS / IS_NOT true|false.")
            want = values[0].lower() in ("true", "t")
            return lambda r: bool(self._get(r, fld)) == want
        if op not in ("IS", "CONTAIN", "START_WITH", "END_WITH", "ANY_OF", "EQUAL"):
            raise _bad(f"Operator {op} cannot be used with text field {fld.name}.")
        lowered = [v.lower() for v in values]
        scmp: dict[str, Callable[[str], bool]] = {
            "IS": lambda s: s == lowered[0],
            "EQUAL": lambda s: s == lowered[0],
            "ANY_OF": lambda s: s in lowered,
            "CONTAIN": lambda s: lowered[0] in s,
            "START_WITH": lambda s: s.startswith(lowered[0]),
            "END_WITH": lambda s: s.endswith(lowered[0]),
        }
        return lambda r: scmp[op](str(self._get(r, fld) or "").lower())


def compile_filter(text: str, rtype: RecordType, prefs: dict[str, Any]) -> Predicate:
    """Compile a ``q`` expression for ``rtype`` into a predicate over rows, or raise a 400."""
    if len(text) > 4000:
        raise _bad("The query is too long.")
    return _Parser(text, rtype, prefs).parse()
