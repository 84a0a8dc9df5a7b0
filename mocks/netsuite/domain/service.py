"""The record operations the REST API offers: create, update, upsert, delete and transform."""

from __future__ import annotations

import copy
import json
from typing import Any

from ..errors import invalid_content, invalid_replace, record_changed, user_error
from . import payment_transforms  # noqa: F401  (registers its transforms in TRANSFORMS)
from .fulfil import REPLACE_ASSIGNMENTS
from .locks import refuse_if_locked
from .records import Ctx, Rec, merge_lines
from .recordtypes import RecordType
from .rules import rules_for
from .transforms import TRANSFORMS

_PRICE_FIELDS = ("quantity", "rate")


def _parse(
    ctx: Ctx, rtype: RecordType, payload: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    header, raw_subs = ctx.engine.parse_fields(
        rtype, rtype.fields, payload, "", strict=ctx.strict_names, sublists=rtype.sublists
    )
    subs = {
        name: ctx.engine.parse_lines(rtype, name, raw, strict=ctx.strict_names)
        for name, raw in raw_subs.items()
    }
    return header, subs


def _finish_create(ctx: Ctx, rec: Rec) -> Rec:
    rules = rules_for(rec.rtype.name)
    rules.prepare(ctx, rec, None)
    ctx.engine.check_mandatory(rec.rtype, rec.body)
    ctx.engine.check_external_unique(rec.rtype, rec.external_id, None)
    ctx.engine.insert(ctx, rec)
    written = json.dumps(rec.body, sort_keys=True)
    rules.apply(ctx, rec, None)
    if json.dumps(rec.body, sort_keys=True) != written:  # most rules' side effects leave the body alone
        ctx.engine.store(ctx, rec)
    return rec


def create_record(ctx: Ctx, rtype: RecordType, payload: dict[str, Any], *, eid: str | None = None) -> Rec:
    """POST /<type>: a new record (rules, mandatory fields, unique externalId), or a 400 and nothing written."""
    if not rtype.creatable:
        raise user_error(
            f"Records of type {rtype.name} cannot be created directly. Use "
            f"!transform from the source transaction."
        )
    header, subs = _parse(ctx, rtype, payload)
    body: dict[str, Any] = {k: v for k, v in header.items() if v is not None}
    if eid is not None:
        body["externalId"] = eid
    for name, lines in subs.items():
        body[name] = [
            {**{k: v for k, v in ln.items() if v is not None}, "line": i + 1} for i, ln in enumerate(lines)
        ]
    return _finish_create(ctx, Rec(0, rtype, body))


def update_record(
    ctx: Ctx, rec: Rec, payload: dict[str, Any], *, replace: set[str], expected_version: int | None = None
) -> Rec:
    """PATCH: merge header fields; sublist lines with ``line`` update, without append; ``replace`` drops."""
    refuse_if_locked(rec)
    if expected_version is not None and rec.version != expected_version:
        raise record_changed()
    unknown = sorted(name for name in replace if name not in rec.rtype.sublists)
    if unknown:
        raise invalid_replace(unknown[0])
    old = Rec(
        rec.id,
        rec.rtype,
        copy.deepcopy(rec.body),
        rec.version,
        rec.created,
        rec.modified,
        rec.locked,
        rec.row,
    )
    header, subs = _parse(ctx, rec.rtype, payload)
    header_changed = False
    for key, value in header.items():
        if value is None:
            header_changed |= rec.body.pop(key, None) is not None
        elif rec.body.get(key) != value:
            rec.body[key] = value
            header_changed = True
    for name in set(subs) | (replace & set(rec.rtype.sublists)):
        patch = subs.get(name, [])
        existing = rec.lines(name)
        for ln in patch:
            if ln.get("line") is not None and any(f in ln for f in _PRICE_FIELDS) and "amount" not in ln:
                for cur in existing:
                    if cur["line"] == ln["line"]:
                        cur.pop("amount", None)
        merged, _, _ = merge_lines(existing, patch, replace=name in replace, sublist=name)
        rec.body[name] = [{k: v for k, v in ln.items() if v is not None} for ln in merged]
    rules = rules_for(rec.rtype.name)
    rules.prepare(ctx, rec, old)
    ctx.engine.check_mandatory(rec.rtype, rec.body)
    ctx.engine.check_external_unique(rec.rtype, rec.external_id, rec.id)
    rules.apply(ctx, rec, old)
    # Sublist-only edits leave the parent's lastModifiedDate alone, as the real service does.
    ctx.engine.store(ctx, rec, header_changed=header_changed)
    return rec


def upsert_record(
    ctx: Ctx, rtype: RecordType, eid: str, payload: dict[str, Any], *, replace: set[str]
) -> tuple[Rec, bool]:
    """PUT /<type>/eid:<externalId>: create when absent, else update; returns (record, created)."""
    if not rtype.external_id:
        raise user_error(f"Record type {rtype.name} does not support external IDs.")
    sent = payload.get("externalId")
    if sent is not None and (not isinstance(sent, str) or sent.lower() != eid.lower()):
        raise invalid_content(
            "The externalId in the body does not match the external ID in the URL.", path="externalId"
        )
    ctx.engine._check_external_id(eid, "externalId")
    row = ctx.engine.find_eid(rtype, eid)
    if row is None:
        body = {k: v for k, v in payload.items() if k != "externalId"}
        return create_record(ctx, rtype, body, eid=eid), True
    rec = ctx.engine.to_rec(row)
    return update_record(
        ctx, rec, {k: v for k, v in payload.items() if k != "externalId"}, replace=replace
    ), False


def delete_record(ctx: Ctx, rec: Rec) -> None:
    """DELETE: rules may refuse (dependent records, closed periods); the record leaves lists and reads."""
    if not rec.rtype.deletable:
        raise user_error(f"Records of type {rec.rtype.name} cannot be deleted.")
    refuse_if_locked(rec)
    ctx.reversing = True
    try:
        rules_for(rec.rtype.name).before_delete(ctx, rec)
    finally:
        ctx.reversing = False
    ctx.engine.mark_deleted(ctx, rec)


def transform_record(
    ctx: Ctx,
    src: Rec,
    target: RecordType,
    payload: dict[str, Any],
    *,
    replace: set[str] | frozenset[str] = frozenset(),
) -> Rec:
    """POST /<type>/<id>/!transform/<target>: the new record, and the source updated (quantities, status).

    ``replace`` names sublists of the new record whose pre-filled lines the body's lines replace (and, on a
    fulfilment, ``inventoryAssignment``: the pre-filled inventory detail).
    """
    builder = TRANSFORMS.get((src.rtype.name, target.name))
    if builder is None:
        raise user_error(f"Transformation from {src.rtype.name} to {target.name} is not supported.")
    allowed = set(target.sublists) | ({REPLACE_ASSIGNMENTS} if target.name == "itemFulfillment" else set())
    unknown = sorted(name for name in replace if name not in allowed)
    if unknown:
        raise invalid_replace(unknown[0])
    refuse_if_locked(src)
    ctx.replace = frozenset(replace)
    body, book = builder(ctx, src, target, payload)
    rec = _finish_create(ctx, Rec(0, target, {k: v for k, v in body.items() if v is not None}))
    fresh = ctx.engine.load(src.rtype, src.id)
    book(ctx, fresh, rec)
    return rec
