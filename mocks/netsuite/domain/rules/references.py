"""References: the record a stored reference points at, and the references NetSuite refuses on a transaction
(inactive records, summary accounts, COGS on bill expense lines).

A reference that is new or changed on a transaction must point at a record the transaction's field can
select. NetSuite leaves inactive records (a disabled location, an inactive item or customer) and summary
(header) accounts out of every selector, and a vendor bill's expense lines take expense-type accounts, not
Cost of Goods Sold. A value outside the selector is refused the way NetSuite refuses an unknown key:
400 ``INVALID_KEY_OR_REF`` "Invalid <field> reference key <id>." (the form integrations quote, see
../shared/reference/netsuite-failures.md section 5). Unchanged references on an edited transaction are left
alone, so a record made inactive later does not lock its old transactions.
"""

from __future__ import annotations

from typing import Any

from ...errors import invalid_reference
from ..records import Ctx, Rec
from ..recordtypes import Field
from ..values import ref_id

#: (record type, sublist) -> account types its ``account`` lines refuse. No public source names the error
#: for a COGS account on a bill's expense line; the Expenses sublist does not offer COGS accounts, so it is
#: answered like any value the selector does not offer.
_REFUSED_ACCOUNT_TYPES: dict[tuple[str, str], frozenset[str]] = {
    ("vendorBill", "expense"): frozenset({"COGS"})
}
#: Setup lists whose entries are never transaction references (periods are governed by their own rules).
_SKIP_TARGETS = frozenset({"accountingPeriod", "currency", "subsidiary", "transaction"})


def rec_of(ctx: Ctx, value: Any, target: str) -> Rec | None:
    """The record a stored reference to ``target`` (a record type or family) points at."""
    return ctx.engine.ref_rec(value, target)


def _check_ref(
    ctx: Ctx, fld: Field, value: Any, path: str, refused_types: frozenset[str] = frozenset()
) -> None:
    target = ctx.engine.ref_view(value, fld.arg) if fld.arg != "self" else None
    if target is None:
        return
    body = target.body
    if body.get("isInactive"):
        raise invalid_reference(fld.name, target.id, path)
    if target.rtype.name == "account":
        if body.get("isSummary"):
            raise invalid_reference(fld.name, target.id, path)  # a summary account takes no postings
        if body.get("acctType") in refused_types:
            raise invalid_reference(fld.name, target.id, path)


def check_references(ctx: Ctx, rec: Rec, old: Rec | None) -> None:
    """Refuse new or changed references to inactive records, summary accounts and refused account types."""
    rtype = rec.rtype
    for name, fld in rtype.fields.items():
        if fld.kind != "r" or fld.read_only or fld.arg in _SKIP_TARGETS or name not in rec.body:
            continue
        value = rec.body[name]
        if old is not None and ref_id(old.body.get(name)) == ref_id(value):
            continue
        _check_ref(ctx, fld, value, name)
    for sublist, fields in rtype.sublists.items():
        refs = [
            f for f in fields.values() if f.kind == "r" and not f.read_only and f.arg not in _SKIP_TARGETS
        ]
        if not refs:
            continue
        before = {ln.get("line"): ln for ln in old.lines(sublist)} if old is not None else {}
        refused = _REFUSED_ACCOUNT_TYPES.get((rtype.name, sublist), frozenset())
        passed: set[tuple[str, str]] = set()  # (field, id) already accepted: the same answer on every line
        for i, ln in enumerate(rec.lines(sublist)):
            was = before.get(ln.get("line"), {})
            for fld in refs:
                value = ln.get(fld.name)
                if value is None or ref_id(was.get(fld.name)) == ref_id(value):
                    continue
                key = (fld.name, str(value.get("id") if isinstance(value, dict) else value))
                if key in passed:
                    continue
                _check_ref(
                    ctx,
                    fld,
                    value,
                    f"{sublist}.items[{i}].{fld.name}",
                    refused if fld.name == "account" else frozenset(),
                )
                passed.add(key)
