"""Records someone else holds: user-defined workflow locks and concurrent edits.

A workflow lock refuses every REST write and read of the record (RCRD_LOCKED_BY_WF) while SuiteQL still reads
it. A concurrent edit is NetSuite's optimistic check: a save whose record moved since the client's request
began fails RCRD_HAS_BEEN_CHANGED. ``act/concurrent_edit`` arms a deterministic one: a script saves the
record between the next PATCH's load and its save.
"""

from __future__ import annotations

from mocks.core.clock import Clock
from mocks.core.store import Store

from ..errors import locked_by_workflow, record_changed
from ..models import NsRecord
from .records import Ctx, Rec, Records
from .recordtypes import RecordType


def refuse_if_locked(rec: Rec) -> None:
    """RCRD_LOCKED_BY_WF when a user-defined workflow has locked the record (writes and REST reads alike).

    The lock is invisible through the APIs and REST reads of a locked record fail while SuiteQL reads it
    (Airbyte's REST reader lost locked journal entries, airbyte#79190); every record type is treated alike.
    """
    if rec.locked:
        raise locked_by_workflow()


def _row(ctx: Ctx, rec: Rec) -> NsRecord:
    row = ctx.session.get(NsRecord, (rec.space, rec.id))
    assert row is not None
    return row


def set_workflow_lock(ctx: Ctx, rec: Rec, locked: bool) -> None:
    """A user-defined workflow locks the record (or releases it)."""
    _row(ctx, rec).locked_by_wf = locked


def arm_concurrent_edit(ctx: Ctx, rec: Rec) -> None:
    """A script will save the record between the next PATCH's load and its save."""
    _row(ctx, rec).pending_conflict = True


def start_edit(store: Store, clock: Clock, rtype: RecordType, ref: str) -> int:
    """The version a PATCH starts from; an armed concurrent edit fires now (committed) and the PATCH fails."""
    with store.read() as session:
        rec = Records(session).load_ref(rtype, ref)
        armed = bool(rec.row and rec.row.pending_conflict)
    if armed:
        with store.write() as session:
            row = session.get(NsRecord, (rec.space, rec.id))
            if row is not None:
                row.pending_conflict = False
                row.version += 1
                row.last_modified = clock.now(session).isoformat()
        raise record_changed()
    return rec.version
