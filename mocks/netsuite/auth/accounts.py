"""The account id in its two spellings, and who a request authenticated as."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_ACCOUNT = "1234567_SB1"


@dataclass(frozen=True)
class Principal:
    """Who a request authenticated as."""

    kind: str  # "tba" | "oauth2"
    account: str
    consumer_key: str | None = None
    client_id: str | None = None
    token_id: str | None = None
    scopes: tuple[str, ...] = ()


def normalize_account(value: str) -> str:
    """Account id in NetSuite's canonical form (``1234567-sb1`` -> ``1234567_SB1``)."""
    return value.strip().upper().replace("-", "_")


def account_host_slug(account: str) -> str:
    """The account as it appears in NetSuite hostnames (``1234567_SB1`` -> ``1234567-sb1``)."""
    return account.lower().replace("_", "-")
