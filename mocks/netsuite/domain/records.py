"""The record engine: load, create, update (sublist rules), upsert, delete, with optimistic concurrency.

Business rules per record type plug in through ``rules.RULES``; this module knows only what every
record has in common (ids and external ids, mandatory fields, references, sublist line semantics,
workflow locks, versions and lastModifiedDate).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import (
    field_required,
    invalid_content,
    invalid_id,
    invalid_value,
    nonexistent_eid,
    nonexistent_id,
    record_changed,
    user_error,
)
from ..models import NsRecord, NsSequence
from .recordtypes import RECORD_TYPES, Field, RecordType, space_of, target_matches
from .values import check_string, parse_value

_T: Any = NsRecord.__table__
_SELECT_ROW = select(_T).where(_T.c.space == bindparam("space"), _T.c.id == bindparam("rid"))
_SELECT_ROWS = select(_T).where(
    _T.c.space == bindparam("space"), _T.c.id.in_(bindparam("ids", expanding=True))
)
_FIND_EID = select(_T).where(
    _T.c.rtype == bindparam("rtype"), _T.c.external_key == bindparam("key"), _T.c.deleted_at.is_(None)
)
#: Ids read per statement by ``Records.prefetch`` (well under SQLite's bound-parameter limit).
_PREFETCH_CHUNK = 500
_INSERT = insert(_T)
CUSTOM_PREFIXES = ("custbody", "custcol", "custentity", "custitem", "custrecord", "custevent")


@dataclass
class Rec:
    """A loaded record: its type, stored body and bookkeeping."""

    id: int
    rtype: RecordType
    body: dict[str, Any]
    version: int = 1
    created: str = ""
    modified: str = ""
    locked: bool = False
    row: NsRecord | None = None

    @property
    def space(self) -> str:
        """The id space of this record's type (its id is unique only within it)."""
        return self.rtype.id_space

    @property
    def external_id(self) -> str | None:
        """The record's externalId, if any."""
        value = self.body.get("externalId")
        return value if isinstance(value, str) else None

    def lines(self, sublist: str) -> list[dict[str, Any]]:
        """The lines of a sublist (an empty list when there are none)."""
        value = self.body.get(sublist)
        return value if isinstance(value, list) else []


@dataclass
class Ctx:
    """What rules need for one write: the session, business time, preferences and the engine."""

    session: Session
    now: datetime
    prefs: dict[str, Any]
    engine: Records
    strict_names: bool = False
    #: Records whose lastModifiedDate must move (header changes); sublist-only edits don't.
    touched_headers: set[int] = field(default_factory=set)
    #: The request's ``?replace=`` sublist names, for the operations that read them from here (transforms).
    replace: frozenset[str] = frozenset()
    #: True while a delete undoes its stock movements: NetSuite checks availability only for new outbound
    #: quantities, so undoing an earlier receipt may leave a location (or bin) negative.
    reversing: bool = False

    @property
    def today(self) -> str:
        """Business date (virtual clock) as YYYY-MM-DD."""
        return self.now.date().isoformat()


def parse_id(raw: str) -> int:
    """An internal id from a path segment, or 400 INVALID_ID."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 15 or int(raw) <= 0:
        raise invalid_id(raw)
    return int(raw)


class Records:
    """Record access for one transaction. One instance per request."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # Core statements go straight to the session's connection: Session.execute's ORM path costs more.
        self.conn = session.connection()
        self._cache: dict[tuple[str, int], Any] = {}
        #: Parsed records for read-only checks, each valid while its row is still the cached one.
        self._views: dict[tuple[str, int], tuple[Any, Rec]] = {}

    # ---- reading -----------------------------------------------------------------------------
    # Rows are read with Core statements (not the ORM identity map): a record read is the hot path.
    def row(self, space: str, rid: int) -> Any:
        """The live row ``rid`` of an id space (None when missing or deleted); cached per request."""
        key = (space, rid)
        if key not in self._cache:
            row = self.conn.execute(_SELECT_ROW, {"space": space, "rid": rid}).first()
            self._cache[key] = row if row is not None and row.deleted_at is None else None
        return self._cache[key]

    def prefetch(self, space: str, ids: Any) -> None:
        """Read the rows of many ids of one space into the per-request cache, a few statements in all.

        What ``row`` then answers for them is what it would have read one by one (deleted rows are None).
        """
        wanted = sorted({rid for rid in ids if (space, rid) not in self._cache})
        for start in range(0, len(wanted), _PREFETCH_CHUNK):
            chunk = wanted[start : start + _PREFETCH_CHUNK]
            found = {row.id: row for row in self.conn.execute(_SELECT_ROWS, {"space": space, "ids": chunk})}
            for rid in chunk:
                row = found.get(rid)
                self._cache[(space, rid)] = row if row is not None and row.deleted_at is None else None

    def load(self, rtype: RecordType, rid: int) -> Rec:
        """A live record of ``rtype``, or the 404/400 NetSuite answers."""
        row = self.row(rtype.id_space, rid)
        if row is None:
            raise nonexistent_id()
        if row.rtype != rtype.name:
            other = RECORD_TYPES.get(row.rtype)
            if other is not None and other.family == "transaction" == rtype.family:
                raise user_error("Transaction type specified is incorrect.")
            raise nonexistent_id()
        return self.to_rec(row)

    def to_rec(self, row: Any) -> Rec:
        """Wrap a row."""
        return Rec(
            row.id,
            RECORD_TYPES[row.rtype],
            json.loads(row.body),
            row.version,
            row.created_at,
            row.last_modified,
            row.locked_by_wf,
            row,
        )

    def find_eid(self, rtype: RecordType, eid: str) -> Any:
        """The live record row of ``rtype`` with external id ``eid`` (case-insensitive)."""
        return self.session.execute(_FIND_EID, {"rtype": rtype.name, "key": eid.lower()}).first()

    def load_ref(self, rtype: RecordType, ref: str) -> Rec:
        """Load by an id path segment: an internal id or ``eid:<externalId>``."""
        if ref.lower().startswith("eid:"):
            eid = ref[4:]
            row = self.find_eid(rtype, eid)
            if row is None:
                raise nonexistent_eid(eid)
            return self.to_rec(row)
        return self.load(rtype, parse_id(ref))

    def ref_rec(self, value: Any, target: str) -> Rec | None:
        """The record a stored reference ``{"id": ..}`` to ``target`` (a type or a family) points at."""
        rid = str(value.get("id", "")) if isinstance(value, dict) else str(value or "")
        if not (rid.isascii() and rid.isdigit()) or len(rid) > 15:
            return None
        row = self.row(space_of(target), int(rid))
        return self.to_rec(row) if row is not None else None

    def ref_view(self, value: Any, target: str) -> Rec | None:
        """``ref_rec`` for read-only checks: the same record, parsed once per request and shared.

        Callers must not change the returned record (``ref_rec`` gives a private copy to change and store).
        """
        rid = str(value.get("id", "")) if isinstance(value, dict) else str(value or "")
        if not (rid.isascii() and rid.isdigit()) or len(rid) > 15:
            return None
        key = (space_of(target), int(rid))
        row = self.row(*key)
        if row is None:
            return None
        hit = self._views.get(key)
        if hit is not None and hit[0] is row:
            return hit[1]
        rec = self.to_rec(row)
        self._views[key] = (row, rec)
        return rec

    # ---- references ----------------------------------------------------------------------------
    def resolve(self, owner: RecordType, fld: Field, value: Any, path: str) -> str:
        """Resolve a client reference ({id}, {externalId}, bare id) to an internal id of the right type."""
        raw: Any = value
        eid: str | None = None
        if isinstance(value, dict):
            if "id" in value and value["id"] is not None:
                raw = value["id"]
            elif "externalId" in value:
                eid = value["externalId"]
            else:
                raise invalid_content(
                    f"Invalid reference for field '{fld.name}': send {{\"id\": ...}}.", path=path
                )
        if eid is not None:
            if not isinstance(eid, str):
                raise invalid_value(eid, fld.name, path)
            row = self._find_eid_any(owner, fld, eid)
            if row is None:
                raise invalid_value(eid, fld.name, path)
            return str(row.id)
        if isinstance(raw, bool) or not isinstance(raw, str | int):
            raise invalid_value(json.dumps(raw)[:40], fld.name, path)
        text = str(raw)
        if not (text.isascii() and text.isdigit()) or len(text) > 15:
            raise invalid_value(text[:40], fld.name, path)
        row = self.row(space_of(fld.arg, owner), int(text))
        if row is None or not target_matches(fld.arg, owner, RECORD_TYPES[row.rtype]):
            raise invalid_value(text, fld.name, path)
        return text

    def _find_eid_any(self, owner: RecordType, fld: Field, eid: str) -> Any:
        rows = self.session.execute(
            select(_T).where(_T.c.external_key == eid.lower(), _T.c.deleted_at.is_(None))
        ).all()
        for row in rows:
            if target_matches(fld.arg, owner, RECORD_TYPES[row.rtype]):
                return row
        return None

    # ---- parsing ------------------------------------------------------------------------------
    def parse_fields(
        self,
        rtype: RecordType,
        fields: dict[str, Field],
        payload: dict[str, Any],
        path: str,
        *,
        strict: bool,
        sublists: dict[str, dict[str, Field]] | None = None,
        allow: tuple[str, ...] = (),
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Split a payload into parsed body fields and raw sublist values; unknown names per ``strict``."""
        out: dict[str, Any] = {}
        subs: dict[str, Any] = {}
        for name, value in payload.items():
            fpath = f"{path}.{name}" if path else name
            if name in allow:
                continue
            if name == "externalId" and not path:
                if not rtype.external_id:
                    raise invalid_content(f"Record type '{rtype.name}' does not support externalId.", fpath)
                if value is not None:
                    out[name] = self._check_external_id(value, fpath)
                else:
                    out[name] = None
                continue
            if sublists is not None and name in sublists:
                subs[name] = value
                continue
            fld = fields.get(name)
            if fld is None:
                if name.startswith(CUSTOM_PREFIXES):
                    if isinstance(value, dict | list):
                        raise invalid_content(f"Invalid value type for custom field '{name}'.", fpath)
                    if isinstance(value, str):
                        check_string(value, Field(name, "s"), fpath)
                    out[name] = value
                elif strict and name not in ("links", "id", "refName"):
                    raise invalid_content(
                        f"Invalid field name '{name}' for record type '{rtype.name}'.", fpath
                    )
                continue
            if fld.read_only:
                if strict and name not in ("links",):
                    raise invalid_content(
                        f"You do not have permissions to set a value for element {name} "
                        f"due to one of the following reasons: 1) The field is read-only; "
                        f"2) An associated feature is disabled; 3) The field is available "
                        f"either when a record is created or updated, but not in both cases.",
                        fpath,
                    )
                continue
            out[name] = parse_value(fld, value, fpath, lambda f, v, p: self.resolve(rtype, f, v, p))
        return out, subs

    @staticmethod
    def _check_external_id(value: Any, path: str) -> str:
        if not isinstance(value, str) or not value:
            raise invalid_content("Invalid value for externalId: a non-empty string is required.", path)
        check_string(value, Field("externalId", "s"), path, 300)
        if "|" in value:
            raise invalid_content("Invalid externalId: the character '|' is not allowed.", path)
        return value

    def parse_lines(self, rtype: RecordType, sublist: str, raw: Any, *, strict: bool) -> list[dict[str, Any]]:
        """Parse a sublist value ``{"items": [...]}`` into line dicts (``line`` kept when sent)."""
        path = sublist
        items = raw.get("items") if isinstance(raw, dict) else None
        if not isinstance(items, list):
            raise invalid_content(f"Invalid value for sublist '{sublist}': send {{\"items\": [...]}}.", path)
        fields = rtype.sublist_fields(sublist)
        self._prefetch_line_refs(rtype, fields, items)
        lines = []
        for i, item in enumerate(items):
            lpath = f"{sublist}.items[{i}]"
            if not isinstance(item, dict):
                raise invalid_content("Invalid sublist line: an object is required.", lpath)
            parsed, _ = self.parse_fields(rtype, fields, item, lpath, strict=strict, allow=("line", "links"))
            if "line" in item:
                line_no = item["line"]
                if (
                    isinstance(line_no, bool)
                    or not isinstance(line_no, int | str)
                    or not (str(line_no).isascii() and str(line_no).isdigit())
                ):
                    raise invalid_content("Invalid line number.", f"{lpath}.line")
                parsed["line"] = int(line_no)
            lines.append(parsed)
        return lines

    def _prefetch_line_refs(self, rtype: RecordType, fields: dict[str, Field], items: list[Any]) -> None:
        """Read every record the lines reference by internal id in one statement per id space.

        A 200-line adjustment would otherwise resolve its items one SELECT at a time under the writer lock.
        Only well-formed ids are read ahead; resolving each one (and every error) stays ``resolve``'s.
        """
        refs = {
            name: space_of(fld.arg, rtype)
            for name, fld in fields.items()
            if fld.kind == "r" and not fld.read_only
        }
        if not refs or len(items) < 2:
            return
        wanted: dict[str, set[int]] = {}
        for item in items:
            if not isinstance(item, dict):
                continue
            for name, value in item.items():
                space = refs.get(name)
                if space is None:
                    continue
                raw = value.get("id") if isinstance(value, dict) else value
                if isinstance(raw, bool) or not isinstance(raw, str | int):
                    continue
                text = str(raw)
                if text.isascii() and text.isdigit() and len(text) <= 15:
                    wanted.setdefault(space, set()).add(int(text))
        for space, ids in wanted.items():
            self.prefetch(space, ids)

    # ---- writing ------------------------------------------------------------------------------
    def check_mandatory(self, rtype: RecordType, body: dict[str, Any]) -> None:
        """400 naming the mandatory fields that are missing (header and lines)."""
        missing = [
            f.name for f in rtype.fields.values() if f.mandatory and body.get(f.name) in (None, "", [])
        ]
        if missing:
            raise field_required(missing, path=missing[0])
        for sub, fields in rtype.sublists.items():
            for i, line in enumerate(body.get(sub) or []):
                gone = [f.name for f in fields.values() if f.mandatory and line.get(f.name) in (None, "")]
                if gone:
                    raise field_required(gone, path=f"{sub}.items[{i}].{gone[0]}")

    def check_external_unique(self, rtype: RecordType, eid: str | None, own_id: int | None) -> None:
        """externalId is unique per record type (case-insensitive)."""
        if not eid:
            return
        row = self.find_eid(rtype, eid)
        if row is not None and row.id != own_id:
            raise user_error(
                f"A {rtype.name} record with external ID '{eid}' already exists "
                f"(internal ID {row.id}). Use PUT /{rtype.name}/eid:{eid} to update it.",
                path="externalId",
            )

    def insert(self, ctx: Ctx, rec: Rec) -> Rec:
        """Insert a new record row (after rules ran); returns it with its id, the next of its id space."""
        now = ctx.now.isoformat()
        rec.id = rid = next_internal_id(self.session, rec.space)
        values = {
            "space": rec.space,
            "id": rid,
            "rtype": rec.rtype.name,
            "external_key": (rec.external_id or "").lower() or None,
            "name": record_name(rec),
            "version": 1,
            "body": json.dumps(rec.body, separators=(",", ":")),
            "created_at": now,
            "last_modified": now,
            "locked_by_wf": False,
            "pending_conflict": False,
        }
        try:
            self.conn.execute(_INSERT, values)
        except IntegrityError:
            # Two concurrent creates with one externalId on PostgreSQL: the loser sees the real error.
            raise user_error(
                f"A {rec.rtype.name} record with external ID '{rec.external_id}' already exists.",
                path="externalId",
            ) from None
        rec.id, rec.row, rec.created, rec.modified, rec.version = rid, None, now, now, 1
        self._cache.pop((rec.space, rid), None)
        return rec

    def store(self, ctx: Ctx, rec: Rec, *, header_changed: bool = True) -> None:
        """Write a record's body back with a version check (RCRD_HAS_BEEN_CHANGED when it moved)."""
        now = ctx.now.isoformat()
        modified = now if header_changed or rec.id in ctx.touched_headers else rec.modified
        name = record_name(rec)
        body = json.dumps(rec.body, separators=(",", ":"))
        result = self.conn.execute(
            update(_T)
            .where(_T.c.space == rec.space, _T.c.id == rec.id, _T.c.version == rec.version)
            .values(
                body=body,
                version=rec.version + 1,
                last_modified=modified,
                name=name,
                external_key=(rec.external_id or "").lower() or None,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise record_changed()
        if rec.row is not None and rec.row.name != name:
            bump_names_generation(self.session)
        rec.version += 1
        rec.modified = modified
        self._cache.pop((rec.space, rec.id), None)

    def mark_deleted(self, ctx: Ctx, rec: Rec) -> None:
        """Soft-delete: gone from reads and lists, visible in the deleted-records feed; eid reusable."""
        self.session.execute(
            update(_T)
            .where(_T.c.space == rec.space, _T.c.id == rec.id)
            .values(deleted_at=ctx.now.isoformat(), external_key=None, version=rec.version + 1)
        )
        self._cache[(rec.space, rec.id)] = None


NAMES_GENERATION = "_names"


def next_internal_id(session: Session, space: str) -> int:
    """The next internal id of an id space (never reused, race-free: one atomic counter per space)."""
    from . import upsert

    return int(upsert.add(session, NsSequence.__table__, {"code": f"id:{space}"}, "value", 1))


def bump_names_generation(session: Session) -> None:
    """Count a change of some record's refName (cached renderings of records that show it go stale)."""
    from . import upsert

    upsert.add(session, NsSequence.__table__, {"code": NAMES_GENERATION}, "value", 1)


def record_name(rec: Rec) -> str:
    """The refName other records show for this one."""
    rtype = rec.rtype
    body = rec.body
    if rtype.family == "transaction":
        return str(body.get("tranId") or rec.id)
    if rtype.family == "entity":
        if body.get("isPerson") and (body.get("firstName") or body.get("lastName")):
            person = f"{body.get('firstName') or ''} {body.get('lastName') or ''}".strip()
            return f"{body.get('entityId')} {person}".strip() if body.get("entityId") else person
        return str(body.get("entityId") or body.get("companyName") or rec.id)
    if rtype.name == "currency":
        return str(body.get("name") or rec.id)
    return str(body.get(rtype.name_field) or rec.id)


def merge_lines(
    existing: list[dict[str, Any]], patch: list[dict[str, Any]], *, replace: bool, sublist: str
) -> tuple[list[dict[str, Any]], list[int], list[int]]:
    """Apply NetSuite's sublist rules: ``line`` updates that line, no ``line`` appends, replace drops others.

    Returns the new lines, the line numbers updated and the line numbers added.

    With ``replace``, the leading lines sent without ``line`` that repeat the lines at the same positions (every
    field sent equals the stored value) stay those lines (matching stops at the first difference, so the
    order of the lines is kept): a repeated ``PUT ...?replace=item`` with the same body is
    then a no-op instead of re-adding every line under new numbers. No public source says how NetSuite numbers
    the lines of a replaced sublist; what matters to a client, and what this keeps, is that an identical
    repeat changes nothing (no refused edit of a fulfilled or posted line, no new line ids).
    """
    by_line = {ln["line"]: ln for ln in existing}
    next_line = max(by_line, default=0) + 1
    updated: list[int] = []
    added: list[int] = []
    result: dict[int, dict[str, Any]] = {} if replace else {k: dict(v) for k, v in by_line.items()}
    explicit = {ln.get("line") for ln in patch}
    matching = replace
    for i, line in enumerate(patch):
        number = line.get("line")
        matching = (
            matching
            and number is None
            and i < len(existing)
            and existing[i]["line"] not in explicit
            and same_content(line, existing[i])
        )
        if matching:
            # The stored line already says all this (and keeps what rules derived, e.g. the lot it received).
            result[existing[i]["line"]] = dict(existing[i])
            continue
        if number is not None:
            if number not in by_line:
                raise user_error(
                    f"Invalid sublist or line item operation. Line {number} does not exist on "
                    f"sublist '{sublist}'.",
                    path=f"{sublist}.items[{i}].line",
                )
            merged = {**by_line[number], **line}
            result[number] = merged
            updated.append(number)
        else:
            new = {**line, "line": next_line}
            result[next_line] = new
            added.append(next_line)
            next_line += 1
    return [result[k] for k in sorted(result)], updated, added


def same_content(sent: Any, stored: Any) -> bool:
    """True when every field ``sent`` carries equals ``stored`` (recursively; derived extras are ignored)."""
    if isinstance(sent, dict):
        return isinstance(stored, dict) and all(
            k == "line" or same_content(v, stored.get(k)) for k, v in sent.items()
        )
    if isinstance(sent, list):
        return (
            isinstance(stored, list)
            and len(sent) == len(stored)
            and all(same_content(a, b) for a, b in zip(sent, stored, strict=True))
        )
    if (
        isinstance(sent, int | float)
        and isinstance(stored, int | float)
        and not isinstance(sent, bool)
        and not isinstance(stored, bool)
    ):
        return abs(float(sent) - float(stored)) < 1e-9
    return bool(sent == stored)
