"""ap-vendors: vendors both ways with the Cashflow360 seed's name rules; vendors with NetSuite access stay
NetSuite-owned; a change travels once and an unchanged vendor is never written again."""

from __future__ import annotations

from typing import Any

from tests.sync.conftest import World
from tests.sync.flows.ap_world import ap_call, ap_list, seed_ap_world
from tests.sync.flows.qms_world import ns_get, ns_patch, seed_ns, suiteql, writes_during


def _ap_vendors(world: World) -> list[tuple[Any, ...]]:
    return sorted(
        (v["name"], v["accountType"], v["firstName"], v["lastName"], v["companyName"], v["email"])
        for v in ap_list(world, "/vendors")
    )


def _ns_vendors(world: World) -> list[tuple[Any, ...]]:
    rows = suiteql(
        world,
        "SELECT id, isperson, firstname, lastname, companyname, email, externalid FROM vendor ORDER BY id",
    )
    return [
        (
            r.get("isperson"),
            r.get("firstname"),
            r.get("lastname"),
            r.get("companyname"),
            r.get("email"),
            r.get("externalid"),
        )
        for r in rows
    ]


def test_vendors_go_both_ways_with_the_name_rules(fresh: World, make_engine: Any) -> None:
    seed_ap_world(fresh)
    fresh.control(
        "ap",
        "POST",
        "seed",
        {
            "records": {
                "vendors": [
                    {"name": "Office Depot", "accountType": "BUSINESS", "email": "bills@depot.test"},
                    {"name": "Grace Brewster Hopper", "accountType": "PERSON"},
                    {"name": "Cher", "accountType": "PERSON"},
                    {
                        "name": "Alan Turing",
                        "accountType": "PERSON",
                        "firstName": "Alan M.",
                        "lastName": "Turing",
                    },
                ]
            }
        },
    )
    engine = make_engine(flows="ap-vendors")
    assert engine.run_pass().stats.counts == {"ap-vendors": {"written": 7}}
    assert _ap_vendors(fresh) == [
        ("Ada Lovelace", "PERSON", "Ada", "Lovelace", None, None),
        ("Alan Turing", "PERSON", "Alan M.", "Turing", None, None),
        ("Cher", "PERSON", "Cher", "Cher", None, None),
        ("Grace Brewster Hopper", "PERSON", "Grace", "Brewster Hopper", None, None),
        ("Office Depot", "BUSINESS", None, None, "Office Depot", "bills@depot.test"),
        ("Paper Co", "BUSINESS", None, None, "Paper Co", "ap@paper.test"),
        ("Papier GmbH", "BUSINESS", None, None, "Papier GmbH", None),
    ]
    ap_ids = {v["name"]: v["id"] for v in ap_list(fresh, "/vendors")}
    created = _ns_vendors(fresh)[3:]
    assert created == [
        ("F", None, None, "Office Depot", "bills@depot.test", f"ap-vendor-{ap_ids['Office Depot']}"),
        ("T", "Grace", "Brewster Hopper", None, None, f"ap-vendor-{ap_ids['Grace Brewster Hopper']}"),
        ("T", "Cher", "Cher", None, None, f"ap-vendor-{ap_ids['Cher']}"),
        ("T", "Alan M.", "Turing", None, None, f"ap-vendor-{ap_ids['Alan Turing']}"),
    ]
    assert engine.run_pass().stats.counts == {}  # nothing new: nothing written anywhere
    assert writes_during(fresh, engine.run_pass) == []


def test_changes_travel_once_each_way(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    engine = make_engine(flows="ap-vendors")
    engine.run_pass()
    ap_ids = {v["name"]: v["id"] for v in ap_list(fresh, "/vendors")}
    ns_patch(fresh, "vendor", w.vendor, {"companyName": "Paper Company", "email": "pay@paper.test"})
    ap_call(fresh, "PATCH", f"/vendors/{ap_ids['Ada Lovelace']}", {"email": "ada@engine.test"})
    assert engine.run_pass().stats.counts == {"ap-vendors": {"written": 2}}
    paper = ap_call(fresh, "GET", f"/vendors/{ap_ids['Paper Co']}")
    assert (paper["name"], paper["companyName"], paper["email"]) == (
        "Paper Company",
        "Paper Company",
        "pay@paper.test",
    )
    assert ns_get(fresh, "vendor", w.person)["email"] == "ada@engine.test"
    assert engine.run_pass().stats.counts == {}


def test_a_vendor_with_netsuite_access_stays_netsuite_owned(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    [portal] = seed_ns(
        fresh,
        {
            "vendor": [
                {
                    "companyName": "Portal Supplies",
                    "subsidiary": {"id": w.subsidiary},
                    "email": "x@portal.test",
                    "giveAccess": True,
                }
            ]
        },
    )["vendor"]
    engine = make_engine(flows="ap-vendors")
    engine.run_pass()
    ap_id = next(v["id"] for v in ap_list(fresh, "/vendors") if v["name"] == "Portal Supplies")
    ap_call(fresh, "PATCH", f"/vendors/{ap_id}", {"email": "changed@portal.test"})
    engine.run_pass()
    assert ns_get(fresh, "vendor", portal)["email"] == "x@portal.test"
    [parked] = engine.state.exceptions()
    assert (parked.category, parked.records["vendor"], parked.records["netsuite"]) == (
        "netsuite_owned",
        ap_id,
        portal,
    )
    assert engine.run_pass().stats.counts == {}
    assert engine.state.exceptions()[0].occurrences == 1


def test_mutant_vendors_as_companies_loses_the_person_names(fresh: World, make_engine: Any) -> None:
    seed_ap_world(fresh)
    fresh.control(
        "ap",
        "POST",
        "seed",
        {
            "records": {
                "vendors": [
                    {"name": "Grace Brewster Hopper", "accountType": "PERSON"},
                    {"name": "Office Depot", "accountType": "BUSINESS"},
                ]
            }
        },
    )
    engine = make_engine(flows="ap-vendors", mutant="vendors-as-companies")
    engine.run_pass()
    ap_ids = {v["name"]: v["id"] for v in ap_list(fresh, "/vendors")}
    assert _ns_vendors(fresh)[3:] == [
        ("F", None, None, "Grace Brewster Hopper", None, f"ap-vendor-{ap_ids['Grace Brewster Hopper']}"),
        ("F", None, None, "Office Depot", None, f"ap-vendor-{ap_ids['Office Depot']}"),
    ]
