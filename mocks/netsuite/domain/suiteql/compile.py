"""Parse a SuiteQL string, validate it against the virtual schema and rewrite it as SQLite SQL.

The parse is sqlglot's Oracle dialect. The tree is then walked once: every node type must be on an
allow-list (anything else is "Invalid or unsupported search"), tables and columns are checked against
``schema.TABLES``, identifiers are lower-cased and quoted, each expression gets a kind (so dates can be
rendered and string literals compared with date columns can be parsed in the account's date format),
and Oracle-only constructs are replaced by SQLite equivalents or ``NS_*`` functions that ``engine``
registers on the connection (BUILTIN.DF, TO_DATE, TO_CHAR, TRUNC, date arithmetic, ROWNUM).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlglot
from sqlglot import exp
from sqlglot.transforms import eliminate_join_marks

from .errors import bad_date, unknown_identifier, unknown_table, unsupported
from .functions import DATES, FunctionRewrites
from .pushdown import pushdown
from .schema import lookup_table
from .scope import Scope, Src, _chain, _ident


class _QuietCommandFallback(logging.Filter):
    """Drop sqlglot's "falling back to parsing as a Command" warning: such input is refused with a 400 anyway."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but the fallback warning."""
        return "Falling back to parsing as a 'Command'" not in record.getMessage()


logging.getLogger("sqlglot").addFilter(_QuietCommandFallback())

#: Account date format preference -> (strptime format, Java pattern used in error messages).
DATE_FORMATS = {
    "M/D/YYYY": ("%m/%d/%Y", "M/d/yyyy"),
    "D/M/YYYY": ("%d/%m/%Y", "d/M/yyyy"),
    "YYYY-MM-DD": ("%Y-%m-%d", "yyyy-MM-dd"),
    "DD.MM.YYYY": ("%d.%m.%Y", "dd.MM.yyyy"),
}
_CMP = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_AGGREGATES = (exp.Count, exp.Sum, exp.Min, exp.Max, exp.Avg)
_SELECT_ARGS = {
    "kind",
    "hint",
    "distinct",
    "expressions",
    "limit",
    "from_",
    "where",
    "joins",
    "group",
    "having",
    "order",
    "offset",
    "operation_modifiers",
    "exclude",
}
# Nodes that are copied as they are (after their children are rewritten); the value is the result kind,
# "arg" for the kind of the first argument, or None.
_PASS: dict[type[exp.Expr], str | None] = {
    exp.And: None,
    exp.Or: None,
    exp.Not: None,
    exp.Paren: "arg",
    exp.Like: None,
    exp.Escape: None,
    exp.In: None,
    exp.Between: None,
    exp.Is: None,
    exp.Exists: None,
    exp.Tuple: None,
    exp.Null: None,
    exp.Mul: "num",
    exp.Mod: "num",
    exp.Neg: "num",
    exp.DPipe: "text",
    exp.Upper: "text",
    exp.Lower: "text",
    exp.Trim: "text",
    exp.Substring: "text",
    exp.Replace: "text",
    exp.Length: "num",
    exp.StrPosition: "num",
    exp.Round: "num",
    exp.Abs: "num",
    exp.Count: "num",
    exp.Sum: "num",
    exp.Avg: "num",
    exp.Min: "arg",
    exp.Max: "arg",
    exp.Distinct: "arg",
    exp.Coalesce: "arg",
    exp.Case: None,
    exp.If: None,
    exp.Nvl2: None,
    exp.DecodeCase: None,
    exp.Ordered: None,
    exp.Group: None,
    exp.Where: None,
    exp.Having: None,
    exp.Order: None,
    exp.EQ: None,
    exp.NEQ: None,
    exp.GT: None,
    exp.GTE: None,
    exp.LT: None,
    exp.LTE: None,
}


@dataclass
class Compiled:
    """A validated query: SQLite SQL, its output columns (name, kind) and the tables to materialise."""

    sql: str
    columns: list[tuple[str, str | None]]
    tables: set[str]
    #: table -> column -> the only values the query can want (see ``pushdown``); the source may skip the rest
    only: dict[str, dict[str, set[int]]] = field(default_factory=dict)


class Compiler(FunctionRewrites):
    """Turns one SuiteQL string into a ``Compiled`` query (raises the ApiError NetSuite would)."""

    def __init__(self, *, date_format: str, tz: str, today: date) -> None:
        self.strp, self.java = DATE_FORMATS.get(date_format, DATE_FORMATS["M/D/YYYY"])
        self.tz = tz
        self.today = today
        self.tables: set[str] = set()

    def compile(self, query: str) -> Compiled:
        """Parse, validate and rewrite ``query``."""
        try:
            statements = sqlglot.parse(query, read="oracle")
        except (
            sqlglot.errors.SqlglotError,
            RecursionError,
            ValueError,
            TypeError,
            KeyError,
            IndexError,
            AttributeError,
            AssertionError,
        ):
            # sqlglot raises more than ParseError on hostile input; all of it is a query NetSuite refuses.
            raise unsupported() from None
        statements = [s for s in statements if s is not None]
        if len(statements) != 1 or not isinstance(statements[0], exp.Select):
            raise unsupported()
        tree: exp.Expr = statements[0]
        only = pushdown(tree)
        try:
            tree = eliminate_join_marks(tree)  # Oracle's (+) outer joins become LEFT JOINs
        except (sqlglot.errors.SqlglotError, ValueError, KeyError, AttributeError, IndexError):
            raise unsupported() from None
        if not isinstance(tree, exp.Select):
            raise unsupported()
        try:
            select, columns = self.select(tree, None, top=True)
            sql = select.sql(dialect="sqlite", identify=True, unsupported_level=sqlglot.ErrorLevel.RAISE)
        except RecursionError:
            # Absurdly deep nesting that sqlglot still parsed: refuse it rather than fail with a 500.
            raise unsupported() from None
        except (sqlglot.errors.SqlglotError, ValueError, KeyError, AttributeError):
            raise unsupported() from None
        return Compiled(sql, columns, set(self.tables), only)

    # ---- SELECT ------------------------------------------------------------------------------------------
    def select(
        self, sel: exp.Select, outer: Scope | None, *, top: bool = False
    ) -> tuple[exp.Select, list[tuple[str, str | None]]]:
        """Validate and rewrite one SELECT; returns it and its output columns."""
        for key, value in sel.args.items():
            if value not in (None, [], False) and key not in _SELECT_ARGS:
                raise unsupported()
        if sel.args.get("kind") or sel.args.get("operation_modifiers") or sel.args.get("exclude"):
            raise unsupported()
        distinct = sel.args.get("distinct")
        if distinct is not None and distinct.args.get("on") is not None:
            raise unsupported()
        sel.set("hint", None)  # Oracle optimizer hints mean nothing to the emulator
        from_ = sel.args.get("from_")
        if not isinstance(from_, exp.From):
            raise unsupported()
        scope = Scope([], outer)
        from_.set("this", self.source(from_.this, scope))
        joins = list(sel.args.get("joins") or [])
        for join in joins:
            if (
                join.args.get("using")
                or join.args.get("method")
                or join.args.get("kind") not in (None, "INNER", "OUTER", "CROSS", "LEFT")
                or join.args.get("side") not in (None, "LEFT", "RIGHT", "FULL")
            ):
                raise unsupported()
            join.set("this", self.source(join.this, scope))
        for join in joins:
            if join.args.get("on") is not None:
                join.set("on", self.expr(join.args["on"], scope))
        limit = self.limit(sel)
        where = sel.args.get("where")
        if where is not None:
            cond, rownum_limit = self.rownum(where.this)
            if rownum_limit is not None:
                limit = rownum_limit if limit is None else min(limit, rownum_limit)
            sel.set("where", None if cond is None else exp.Where(this=self.expr(cond, scope)))
        outputs: list[tuple[str, str | None]] = []
        new_exprs: list[exp.Expr] = []
        unnamed = 0
        scope.in_select = True
        for item in self.expand_stars(sel.expressions, scope):
            name: str | None = None
            if isinstance(item, exp.Alias):
                name = _ident(item.args["alias"])
                item = item.this
            elif isinstance(item, exp.Column) and isinstance(item.this, exp.Identifier):
                name = _ident(item.this)
            if name is None:
                unnamed += 1
                name = f"expr{unnamed}"  # NetSuite names unaliased expressions expr1, expr2...
            node, kind = self.rw(item, scope)
            new_exprs.append(exp.alias_(node, exp.to_identifier(name, quoted=True)))
            outputs.append((name, kind))
            scope.select_aliases.setdefault(name, kind)
        scope.in_select = False
        sel.set("expressions", new_exprs)
        for key in ("group", "having"):
            if sel.args.get(key) is not None:
                sel.set(key, self.expr(sel.args[key], scope))
        if sel.args.get("order") is not None:
            scope.in_order = True
            sel.set("order", self.expr(sel.args["order"], scope))
            scope.in_order = False
        elif top:
            sel.set("order", self.default_order(sel, scope, len(outputs)))
        sel.set("offset", None)  # SuiteQL silently ignores OFFSET n ROWS (see engine docstring)
        sel.set("limit", None if limit is None else exp.Limit(expression=exp.Literal.number(limit)))
        return sel, outputs

    def source(self, node: exp.Expr, scope: Scope) -> exp.Expr:
        """Register one FROM/JOIN source and return its SQLite form."""
        if isinstance(node, exp.Table):
            if node.args.get("db") or node.args.get("catalog") or not isinstance(node.this, exp.Identifier):
                raise unknown_table(node.sql(dialect="oracle")[:100])
            if any(node.args.get(k) for k in ("joins", "pivots", "laterals", "sample", "version", "when")):
                raise unsupported()
            written = node.this.this
            table = lookup_table(written)
            if table is None:
                raise unknown_table(written)
            alias = _ident(node.args["alias"].this) if node.alias else written.lower()
            self.tables.add(table.name)
            scope.sources.append(Src(alias, table.columns, table, written))
            return exp.Table(
                this=exp.to_identifier(f"t_{table.name}", quoted=True),
                alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)),
            )
        if isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select):
            inner, outputs = self.select(node.this, None)
            alias = _ident(node.args["alias"].this) if node.alias else ""
            cols: dict[str, str] = {}
            for name, kind in outputs:
                cols.setdefault(name, kind or "text")
            scope.sources.append(Src(alias, cols, None, "subquery"))
            out = exp.Subquery(this=inner)
            if alias:
                out.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
            return out
        raise unsupported()

    def expand_stars(self, items: list[exp.Expr], scope: Scope) -> list[exp.Expr]:
        """``*`` and ``t.*`` become the sources' columns (lower-case, in schema order)."""
        out: list[exp.Expr] = []
        for item in items:
            if isinstance(item, exp.Star):
                targets = scope.sources
            elif isinstance(item, exp.Column) and isinstance(item.this, exp.Star):
                alias = item.table.lower()
                targets = [s for s in scope.sources if s.alias == alias]
                if not targets:
                    raise unknown_identifier(item.table, scope.available())
            else:
                out.append(item)
                continue
            for src in targets:
                for col in src.columns:
                    out.append(
                        exp.column(
                            exp.to_identifier(col), table=exp.to_identifier(src.alias) if src.alias else None
                        )
                    )
        return out

    def limit(self, sel: exp.Select) -> int | None:
        """``FETCH FIRST n ROWS ONLY`` / ``TOP n``: a literal row count, or None."""
        node = sel.args.get("limit")
        if node is None:
            return None
        if isinstance(node, exp.Fetch):
            opts = node.args.get("limit_options")
            if opts is not None and (opts.args.get("percent") or opts.args.get("with_ties")):
                raise unsupported()
            count = node.args.get("count")
            if count is None:
                return 1  # FETCH FIRST ROW ONLY
        elif isinstance(node, exp.Limit):
            count = node.expression
        else:
            raise unsupported()
        if not (isinstance(count, exp.Literal) and not count.is_string and count.this.isdigit()):
            raise unsupported()
        return int(count.this)

    def rownum(self, cond: exp.Expr) -> tuple[exp.Expr | None, int | None]:
        """Pull ``ROWNUM <= n`` conjuncts out of WHERE as a row limit (ROWNUM > n matches nothing, as in Oracle)."""
        kept: list[exp.Expr] = []
        limit: int | None = None
        for part in cond.flatten() if isinstance(cond, exp.And) else [cond]:
            bound = _rownum_bound(part)
            if bound is None:
                kept.append(part)
            elif bound >= 0:
                limit = bound if limit is None else min(limit, bound)
        if not kept:
            return None, limit
        return (exp.and_(*kept) if len(kept) > 1 else kept[0]), limit

    def default_order(self, sel: exp.Select, scope: Scope, width: int) -> exp.Order | None:
        """Rows in a stable order when the query has none (real NetSuite guarantees no order)."""
        grouped = (
            sel.args.get("group") is not None
            or sel.args.get("distinct") is not None
            or any(e.find(*_AGGREGATES) for e in sel.expressions)
        )
        if grouped:
            return exp.Order(expressions=[exp.Ordered(this=exp.Literal.number(i + 1)) for i in range(width)])
        if not scope.sources or scope.sources[0].table is None:
            return None
        keys = [
            exp.Ordered(
                this=exp.column(
                    exp.to_identifier(k, quoted=True), table=exp.to_identifier(s.alias, quoted=True)
                )
            )
            for s in scope.sources
            if s.table is not None
            for k in s.table.order_key
        ]
        return exp.Order(expressions=keys)

    # ---- expressions -------------------------------------------------------------------------------------
    def expr(self, node: exp.Expr, scope: Scope) -> exp.Expr:
        """Rewrite one expression (kind discarded)."""
        return self.rw(node, scope)[0]

    def rw(self, node: exp.Expr, scope: Scope) -> tuple[exp.Expr, str | None]:
        """Rewrite ``node`` for SQLite and infer its kind."""
        special = getattr(self, f"_rw_{type(node).__name__.lower()}", None)
        if special is not None:
            return special(node, scope)  # type: ignore[no-any-return]
        if type(node) not in _PASS:
            raise unsupported()
        kinds: list[str | None] = []
        for key, value in list(node.args.items()):
            if isinstance(value, exp.Expr):
                new, kind = self.rw(value, scope)
                node.set(key, new)
                kinds.append(kind)
            elif isinstance(value, list):
                pairs = [self.rw(v, scope) if isinstance(v, exp.Expr) else (v, None) for v in value]
                node.set(key, [p[0] for p in pairs])
                kinds.extend(p[1] for p in pairs)
        if isinstance(node, _CMP):
            _coerce_dates(node, ("this", "expression"), kinds, self)
        elif isinstance(node, exp.Between):
            if kinds and kinds[0] in DATES:
                for key in ("low", "high"):
                    node.set(key, self.date_literal(node.args[key]))
        elif isinstance(node, exp.In) and kinds and kinds[0] in DATES:
            node.set("expressions", [self.date_literal(e) for e in node.expressions])
        elif isinstance(node, exp.Is) and not isinstance(node.expression, exp.Null):
            raise unsupported()
        kind = _PASS[type(node)]
        if kind == "arg":
            return node, next((k for k in kinds if k), None)
        if isinstance(node, exp.If | exp.Nvl2):
            return node, next((k for k in kinds[1:] if k), None)
        if isinstance(node, exp.DecodeCase):
            return node, next((k for k in kinds[2:] if k), None)
        if isinstance(node, exp.Case):
            return node, next((k for k in kinds if k), None)
        return node, kind

    def date_literal(self, node: exp.Expr) -> exp.Expr:
        """A string literal compared with a date column is read in the account's date format, as NetSuite does."""
        if not (isinstance(node, exp.Literal) and node.is_string):
            return node
        try:
            parsed = datetime.strptime(node.this.strip(), self.strp).date()
        except ValueError:
            raise bad_date(node.this, self.java, self.tz) from None
        return exp.Literal.string(f"{parsed.isoformat()} 00:00:00")

    def _rw_and(self, node: exp.And, scope: Scope) -> tuple[exp.Expr, str | None]:
        return self._connector(node, scope)

    def _rw_or(self, node: exp.Or, scope: Scope) -> tuple[exp.Expr, str | None]:
        return self._connector(node, scope)

    def _connector(self, node: exp.Connector, scope: Scope) -> tuple[exp.Expr, str | None]:
        # Integrations send long "id = 1 OR id = 2 OR ..." chains: rewrite them without deep recursion
        # and rebuild them balanced (parenthesised), since SQLite caps expression depth at 1000.
        parts: list[exp.Expr] = [self.rw(p, scope)[0] for p in node.flatten()]
        kind = type(node)
        while len(parts) > 1:
            pairs = [kind(this=parts[i], expression=parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
            merged: list[exp.Expr] = [exp.Paren(this=p) for p in pairs]
            parts = merged + ([parts[-1]] if len(parts) % 2 else [])
        return parts[0], None

    def _rw_column(self, node: exp.Column, scope: Scope) -> tuple[exp.Expr, str | None]:
        if not isinstance(node.this, exp.Identifier) or node.args.get("db") or node.args.get("catalog"):
            raise unsupported()
        name = _ident(node.this)
        qualifier = node.args.get("table")
        if qualifier is None:
            if name == "rownum" and not any(name in s.columns for s in _chain(scope)):
                # ROWNUM is only emulated as a select-list column and as a WHERE row limit.
                if not scope.in_select:
                    raise unsupported()
                return exp.Window(this=exp.RowNumber()), "num"
            if scope.in_order and name in scope.select_aliases:
                return exp.column(exp.to_identifier(name, quoted=True)), scope.select_aliases[name]
        alias = _ident(qualifier) if qualifier is not None else None
        level: Scope | None = scope
        while level is not None:
            for src in level.sources:
                if (alias is None or src.alias == alias) and name in src.columns:
                    table = exp.to_identifier(src.alias, quoted=True) if src.alias else None
                    return exp.column(exp.to_identifier(name, quoted=True), table=table), src.columns[name]
            level = level.outer
        if alias is not None and not any(s.alias == alias for s in _chain(scope)):
            raise unknown_identifier(f"{alias}.{name}", scope.available())
        written = node.this.this if not node.this.quoted else f'"{node.this.this}"'
        raise unknown_identifier(written, scope.available())

    def _rw_alias(self, node: exp.Alias, scope: Scope) -> tuple[exp.Expr, str | None]:
        inner, kind = self.rw(node.this, scope)
        return exp.alias_(inner, exp.to_identifier(_ident(node.args["alias"]), quoted=True)), kind

    def _rw_literal(self, node: exp.Literal, scope: Scope) -> tuple[exp.Expr, str | None]:
        if not node.is_string:
            try:
                float(node.this)
            except ValueError:
                raise unsupported() from None
        return node, "text" if node.is_string else "num"

    def _rw_star(self, node: exp.Star, scope: Scope) -> tuple[exp.Expr, str | None]:
        # Only COUNT(*) reaches here: select-list stars are expanded before rewriting.
        if not isinstance(node.parent, exp.Count):
            raise unsupported()
        return node, None

    def _rw_boolean(self, node: exp.Boolean, scope: Scope) -> tuple[exp.Expr, str | None]:
        return exp.Literal.string("T" if node.this else "F"), "bool"

    def _rw_subquery(self, node: exp.Subquery, scope: Scope) -> tuple[exp.Expr, str | None]:
        if not isinstance(node.this, exp.Select) or node.alias:
            raise unsupported()
        inner, outputs = self.select(node.this, scope)
        return exp.Subquery(this=inner), outputs[0][1] if outputs else None

    def _rw_select(self, node: exp.Select, scope: Scope) -> tuple[exp.Expr, str | None]:
        inner, outputs = self.select(node, scope)
        return inner, outputs[0][1] if outputs else None


def _coerce_dates(node: exp.Expr, keys: tuple[str, str], kinds: list[str | None], comp: Compiler) -> None:
    left, right = kinds[0] if kinds else None, kinds[1] if len(kinds) > 1 else None
    if left in DATES:
        node.set(keys[1], comp.date_literal(node.args[keys[1]]))
    elif right in DATES:
        node.set(keys[0], comp.date_literal(node.args[keys[0]]))


def _rownum_bound(part: exp.Expr) -> int | None:
    """The row limit a ``ROWNUM <op> n`` conjunct imposes (0 = no rows, -1 = none), or None if not one."""
    if not isinstance(part, _CMP):
        return None
    left, right = part.this, part.expression
    flipped = _is_rownum(right)
    if flipped:
        left, right = right, left
    if not _is_rownum(left):
        return None
    if not (isinstance(right, exp.Literal) and not right.is_string and right.this.isdigit()):
        raise unsupported()
    n = int(right.this)
    op: type[exp.Expr] = type(part)
    if flipped:  # n >= ROWNUM is ROWNUM <= n
        flip: dict[type[exp.Expr], type[exp.Expr]] = {
            exp.GT: exp.LT,
            exp.GTE: exp.LTE,
            exp.LT: exp.GT,
            exp.LTE: exp.GTE,
        }
        op = flip.get(op, op)
    if op is exp.LTE:
        return n
    if op is exp.LT:
        return max(n - 1, 0)
    if op is exp.EQ:
        return 1 if n == 1 else 0
    if op is exp.GTE:
        return -1 if n <= 1 else 0
    if op is exp.GT:
        return -1 if n < 1 else 0
    raise unsupported()


def _is_rownum(node: exp.Expr) -> bool:
    return (
        isinstance(node, exp.Column)
        and node.args.get("table") is None
        and isinstance(node.this, exp.Identifier)
        and node.this.this.lower() == "rownum"
    )


def compile_query(query: str, *, date_format: str, tz: str, today: date) -> Compiled:
    """Validate ``query`` against the virtual schema and rewrite it as SQLite SQL."""
    return Compiler(date_format=date_format, tz=tz, today=today).compile(query)
