"""The WMS's typed wiring: its settings, read once from the config, and the services its routes, actions and
seeds reach through ``WmsServices.of(emu)``."""

from __future__ import annotations

from dataclasses import dataclass, field

from mocks.core.app import Emulator
from mocks.core.config import EmulatorConfig

DEFAULT_API_KEY = "wms-test-key"


@dataclass(frozen=True)
class WmsSettings:
    """The WMS's knobs (the config's settings, else ``ERPSIM_WMS_<NAME>``), read once per app."""

    #: The default client's API key (``ERPSIM_WMS_API_KEY``).
    api_key: str

    @classmethod
    def from_config(cls, config: EmulatorConfig) -> WmsSettings:
        """Settings from ``config.setting`` with deterministic defaults."""
        return cls(api_key=str(config.setting("api_key", DEFAULT_API_KEY)))


@dataclass
class WmsServices:
    """What the WMS keeps per app besides the store: its settings and the API-key cache."""

    settings: WmsSettings
    #: API key -> (client id, world generation): keys change only with a reset or a seed (a new generation).
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, emu: Emulator) -> WmsServices:
        """The WMS services of ``emu``."""
        return emu.get_services(cls)
