"""Materialise the virtual tables from the emulator's store (ns_records, ns_inventory, ns_commitments).

Every builder returns dicts keyed by the table's lower-case columns; missing keys are NULL. The builders
live with their tables: ``transaction_tables``, ``master_tables`` and ``stock_tables``, over the store
reader in ``reader`` and the value conversions in ``values``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from ...models import NsRecord
from ..recordtypes import RECORD_TYPES
from .master_tables import MasterTables
from .reader import Row
from .stock_tables import StockTables
from .transaction_tables import TransactionTables
from .values import _body, _extid


class Source(TransactionTables, MasterTables, StockTables):
    """Reads the store once per query and builds the virtual tables the query names."""

    # ---- tables --------------------------------------------------------------------------------------
    def rows(self, table: str, only: dict[str, set[int]] | None = None) -> list[Row]:
        """Every row of one virtual table (only those with these column values, for tables that can say so)."""
        if only and table == "aggregateitemlocation":
            return self._t_aggregateitemlocation(only)
        builder: Callable[[], list[Row]] = getattr(self, f"_t_{table}")
        return builder()

    def _t_deletedrecord(self) -> list[Row]:
        if not self.deleted_records:
            # Without the role's "Deleted Records" permission the feed answers, empty (Workato's NetSuite
            # deleted-record trigger documents this), rather than refusing the query.
            return []
        rows = self.session.execute(select(NsRecord).where(NsRecord.deleted_at.is_not(None))).scalars()
        out = []
        for rec in rows:
            rt = RECORD_TYPES.get(rec.rtype)
            body = _body(rec.body)
            out.append(
                {
                    "recordid": rec.id,
                    "name": rec.name or None,
                    "type": rec.rtype.lower(),
                    "recordtypeid": rec.rtype.lower(),
                    "externalid": _extid(rec, body),
                    "deleteddate": self.dt(rec.deleted_at),
                    "iscustomrecord": "F",
                    "iscustomlist": "F",
                    "iscustomtransaction": "F" if rt is None or rt.family == "transaction" else None,
                    "context": "WEBSERVICES",
                }
            )
        return out
