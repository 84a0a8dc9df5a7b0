"""Vendors and customers: company / person rules, USD only, archive rules, lists."""

from __future__ import annotations

from .conftest import ApDriver, err


def test_business_vendor_full_view(api: ApDriver) -> None:
    v = api.vendor(
        "Happy Music Supplies", email="ap@happy.test", address={"line1": "1 Main", "country": "US"}
    )
    assert v == {
        "id": "00902000000000000001",
        "archived": False,
        "name": "Happy Music Supplies",
        "shortName": None,
        "accountType": "BUSINESS",
        "firstName": None,
        "lastName": None,
        "companyName": "Happy Music Supplies",
        "email": "ap@happy.test",
        "phone": None,
        "accountNumber": None,
        "address": {"line1": "1 Main", "country": "US"},
        "billCurrency": "USD",
        "createdTime": "2026-01-05T09:00:00.000+0000",
        "updatedTime": "2026-01-05T09:00:00.000+0000",
    }
    assert api.ok("GET", f"/vendors/{v['id']}") == v


def test_person_vendor_name_rules(api: ApDriver) -> None:
    both = api.ok(
        "POST",
        "/vendors",
        {"name": "J. Doe", "accountType": "PERSON", "firstName": "Jane", "lastName": "Doe"},
    )
    assert (both["firstName"], both["lastName"]) == ("Jane", "Doe")
    split = api.ok("POST", "/vendors", {"name": "Mary Ann Smith", "accountType": "PERSON"})
    assert (split["firstName"], split["lastName"]) == ("Mary", "Ann Smith")
    single = api.ok("POST", "/vendors", {"name": "Cher", "accountType": "PERSON"})
    assert (single["firstName"], single["lastName"]) == ("Cher", "Cher")
    r = api.api("POST", "/vendors", {"name": "Half Named", "accountType": "PERSON", "firstName": "Half"})
    assert err(r) == (
        400,
        "BDC_1106",
        "A PERSON needs both firstName and lastName (or neither, to split the name).",
    )
    r = api.api("PATCH", f"/vendors/{both['id']}", {"lastName": None})
    assert err(r)[:2] == (400, "BDC_1106")
    assert api.ok("GET", f"/vendors/{both['id']}")["lastName"] == "Doe"  # nothing half-written


def test_vendor_refusals(api: ApDriver) -> None:
    assert err(api.api("POST", "/vendors", {"accountType": "BUSINESS"})) == (
        400,
        "BDC_1106",
        "name is required.",
    )
    assert err(api.api("POST", "/vendors", {"name": "   "}))[:2] == (400, "BDC_1106")
    assert err(api.api("POST", "/vendors", {"name": "X", "accountType": "ROBOT"}))[:2] == (400, "BDC_1107")
    assert err(api.api("POST", "/vendors", {"name": "X", "billCurrency": "EUR"})) == (
        400,
        "BDC_1206",
        "Currency 'EUR' is not supported. Only USD is supported.",
    )
    assert err(api.api("POST", "/vendors", {"name": "X", "email": "not-an-email"}))[:2] == (400, "BDC_1107")
    assert err(api.api("POST", "/vendors", {"name": 5}))[:2] == (400, "BDC_1107")
    assert err(api.api("POST", "/vendors", {"name": "x" * 101}))[:2] == (400, "BDC_1107")
    assert err(api.api("POST", "/vendors", {"name": "X", "nickname": "y"})) == (
        400,
        "BDC_1002",
        "Unrecognized field 'nickname'.",
    )
    assert err(api.api("POST", "/vendors", [1]))[:2] == (400, "BDC_1002")
    assert err(api.api("GET", "/vendors/00902000000000000099")) == (
        404,
        "BDC_1152",
        "id '00902000000000000099' does not exist.",
    )
    assert err(api.api("GET", "/vendors/00n02000000000000001"))[:2] == (404, "BDC_1152")
    assert api.ok("GET", "/vendors")["results"] == []


def test_update_and_archive_rules(api: ApDriver) -> None:
    v = api.vendor()
    api.clock({"advance": 60})
    up = api.ok("PATCH", f"/vendors/{v['id']}", {"phone": "555", "shortName": "ACME"})
    assert (up["phone"], up["shortName"], up["updatedTime"]) == (
        "555",
        "ACME",
        "2026-01-05T09:01:00.000+0000",
    )
    api.bill(v["id"])
    assert err(api.api("POST", f"/vendors/{v['id']}/archive")) == (
        400,
        "BDC_1290",
        "The vendor has 1 open bill(s)/invoice(s) and cannot be archived.",
    )
    other = api.vendor("Idle Co")
    assert api.ok("POST", f"/vendors/{other['id']}/archive")["archived"] is True
    assert err(api.api("PATCH", f"/vendors/{other['id']}", {"phone": "1"}))[:2] == (400, "BDC_1211")
    assert api.ok("POST", f"/vendors/{other['id']}/restore")["archived"] is False


def test_customers(api: ApDriver) -> None:
    c = api.ok("POST", "/customers", {"name": "Bob Stone", "accountType": "PERSON", "email": "b@s.test"})
    assert c["id"].startswith("0cu02") and (c["firstName"], c["lastName"]) == ("Bob", "Stone")
    assert "billCurrency" not in c
    assert err(api.api("POST", "/customers", {"name": "X", "billCurrency": "USD"}))[:2] == (400, "BDC_1002")


def test_lists_filter_sort_and_page(api: ApDriver) -> None:
    for name in ("Alpha", "Beta", "Gamma", "Alpine"):
        api.vendor(name)
    page = api.ok("GET", "/vendors?max=2&sort=name:desc")
    assert [v["name"] for v in page["results"]] == ["Gamma", "Beta"] and page["prevPage"] is None
    nxt = api.ok("GET", f"/vendors?max=2&sort=name:desc&page={page['nextPage']}")
    assert [v["name"] for v in nxt["results"]] == ["Alpine", "Alpha"] and nxt["nextPage"] is None
    assert nxt["prevPage"] is not None
    sw = api.ok("GET", "/vendors?filters=name:sw:Alp")
    assert sorted(v["name"] for v in sw["results"]) == ["Alpha", "Alpine"]
    inn = api.ok("GET", '/vendors?filters=name:in:"Beta","Gamma",archived:eq:false')
    assert sorted(v["name"] for v in inn["results"]) == ["Beta", "Gamma"]
    assert err(api.api("GET", "/vendors?filters=color:eq:red"))[:2] == (400, "BDC_1107")
    assert err(api.api("GET", "/vendors?filters=nonsense"))[:2] == (400, "BDC_1107")
    assert err(api.api("GET", "/vendors?max=0"))[:2] == (400, "BDC_1107")
    assert err(api.api("GET", "/vendors?max=99999999999999999999999"))[:2] == (400, "BDC_1107")
    assert err(api.api("GET", "/vendors?page=%%%"))[:2] == (400, "BDC_1107")
    assert err(api.api("GET", "/vendors?sort=name:sideways"))[:2] == (400, "BDC_1107")
