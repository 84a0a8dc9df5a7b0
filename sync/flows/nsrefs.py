"""NetSuite reference data the QMS and AP flows look up (items' lot flags, lot numbers, accounts, currencies),
read with SuiteQL and cached for one pass (a pass is short; the data changes rarely)."""

from __future__ import annotations

from typing import Any

from ..clients.netsuite import NetSuiteClient
from ..errors import ApiRefusal
from .base import Context
from .work import Park


def quoted(value: str) -> str:
    """A SuiteQL string literal."""
    return "'" + value.replace("'", "''") + "'"


class NetSuiteRefs:
    """Look-ups of one pass (call ``for_pass`` at the start of each flow run)."""

    def __init__(self) -> None:
        self._epoch = -1
        self._items: dict[str, dict[str, Any]] = {}
        self._lots: dict[tuple[str, str], str | None] = {}
        self._accounts: dict[str, str] | None = None
        self._currencies: dict[str, str] | None = None
        self._locations: dict[str, dict[str, Any]] | None = None

    def for_pass(self, ctx: Context) -> NetSuiteRefs:
        """Forget what an earlier pass read."""
        if self._epoch != id(ctx.stats):
            self.__init__()  # type: ignore[misc]
            self._epoch = id(ctx.stats)
        return self

    def item(self, ns: NetSuiteClient, item_id: str) -> dict[str, Any]:
        """``{"id", "itemid", "islotitem", "usebins", "itemtype"}`` of an item (KeyError-free: {} if unknown)."""
        if item_id not in self._items:
            rows = ns.suiteql(
                f"SELECT id, itemid, itemtype, islotitem, usebins FROM item WHERE id = {int(item_id)}"
            )
            self._items[item_id] = rows[0] if rows else {}
        return self._items[item_id]

    def is_lot_item(self, ns: NetSuiteClient, item_id: str) -> bool:
        """True when every movement of the item needs lot numbers."""
        return str(self.item(ns, item_id).get("islotitem", "F")) in ("T", "true", "True")

    def lot_id(self, ns: NetSuiteClient, item_id: str, lot_number: str) -> str | None:
        """The internal id of NetSuite's inventory number (lot) ``lot_number`` of an item, or None."""
        key = (item_id, lot_number)
        if key not in self._lots:
            rows = ns.suiteql(
                "SELECT id, item FROM inventorynumber WHERE inventorynumber = "
                f"{quoted(lot_number)} AND item = {int(item_id)}"
            )
            self._lots[key] = str(rows[0]["id"]) if rows else None
        return self._lots[key]

    def forget_lot(self, item_id: str, lot_number: str) -> None:
        """Drop a cached miss (the lot was just received)."""
        self._lots.pop((item_id, lot_number), None)

    def account_by_number(self, ns: NetSuiteClient, number: str) -> str | None:
        """The internal id of the account with this number, or None."""
        if self._accounts is None:
            rows = ns.suiteql("SELECT id, acctnumber FROM account WHERE isinactive = 'F'")
            self._accounts = {
                str(r.get("acctnumber") or ""): str(r["id"]) for r in rows if r.get("acctnumber")
            }
        return self._accounts.get(number)

    def account_number(self, ns: NetSuiteClient, account_id: str) -> str | None:
        """The number of an account, or None."""
        self.account_by_number(ns, "")
        assert self._accounts is not None
        return next((number for number, rid in self._accounts.items() if rid == account_id), None)

    def currency_symbol(self, ns: NetSuiteClient, currency_id: str) -> str:
        """The ISO code of a currency (``USD``), '' when unknown."""
        if self._currencies is None:
            rows = ns.suiteql("SELECT id, symbol FROM currency")
            self._currencies = {str(r["id"]): str(r.get("symbol") or "") for r in rows}
        return self._currencies.get(currency_id, "")

    def location(self, ns: NetSuiteClient, location_id: str) -> dict[str, Any]:
        """``{"id", "name", "subsidiary", "externalid"}`` of a location ({} when unknown)."""
        if self._locations is None:
            rows = ns.suiteql("SELECT id, name, subsidiary, externalid FROM location")
            self._locations = {str(r["id"]): r for r in rows}
        return self._locations.get(location_id, {})

    def forget_locations(self) -> None:
        """Read locations again (one was just created)."""
        self._locations = None

    def first(self, ns: NetSuiteClient, table: str, where: str = "") -> str | None:
        """The lowest internal id of a table's rows matching ``where`` (the default subsidiary, bank, ...)."""
        rows = ns.suiteql(f"SELECT id FROM {table} {where} ORDER BY id")
        return str(rows[0]["id"]) if rows else None


def require(value: str | None, category: str, summary: str, **records: Any) -> str:
    """``value`` or a Park of ``category`` (a reference the flow cannot write without)."""
    if not value:
        raise Park(category, summary, records)
    return value


def get_or_none(ns: NetSuiteClient, rtype: str, rid: str) -> dict[str, Any] | None:
    """A record by internal id, or None when NetSuite answers 404."""
    try:
        return ns.get(rtype, rid)
    except ApiRefusal as exc:
        if exc.status == 404:
            return None
        raise
