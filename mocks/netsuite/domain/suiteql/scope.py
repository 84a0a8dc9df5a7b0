"""Name resolution in a query: the sources each SELECT can see (and its enclosing SELECT's), identifiers."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from .schema import VTable


@dataclass
class Src:
    """A FROM/JOIN source in one SELECT: its alias, columns and (for a table) its definition."""

    alias: str
    columns: dict[str, str]
    table: VTable | None
    written: str


@dataclass
class Scope:
    """The sources visible to one SELECT (plus the enclosing SELECT's, for correlated subqueries)."""

    sources: list[Src]
    outer: Scope | None
    select_aliases: dict[str, str | None] = field(default_factory=dict)
    in_order: bool = False
    in_select: bool = False

    def available(self) -> dict[str, str]:
        """alias -> table name, as NetSuite lists them in an Unknown identifier error."""
        return {s.alias: s.written for s in self.sources if s.table is not None}


def _ident(node: exp.Expr) -> str:
    """An identifier's lower-case name (NetSuite's own exports quote upper-case names like "TRANSACTION")."""
    if isinstance(node, exp.Identifier):
        return str(node.this).lower()
    if isinstance(node, exp.TableAlias):
        return _ident(node.this)
    return str(node.name).lower()


def _chain(scope: Scope) -> list[Src]:
    out: list[Src] = []
    level: Scope | None = scope
    while level is not None:
        out.extend(level.sources)
        level = level.outer
    return out
