"""The QMS's typed wiring: its settings, read once from the config, and the services its routes, actions and
seeds reach through ``QmsServices.of(emu)``."""

from __future__ import annotations

from dataclasses import dataclass, field

from mocks.core.app import Emulator
from mocks.core.config import EmulatorConfig

DEFAULT_API_KEY = "dnk_erpsim_qms_0123456789abcdef"


@dataclass(frozen=True)
class QmsSettings:
    """The QMS's knobs (the config's settings, else ``ERPSIM_QMS_<NAME>``), read once per app."""

    #: The API key every request sends as ``Authorization: Bearer <key>`` (``ERPSIM_QMS_API_KEY``).
    api_key: str
    #: How far (percent) a receipt may go over the ordered quantity (``ERPSIM_QMS_OVER_RECEIPT_PCT``).
    over_receipt_pct: int

    @classmethod
    def from_config(cls, config: EmulatorConfig) -> QmsSettings:
        """Settings from ``config.setting`` with deterministic defaults (an unusable tolerance counts as 0)."""
        try:
            pct = max(0, config.setting("over_receipt_pct", 0, int))
        except (TypeError, ValueError):
            pct = 0
        return cls(api_key=str(config.setting("api_key", DEFAULT_API_KEY)), over_receipt_pct=pct)


@dataclass
class QmsServices:
    """What the QMS keeps per app besides the store: its settings and the API key as bytes (compared per request)."""

    settings: QmsSettings
    api_key_bytes: bytes = field(init=False)

    def __post_init__(self) -> None:
        self.api_key_bytes = self.settings.api_key.encode()

    @classmethod
    def of(cls, emu: Emulator) -> QmsServices:
        """The QMS services of ``emu``."""
        return emu.get_services(cls)
