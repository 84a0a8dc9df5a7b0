"""``/__erpsim/act/<action>``: what people inside NetSuite do (approve, close periods, rename SKUs...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from mocks.core.app import Action, Emulator
from mocks.core.errors import ApiError

from .actions_auth import AUTH_ACTIONS
from .domain.locks import arm_concurrent_edit, set_workflow_lock
from .domain.prefs import get_prefs, set_pref
from .domain.records import Ctx, Rec, Records
from .domain.recordtypes import RecordType, lookup
from .domain.rules import periods
from .domain.service import create_record, update_record
from .models import NsRecord
from .services import NetSuiteServices


def _ctx(emu: Emulator, session: Any) -> Ctx:
    return Ctx(session=session, now=emu.clock.now(session), prefs=get_prefs(session), engine=Records(session))


def _rtype(body: dict[str, Any], default: str | None = None) -> RecordType:
    name = body.get("type", default)
    rtype = lookup(str(name)) if name else None
    if rtype is None:
        raise ApiError(400, "INVALID_ACTION", f"Unknown record type {name!r}.")
    return rtype


def _load(ctx: Ctx, rtype: RecordType, body: dict[str, Any]) -> Rec:
    if body.get("externalId"):
        row = ctx.engine.find_eid(rtype, str(body["externalId"]))
        if row is None:
            raise ApiError(404, "NONEXISTENT_ID", f"No {rtype.name} with external ID {body['externalId']!r}.")
        return ctx.engine.to_rec(row)
    if rtype.name == "accountingPeriod" and body.get("periodName"):
        rows = (
            ctx.session.execute(
                select(NsRecord).where(
                    NsRecord.rtype == "accountingPeriod",
                    NsRecord.name == body["periodName"],
                    NsRecord.deleted_at.is_(None),
                )
            )
            .scalars()
            .all()
        )
        if not rows:
            raise ApiError(404, "NONEXISTENT_ID", f"No accounting period named {body['periodName']!r}.")
        return ctx.engine.to_rec(rows[0])
    rid = body.get("id")
    if isinstance(rid, bool) or not str(rid or "").isdigit():
        raise ApiError(400, "INVALID_ACTION", "Send 'id' (internal id) or 'externalId'.")
    return ctx.engine.load(rtype, int(str(rid)))


def _set_so_status(emu: Emulator, body: dict[str, Any], status: str) -> dict[str, Any]:
    with emu.store.write() as session:
        ctx = _ctx(emu, session)
        rec = _load(ctx, _rtype(body, "salesOrder"), body)
        update_record(ctx, rec, {"orderStatus": status}, replace=set())
        return {"id": rec.id, "status": rec.body["status"]}


def approve_sales_order(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """A sales manager approves a sales order (A -> B)."""
    return _set_so_status(emu, body, "B")


def cancel_sales_order(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """A user cancels a sales order (only while Pending Approval)."""
    return _set_so_status(emu, body, "C")


def approve_purchase_order(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """A supervisor approves a purchase order (A -> B)."""
    with emu.store.write() as session:
        ctx = _ctx(emu, session)
        rec = _load(ctx, _rtype(body, "purchaseOrder"), body)
        update_record(ctx, rec, {"orderStatus": "B", "approvalStatus": "2"}, replace=set())
        return {"id": rec.id, "status": rec.body["status"]}


def _on_period(emu: Emulator, body: dict[str, Any], change: Callable[[Ctx, Rec], None]) -> dict[str, Any]:
    with emu.store.write() as session:
        ctx = _ctx(emu, session)
        rec = _load(ctx, _rtype(body, "accountingPeriod"), body)
        change(ctx, rec)
        return {"id": rec.id, **{k: rec.body.get(k) for k in periods.PERIOD_STATE}}


def close_period(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """An accountant closes an accounting period (no more postings dated in it); ``allowNonGLChanges``
    (default false) is the period's "Allow Non-G/L Changes" box: memo edits and applications still pass."""
    allow = body.get("allowNonGLChanges", False)
    if not isinstance(allow, bool):
        raise ApiError(400, "INVALID_ACTION", "allowNonGLChanges must be true or false.")
    return _on_period(emu, body, lambda ctx, rec: periods.close_period(ctx, rec, allow))


def lock_period(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """An accountant locks a period: scope 'all' (default), 'ar' or 'ap'."""
    scope = body.get("scope", "all")
    if not isinstance(scope, str) or scope not in periods.LOCK_FIELDS:
        raise ApiError(400, "INVALID_ACTION", "scope must be all, ar or ap.")
    return _on_period(emu, body, lambda ctx, rec: periods.lock_period(ctx, rec, scope))


def reopen_period(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """An accountant reopens a period (clears closed and every lock)."""
    return _on_period(emu, body, periods.reopen_period)


def rename_item_sku(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """A merchandiser renames an item's SKU (itemId); its internal id stays the same."""
    new = body.get("itemId")
    if not isinstance(new, str) or not new.strip():
        raise ApiError(400, "INVALID_ACTION", "Send the new 'itemId'.")
    with emu.store.write() as session:
        ctx = _ctx(emu, session)
        raw = str(body.get("id", ""))
        row = session.get(NsRecord, ("item", int(raw))) if raw.isdigit() else None
        rtype = lookup(row.rtype) if row is not None else None
        if row is None or row.deleted_at is not None or rtype is None or rtype.family != "item":
            raise ApiError(404, "NONEXISTENT_ID", "No item with that id.")
        rec = ctx.engine.to_rec(row)
        old = rec.body.get("itemId")
        update_record(ctx, rec, {"itemId": new}, replace=set())
        return {"id": rec.id, "oldItemId": old, "itemId": new}


def set_preference(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """An administrator sets an account preference (negative inventory, closed-period posting, date format...)."""
    if "name" not in body or "value" not in body:
        raise ApiError(400, "INVALID_ACTION", "Send 'name' and 'value'.")
    with emu.store.write() as session:
        return set_pref(session, str(body["name"]), body["value"])


def _set_lock(emu: Emulator, body: dict[str, Any], locked: bool) -> dict[str, Any]:
    with emu.store.write() as session:
        ctx = _ctx(emu, session)
        rec = _load(ctx, _rtype(body), body)
        set_workflow_lock(ctx, rec, locked)
        return {"id": rec.id, "locked_by_wf": locked}


def lock_record(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """A user-defined workflow locks a record: writes fail with RCRD_LOCKED_BY_WF."""
    return _set_lock(emu, body, True)


def unlock_record(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """The workflow releases the record."""
    return _set_lock(emu, body, False)


def concurrent_edit(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """A script saves the record between a client's load and save: the next save fails RCRD_HAS_BEEN_CHANGED."""
    with emu.store.write() as session:
        ctx = _ctx(emu, session)
        rec = _load(ctx, _rtype(body), body)
        arm_concurrent_edit(ctx, rec)
        return {"id": rec.id, "pending_conflict": True}


def edit_record(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """A user edits a record in the UI: {type, id, fields: {...}} (same rules as a REST PATCH)."""
    fields = body.get("fields")
    if not isinstance(fields, dict):
        raise ApiError(400, "INVALID_ACTION", "Send 'fields' as an object.")
    with emu.store.write() as session:
        ctx = _ctx(emu, session)
        rec = _load(ctx, _rtype(body), body)
        update_record(ctx, rec, fields, replace=set())
        return {"id": rec.id, "lastModifiedDate": rec.modified}


def create(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """A user enters a record in the UI: {type, fields: {...}} (same rules as a REST POST)."""
    fields = body.get("fields")
    if not isinstance(fields, dict):
        raise ApiError(400, "INVALID_ACTION", "Send 'fields' as an object.")
    with emu.store.write() as session:
        rec = create_record(_ctx(emu, session), _rtype(body), fields)
        return {"id": rec.id, "type": rec.rtype.name}


def adjust_inventory(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """A stock count: {item, location, adjustQtyBy, lot?} posts an inventory adjustment."""
    line: dict[str, Any] = {
        "item": {"id": str(body.get("item"))},
        "location": {"id": str(body.get("location"))},
        "adjustQtyBy": body.get("adjustQtyBy"),
    }
    if body.get("lot"):
        line["inventoryDetail"] = {
            "inventoryAssignment": {
                "items": [
                    {
                        "receiptInventoryNumber"
                        if (body.get("adjustQtyBy") or 0) > 0
                        else "issueInventoryNumber": body["lot"],
                        "quantity": abs(body.get("adjustQtyBy") or 0),
                    }
                ]
            }
        }
    with emu.store.write() as session:
        ctx = _ctx(emu, session)
        account = (
            session.execute(
                select(NsRecord.id)
                .where(NsRecord.rtype == "account", NsRecord.deleted_at.is_(None))
                .order_by(NsRecord.id)
            )
            .scalars()
            .first()
        )
        if account is None:
            raise ApiError(400, "INVALID_ACTION", "The account has no GL account to post the adjustment to.")
        rec = create_record(
            ctx,
            lookup("inventoryAdjustment"),  # type: ignore[arg-type]
            {
                "account": {"id": str(body.get("account", account))},
                "memo": body.get("memo", "count"),
                "inventory": {"items": [line]},
            },
        )
        return {"id": rec.id}


def set_governance(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """Change the concurrency limit and/or service time profile of this emulator process."""
    return NetSuiteServices.of(emu).governance.configure(body)


def run_async_jobs(emu: Emulator, body: dict[str, Any]) -> dict[str, Any]:
    """The async processors run every pending job now, in order."""
    return {"ran": NetSuiteServices.of(emu).async_jobs.run_pending()}


ACTIONS: dict[str, Action] = {
    "approve_sales_order": approve_sales_order,
    "cancel_sales_order": cancel_sales_order,
    "approve_purchase_order": approve_purchase_order,
    "close_period": close_period,
    "lock_period": lock_period,
    "reopen_period": reopen_period,
    "rename_item_sku": rename_item_sku,
    "set_preference": set_preference,
    "lock_record": lock_record,
    "unlock_record": unlock_record,
    "concurrent_edit": concurrent_edit,
    "edit_record": edit_record,
    "create": create,
    "adjust_inventory": adjust_inventory,
    "set_governance": set_governance,
    "run_async_jobs": run_async_jobs,
    **AUTH_ACTIONS,
}
