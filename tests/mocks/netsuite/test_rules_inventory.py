"""Inventory: only new outbound quantities are checked; undoing an earlier transaction may leave stock negative."""

from __future__ import annotations

from typing import Any

from .conftest import REST, NetSuiteDriver, detail, ref


def _adjust(ns: NetSuiteDriver, world: dict[str, Any], qty: float, item: int | None = None) -> Any:
    return ns.api(
        "POST",
        f"{REST}/inventoryAdjustment",
        {
            "account": ref(world["accounts"]["Inventory Adjustments"]),
            "inventory": {
                "items": [
                    {
                        "item": ref(item or world["items"]["inventory"][0]),
                        "location": ref(world["locations"][0]),
                        "adjustQtyBy": qty,
                    }
                ]
            },
        },
    )


def test_deleting_an_earlier_receipt_may_leave_a_location_negative(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    item, loc = world["items"]["inventory"][0], world["locations"][0]
    added = int(_adjust(ns, world, 5).headers["Location"].rsplit("/", 1)[1])
    assert ns.stock(item, loc) == 15
    assert _adjust(ns, world, -12).status_code == 204
    assert ns.stock(item, loc) == 3
    # Undoing the +5 takes the location to -2: NetSuite allows it (only new outbound quantities are checked).
    assert ns.api("DELETE", f"{REST}/inventoryAdjustment/{added}").status_code == 204
    assert ns.stock(item, loc) == -2
    # A new outbound quantity is still checked against what is there.
    r = _adjust(ns, world, -1)
    assert r.status_code == 400
    assert detail(r)["detail"] == (
        "Error while accessing a resource. You only have 0 available. Please enter a different quantity."
    )
    assert ns.stock(item, loc) == -2


def test_deleting_a_purchase_receipt_whose_stock_shipped_goes_negative(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    item, loc = world["items"]["inventory"][1], world["locations"][0]
    po = ns.create(
        "purchaseOrder",
        {
            "entity": ref(world["vendors"][0]),
            "location": ref(loc),
            "item": {"items": [{"item": ref(item), "quantity": 4, "rate": 2}]},
        },
    )
    r = ns.api("POST", f"{REST}/purchaseOrder/{po}/!transform/itemReceipt", {})
    assert r.status_code == 204, r.get_data(as_text=True)
    receipt = int(r.headers["Location"].rsplit("/", 1)[1])
    assert _adjust(ns, world, -14, item).status_code == 204
    assert ns.api("DELETE", f"{REST}/itemReceipt/{receipt}").status_code == 204
    assert ns.stock(item, loc) == -4
    assert ns.record("purchaseOrder", po)["status"]["refName"] == "Pending Receipt"


def test_a_lot_never_goes_negative(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    lot_item, loc = world["items"]["lot"][0], world["locations"][0]
    r = ns.api(
        "POST",
        f"{REST}/inventoryAdjustment",
        {
            "account": ref(world["accounts"]["Inventory Adjustments"]),
            "inventory": {
                "items": [
                    {
                        "item": ref(lot_item),
                        "location": ref(loc),
                        "adjustQtyBy": 2,
                        "inventoryDetail": {
                            "inventoryAssignment": {
                                "items": [{"receiptInventoryNumber": "NEG-LOT", "quantity": 2}]
                            }
                        },
                    }
                ]
            },
        },
    )
    added = int(r.headers["Location"].rsplit("/", 1)[1])
    lot = next(x["id"] for x in ns.state()["records"]["inventoryNumber"] if x["name"] == "NEG-LOT")
    r = ns.api(
        "POST",
        f"{REST}/inventoryAdjustment",
        {
            "account": ref(world["accounts"]["Inventory Adjustments"]),
            "inventory": {
                "items": [
                    {
                        "item": ref(lot_item),
                        "location": ref(loc),
                        "adjustQtyBy": -2,
                        "inventoryDetail": {
                            "inventoryAssignment": {
                                "items": [{"issueInventoryNumber": ref(lot), "quantity": 2}]
                            }
                        },
                    }
                ]
            },
        },
    )
    assert r.status_code == 204, r.get_data(as_text=True)
    r = ns.api("DELETE", f"{REST}/inventoryAdjustment/{added}")
    assert r.status_code == 400 and "Inventory number quantity would go negative" in detail(r)["detail"]


def _adjust_lines(ns: NetSuiteDriver, world: dict[str, Any], lines: list[dict[str, Any]]) -> Any:
    return ns.api(
        "POST",
        f"{REST}/inventoryAdjustment",
        {"account": ref(world["accounts"]["Inventory Adjustments"]), "inventory": {"items": lines}},
    )


def _line(item: int, loc: int, **fields: Any) -> dict[str, Any]:
    return {"item": ref(item), "location": ref(loc), **fields}


def test_each_line_of_an_adjustment_is_checked_against_the_lines_before_it(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    (a, b), loc = world["items"]["inventory"], world["locations"][0]
    # 10 - 4 - 5 leaves 1; the fourth line takes 2 of it: that line is refused, and nothing is written.
    r = _adjust_lines(
        ns,
        world,
        [
            _line(a, loc, adjustQtyBy=-4),
            _line(a, loc, adjustQtyBy=-5),
            _line(b, loc, adjustQtyBy=3),
            _line(a, loc, adjustQtyBy=-2),
        ],
    )
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Error while accessing a resource. You only have 1 available. Please enter a "
        "different quantity.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "inventory.items[3].quantity",
    }
    # A receipt on a later line does not cover an earlier line's shortfall.
    r = _adjust_lines(ns, world, [_line(a, loc, adjustQtyBy=-12), _line(a, loc, adjustQtyBy=5)])
    assert r.status_code == 400
    assert detail(r)["o:errorPath"] == "inventory.items[0].quantity"
    assert detail(r)["detail"].endswith("You only have 10 available. Please enter a different quantity.")
    assert (ns.stock(a, loc), ns.stock(b, loc)) == (10, 10)
    assert len(ns.state()["records"]["inventoryAdjustment"]) == 1  # the seed's opening balance only
    # Taking exactly what the earlier lines leave is fine.
    assert (
        _adjust_lines(
            ns,
            world,
            [_line(a, loc, adjustQtyBy=-4), _line(b, loc, adjustQtyBy=2), _line(a, loc, adjustQtyBy=-6)],
        ).status_code
        == 204
    )
    assert (ns.stock(a, loc), ns.stock(b, loc)) == (0, 12)


def test_a_shortfall_is_named_before_a_later_line_s_error(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    item, service, loc = world["items"]["inventory"][0], world["items"]["service"][0], world["locations"][0]
    r = _adjust_lines(ns, world, [_line(item, loc, adjustQtyBy=-11), _line(service, loc, adjustQtyBy=1)])
    assert r.status_code == 400 and detail(r)["o:errorPath"] == "inventory.items[0].quantity"
    r = _adjust_lines(ns, world, [_line(item, loc, adjustQtyBy=-1), _line(service, loc, adjustQtyBy=1)])
    assert r.status_code == 400
    assert detail(r)["detail"].endswith("Only inventory items can be adjusted.")
    assert detail(r)["o:errorPath"] == "inventory.items[1].item"
    assert ns.stock(item, loc) == 10


def test_new_quantity_sees_the_lines_before_it(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    item, (loc, other) = world["items"]["inventory"][0], world["locations"]
    rid = ns.create(
        "inventoryAdjustment",
        {
            "account": ref(world["accounts"]["Inventory Adjustments"]),
            "inventory": {
                "items": [
                    _line(item, loc, adjustQtyBy=5),
                    _line(item, other, adjustQtyBy=-1),
                    _line(item, loc, newQuantity=3),
                    _line(item, loc, adjustQtyBy=2),
                ]
            },
        },
    )
    assert (ns.stock(item, loc), ns.stock(item, other)) == (5, 9)
    lines = ns.record("inventoryAdjustment", rid)["inventory"]["items"]
    assert [ln["adjustQtyBy"] for ln in lines] == [5, -1, -12, 2]
