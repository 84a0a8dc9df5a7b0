"""Vendors and customers carry giveAccess (the Access tab: a vendor or customer center login), which the
Cashflow360 sync reads to leave such vendors NetSuite-owned."""

from __future__ import annotations

from typing import Any

from .conftest import REST, NetSuiteDriver, ref


def test_give_access_round_trips_on_vendors_and_customers(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    for rtype, name in (("vendor", "Paper Co"), ("customer", "Grocer Inc")):
        r = ns.api(
            "POST",
            f"{REST}/{rtype}",
            {"companyName": name, "subsidiary": ref(world["subsidiary"]), "giveAccess": True},
        )
        assert r.status_code == 204
        rid = int(r.headers["Location"].rsplit("/", 1)[1])
        assert ns.record(rtype, rid)["giveAccess"] is True
        assert ns.api("PATCH", f"{REST}/{rtype}/{rid}", {"giveAccess": False}).status_code == 204
        assert ns.record(rtype, rid)["giveAccess"] is False
