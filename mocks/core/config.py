"""Emulator configuration: one dataclass, filled from flags, ``ERPSIM_*`` variables or tests.

``EmulatorConfig.from_env`` is the only reader of ``ERPSIM_*`` variables in the emulators: it copies
``ERPSIM_<SYSTEM>_<NAME>`` into ``settings`` (as ``<name>``), and each system reads its settings from there
once, into its settings dataclass. A config built directly (tests) sees no variable at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class SettingError(ValueError):
    """A system setting (flag, variable or config) holds a value the system cannot use."""


DEFAULT_ADMIN_TOKEN = "erpsim-admin"
#: Where SQLite files, keys and locks go unless ``ERPSIM_DATA_DIR`` or a flag says otherwise.
DEFAULT_DATA_DIR = Path(".erpsim")
#: ``ERPSIM_<SYSTEM>_<NAME>`` variables that are fields of the config, not system settings.
_FIELD_VARIABLES = frozenset({"DB", "PORT"})
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
    def from_env(cls, system: str, env: Mapping[str, str] | None = None, **overrides: Any) -> EmulatorConfig:
        """Build a config from ``ERPSIM_<SYSTEM>_*`` / ``ERPSIM_*`` variables (of ``env``, default the process's),
        then explicit overrides (``settings`` given here win over the variables' settings, name by name)."""
        env = os.environ if env is None else env
        prefix = f"ERPSIM_{system.upper()}_"
        values: dict[str, Any] = {"system": system}
        db = env.get(prefix + "DB") or env.get("ERPSIM_DB", "")
        if db:
            values["db_url"] = db
        if data_dir := env.get("ERPSIM_DATA_DIR"):
            values["data_dir"] = Path(data_dir)
        if tok := env.get("ERPSIM_ADMIN_TOKEN"):
            values["admin_token"] = tok
        if port := env.get(prefix + "PORT"):
            values["port"] = int(port)
        if bodies := env.get("ERPSIM_JOURNAL_BODIES"):
            if not bodies.isdigit():
                raise SettingError(
                    f"ERPSIM_JOURNAL_BODIES={bodies!r} is not a whole number of bytes; fix or unset it"
                )
            values["journal_bodies"] = int(bodies)
        settings = {
            key[len(prefix) :].lower(): value
            for key, value in env.items()
            if key.startswith(prefix) and key[len(prefix) :] not in _FIELD_VARIABLES
        }
        values["settings"] = {**settings, **(overrides.pop("settings", None) or {})}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def setting(self, name: str, default: Any = None, parse: Callable[[Any], Any] | None = None) -> Any:
        """A system-specific setting (given, or ``ERPSIM_<SYSTEM>_<NAME>`` through ``from_env``), else ``default``.

        With ``parse`` (``int``, ``float``...) the value is converted; a value it refuses is a SettingError
        naming the variable, so a typo stops the start with one clear line.
        """
        variable = f"ERPSIM_{self.system.upper()}_{name.upper()}"
        value = self.settings[name] if name in self.settings else default
        if parse is None or value is None:
            return value
        try:
            return parse(value)
        except (TypeError, ValueError):
            kind = {"int": "a whole number", "float": "a number"}.get(getattr(parse, "__name__", ""), "valid")
            raise SettingError(f"{variable}={value!r} is not {kind}; fix or unset it") from None
