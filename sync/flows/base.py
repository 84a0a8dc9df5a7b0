"""What every flow gets (the context) and what it is (a name, the systems it needs, one ``run`` per pass)."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..clients.ap import ApClient
from ..clients.netsuite import NetSuiteClient
from ..clients.pos import PosClient
from ..clients.qms import QmsClient
from ..clients.wms import WmsClient
from ..config import SyncConfig
from ..errors import ApiRefusal
from ..periods import PeriodPolicy
from ..safeguards import Safeguards
from ..state import StateStore

log = logging.getLogger("erpsim.sync")


@dataclass
class PassStats:
    """What one pass did, per flow: counters printed at the end of ``erpsim sync --once``."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, flow: str, what: str, n: int = 1) -> None:
        """Count ``n`` more of ``what`` for ``flow``."""
        bucket = self.counts.setdefault(flow, {})
        bucket[what] = bucket.get(what, 0) + n


@dataclass
class Context:
    """The clients, state and switches a flow works with."""

    config: SyncConfig
    safeguards: Safeguards
    state: StateStore
    netsuite: NetSuiteClient
    wms: WmsClient | None = None
    qms: QmsClient | None = None
    pos: PosClient | None = None
    ap: ApClient | None = None
    periods: PeriodPolicy | None = None
    stats: PassStats = field(default_factory=PassStats)
    daemon: bool = False
    # events received by the daemon's webhook receiver since the last pass, per system
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def period_policy(self) -> PeriodPolicy:
        """The closed-period policy (read once per pass)."""
        assert self.periods is not None
        return self.periods

    def park(
        self,
        flow: str,
        category: str,
        key: str,
        summary: str,
        *,
        records: dict[str, Any] | None = None,
        error: Any = None,
    ) -> None:
        """Put a failure in the exception queue (once per key) and count it."""
        if self.state.park(
            key=key, category=category, flow=flow, summary=summary, records=records, error=error
        ):
            log.warning("exception queue: [%s] %s", category, summary)
        self.stats.add(flow, f"parked:{category}")

    def park_refusal(
        self,
        flow: str,
        key: str,
        exc: ApiRefusal,
        records: dict[str, Any],
        category: str = "validation_error",
    ) -> None:
        """Park a system's refusal with its own error body."""
        self.park(
            flow,
            category,
            key,
            f"{exc.system} refused: {exc.detail}",
            records=records,
            error={"status": exc.status, "body": exc.body, "request": f"{exc.method} {exc.path}"},
        )


class Flow(ABC):
    """One direction of one business flow between NetSuite and a satellite system."""

    name: ClassVar[str]
    systems: ClassVar[tuple[str, ...]] = ("netsuite",)
    description: ClassVar[str] = ""

    def enabled(self, ctx: Context) -> bool:
        """True when every system the flow needs is configured."""
        return all(system == "netsuite" or getattr(ctx, system) is not None for system in self.systems)

    def records_event(self, ctx: Context, system: str, event: dict[str, Any]) -> bool:
        """Whether this flow's ``on_event`` may record anything for a webhook event (False: a wake-up only).

        True unless a flow knows better: the daemon dedupes and records only the events some flow records.
        """
        return True

    @abstractmethod
    def run(self, ctx: Context) -> None:
        """One pass of the flow: read what changed, write it across, park what cannot be written."""
