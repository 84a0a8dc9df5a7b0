"""Per-emulator constants the rules need (account, site, currency, clock start); built once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PosContext:
    """What every domain call needs to know about the emulated Sitoo account."""

    account: str
    site: int
    currency: str
    clock_start: datetime
    payment_methods: tuple[str, ...] = ("Card", "Cash", "Gift card")
    quarantine_reasons: tuple[str, ...] = ("damaged", "faulty", "defective")

    @property
    def account_json(self) -> int | str:
        """The account id as Sitoo sends it in events (an integer when numeric)."""
        return int(self.account) if self.account.isdigit() else self.account

    def payment_name(self, raw: str) -> str | None:
        """The canonical payment method for ``raw`` (case-insensitive), or None if unknown."""
        key = raw.strip().lower().replace("_", " ").replace("-", " ")
        for name in self.payment_methods:
            if name.lower() == key or name.lower().replace(" ", "") == key.replace(" ", ""):
                return name
        return None

    def is_quarantine_reason(self, reason: str | None) -> bool:
        """True when a return reason sends the goods to quarantine instead of sellable stock."""
        return reason is not None and reason.strip().lower() in self.quarantine_reasons
