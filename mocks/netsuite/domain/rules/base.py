"""The rules protocol and registry."""

from __future__ import annotations

from collections.abc import Callable

from ..records import Ctx, Rec


class Rules:
    """Hooks a record type can implement; the defaults do nothing."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Fill defaults and derived fields, and refuse what the real system refuses (before writing)."""

    def apply(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Side effects once the record has its id (stock, source transactions, balances)."""

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Undo side effects, or refuse the delete."""


RULES: dict[str, Rules] = {}
_DEFAULT = Rules()


def register(*names: str) -> Callable[[type[Rules]], type[Rules]]:
    """Class decorator: register a Rules subclass for record types."""

    def _wrap(cls: type[Rules]) -> type[Rules]:
        for name in names:
            RULES[name] = cls()
        return cls

    return _wrap


def rules_for(rtype_name: str) -> Rules:
    """The rules of a record type (no-op rules when it has none)."""
    return RULES.get(rtype_name, _DEFAULT)
