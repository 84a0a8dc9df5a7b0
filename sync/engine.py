"""The engine: builds the clients and state from the configuration and runs passes of every flow."""

from __future__ import annotations

import logging
import threading
from typing import Any

from .clients.ap import ApClient
from .clients.base import RetryPolicy
from .clients.netsuite import NetSuiteClient
from .clients.pos import PosClient
from .clients.qms import QmsClient
from .clients.wms import WmsClient
from .config import ConfigError, SyncConfig
from .errors import ApiRefusal, RetryableError
from .flows import CONCERNS, FLOW_CLASSES, all_flows
from .flows.base import Context, Flow, PassStats
from .periods import PeriodPolicy
from .safeguards import Safeguards
from .state import StateStore

log = logging.getLogger("erpsim.sync")


class PassResult:
    """How a pass ended: completed (exceptions parked are fine) or incomplete (a system stayed unavailable)."""

    def __init__(self, stats: PassStats, failures: list[str]) -> None:
        self.stats, self.failures = stats, failures

    @property
    def completed(self) -> bool:
        """True when every flow ran to its end."""
        return not self.failures


class Engine:
    """The reference connector: one context, the flows in order, a pass at a time."""

    def __init__(self, config: SyncConfig, *, daemon: bool = False) -> None:
        self.config = config
        self.safeguards = Safeguards(config.mutant)
        self.state = StateStore(
            config.state_url, config.exceptions_file, volatile_outbox=self.safeguards.off("no-durable-outbox")
        )
        self.state.write_queue_file()  # the mirror starts from the stored queue (a crash may have left it stale)
        policy = RetryPolicy(config.retries, config.backoff, self.safeguards, seed=config.seed)
        common: dict[str, Any] = {
            "timeout": config.http_timeout,
            "policy": policy,
            "safeguards": self.safeguards,
        }
        systems = config.systems
        self.ctx = Context(
            config=config,
            safeguards=self.safeguards,
            state=self.state,
            netsuite=NetSuiteClient(systems["netsuite"], concurrency=config.netsuite_concurrency, **common),
            wms=WmsClient(systems["wms"], **common) if "wms" in systems else None,
            qms=QmsClient(systems["qms"], **common) if "qms" in systems else None,
            pos=PosClient(systems["pos"], **common) if "pos" in systems else None,
            ap=ApClient(systems["ap"], **common) if "ap" in systems else None,
            daemon=daemon,
        )
        self.ctx.periods = PeriodPolicy(
            self.ctx.netsuite,
            config.closed_period,
            self.safeguards,
            locked_is_open=config.locked_periods == "post",
        )
        self.flows = self._select_flows()
        self._pass_lock = threading.Lock()

    def _select_flows(self) -> list[Flow]:
        """Every enabled flow, or those ERPSIM_SYNC_FLOWS names (concerns such as ``periods`` select none)."""
        names: list[str] | None = None
        if self.config.flows:
            unknown = [n for n in self.config.flows if n not in FLOW_CLASSES and n not in CONCERNS]
            if unknown:
                raise ConfigError(
                    f"ERPSIM_SYNC_FLOWS: unknown flow(s) {', '.join(unknown)} "
                    f"(known: {', '.join(sorted([*FLOW_CLASSES, *CONCERNS]))})"
                )
            # a list of concerns only (e.g. "periods") names no flow: every flow runs, as with no list
            names = [n for n in self.config.flows if n in FLOW_CLASSES] or None
        return [f for f in all_flows(names) if f.enabled(self.ctx)]

    def run_pass(self) -> PassResult:
        """One full pass of every selected flow; a flow that cannot reach a system does not stop the others."""
        with self._pass_lock:
            self.ctx.stats = PassStats()
            self.ctx.period_policy.refresh()
            failures: list[str] = []
            for flow in self.flows:
                try:
                    flow.run(self.ctx)
                except RetryableError as exc:
                    failures.append(f"{flow.name}: {exc} (gave up after {self.config.retries} attempts)")
                    log.error("flow %s stopped: %s", flow.name, exc)
                except ApiRefusal as exc:
                    # a refusal a flow did not expect: the pass is not complete, the work stays queued
                    failures.append(f"{flow.name}: {exc}")
                    log.error("flow %s stopped: %s", flow.name, exc)
            return PassResult(self.ctx.stats, failures)

    def close(self) -> None:
        """Release connections and the state store."""
        self.state.close()
