"""Subsidiary scope: a transaction's entity, locations, departments, classes and items must belong to its
subsidiary (OneWorld), else INVALID_KEY_OR_REF naming the subsidiary."""

from __future__ import annotations

from typing import Any

from ...errors import invalid_reference
from ..records import Ctx, Rec
from ..values import ref_id
from .references import rec_of

#: The record type each subsidiary-scoped field refers to.
_SCOPED_TARGETS = {
    "location": "location",
    "transferLocation": "location",
    "adjLocation": "location",
    "department": "department",
    "class": "classification",
    "item": "item",
}


def check_entity_scope(ctx: Ctx, rec: Rec, entity_field: str = "entity") -> None:
    """The entity must belong to the transaction's subsidiary."""
    entity = rec_of(ctx, rec.body.get(entity_field), "entity")
    sub = ref_id(rec.body.get("subsidiary"))
    if entity is not None and sub and ref_id(entity.body.get("subsidiary")) not in (None, sub):
        raise invalid_reference(entity_field, entity.id, entity_field, within=f"subsidiary {sub}")


def _in_subsidiary(target: Rec, sub: str) -> bool:
    subs = target.body.get("subsidiary")
    if isinstance(subs, list):
        return not subs or sub in subs
    return ref_id(subs) in (None, sub)


def check_scope(ctx: Ctx, rec: Rec, sublists: tuple[str, ...]) -> None:
    """Locations, departments, classes and items must be available to the transaction's subsidiary."""
    sub = ref_id(rec.body.get("subsidiary"))
    if not sub:
        return

    passed: set[tuple[str, str]] = set()

    def _check(field: str, value: Any, path: str) -> None:
        kind = _SCOPED_TARGETS[field]
        key = (kind, str(value.get("id") if isinstance(value, dict) else value))
        if key in passed:  # a 200-line adjustment names a few locations 200 times: check each once
            return
        target = ctx.engine.ref_view(value, kind)
        if target is not None and not _in_subsidiary(target, sub):
            raise invalid_reference(field, target.id, path, within=f"subsidiary {sub}")
        passed.add(key)

    for field in ("location", "department", "class", "transferLocation", "adjLocation"):
        if rec.body.get(field):
            _check(field, rec.body[field], field)
    for sublist in sublists:
        for i, line in enumerate(rec.lines(sublist)):
            for field in ("item", "location", "department", "class"):
                if line.get(field):
                    _check(field, line[field], f"{sublist}.items[{i}].{field}")
