"""The store read once per query: live records by type, display names, item types, local instants."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import NsRecord
from ..recordtypes import RECORD_TYPES
from .values import _body, _enum

Row = dict[str, Any]


def _family(family: str) -> list[str]:
    return [t.name for t in RECORD_TYPES.values() if t.family == family]


class StoreReader:
    """Reads the store once per query and converts stored values to SuiteQL column values."""

    def __init__(self, session: Session, tz: str, *, deleted_records: bool = True) -> None:
        self.session = session
        #: False when the caller's role lacks the "Deleted Records" permission: the feed is then empty.
        self.deleted_records = deleted_records
        try:
            self.tz: ZoneInfo | None = ZoneInfo(tz)
        except (ValueError, KeyError, OSError):
            # An unknown zone name should not fail a query; UTC is the neutral fallback.
            self.tz = None
        self._cache: dict[tuple[str, ...], list[tuple[NsRecord, dict[str, Any]]]] = {}
        self._names: dict[tuple[str, int], str] | None = None
        self._item_types: dict[int, str] | None = None

    # ---- loading -------------------------------------------------------------------------------------
    def records(self, rtypes: Iterable[str]) -> list[tuple[NsRecord, dict[str, Any]]]:
        """Live (not deleted) records of the given types with their parsed bodies, by id."""
        key = tuple(sorted(rtypes))
        if key not in self._cache:
            rows = (
                self.session.execute(
                    select(NsRecord)
                    .where(NsRecord.rtype.in_(key), NsRecord.deleted_at.is_(None))
                    .order_by(NsRecord.id)
                )
                .scalars()
                .all()
            )
            self._cache[key] = [(r, _body(r.body)) for r in rows]
        return self._cache[key]

    def names(self) -> dict[tuple[str, int], str]:
        """(id space, internal id) -> display name of every live record (ids are unique per space)."""
        if self._names is None:
            rows = self.session.execute(
                select(NsRecord.space, NsRecord.id, NsRecord.name, NsRecord.rtype, NsRecord.body).where(
                    NsRecord.deleted_at.is_(None)
                )
            ).all()
            self._names = {}
            for space, rid, name, rtype, body in rows:
                if not name:
                    rt = RECORD_TYPES.get(rtype)
                    raw = _body(body).get(rt.name_field) if rt else None
                    name = raw if isinstance(raw, str) else ""
                self._names[(space, rid)] = name
        return self._names

    def item_type(self, item_id: int | None) -> str | None:
        """The itemtype code of an item id (from its record type)."""
        if item_id is None:
            return None
        if self._item_types is None:
            self._item_types = {}
            for rec, body in self.records(_family("item")):
                rt = RECORD_TYPES[rec.rtype]
                self._item_types[rec.id] = _enum(body.get("itemType")) or rt.item_type or ""
        return self._item_types.get(item_id)

    # ---- conversions ---------------------------------------------------------------------------------
    def dt(self, value: Any) -> str | None:
        """A stored ISO instant as 'YYYY-MM-DD HH:MM:SS' in the account time zone (Oracle DATE semantics)."""
        if not isinstance(value, str) or not value:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        if self.tz is not None:
            parsed = parsed.astimezone(self.tz)
        return parsed.strftime("%Y-%m-%d %H:%M:%S")
