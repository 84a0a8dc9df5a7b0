"""NetSuite's typed wiring: its settings, read once from the config, and the services its routes, actions and
the request pipeline reach through ``NetSuiteServices.of(emu)`` (authentication, the GET render cache,
governance and the async processors)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mocks.core.app import Emulator
from mocks.core.config import EmulatorConfig

from .auth.accounts import DEFAULT_ACCOUNT, normalize_account
from .auth.authenticator import Authenticator
from .auth.oauth2 import DEFAULT_OAUTH2_CLIENT
from .auth.tba import DEFAULTS as TBA_DEFAULTS
from .domain.async_jobs import Executor, JobRunner
from .domain.render import RenderCache
from .governance import Governance


def _as_bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class NetSuiteSettings:
    """NetSuite's knobs (the config's settings, else ``ERPSIM_NETSUITE_<NAME>``), read once per app."""

    #: The account id in NetSuite's canonical form (``1234567_SB1``).
    account: str
    consumer_key: str
    consumer_secret: str
    token_id: str
    token_secret: str
    #: Seconds an OAuth 2.0 access token lives.
    token_lifetime: int
    #: Seconds a TBA timestamp may differ from wall-clock time (NetSuite: 5 minutes).
    tba_window: int
    #: NetSuite wants the realm exactly as the account id (1234567_SB1: upper case, underscore), and so does
    #: the emulator by default; ``realm_strict=false`` is an opt-in lax mode that also takes 1234567-sb1.
    realm_strict: bool
    #: Scheme+host clients sign and put in ``aud`` when a proxy rewrites Host (else from the request).
    public_base_url: str | None
    #: Where TBA nonces are kept: ``memory`` (one process) or ``db`` (the default when config.shared).
    nonce_store: str
    #: 0 = cache token and client rows until invalidated (one process); >0 = re-read rows that old (workers).
    auth_cache_ttl: float
    #: The access-token signing key (PEM); None = one generated per data directory.
    oauth2_signing_key: str | None
    oauth2_signing_kid: str
    #: The world's M2M client; without a configured public key its key pair is generated per data directory.
    oauth2_client_id: str
    oauth2_certificate_id: str
    oauth2_public_key: str | None
    #: Service tier (lower case) and SuiteCloud Plus licences: the concurrency limit unless one is given.
    service_tier: str
    suitecloud_plus_licences: int
    concurrency_limit: int | None
    #: A profile name, seconds, or per-operation seconds (a JSON object), parsed by Governance.parse_profile.
    service_time: Any

    @classmethod
    def from_config(cls, config: EmulatorConfig) -> NetSuiteSettings:
        """Settings from ``config.setting`` with deterministic defaults (a bad number is a SettingError)."""
        nonce_store = str(config.setting("nonce_store", "db" if config.shared else "memory"))
        public_base_url = config.setting("public_base_url")
        signing_key = config.setting("oauth2_signing_key")
        public_key = config.setting("oauth2_public_key")
        return cls(
            account=normalize_account(str(config.setting("account", DEFAULT_ACCOUNT))),
            consumer_key=str(config.setting("consumer_key", TBA_DEFAULTS["consumer_key"])),
            consumer_secret=str(config.setting("consumer_secret", TBA_DEFAULTS["consumer_secret"])),
            token_id=str(config.setting("token_id", TBA_DEFAULTS["token_id"])),
            token_secret=str(config.setting("token_secret", TBA_DEFAULTS["token_secret"])),
            token_lifetime=config.setting("token_lifetime", 3600, int),
            tba_window=config.setting("tba_window", 300, int),
            realm_strict=_as_bool(config.setting("realm_strict", True)),
            public_base_url=None if public_base_url is None else str(public_base_url),
            nonce_store=nonce_store,
            auth_cache_ttl=config.setting("auth_cache_ttl", 2.0 if nonce_store == "db" else 0.0, float),
            oauth2_signing_key=None if signing_key is None else str(signing_key),
            oauth2_signing_kid=str(config.setting("oauth2_signing_kid", "erpsim.ns.2026_1")),
            oauth2_client_id=str(config.setting("oauth2_client_id", DEFAULT_OAUTH2_CLIENT["client_id"])),
            oauth2_certificate_id=str(
                config.setting("oauth2_certificate_id", DEFAULT_OAUTH2_CLIENT["certificate_id"])
            ),
            oauth2_public_key=str(public_key) if public_key else None,
            service_tier=str(config.setting("service_tier", "standard")).lower(),
            suitecloud_plus_licences=config.setting("suitecloud_plus_licences", 0, int),
            concurrency_limit=config.setting("concurrency_limit", None, int),
            service_time=config.setting("service_time", "none"),
        )


@dataclass
class NetSuiteServices:
    """What NetSuite keeps per app besides the store: settings, the Authenticator, the GET render cache,
    governance (concurrency slots, service time) and the async processors."""

    settings: NetSuiteSettings
    auth: Authenticator
    render_cache: RenderCache
    governance: Governance
    async_jobs: JobRunner

    @classmethod
    def build(cls, emu: Emulator, execute: Executor) -> NetSuiteServices:
        """The services of ``emu`` from its config (``execute`` runs an async job's request)."""
        settings = NetSuiteSettings.from_config(emu.config)
        return cls(
            settings=settings,
            auth=Authenticator(emu, settings),
            render_cache=RenderCache(),
            governance=Governance(emu, settings),
            async_jobs=JobRunner(emu.store, emu.clock, execute),
        )

    @classmethod
    def of(cls, emu: Emulator) -> NetSuiteServices:
        """The NetSuite services of ``emu``."""
        return emu.get_services(cls)
