"""Header discounts (discountItem + discountRate) change the totals; before-tax ones lower the tax."""

from __future__ import annotations

from typing import Any

from .conftest import REST, NetSuiteDriver, ref


def _invoice(
    ns: NetSuiteDriver, world: dict[str, Any], lines: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    r = ns.api(
        "POST", f"{REST}/invoice", {"entity": ref(world["customers"][0]), "item": {"items": lines}, **extra}
    )
    assert r.status_code == 204, r.get_data(as_text=True)
    return ns.record("invoice", int(r.headers["Location"].rsplit("/", 1)[1]))


def _totals(rec: dict[str, Any]) -> tuple[float, float, float, float]:
    return rec["subtotal"], rec["discountTotal"], rec["taxTotal"], rec["total"]


def test_a_percent_header_discount_takes_the_items_rate_by_default(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    disc = ns.create("discountItem", {"itemId": "HDR10", "rate": "-10%"})
    svc = world["items"]["service"][0]
    inv = _invoice(
        ns,
        world,
        [{"item": ref(svc), "quantity": 2, "rate": 50}, {"item": ref(svc), "rate": 20}],
        discountItem=ref(disc),
    )
    assert inv["discountRate"] == -10.0
    assert _totals(inv) == (120.0, -12.0, 0.0, 108.0)
    # A rate sent on the header wins over the item's; a later edit of the rate moves the totals.
    inv = _invoice(ns, world, [{"item": ref(svc), "rate": 200}], discountItem=ref(disc), discountRate=-25)
    assert _totals(inv) == (200.0, -50.0, 0.0, 150.0)
    assert ns.api("PATCH", f"{REST}/invoice/{inv['id']}", {"discountRate": -5}).status_code == 204
    assert _totals(ns.record("invoice", int(inv["id"]))) == (200.0, -10.0, 0.0, 190.0)


def test_an_amount_header_discount_comes_after_line_discounts(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    line_disc = ns.create("discountItem", {"itemId": "LINE10", "rate": "-10%"})
    flat = ns.create("discountItem", {"itemId": "FLAT15", "rate": "-15"})
    svc = world["items"]["service"][0]
    so = ns.create(
        "salesOrder",
        {
            "entity": ref(world["customers"][0]),
            "discountItem": ref(flat),
            "item": {"items": [{"item": ref(svc), "rate": 100}, {"item": ref(line_disc)}]},
        },
    )
    rec = ns.record("salesOrder", so)
    assert (rec["discountRate"], *_totals(rec)) == (-15.0, 100.0, -25.0, 0.0, 75.0)


def test_before_tax_discounts_lower_the_tax_after_tax_ones_do_not(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    tax = ns.create("salesTaxItem", {"itemId": "TAX10", "rate": "10%"})
    pre = ns.create("discountItem", {"itemId": "PRE", "rate": "-20%", "isPreTax": True})
    post = ns.create(
        "discountItem", {"itemId": "POST", "rate": "-20%", "isPreTax": False, "nonPosting": True}
    )
    svc = world["items"]["service"][0]
    lines = [{"item": ref(svc), "rate": 100}, {"item": ref(tax)}]
    assert _totals(_invoice(ns, world, lines, discountItem=ref(pre))) == (100.0, -20.0, 8.0, 88.0)
    assert _totals(_invoice(ns, world, lines, discountItem=ref(post))) == (100.0, -20.0, 10.0, 90.0)
    assert _totals(_invoice(ns, world, lines)) == (100.0, 0.0, 10.0, 110.0)
