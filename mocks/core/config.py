"""Emulator configuration: one dataclass, filled from flags, ``ERPSIM_*`` variables or tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class SettingError(ValueError):
    """A system setting (flag, variable or config) holds a value the system cannot use."""


DEFAULT_ADMIN_TOKEN = "erpsim-admin"
DEFAULT_DATA_DIR = Path(os.environ.get("ERPSIM_DATA_DIR", ".erpsim"))
#: Business time starts here unless a scenario sets the clock (determinism first).
DEFAULT_CLOCK_START = "2026-01-05T09:00:00+00:00"


@dataclass
class EmulatorConfig:
    """Everything an emulator needs to start; ``settings`` holds system-specific knobs."""

    system: str
    db_url: str = ""
    admin_token: str = DEFAULT_ADMIN_TOKEN
    data_dir: Path = DEFAULT_DATA_DIR
    port: int = 0
    clock_start: str = DEFAULT_CLOCK_START
    journal_size: int = 10_000
    #: Bytes of each request and response body the journal keeps (0 = none).
    journal_bodies: int = 2048
    #: Keep the fault plan, the journal and the TBA nonces in the store, so that several worker processes
    #: (``--workers`` > 1, or processes on several hosts sharing one PostgreSQL) behave as one.
    shared: bool = False
    max_body_bytes: int = 10 * 1024 * 1024
    #: Deliver webhooks from a background thread (servers); tests drain them explicitly.
    webhook_dispatcher: bool = False
    settings: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        if not self.db_url:
            self.db_url = f"sqlite:///{(self.data_dir / f'{self.system}.db').resolve()}"

    @classmethod
    def from_env(cls, system: str, **overrides: Any) -> EmulatorConfig:
        """Build a config from ``ERPSIM_<SYSTEM>_*`` / ``ERPSIM_*`` variables, then explicit overrides."""
        prefix = f"ERPSIM_{system.upper()}_"
        values: dict[str, Any] = {"system": system}
        db = os.environ.get(prefix + "DB") or os.environ.get("ERPSIM_DB", "")
        if db:
            values["db_url"] = db
        if tok := os.environ.get("ERPSIM_ADMIN_TOKEN"):
            values["admin_token"] = tok
        if port := os.environ.get(prefix + "PORT"):
            values["port"] = int(port)
        if bodies := os.environ.get("ERPSIM_JOURNAL_BODIES"):
            if not bodies.isdigit():
                raise SettingError(f"ERPSIM_JOURNAL_BODIES={bodies!r} is not a whole number of bytes; fix or unset it")
            values["journal_bodies"] = int(bodies)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def setting(self, name: str, default: Any = None, parse: Callable[[Any], Any] | None = None) -> Any:
        """A system-specific setting, falling back to ``ERPSIM_<SYSTEM>_<NAME>`` then ``default``.

        With ``parse`` (``int``, ``float``...) the value is converted; a value it refuses is a SettingError
        naming the variable, so a typo stops the start with one clear line.
        """
        variable = f"ERPSIM_{self.system.upper()}_{name.upper()}"
        if name in self.settings:
            value = self.settings[name]
        else:
            env = os.environ.get(variable)
            value = env if env is not None else default
        if parse is None or value is None:
            return value
        try:
            return parse(value)
        except (TypeError, ValueError):
            kind = {"int": "a whole number", "float": "a number"}.get(getattr(parse, "__name__", ""), "valid")
            raise SettingError(f"{variable}={value!r} is not {kind}; fix or unset it") from None
