"""Account preferences: every preference the emulator offers changes behaviour; bad ones are refused."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.conftest import ADMIN

from .conftest import REST, NsClient, ref


def test_unknown_or_invalid_preferences_are_refused(nsapp: Flask) -> None:
    client = nsapp.test_client()
    r = client.post("/__erpsim/act/set_preference", json={"name": "nope", "value": 1}, headers=ADMIN)
    assert r.status_code == 400 and "Unknown preference 'nope'" in r.get_json()["message"]
    r = client.post(
        "/__erpsim/act/set_preference", json={"name": "allowNegativeInventory", "value": "yes"}, headers=ADMIN
    )
    assert r.status_code == 400
    r = client.post(
        "/__erpsim/act/set_preference",
        json={"name": "closedPeriodPosting", "value": "sometimes"},
        headers=ADMIN,
    )
    assert r.status_code == 400


def test_default_ship_status_applies_to_transformed_fulfilments(ns: NsClient, world: dict[str, Any]) -> None:
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
    r = ns.post(f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {})
    ful = int(r.headers["Location"].rsplit("/", 1)[1])
    assert ns.record("itemFulfillment", ful)["shipStatus"]["id"] == "A"
    assert ns.stock(item, loc) == 10  # picked, not shipped: stock has not left yet
    assert ns.patch(f"{REST}/itemFulfillment/{ful}", {"shipStatus": "C"}).status_code == 204
    assert ns.stock(item, loc) == 8
    r = ns.patch(f"{REST}/itemFulfillment/{ful}", {"shipStatus": "B"})
    assert r.status_code == 400 and r.get_json()["o:errorDetails"][0]["o:errorPath"] == "shipStatus"
