"""An AP world for the flow tests: NetSuite expense accounts numbered like AP's chart of accounts, vendors on
both sides, and helpers to read NetSuite and AP records through their APIs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.sync.conftest import World
from tests.sync.flows.qms_world import seed_ns, subsidiary


@dataclass
class ApWorld:
    """Ids of what ``seed_ap_world`` created."""

    subsidiary: str
    usd: str
    eur: str
    accounts: dict[str, str]  # NetSuite account number -> id
    ap_accounts: dict[str, str]  # AP account number -> id
    vendor: str  # a NetSuite company vendor, USD
    person: str  # a NetSuite person vendor
    euro_vendor: str  # a NetSuite vendor billing in euros


def seed_ap_world(world: World) -> ApWorld:
    """NetSuite: expense accounts 6000/6100 (as AP's), a company, a person and a euro vendor; AP: its base."""
    sub = subsidiary(world)
    base = world.baseline  # type: ignore[attr-defined]
    ns = seed_ns(
        world,
        {
            "account": [
                {"acctNumber": "6000", "acctName": "Office Expenses", "acctType": "Expense"},
                {"acctNumber": "6100", "acctName": "Software", "acctType": "Expense"},
            ],
            "vendor": [
                {"companyName": "Paper Co", "email": "ap@paper.test", "subsidiary": {"id": sub}},
                {"isPerson": True, "firstName": "Ada", "lastName": "Lovelace", "subsidiary": {"id": sub}},
                {
                    "companyName": "Papier GmbH",
                    "subsidiary": {"id": sub},
                    "currency": {"id": str(base["currencies"]["EUR"])},
                },
            ],
        },
    )
    world.control("ap", "POST", "seed", {"seed": 1})  # AP's base classifications
    ap_accounts = {}
    for acc in ap_list(world, "/classifications/chart-of-accounts"):
        ap_accounts[acc["account"]["number"]] = acc["id"]
    accounts = dict(zip(("6000", "6100"), ns["account"], strict=True))
    accounts.update(
        {"1000": str(base["accounts"]["Checking"]), "2000": str(base["accounts"]["Accounts Payable"])}
    )
    vendor, person, euro = ns["vendor"]
    return ApWorld(
        subsidiary=sub,
        usd=str(base["currencies"]["USD"]),
        eur=str(base["currencies"]["EUR"]),
        accounts=accounts,
        ap_accounts=ap_accounts,
        vendor=vendor,
        person=person,
        euro_vendor=euro,
    )


_CLIENTS: dict[int, Any] = {}


def ap_client(world: World) -> Any:
    """An AP client on the world (logged in on first use), to read and act as AP users do through the API."""
    from sync.clients.ap import ApClient
    from sync.clients.base import RetryPolicy
    from sync.config import SyncConfig
    from sync.safeguards import Safeguards

    key = id(world)
    if key not in _CLIENTS:
        config = SyncConfig.from_env({**world.env})
        _CLIENTS[key] = ApClient(
            config.systems["ap"],
            timeout=10,
            policy=RetryPolicy(3, 0.01, Safeguards()),
            safeguards=Safeguards(),
        )
    return _CLIENTS[key]


def ap_list(world: World, path: str, filters: str = "") -> list[dict[str, Any]]:
    """Every object of an AP list."""
    rows: list[dict[str, Any]] = ap_client(world).list_all(path, filters=filters)
    return rows


def ap_call(world: World, method: str, path: str, body: Any = None) -> Any:
    """One AP API call (a user's action in BILL)."""
    return ap_client(world).call(method, path, json=body)
