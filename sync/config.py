"""The engine's configuration: only ``ERPSIM_*`` variables (what ``erpsim up`` prints) and its state folder.

Every variable the engine reads is declared here, so ``erpsim sync --help`` and the README list the same set
and a missing or malformed one is reported as one line naming it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(Exception):
    """A missing or malformed setting; the message names the variable and how to fix it."""


@dataclass(frozen=True)
class Variable:
    """One environment variable the engine understands."""

    name: str
    help: str
    default: str | None = None  # None = required (when its system is enabled)


NETSUITE_VARS = (
    Variable(
        "ERPSIM_NETSUITE_URL",
        "NetSuite base URL (the emulator's, or https://<acct>.suitetalk.api.netsuite.com)",
    ),
    Variable("ERPSIM_NETSUITE_ACCOUNT", "NetSuite account id, the TBA realm (e.g. 1234567_SB1)"),
    Variable("ERPSIM_NETSUITE_CONSUMER_KEY", "TBA consumer key of the integration record"),
    Variable("ERPSIM_NETSUITE_CONSUMER_SECRET", "TBA consumer secret"),
    Variable("ERPSIM_NETSUITE_TOKEN_ID", "TBA token id of the integration user"),
    Variable("ERPSIM_NETSUITE_TOKEN_SECRET", "TBA token secret"),
)
SYSTEM_VARS: dict[str, tuple[Variable, ...]] = {
    "netsuite": NETSUITE_VARS,
    "wms": (Variable("ERPSIM_WMS_URL", "WMS base URL"), Variable("ERPSIM_WMS_API_KEY", "WMS API key")),
    "qms": (
        Variable("ERPSIM_QMS_URL", "QMS base URL"),
        Variable("ERPSIM_QMS_API_KEY", "QMS API key (Bearer)"),
    ),
    "pos": (
        Variable("ERPSIM_POS_URL", "POS (Sitoo) base URL, without /v2/accounts/..."),
        Variable("ERPSIM_POS_ACCOUNT", "POS account id"),
        Variable("ERPSIM_POS_SITE", "POS site (eshop) id"),
        Variable("ERPSIM_POS_API_ID", "POS API id (Basic auth user)"),
        Variable("ERPSIM_POS_API_PASSWORD", "POS API password"),
    ),
    "ap": (
        Variable("ERPSIM_AP_URL", "AP (BILL v3) base URL"),
        Variable("ERPSIM_AP_DEV_KEY", "AP developer key"),
        Variable("ERPSIM_AP_USERNAME", "AP user name"),
        Variable("ERPSIM_AP_PASSWORD", "AP password"),
        Variable("ERPSIM_AP_ORG_ID", "AP organisation id"),
    ),
}
ENGINE_VARS = (
    Variable(
        "ERPSIM_STATE_DIR",
        "folder of the engine's own state (cursors, id map, outbox, exceptions)",
        ".erpsim-sync",
    ),
    Variable(
        "ERPSIM_SYNC_DB", "SQLAlchemy URL of the engine's state (default: SQLite in ERPSIM_STATE_DIR)", ""
    ),
    Variable(
        "ERPSIM_SYNC_EXCEPTIONS_FILE",
        "JSON file the open exception queue is mirrored to after every change "
        "(relative: in ERPSIM_STATE_DIR; empty: none)",
        "exceptions.json",
    ),
    Variable(
        "ERPSIM_SYNC_SYSTEMS",
        "comma list of the systems to sync with NetSuite (default: those with a URL set)",
        "",
    ),
    Variable(
        "ERPSIM_SYNC_FLOWS",
        "comma list of flows to run (default: every flow whose systems are configured)",
        "",
    ),
    Variable(
        "ERPSIM_SYNC_MUTANT",
        "switch exactly one safeguard off (see --list-mutants); for harness self-tests",
        "",
    ),
    Variable("ERPSIM_SYNC_NETSUITE_CONCURRENCY", "concurrency cap shared by every NetSuite call", "4"),
    Variable(
        "ERPSIM_SYNC_CLOSED_PERIOD",
        "posting dated in a closed period: 'first-open' or 'exception'",
        "exception",
    ),
    Variable(
        "ERPSIM_SYNC_LEDGER_MODE",
        "POS sales to NetSuite: 'cash-sale' (one per sale) or 'daily-summary'",
        "cash-sale",
    ),
    Variable(
        "ERPSIM_SYNC_LOCATION_MAP",
        'JSON: satellite warehouse/store -> NetSuite location id ({"wms:1": "1"}; '
        '"qms" = the QMS site, an id or eid:<external id>)',
        "",
    ),
    Variable("ERPSIM_SYNC_HTTP_TIMEOUT", "seconds before a call is abandoned as ambiguous", "10"),
    Variable("ERPSIM_SYNC_RETRIES", "attempts for a retryable failure before the pass gives up", "6"),
    Variable("ERPSIM_SYNC_BACKOFF", "first retry delay in seconds (exponential, jittered)", "0.05"),
    Variable("ERPSIM_SYNC_POLL_SECONDS", "daemon: seconds between polling passes", "1.0"),
    Variable(
        "ERPSIM_SYNC_WEBHOOK_PORT", "daemon: loopback port of the webhook receiver (0 = any free port)", "0"
    ),
    Variable("ERPSIM_SYNC_BATCH_LINES", "inventory: adjustment lines per NetSuite request", "200"),
    Variable(
        "ERPSIM_SYNC_RECONCILE_SECONDS",
        "inventory, daemon: seconds between WMS/NetSuite stock reconciliations (every pass with --once)",
        "300",
    ),
    Variable(
        "ERPSIM_SYNC_POS_STOCK_SECONDS",
        "pos-stock, daemon: seconds between pushes of NetSuite stock to the stores (every pass with --once)",
        "30",
    ),
    Variable(
        "ERPSIM_SYNC_POS_STOCK_STORES_PER_PASS",
        "pos-stock, daemon: stores pushed per pass (a push of every store is spread over the passes)",
        "2",
    ),
    Variable(
        "ERPSIM_SYNC_ZREPORT_SECONDS",
        "pos-sales, daemon: seconds between reads of the registers' Z reports (every pass with --once)",
        "30",
    ),
    Variable(
        "ERPSIM_SYNC_POS_DISCOUNT_ITEM",
        "pos-sales: NetSuite discount item (itemId) of POS discount lines",
        "POS Discount",
    ),
    Variable(
        "ERPSIM_SYNC_POS_ACCOUNTS",
        "pos-sales, daily-summary: JSON role -> account name/number (sales, "
        "discounts, returns, tax, payment, payment:<method>)",
        "",
    ),
    Variable(
        "ERPSIM_SYNC_ADJUSTMENT_ACCOUNT",
        "inventory: NetSuite account (name or number) of stock adjustments",
        "Inventory Adjustments",
    ),
    Variable("ERPSIM_SYNC_SEED", "seed of the retry jitter (deterministic runs)", "0"),
    Variable(
        "ERPSIM_SYNC_LOCKED_PERIODS",
        "posting dated in a locked (not closed) period: 'exception', or 'post' when "
        "the integration role has Override Period Restrictions (Cashflow360)",
        "exception",
    ),
    Variable(
        "ERPSIM_SYNC_RECALL_LOCATION",
        "NetSuite location that holds recalled (QMS-locked) lots out of sale "
        "(default: one the engine creates, external id erpsim-recall-hold)",
        "",
    ),
    Variable(
        "ERPSIM_SYNC_AP_APPROVED_ONLY",
        "AP bills go to NetSuite only once approved in AP: 'true' or 'false'",
        "false",
    ),
    Variable(
        "ERPSIM_SYNC_AP_SUBSIDIARY",
        "NetSuite subsidiary the AP organisation is linked to (default: the first)",
        "",
    ),
    Variable(
        "ERPSIM_SYNC_AP_BANK_ACCOUNT",
        "NetSuite bank account of AP payments (default: the first Bank account)",
        "",
    ),
    Variable(
        "ERPSIM_SYNC_AP_EXPENSE_ACCOUNT",
        "NetSuite account of AP lines whose AP account has no NetSuite "
        "account with the same number (default: none, the bill is parked)",
        "",
    ),
    Variable(
        "ERPSIM_SYNC_AP_INVOICE_ITEM",
        "NetSuite item of AP invoice lines (default: a non-inventory item the "
        "engine creates, external id erpsim-ap-invoice-line)",
        "",
    ),
)


def all_variables() -> list[Variable]:
    """Every variable the engine reads, systems first."""
    return [v for group in SYSTEM_VARS.values() for v in group] + list(ENGINE_VARS)


@dataclass(frozen=True)
class SystemEndpoint:
    """Where a system answers and the credentials the engine was given for it."""

    name: str
    url: str
    credentials: dict[str, str]


@dataclass(frozen=True)
class SyncConfig:
    """The engine's resolved settings."""

    systems: dict[str, SystemEndpoint]
    state_dir: Path
    state_url: str
    flows: tuple[str, ...] = ()
    exceptions_file: Path | None = None
    mutant: str = ""
    netsuite_concurrency: int = 4
    closed_period: str = "exception"
    ledger_mode: str = "cash-sale"
    location_map: dict[str, str] = field(default_factory=dict)
    http_timeout: float = 10.0
    retries: int = 6
    backoff: float = 0.05
    poll_seconds: float = 1.0
    webhook_port: int = 0
    batch_lines: int = 200
    reconcile_seconds: float = 300.0
    adjustment_account: str = "Inventory Adjustments"
    pos_discount_item: str = "POS Discount"
    pos_stock_seconds: float = 30.0
    zreport_seconds: float = 30.0
    pos_stock_stores_per_pass: int = 2
    pos_accounts: dict[str, str] = field(default_factory=dict)
    seed: int = 0
    locked_periods: str = "exception"
    recall_location: str = ""
    ap_approved_only: bool = False
    ap_subsidiary: str = ""
    ap_bank_account: str = ""
    ap_expense_account: str = ""
    ap_invoice_item: str = ""

    def has(self, system: str) -> bool:
        """True when the engine was given this system's endpoint."""
        return system in self.systems

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SyncConfig:
        """Read and validate every ``ERPSIM_*`` variable; raises ConfigError naming the first bad one."""
        env = os.environ if env is None else env
        value = _Reader(env)
        wanted = [s.strip() for s in value.text("ERPSIM_SYNC_SYSTEMS").split(",") if s.strip()]
        for name in wanted:
            if name not in SYSTEM_VARS:
                raise ConfigError(
                    f"ERPSIM_SYNC_SYSTEMS: unknown system {name!r} (one of {', '.join(SYSTEM_VARS)})"
                )
        if not wanted:
            wanted = [name for name, group in SYSTEM_VARS.items() if env.get(group[0].name)]
        if "netsuite" not in wanted:
            raise ConfigError(
                "ERPSIM_NETSUITE_URL is not set: the engine syncs systems with NetSuite "
                "(run `erpsim up` and export the variables it prints)"
            )
        systems = {}
        for name in wanted:
            url_var, *cred_vars = SYSTEM_VARS[name]
            url = value.required(url_var.name).rstrip("/")
            if not url.startswith(("http://", "https://")):
                raise ConfigError(f"{url_var.name}={url!r} is not an http(s) URL")
            prefix = f"ERPSIM_{name.upper()}_"
            creds = {v.name[len(prefix) :].lower(): value.required(v.name) for v in cred_vars}
            # optional extras a system may print (AP remember-me, device, bank account, ...)
            creds.update(
                {
                    k[len(prefix) :].lower(): v
                    for k, v in env.items()
                    if k.startswith(prefix) and k[len(prefix) :].lower() not in creds and k != url_var.name
                }
            )
            systems[name] = SystemEndpoint(name, url, creds)
        state_dir = Path(value.text("ERPSIM_STATE_DIR") or ".erpsim-sync")
        state_url = value.text("ERPSIM_SYNC_DB") or f"sqlite:///{state_dir / 'sync.db'}"
        flows = tuple(f.strip() for f in value.text("ERPSIM_SYNC_FLOWS").split(",") if f.strip())
        queue_name = value.text("ERPSIM_SYNC_EXCEPTIONS_FILE")
        return cls(
            systems=systems,
            state_dir=state_dir,
            state_url=state_url,
            flows=flows,
            exceptions_file=state_dir / queue_name if queue_name else None,
            mutant=value.text("ERPSIM_SYNC_MUTANT"),
            netsuite_concurrency=value.integer("ERPSIM_SYNC_NETSUITE_CONCURRENCY", minimum=1),
            closed_period=value.choice("ERPSIM_SYNC_CLOSED_PERIOD", ("exception", "first-open")),
            ledger_mode=value.choice("ERPSIM_SYNC_LEDGER_MODE", ("cash-sale", "daily-summary")),
            location_map=value.json_map("ERPSIM_SYNC_LOCATION_MAP"),
            http_timeout=value.number("ERPSIM_SYNC_HTTP_TIMEOUT", minimum=0.1),
            retries=value.integer("ERPSIM_SYNC_RETRIES", minimum=1),
            backoff=value.number("ERPSIM_SYNC_BACKOFF", minimum=0.0),
            poll_seconds=value.number("ERPSIM_SYNC_POLL_SECONDS", minimum=0.01),
            webhook_port=value.integer("ERPSIM_SYNC_WEBHOOK_PORT", minimum=0),
            batch_lines=value.integer("ERPSIM_SYNC_BATCH_LINES", minimum=1),
            reconcile_seconds=value.number("ERPSIM_SYNC_RECONCILE_SECONDS", minimum=0.0),
            adjustment_account=value.text("ERPSIM_SYNC_ADJUSTMENT_ACCOUNT"),
            pos_discount_item=value.text("ERPSIM_SYNC_POS_DISCOUNT_ITEM"),
            pos_stock_seconds=value.number("ERPSIM_SYNC_POS_STOCK_SECONDS", minimum=0.0),
            zreport_seconds=value.number("ERPSIM_SYNC_ZREPORT_SECONDS", minimum=0.0),
            pos_stock_stores_per_pass=value.integer("ERPSIM_SYNC_POS_STOCK_STORES_PER_PASS", minimum=1),
            pos_accounts=value.json_map("ERPSIM_SYNC_POS_ACCOUNTS"),
            seed=value.integer("ERPSIM_SYNC_SEED", minimum=0),
            locked_periods=value.choice("ERPSIM_SYNC_LOCKED_PERIODS", ("exception", "post")),
            recall_location=value.text("ERPSIM_SYNC_RECALL_LOCATION"),
            ap_approved_only=value.choice("ERPSIM_SYNC_AP_APPROVED_ONLY", ("false", "true")) == "true",
            ap_subsidiary=value.text("ERPSIM_SYNC_AP_SUBSIDIARY"),
            ap_bank_account=value.text("ERPSIM_SYNC_AP_BANK_ACCOUNT"),
            ap_expense_account=value.text("ERPSIM_SYNC_AP_EXPENSE_ACCOUNT"),
            ap_invoice_item=value.text("ERPSIM_SYNC_AP_INVOICE_ITEM"),
        )


_DEFAULTS = {v.name: v.default for v in ENGINE_VARS}


class _Reader:
    """Typed reads of variables with one-line errors."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env

    def text(self, name: str) -> str:
        raw = self.env.get(name)
        return (raw if raw is not None else _DEFAULTS.get(name) or "").strip()

    def required(self, name: str) -> str:
        raw = (self.env.get(name) or "").strip()
        if not raw:
            raise ConfigError(f"{name} is not set (export the variables `erpsim up` prints)")
        return raw

    def integer(self, name: str, *, minimum: int) -> int:
        raw = self.text(name)
        try:
            number = int(raw)
        except ValueError:
            raise ConfigError(f"{name}={raw!r} is not an integer") from None
        if number < minimum:
            raise ConfigError(f"{name}={number} must be at least {minimum}")
        return number

    def number(self, name: str, *, minimum: float) -> float:
        raw = self.text(name)
        try:
            number = float(raw)
        except ValueError:
            raise ConfigError(f"{name}={raw!r} is not a number") from None
        if number < minimum:
            raise ConfigError(f"{name}={number} must be at least {minimum}")
        return number

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        raw = self.text(name)
        if raw not in allowed:
            raise ConfigError(f"{name}={raw!r} must be one of {', '.join(allowed)}")
        return raw

    def json_map(self, name: str) -> dict[str, str]:
        import json

        raw = self.text(name)
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise ConfigError(f"{name} is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{name} must be a JSON object")
        return {str(k): str(v) for k, v in data.items()}
