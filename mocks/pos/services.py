"""The POS's typed wiring: its settings, read once from the config, and the services its routes, actions and
seeds reach through ``PosServices.of(emu)`` (the account context, Basic auth, and the store's transactions with
the virtual time in Unix seconds, which every POS rule works in)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection

from mocks.core.app import Emulator
from mocks.core.config import EmulatorConfig

from .auth import BasicAuth
from .domain.context import PosContext


@dataclass(frozen=True)
class PosSettings:
    """The POS's knobs (the config's settings, else ``ERPSIM_POS_<NAME>``), read once per app."""

    #: Sitoo account id (the ``/v2/accounts/<account>`` of every path).
    account: str
    #: Sitoo site (eshopid), as configured; ``site_id`` is its number.
    site: str
    api_id: str
    api_password: str
    currency: str

    @classmethod
    def from_config(cls, config: EmulatorConfig) -> PosSettings:
        """Settings from ``config.setting`` with deterministic defaults (API id and password follow the account)."""
        account = str(config.setting("account", "10020"))
        return cls(
            account=account,
            site=str(config.setting("site", "1")),
            api_id=str(config.setting("api_id", f"{account}-140")),
            api_password=str(config.setting("api_password", f"erpsim-pos-{account}")),
            currency=str(config.setting("currency", "GBP")),
        )

    def site_id(self) -> int:
        """The site as the integer Sitoo uses (a ValueError naming the variable otherwise)."""
        try:
            return int(self.site)
        except ValueError:
            raise ValueError(
                f"ERPSIM_POS_SITE must be an integer (Sitoo eshopid), got {self.site!r}"
            ) from None


class PosServices:
    """Per-app objects built once: settings, the account context, Basic auth, and the store's transactions."""

    def __init__(self, emu: Emulator, settings: PosSettings, ctx: PosContext) -> None:
        self.emu = emu
        self.settings = settings
        self.ctx = ctx
        self.auth = BasicAuth(settings.api_id, settings.api_password)
        self.pg = emu.store.is_postgres

    @classmethod
    def of(cls, emu: Emulator) -> PosServices:
        """The POS services of ``emu``."""
        return emu.get_services(cls)

    @contextmanager
    def write(self) -> Iterator[tuple[Connection, int]]:
        """One write transaction (the store's Core write path) and the virtual time inside it (Unix seconds)."""
        with self.emu.store.write_connection() as conn:
            yield conn, int(self.emu.clock.now(conn).timestamp())

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only connection."""
        with self.emu.store.engine.connect() as conn:
            yield conn
