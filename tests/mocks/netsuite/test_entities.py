"""Entity ids: unique per entity type (UNIQUE_CUST_ID_REQD) unless auto-generated, at most 83 characters."""

from __future__ import annotations

from .conftest import REST, NetSuiteDriver, detail, ref

UNIQUE = (
    "A customer record with this ID already exists. You must enter a unique customer ID for each record you "
    "create. To have system-generated customer IDs, go to Setup > Company > Auto-Generated Numbers."
)


def _customers(ns: NetSuiteDriver) -> list[dict[str, object]]:
    return [c["body"] for c in ns.state()["records"].get("customer", [])]


def test_a_second_customer_with_the_same_entity_id_is_refused(ns: NetSuiteDriver) -> None:
    ns.create("customer", {"companyName": "Acme Ltd", "subsidiary": ref(1)})
    for body in ({"companyName": "Acme Ltd"}, {"companyName": "Other", "entityId": "ACME LTD"}):
        r = ns.api("POST", f"{REST}/customer", {**body, "subsidiary": ref(1)})
        assert r.status_code == 400
        assert detail(r) == {
            "detail": UNIQUE,
            "o:errorCode": "UNIQUE_CUST_ID_REQD",
            "o:errorPath": "entityId",
        }
    assert [c["entityId"] for c in _customers(ns)] == ["Acme Ltd"]
    # Renaming another customer onto the id is refused too; its own unchanged id is not a clash.
    other = ns.create("customer", {"companyName": "Beta", "subsidiary": ref(1)})
    r = ns.api("PATCH", f"{REST}/customer/{other}", {"entityId": "acme ltd"})
    assert r.status_code == 400 and detail(r)["o:errorCode"] == "UNIQUE_CUST_ID_REQD"
    assert (
        ns.api("PATCH", f"{REST}/customer/{other}", {"email": "b@beta.test", "entityId": "Beta"}).status_code
        == 204
    )


def test_vendors_are_unique_among_vendors_and_may_share_a_customers_id(ns: NetSuiteDriver) -> None:
    ns.create("customer", {"companyName": "Shared Name", "subsidiary": ref(1)})
    ns.create("vendor", {"companyName": "Shared Name", "subsidiary": ref(1)})
    r = ns.api("POST", f"{REST}/vendor", {"companyName": "Shared Name", "subsidiary": ref(1)})
    assert r.status_code == 400 and detail(r)["o:errorCode"] == "UNIQUE_CUST_ID_REQD"
    assert detail(r)["detail"].startswith("A vendor record with this ID already exists.")


def test_a_repeated_upsert_is_not_a_duplicate(ns: NetSuiteDriver) -> None:
    body = {"companyName": "Upsert Co", "subsidiary": ref(1)}
    first = ns.api("PUT", f"{REST}/customer/eid:UP-1", body)
    second = ns.api("PUT", f"{REST}/customer/eid:UP-1", body)
    assert first.status_code == second.status_code == 204
    assert len(_customers(ns)) == 1


def test_entity_ids_are_at_most_83_characters(ns: NetSuiteDriver) -> None:
    r = ns.api(
        "POST", f"{REST}/customer", {"companyName": "Long", "entityId": "X" * 84, "subsidiary": ref(1)}
    )
    assert r.status_code == 400 and detail(r) == {
        "detail": "Error while accessing a resource. The field entityid contained more than the maximum number "
        "( 83 ) of characters allowed.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "entityId",
    }
    assert ns.create("customer", {"companyName": "Long", "entityId": "X" * 83, "subsidiary": ref(1)}) == 1
    # A long company name gives a default id cut at 83 characters.
    cid = ns.create("customer", {"companyName": "Y" * 90, "subsidiary": ref(1)})
    assert ns.record("customer", cid)["entityId"] == "Y" * 83
    assert _customers(ns)[0]["entityId"] == "X" * 83


def test_auto_generated_entity_numbers_allow_repeated_names(ns: NetSuiteDriver) -> None:
    ns.act("set_preference", {"name": "autoGenerateEntityNumbers", "value": True})
    first = ns.create("customer", {"companyName": "Same Name", "subsidiary": ref(1)})
    second = ns.create("customer", {"companyName": "Same Name", "entityId": "ignored", "subsidiary": ref(1)})
    assert [ns.record("customer", i)["entityId"] for i in (first, second)] == ["1", "2"]
    assert ns.api("PATCH", f"{REST}/customer/{first}", {"entityId": "MINE"}).status_code == 204
    assert ns.record("customer", first)["entityId"] == "1"  # the generated number stays
    assert (
        ns.record("vendor", ns.create("vendor", {"companyName": "V", "subsidiary": ref(1)}))["entityId"]
        == "1"
    )
