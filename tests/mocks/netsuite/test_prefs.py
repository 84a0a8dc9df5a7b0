"""Account preferences: every preference the emulator offers changes behaviour; bad ones are refused."""

from __future__ import annotations

from typing import Any

from .conftest import REST, NetSuiteDriver, ref


def test_unknown_or_invalid_preferences_are_refused(ns: NetSuiteDriver) -> None:
    out = ns.act("set_preference", {"name": "nope", "value": 1}, status=400)
    assert "Unknown preference 'nope'" in out["message"]
    ns.act("set_preference", {"name": "allowNegativeInventory", "value": "yes"}, status=400)
    ns.act("set_preference", {"name": "closedPeriodPosting", "value": "sometimes"}, status=400)


def test_default_ship_status_applies_to_transformed_fulfilments(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    item, loc = world["items"]["inventory"][0], world["locations"][0]
    ns.act("set_preference", {"name": "defaultShipStatus", "value": "A"})
    so = ns.create(
        "salesOrder",
        {
            "entity": ref(world["customers"][0]),
            "orderStatus": "B",
            "location": ref(loc),
            "item": {"items": [{"item": ref(item), "quantity": 2}]},
        },
    )
    r = ns.api("POST", f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {})
    ful = int(r.headers["Location"].rsplit("/", 1)[1])
    assert ns.record("itemFulfillment", ful)["shipStatus"]["id"] == "A"
    assert ns.stock(item, loc) == 10  # picked, not shipped: stock has not left yet
    assert ns.api("PATCH", f"{REST}/itemFulfillment/{ful}", {"shipStatus": "C"}).status_code == 204
    assert ns.stock(item, loc) == 8
    r = ns.api("PATCH", f"{REST}/itemFulfillment/{ful}", {"shipStatus": "B"})
    assert r.status_code == 400 and r.get_json()["o:errorDetails"][0]["o:errorPath"] == "shipStatus"
