"""The AP's typed wiring: its settings, read once from the config, and the services its routes, actions and
seeds reach through ``ApServices.of(emu)``."""

from __future__ import annotations

from dataclasses import dataclass

from mocks.core.app import Emulator
from mocks.core.config import EmulatorConfig
from mocks.core.limiter import SlotLimiter

from .domain.common import ext_id

#: Deterministic credentials of the emulated BILL organization (each overridable as ``ERPSIM_AP_<NAME>``).
DEFAULTS = {
    "dev_key": "erpsim-ap-devkey-0001",
    "username": "ap-admin@erpsim.test",
    "password": "erpsim-ap-password",
    "org_id": "00802ERPSIMORG000001",
    "remember_me_id": "erpsim-ap-remember-me-0001",
    "device": "erpsim-device",
    "bank_account_id": "bac02000000000000001",
}


@dataclass(frozen=True)
class ApSettings:
    """The AP emulator's knobs (the config's settings, else ``ERPSIM_AP_<NAME>``), read once per app."""

    webhook_max_attempts: int
    webhook_disable_after: int
    dev_key: str
    username: str
    password: str
    org_id: str
    remember_me_id: str
    device: str
    bank_account_id: str
    user_id: str
    max_concurrent: int
    hourly_limit: int
    login_hourly_limit: int
    idle_seconds: float
    approval_threshold_cents: int

    @classmethod
    def from_config(cls, config: EmulatorConfig) -> ApSettings:
        """Settings from ``config.setting`` with deterministic defaults."""
        webhook_max_attempts = config.setting("webhook_max_attempts", 8, int)
        webhook_disable_after = config.setting("webhook_disable_after", 5, int)
        s = {k: str(config.setting(k, v)) for k, v in DEFAULTS.items()}
        return cls(
            webhook_max_attempts=webhook_max_attempts,
            webhook_disable_after=webhook_disable_after,
            **s,
            user_id=ext_id("user", 1),
            max_concurrent=config.setting("max_concurrent", 3, int),
            hourly_limit=config.setting("hourly_limit", 20000, int),
            login_hourly_limit=config.setting("login_hourly_limit", 200, int),
            idle_seconds=config.setting("session_idle_minutes", 35, float) * 60,
            approval_threshold_cents=int(round(config.setting("approval_threshold", 1000, float) * 100)),
        )


@dataclass
class ApServices:
    """What the AP keeps per app besides the store: its settings and the concurrency slots per devKey."""

    settings: ApSettings
    limiter: SlotLimiter

    @classmethod
    def of(cls, emu: Emulator) -> ApServices:
        """The AP services of ``emu``."""
        return emu.get_services(cls)
