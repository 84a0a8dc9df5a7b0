"""A voided transaction keeps its record, but nothing that impacts the general ledger may change on it.

Oracle (N/transaction): "After you void a transaction, you cannot make changes to the transaction that
impact the general ledger." Non-posting fields (memo and the like) stay editable. No public source gives the
refusal's wording. Deleting a voided transaction undoes nothing more: the void already did.
"""

from __future__ import annotations

from ...errors import user_error
from ..records import Ctx, Rec
from ..recordtypes import VOIDABLE
from .base import RULES, Rules, rules_for
from .periods import NON_GL_FIELDS


class VoidGuard(Rules):
    """Wraps a type's rules: edits of a voided record are limited to non-GL fields."""

    def __init__(self, inner: Rules) -> None:
        self.inner = inner

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Refuse GL changes on a voided record; otherwise the type's own rules."""
        if old is not None and old.body.get("voided"):
            changed = sorted(
                k
                for k in set(rec.body) | set(old.body)
                if rec.body.get(k) != old.body.get(k) and k not in NON_GL_FIELDS
            )
            if changed:
                raise user_error(
                    "You cannot change a voided transaction: only fields without impact on the "
                    "general ledger (such as memo) can still be edited.",
                    path=changed[0],
                )
            return
        self.inner.prepare(ctx, rec, old)

    def apply(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Side effects, except for voided records (their void undid them)."""
        if old is not None and old.body.get("voided"):
            return
        self.inner.apply(ctx, rec, old)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """A voided record has nothing left to undo."""
        if not rec.body.get("voided"):
            self.inner.before_delete(ctx, rec)


for _name in VOIDABLE:
    RULES[_name] = VoidGuard(rules_for(_name))
