"""Filter pushdown: equality filters a costly table's source may apply itself (the answer stays the same)."""

from __future__ import annotations

from sqlglot import exp

#: Columns whose equality filters are pushed into a table's source (the tables costly to build in full).
PUSHDOWN = {"aggregateitemlocation": frozenset({"item", "location"})}


def _conjuncts(node: exp.Expr) -> list[exp.Expr]:
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    if isinstance(node, exp.Paren):
        return _conjuncts(node.this)
    return [node]


def _int_literal(node: exp.Expr | None) -> int | None:
    if isinstance(node, exp.Literal) and not node.is_string and str(node.this).isdigit():
        return int(node.this)
    return None


def pushdown(tree: exp.Expr) -> dict[str, dict[str, set[int]]]:
    """Filters a table's source may apply itself: ``col = n`` / ``col IN (n, ...)`` conjuncts of the WHERE.

    Only for a single-table query without subqueries, joins or aggregates over other rows of the same table, so
    the rows left out are exactly rows the WHERE would drop: the answer cannot change, only the work.
    """
    tables = list(tree.find_all(exp.Table))
    if (
        not isinstance(tree, exp.Select)
        or len(tables) != 1
        or tree.args.get("joins")
        or any(sel is not tree for sel in tree.find_all(exp.Select))
    ):
        return {}
    name = tables[0].name.lower()
    allowed = PUSHDOWN.get(name)
    where = tree.args.get("where")
    if not allowed or where is None:
        return {}
    only: dict[str, set[int]] = {}
    for cond in _conjuncts(where.this):
        column: exp.Column | None = None
        values: set[int] | None = None
        if isinstance(cond, exp.EQ):
            for col, lit in ((cond.this, cond.expression), (cond.expression, cond.this)):
                number = _int_literal(lit)
                if isinstance(col, exp.Column) and number is not None:
                    column, values = col, {number}
        elif isinstance(cond, exp.In) and isinstance(cond.this, exp.Column) and not cond.args.get("query"):
            found = [_int_literal(e) for e in cond.expressions]
            if found and all(v is not None for v in found):
                column, values = cond.this, {v for v in found if v is not None}
        if column is not None and values is not None and column.name.lower() in allowed:
            key = column.name.lower()
            only[key] = only[key] & values if key in only else values
    return {name: only} if only else {}
