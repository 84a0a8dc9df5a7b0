"""!transform to an item fulfilment: sublists kept, inventory detail pre-filled, the commitment preference."""

from __future__ import annotations

from typing import Any

from tests.mocks.netsuite.conftest import REST, NetSuiteDriver, detail, ref

FULFIL = "!transform/itemFulfillment"


def _so(ns: NetSuiteDriver, world: dict[str, Any], lines: list[dict[str, Any]], **extra: Any) -> int:
    return ns.create(
        "salesOrder",
        {
            "entity": ref(world["customers"][0]),
            "location": ref(world["locations"][0]),
            "orderStatus": "B",
            "item": {"items": lines},
            **extra,
        },
    )


def _line(item: int, qty: float) -> dict[str, Any]:
    return {"item": ref(item), "quantity": qty, "rate": 1}


def _new_id(r: Any) -> int:
    assert r.status_code == 204, r.get_data(as_text=True)
    return int(r.headers["Location"].rsplit("/", 1)[1])


def _receive_lots(
    ns: NetSuiteDriver, world: dict[str, Any], item: int, lots: list[tuple[str, int, str | None]]
) -> dict[str, int]:
    """Positive adjustments receiving (lot number, quantity, expiry); returns lot ids by number."""
    assignments = [
        {"receiptInventoryNumber": n, "quantity": q, **({"expirationDate": e} if e else {})}
        for n, q, e in lots
    ]
    ns.create(
        "inventoryAdjustment",
        {
            "account": ref(world["accounts"]["Inventory Adjustments"]),
            "inventory": {
                "items": [
                    {
                        "item": ref(item),
                        "location": ref(world["locations"][0]),
                        "adjustQtyBy": sum(q for _, q, _ in lots),
                        "inventoryDetail": {"inventoryAssignment": {"items": assignments}},
                    }
                ]
            },
        },
    )
    return {r["name"]: r["id"] for r in ns.state()["records"]["inventoryNumber"]}


def _assignments(ns: NetSuiteDriver, fulfilment: int, line: int = 0) -> list[tuple[str, float]]:
    got = ns.record("itemFulfillment", fulfilment)["item"]["items"][line]["inventoryDetail"]
    return [
        (a["issueInventoryNumber"]["refName"], a["quantity"]) for a in got["inventoryAssignment"]["items"]
    ]


def test_package_and_other_sublists_of_a_transform_body_are_stored_and_read_back(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    so = _so(ns, world, [_line(world["items"]["inventory"][0], 2)])
    ful = _new_id(
        ns.api(
            "POST",
            f"{REST}/salesOrder/{so}/{FULFIL}",
            {
                "shipStatus": "C",
                "package": {
                    "items": [
                        {"packageTrackingNumber": "1Z999", "packageDescr": "UPS", "packageWeight": 1.5},
                        {"packageTrackingNumber": "1Z998"},
                    ]
                },
            },
        )
    )
    packages = ns.record("itemFulfillment", ful)["package"]["items"]
    assert [
        (p["line"], p["packageTrackingNumber"], p.get("packageDescr"), p.get("packageWeight"))
        for p in packages
    ] == [(1, "1Z999", "UPS", 1.5), (2, "1Z998", None, None)]
    lines = ns.api("GET", f"{REST}/itemFulfillment/{ful}/package").get_json()
    assert lines["totalResults"] == 2


def test_a_transform_body_with_a_bad_package_line_writes_nothing(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    so = _so(ns, world, [_line(world["items"]["inventory"][0], 2)])
    r = ns.api(
        "POST", f"{REST}/salesOrder/{so}/{FULFIL}", {"package": {"items": [{"packageWeight": "heavy"}]}}
    )
    assert r.status_code == 400 and detail(r)["o:errorPath"] == "package.items[0].packageWeight"
    assert "itemFulfillment" not in ns.state()["records"]
    assert ns.stock(world["items"]["inventory"][0], world["locations"][0]) == 10


def test_lot_fulfilment_is_prefilled_first_expiry_first_out(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    lot_item = world["items"]["lot"][0]
    lots = _receive_lots(
        ns, world, lot_item, [("LATE", 5, "2027-06-30"), ("EARLY", 2, "2026-03-31"), ("NONE", 5, None)]
    )
    so = _so(ns, world, [_line(lot_item, 4)])
    ful = _new_id(ns.api("POST", f"{REST}/salesOrder/{so}/{FULFIL}", {}))
    assert _assignments(ns, ful) == [("EARLY", 2.0), ("LATE", 2.0)]
    assert ns.record("inventoryNumber", lots["EARLY"])["quantityOnHand"] == 0.0
    assert ns.record("inventoryNumber", lots["LATE"])["quantityOnHand"] == 3.0
    assert ns.record("inventoryNumber", lots["NONE"])["quantityOnHand"] == 5.0


def test_own_lots_added_on_top_of_the_prefill_are_refused_and_replacing_succeeds(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    lot_item, loc = world["items"]["lot"][0], world["locations"][0]
    lots = _receive_lots(ns, world, lot_item, [("L-A", 5, "2026-06-30"), ("L-B", 5, "2026-09-30")])
    so = _so(ns, world, [_line(lot_item, 3)])
    body = {
        "item": {
            "items": [
                {
                    "orderLine": 1,
                    "quantity": 3,
                    "inventoryDetail": {
                        "quantity": 3,
                        "inventoryAssignment": {
                            "items": [{"issueInventoryNumber": ref(lots["L-B"]), "quantity": 3}]
                        },
                    },
                }
            ]
        }
    }
    r = ns.api("POST", f"{REST}/salesOrder/{so}/{FULFIL}", body)
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Error while accessing a resource. The total inventory detail quantity must be 3.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "item.items[0].inventoryDetail",
    }
    assert "itemFulfillment" not in ns.state()["records"] and ns.stock(lot_item, loc) == 10
    ful = _new_id(ns.api("POST", f"{REST}/salesOrder/{so}/{FULFIL}?replace=inventoryAssignment", body))
    assert _assignments(ns, ful) == [("L-B", 3.0)]
    assert ns.record("inventoryNumber", lots["L-A"])["quantityOnHand"] == 5.0
    assert ns.record("inventoryNumber", lots["L-B"])["quantityOnHand"] == 2.0


def test_a_changed_quantity_is_prefilled_for_that_quantity(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    lot_item = world["items"]["lot"][0]
    _receive_lots(ns, world, lot_item, [("Q-1", 2, "2026-04-30"), ("Q-2", 5, "2026-05-31")])
    so = _so(ns, world, [_line(lot_item, 6)])
    ful = _new_id(
        ns.api(
            "POST", f"{REST}/salesOrder/{so}/{FULFIL}", {"item": {"items": [{"orderLine": 1, "quantity": 3}]}}
        )
    )
    assert _assignments(ns, ful) == [("Q-1", 2.0), ("Q-2", 1.0)]


def test_short_lot_stock_prefills_what_there_is_and_refuses_the_total(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    lot_item = world["items"]["lot"][0]
    _receive_lots(ns, world, lot_item, [("S-1", 2, None)])
    so = _so(ns, world, [_line(lot_item, 3)])
    r = ns.api("POST", f"{REST}/salesOrder/{so}/{FULFIL}", {})
    assert r.status_code == 400 and detail(r)["detail"].endswith(
        "The total inventory detail quantity must be 3."
    )


def test_bin_item_fulfilment_is_prefilled_with_the_bins_that_hold_it(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    loc = world["locations"][0]
    item = ns.create(
        "inventoryItem",
        {"itemId": "BIN-ITEM", "useBins": True, "subsidiary": {"items": [ref(world["subsidiary"])]}},
    )
    b1 = ns.create("bin", {"binNumber": "A-01", "location": ref(loc)})
    b2 = ns.create("bin", {"binNumber": "A-02", "location": ref(loc)})
    ns.create(
        "inventoryAdjustment",
        {
            "account": ref(world["accounts"]["Inventory Adjustments"]),
            "inventory": {
                "items": [
                    {
                        "item": ref(item),
                        "location": ref(loc),
                        "adjustQtyBy": 5,
                        "inventoryDetail": {
                            "inventoryAssignment": {
                                "items": [
                                    {"binNumber": ref(b2), "quantity": 3},
                                    {"binNumber": ref(b1), "quantity": 2},
                                ]
                            }
                        },
                    }
                ]
            },
        },
    )
    so = _so(ns, world, [_line(item, 4)])
    ful = _new_id(ns.api("POST", f"{REST}/salesOrder/{so}/{FULFIL}", {}))
    got = ns.record("itemFulfillment", ful)["item"]["items"][0]["inventoryDetail"]["inventoryAssignment"][
        "items"
    ]
    assert [(a["binNumber"]["id"], a["quantity"]) for a in got] == [(str(b1), 2.0), (str(b2), 2.0)]
    bins = sorted((row["bin"], row["onHand"]) for row in ns.state()["inventory"] if row["item"] == item)
    assert bins == [(b1, 0.0), (b2, 1.0)]


def test_replace_item_drops_the_lines_the_body_does_not_name(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    a, b = world["items"]["inventory"]
    so = _so(ns, world, [_line(a, 2), _line(b, 3)])
    ful = _new_id(
        ns.api(
            "POST",
            f"{REST}/salesOrder/{so}/{FULFIL}?replace=item",
            {"item": {"items": [{"orderLine": 2, "quantity": 1}]}},
        )
    )
    lines = ns.record("itemFulfillment", ful)["item"]["items"]
    assert [(ln["orderLine"], ln["quantity"]) for ln in lines] == [(2, 1.0)]


def test_replace_names_a_sublist_the_fulfilment_has(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    so = _so(ns, world, [_line(world["items"]["inventory"][0], 2)])
    r = ns.api("POST", f"{REST}/salesOrder/{so}/{FULFIL}?replace=expense", {})
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Invalid sublist name 'expense' in the replace parameter.",
        "o:errorCode": "INVALID_PARAMETER",
        "o:errorQueryParam": "replace",
    }


def test_limit_to_committed_fulfils_only_what_is_committed_to_the_order(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    item, loc = world["items"]["inventory"][0], world["locations"][0]
    first = _so(ns, world, [_line(item, 7)])  # entered first: 7 of the 10 on hand are committed to it
    second = _so(ns, world, [_line(item, 5)])  # 3 left for this one
    ns.act("set_preference", {"name": "fulfillmentCommitment", "value": "limitToCommitted"})
    r = ns.api(
        "POST", f"{REST}/salesOrder/{second}/{FULFIL}", {"item": {"items": [{"orderLine": 1, "quantity": 4}]}}
    )
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Error while accessing a resource. You cannot fulfill more than the committed "
        "quantity (3) on line 1.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "item.items[0].quantity",
    }
    ful = _new_id(ns.api("POST", f"{REST}/salesOrder/{second}/{FULFIL}", {}))  # defaults to the committed 3
    assert ns.record("itemFulfillment", ful)["item"]["items"][0]["quantity"] == 3.0
    assert ns.stock(item, loc) == 7
    _new_id(ns.api("POST", f"{REST}/salesOrder/{first}/{FULFIL}", {}))
    assert ns.stock(item, loc) == 0
    # nothing left committed to the second order's 2 open units
    r = ns.api("POST", f"{REST}/salesOrder/{second}/{FULFIL}", {})
    assert r.status_code == 400 and detail(r)["o:errorCode"] == "VALID_LINE_ITEM_REQD"


def test_ignore_commitment_fulfils_any_open_quantity_while_stock_lasts(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    item, loc = world["items"]["inventory"][0], world["locations"][0]
    _so(ns, world, [_line(item, 7)])
    second = _so(ns, world, [_line(item, 5)])
    ns.act("set_preference", {"name": "fulfillmentCommitment", "value": "ignoreCommitment"})
    ful = _new_id(ns.api("POST", f"{REST}/salesOrder/{second}/{FULFIL}", {}))
    assert ns.record("itemFulfillment", ful)["item"]["items"][0]["quantity"] == 5.0
    assert ns.stock(item, loc) == 5
