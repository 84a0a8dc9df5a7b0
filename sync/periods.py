"""The closed-period policy every posting flow follows (orders, stock, POS ledger, QMS receipts, AP).

Before posting a transaction dated ``day``, a flow asks ``PeriodPolicy.date_for(day, kind)``:
- the day's period is open: post as dated;
- it is closed (or locked for the kind of posting) and the engine is configured ``first-open``: post on the
  first day of the first open period after it (NetSuite's own "First Open Period" behaviour);
- otherwise: ``ClosedPeriod`` is raised and the flow parks the posting as ``closed_period``, never losing it and
  never writing into the closed period.
Periods are read with SuiteQL once per pass (they change rarely; a pass is short).
"""

from __future__ import annotations

from dataclasses import dataclass

from .clients.netsuite import NetSuiteClient
from .safeguards import Safeguards

AR_KINDS = frozenset({"ar"})
AP_KINDS = frozenset({"ap"})


class ClosedPeriod(Exception):
    """The posting's date falls in a closed or locked period and may not be re-dated."""

    def __init__(self, day: str, period: str, reason: str) -> None:
        super().__init__(f"{day} is in accounting period {period}, which is {reason}")
        self.day, self.period, self.reason = day, period, reason


@dataclass(frozen=True)
class Period:
    """One base accounting period as SuiteQL returns it."""

    id: str
    name: str
    start: str
    end: str
    closed: bool
    all_locked: bool
    ar_locked: bool
    ap_locked: bool

    def blocked(self, kind: str) -> str | None:
        """Why a posting of ``kind`` (inventory, ar, ap) may not go here, or None."""
        if self.closed:
            return "closed"
        if self.all_locked:
            return "locked"
        if self.ar_locked and kind in AR_KINDS:
            return "locked for accounts receivable"
        if self.ap_locked and kind in AP_KINDS:
            return "locked for accounts payable"
        return None


class PeriodPolicy:
    """Decides the date a posting gets, following ERPSIM_SYNC_CLOSED_PERIOD."""

    def __init__(
        self, netsuite: NetSuiteClient, mode: str, safeguards: Safeguards, locked_is_open: bool = False
    ) -> None:
        self.netsuite, self.mode, self.safeguards = netsuite, mode, safeguards
        # the integration role may carry "Override Period Restrictions": locked (not closed) periods accept it
        self.locked_is_open = locked_is_open
        self._periods: list[Period] | None = None

    def refresh(self) -> None:
        """Forget the periods read so far (a new pass reads them again)."""
        self._periods = None

    def periods(self) -> list[Period]:
        """The base periods, oldest first."""
        if self._periods is None:
            rows = self.netsuite.suiteql(
                "SELECT id, periodname, startdate, enddate, closed, alllocked, arlocked, aplocked "
                "FROM accountingperiod WHERE isquarter = 'F' AND isyear = 'F' AND isadjust = 'F' "
                "ORDER BY startdate"
            )
            self._periods = [
                Period(
                    str(r["id"]),
                    str(r.get("periodname", "")),
                    _day(r.get("startdate")),
                    _day(r.get("enddate")),
                    _flag(r.get("closed")),
                    _flag(r.get("alllocked")),
                    _flag(r.get("arlocked")),
                    _flag(r.get("aplocked")),
                )
                for r in rows
            ]
        return self._periods

    def date_for(self, day: str, kind: str = "inventory") -> str:
        """The date to post with (``day`` or a re-dated one); raises ClosedPeriod to park the posting."""
        if self.safeguards.off("no-period-check"):
            return day
        periods = self.periods()
        period = next((p for p in periods if p.start <= day <= p.end), None)
        if period is None:
            return day  # no period covers it: NetSuite itself answers (and the flow parks its refusal)
        reason = self._blocked(period, kind)
        if reason is None:
            return day
        if self.mode == "first-open" and reason == "closed":
            later = next(
                (p for p in periods if p.start > period.end and self._blocked(p, kind) is None), None
            )
            if later is not None:
                return later.start
        raise ClosedPeriod(day, period.name, reason)

    def _blocked(self, period: Period, kind: str) -> str | None:
        reason = period.blocked(kind)
        if reason and reason != "closed" and self.locked_is_open:
            return None
        return reason


def _flag(value: object) -> bool:
    return value in (True, "T", "t", "true", 1)


def _day(value: object) -> str:
    """SuiteQL dates arrive in the account's date format; normalise M/D/YYYY and ISO to YYYY-MM-DD."""
    text = str(value or "")
    if "/" in text:
        month, day, year = text.split("/")
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return text[:10]
