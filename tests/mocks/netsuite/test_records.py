"""The generic record API: shapes, eid and upsert, lists and q, sublist rules, errors, quirks."""

from __future__ import annotations

from typing import Any

from .conftest import REST, NetSuiteDriver, detail, ref


def _customer(world: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"companyName": "Acme Ltd", "subsidiary": ref(world["subsidiary"]), **extra}


def test_post_returns_204_with_location_and_get_renders_references(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    r = ns.api("POST", f"{REST}/customer", _customer(world, externalId="C-1", email="a@acme.test"))
    assert r.status_code == 204 and r.get_data() == b""
    cid = int(r.headers["Location"].rsplit("/", 1)[1])
    assert r.headers["Location"] == f"http://localhost{REST}/customer/{cid}"
    body = ns.record("customer", cid)
    assert body["id"] == str(cid) and body["externalId"] == "C-1" and body["companyName"] == "Acme Ltd"
    assert body["entityId"] == "Acme Ltd"
    assert body["subsidiary"] == {
        "links": [{"rel": "self", "href": f"http://localhost{REST}/subsidiary/{world['subsidiary']}"}],
        "id": str(world["subsidiary"]),
        "refName": "Parent Company",
    }
    assert (
        body["dateCreated"] == "2026-01-05T09:00:00Z" and body["lastModifiedDate"] == "2026-01-05T09:00:00Z"
    )
    assert (
        ns.api("GET", f"{REST}/customer/{cid}").headers["Content-Type"]
        == "application/vnd.oracle.resource+json; type=singular"
    )


def test_record_type_names_match_case_insensitively(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    cid = world["customers"][0]
    assert ns.api("GET", f"{REST}/CUSTOMER/{cid}").status_code == 200
    assert ns.api("GET", f"{REST}/noninventorysaleitem").status_code == 200
    r = ns.api("GET", f"{REST}/file/1")
    assert r.status_code == 404
    assert detail(r) == {"detail": "Record type 'file' does not exist.", "o:errorCode": "INVALID_RCRD_TYPE"}


def test_missing_ids_and_invalid_ids(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    r = ns.api("GET", f"{REST}/customer/99999")
    assert r.status_code == 404 and detail(r)["o:errorCode"] == "NONEXISTENT_ID"
    r = ns.api("GET", f"{REST}/customer/eid:NOPE")
    assert detail(r)["detail"] == (
        "The record instance for external ID 'NOPE' does not exist. Provide a valid record instance ID."
    )
    r = ns.api("GET", f"{REST}/customer/000")
    assert r.status_code == 400 and detail(r)["o:errorCode"] == "INVALID_ID"
    # an id of another record type is not found through this type
    assert ns.api("GET", f"{REST}/vendor/{world['customers'][0]}").status_code == 404


def test_upsert_by_external_id_twice_gives_one_record(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    body = _customer(world, email="one@acme.test")
    first = ns.api("PUT", f"{REST}/customer/eid:CUST-X", body)
    second = ns.api("PUT", f"{REST}/customer/eid:cust-x", {**body, "email": "two@acme.test"})
    assert first.status_code == second.status_code == 204
    assert first.headers["Location"] == second.headers["Location"]
    rid = int(first.headers["Location"].rsplit("/", 1)[1])
    got = ns.api("GET", f"{REST}/customer/eid:CUST-X").get_json()
    assert got["id"] == str(rid) and got["email"] == "two@acme.test"
    customers = [c for c in ns.state()["records"]["customer"] if c["body"].get("externalId") == "CUST-X"]
    assert len(customers) == 1


def test_put_needs_an_external_id_and_matching_body(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    r = ns.api("PUT", f"{REST}/customer/{world['customers'][0]}", _customer(world))
    assert r.status_code == 400 and "only supported for upsert" in detail(r)["detail"]
    r = ns.api("PUT", f"{REST}/customer/eid:A1", _customer(world, externalId="B2"))
    assert r.status_code == 400 and detail(r)["o:errorPath"] == "externalId"


def test_duplicate_external_id_is_refused_and_nothing_written(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    ns.create("customer", _customer(world, externalId="DUP"))
    before = len(ns.state()["records"]["customer"])
    r = ns.api("POST", f"{REST}/customer", _customer(world, externalId="dup", companyName="Other Ltd"))
    assert r.status_code == 400
    d = detail(r)
    assert d["o:errorCode"] == "USER_ERROR" and d["o:errorPath"] == "externalId"
    assert "external ID 'dup' already exists" in d["detail"]
    assert len(ns.state()["records"]["customer"]) == before


def test_mandatory_fields_and_person_names(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    r = ns.api(
        "POST",
        f"{REST}/customer",
        {"isPerson": True, "firstName": "Ann", "subsidiary": ref(world["subsidiary"])},
    )
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Error while accessing a resource. Please enter value(s) for: Last Name.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "lastName",
    }
    r = ns.api("POST", f"{REST}/customer", {"companyName": "No Sub"})
    assert detail(r)["detail"].endswith("Please enter value(s) for: subsidiary.")


def test_wrong_types_bad_references_and_malformed_bodies(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    before = len(ns.state()["records"]["customer"])
    r = ns.api("POST", f"{REST}/customer", _customer(world, isPerson="yes"))
    assert r.status_code == 400 and detail(r)["o:errorCode"] == "INVALID_CONTENT"
    assert detail(r)["o:errorPath"] == "isPerson"
    r = ns.api("POST", f"{REST}/customer", {"companyName": "X", "subsidiary": {"id": "999999"}})
    assert detail(r) == {
        "detail": "Error while accessing a resource. You have entered an Invalid Field Value "
        "999999 for the following field: subsidiary",
        "o:errorCode": "INVALID_KEY_OR_REF",
        "o:errorPath": "subsidiary",
    }
    r = ns.api("POST", f"{REST}/customer", "{not json")
    assert r.status_code == 400 and detail(r) == {
        "detail": "Invalid content in the request body.",
        "o:errorCode": "INVALID_CONTENT",
    }
    r = ns.api("POST", f"{REST}/customer", "companyName=x", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = ns.api("POST", f"{REST}/customer", _customer(world, companyName="x" * 20_000_000))
    assert r.status_code == 413
    r = ns.api("POST", f"{REST}/customer", _customer(world, companyName="bad\u0000name"))
    assert r.status_code == 400
    r = ns.api("POST", f"{REST}/customer", _customer(world, creditLimit=2**70))
    assert r.status_code == 400
    assert len(ns.state()["records"]["customer"]) == before


def test_unknown_fields_ignored_unless_validation_is_error(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    cid = ns.create("customer", _customer(world, favouriteColour="blue"))
    assert "favouriteColour" not in ns.record("customer", cid)
    r = ns.api(
        "POST",
        f"{REST}/customer",
        _customer(world, favouriteColour="blue"),
        headers={"X-NetSuite-PropertyNameValidation": "Error"},
    )
    assert r.status_code == 400
    assert detail(r)["detail"] == "Invalid field name 'favouriteColour' for record type 'customer'."
    assert detail(r)["o:errorPath"] == "favouriteColour"
    cid2 = ns.create("customer", _customer(world, companyName="Gold Ltd", custentity_tier="gold"))
    assert ns.record("customer", cid2)["custentity_tier"] == "gold"


def test_list_envelope_paging_and_offset_rules(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    for i in range(5):
        ns.create("customer", _customer(world, companyName=f"Co {i}"))
    r = ns.api("GET", f"{REST}/customer?limit=2&offset=2")
    body = r.get_json()
    assert r.headers["Content-Type"] == "application/vnd.oracle.resource+json; type=collection"
    assert (body["count"], body["offset"], body["totalResults"], body["hasMore"]) == (2, 2, 7, True)
    assert [link["rel"] for link in body["links"]] == ["previous", "first", "next", "last", "self"]
    assert body["links"][-1]["href"] == f"http://localhost{REST}/customer?limit=2&offset=2"
    assert set(body["items"][0]) == {"links", "id"}
    r = ns.api("GET", f"{REST}/customer?limit=2&offset=3")
    assert r.status_code == 400 and detail(r)["o:errorQueryParam"] == "offset"
    assert ns.api("GET", f"{REST}/customer?limit=1001").status_code == 400
    assert ns.api("GET", f"{REST}/customer?limit=0").status_code == 400
    assert ns.api("GET", f"{REST}/customer?limit=abc").status_code == 400


def test_q_filter_operators_and_errors(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    a = ns.create(
        "customer", _customer(world, companyName="Alpha Foods", email="x@alpha.test", creditLimit=500)
    )
    b = ns.create("customer", _customer(world, companyName="Beta Foods", creditLimit=1500))
    ids = lambda q: [int(i["id"]) for i in ns.api("GET", f"{REST}/customer?q={q}").get_json()["items"]]  # noqa: E731
    assert ids('companyName START_WITH "Alpha"') == [a]
    assert ids('companyName CONTAIN "foods" AND creditLimit GREATER 1000') == [b]
    assert ids(f"id ANY_OF [{a}, {b}]") == [a, b]
    assert ids("(creditLimit LESS 600 OR creditLimit GREATER 1400) AND email EMPTY") == [b]
    assert a in ids("email EMPTY_NOT") and b not in ids("email EMPTY_NOT")
    assert ids("creditLimit BETWEEN [400, 600]") == [a]
    r = ns.api("GET", f"{REST}/customer?q=shoeSize EQUAL 4")
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Unknown field name 'shoeSize' in the search query. The field does not exist "
        "on this record type.",
        "o:errorCode": "NONEXISTENT_FIELD",
        "o:errorQueryParam": "q",
    }
    assert ns.api("GET", f"{REST}/customer?q=companyName FROB 1").status_code == 400


def test_q_dates_take_date_only_literals_in_the_account_format_and_zone(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    ns.clock({"set": "2026-01-06T06:30:00Z"})
    late = ns.create("customer", _customer(world, companyName="Late"))
    # 06:30 UTC on the 6th is still the 5th in the account's time zone (America/Los_Angeles).
    ids = lambda q: [int(i["id"]) for i in ns.api("GET", f"{REST}/customer?q={q}").get_json()["items"]]  # noqa: E731
    assert late in ids('lastModifiedDate ON "1/5/2026"')
    assert late not in ids('lastModifiedDate ON_OR_AFTER "1/6/2026"')
    r = ns.api("GET", f'{REST}/customer?q=lastModifiedDate AFTER "2026-01-05T10:00:00Z"')
    assert r.status_code == 400 and "date only" in detail(r)["detail"]
    ns.act("set_preference", {"name": "dateFormat", "value": "YYYY-MM-DD"})
    assert late in ids('lastModifiedDate ON "2026-01-05"')


def test_sublist_links_unless_expanded_and_line_reads(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    item = world["items"]["inventory"][0]
    so = ns.create(
        "salesOrder",
        {
            "entity": ref(world["customers"][0]),
            "item": {"items": [{"item": ref(item), "quantity": 2, "rate": 5}]},
        },
    )
    plain = ns.api("GET", f"{REST}/salesOrder/{so}").get_json()
    assert plain["item"] == {
        "links": [{"rel": "self", "href": f"http://localhost{REST}/salesorder/{so}/item"}]
    }
    lines = ns.api("GET", f"{REST}/salesOrder/{so}/item").get_json()
    assert lines["totalResults"] == 1
    assert lines["items"][0]["links"][0]["href"].endswith(f"/salesorder/{so}/item/1")
    line = ns.api("GET", f"{REST}/salesOrder/{so}/item/1").get_json()
    assert (line["line"], line["quantity"], line["amount"], line["itemType"]) == (
        1,
        2,
        10.0,
        {"id": "InvtPart", "refName": "InvtPart"},
    )
    assert ns.api("GET", f"{REST}/salesOrder/{so}/item/9").status_code == 404
    assert ns.api("GET", f"{REST}/salesOrder/{so}/nosuch").status_code == 404
    simple = ns.api("GET", f"{REST}/salesOrder/{so}?simpleEnumFormat=true").get_json()
    assert simple["orderStatus"] == "A"


def test_patch_sublist_rules_update_append_replace(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    i1, i2 = world["items"]["inventory"]
    so = ns.create(
        "salesOrder",
        {
            "entity": ref(world["customers"][0]),
            "item": {"items": [{"item": ref(i1), "quantity": 1, "rate": 10}]},
        },
    )
    r = ns.api(
        "PATCH",
        f"{REST}/salesOrder/{so}",
        {"item": {"items": [{"line": 1, "quantity": 3}, {"item": ref(i2), "quantity": 1, "rate": 4}]}},
    )
    assert r.status_code == 204
    items = ns.record("salesOrder", so)["item"]["items"]
    assert [(x["line"], x["quantity"], x["amount"]) for x in items] == [(1, 3, 30.0), (2, 1, 4.0)]
    assert ns.record("salesOrder", so)["total"] == 34.0
    r = ns.api(
        "PATCH",
        f"{REST}/salesOrder/{so}?replace=item",
        {"item": {"items": [{"item": ref(i2), "quantity": 5}]}},
    )
    assert r.status_code == 204
    items = ns.record("salesOrder", so)["item"]["items"]
    assert [(x["line"], x["quantity"]) for x in items] == [(3, 5)]
    r = ns.api("PATCH", f"{REST}/salesOrder/{so}", {"item": {"items": [{"line": 1, "quantity": 3}]}})
    assert r.status_code == 400 and "Line 1 does not exist" in detail(r)["detail"]
    r = ns.api("PATCH", f"{REST}/salesOrder/{so}?replace=bogus", {"memo": "x"})
    assert r.status_code == 400 and detail(r)["o:errorQueryParam"] == "replace"


def test_line_edits_do_not_bump_the_parent_last_modified_date(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    i1 = world["items"]["inventory"][0]
    so = ns.create(
        "salesOrder",
        {"entity": ref(world["customers"][0]), "item": {"items": [{"item": ref(i1), "quantity": 1}]}},
    )
    created = ns.record("salesOrder", so)["lastModifiedDate"]
    ns.clock({"advance": 3600})
    ns.api("PATCH", f"{REST}/salesOrder/{so}", {"item": {"items": [{"line": 1, "quantity": 2}]}})
    assert ns.record("salesOrder", so)["lastModifiedDate"] == created
    ns.api("PATCH", f"{REST}/salesOrder/{so}", {"memo": "header change"})
    assert ns.record("salesOrder", so)["lastModifiedDate"] == "2026-01-05T10:00:00Z"


def test_deleted_records_vanish_from_reads_and_lists_but_stay_in_the_deleted_feed(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    cid = ns.create("customer", _customer(world, externalId="GONE"))
    assert ns.api("DELETE", f"{REST}/customer/{cid}").status_code == 204
    assert ns.api("GET", f"{REST}/customer/{cid}").status_code == 404
    assert str(cid) not in [i["id"] for i in ns.api("GET", f"{REST}/customer").get_json()["items"]]
    deleted = [d for d in ns.state()["deleted"] if d["id"] == cid]
    assert (
        deleted
        and deleted[0]["type"] == "customer"
        and deleted[0]["deletedAt"] == "2026-01-05T09:00:00+00:00"
    )
    # the external id can be used again
    assert ns.api("POST", f"{REST}/customer", _customer(world, externalId="GONE")).status_code == 204
    ns.act("edit_record", {"type": "role", "id": world["role"], "fields": {"deletedRecords": True}})
    q = ns.api(
        "POST",
        "/services/rest/query/v1/suiteql",
        {"q": f"SELECT recordid FROM deletedrecord WHERE recordid = {cid}"},
        headers={"Prefer": "transient"},
    )
    assert q.status_code == 200 and q.get_json()["totalResults"] == 1


def test_stale_save_fails_with_record_has_been_changed(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    cid = world["customers"][0]
    ns.act("concurrent_edit", {"type": "customer", "id": cid})
    r = ns.api("PATCH", f"{REST}/customer/{cid}", {"email": "new@x.test"})
    assert r.status_code == 400
    assert detail(r) == {"detail": "Record has been changed.", "o:errorCode": "RCRD_HAS_BEEN_CHANGED"}
    assert ns.record("customer", cid).get("email") != "new@x.test"
    # the retry (reload, re-apply) succeeds
    assert ns.api("PATCH", f"{REST}/customer/{cid}", {"email": "new@x.test"}).status_code == 204
    assert ns.record("customer", cid)["email"] == "new@x.test"


def test_workflow_locked_record_refuses_writes(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    cid = world["customers"][0]
    ns.act("lock_record", {"type": "customer", "id": cid})
    for r in (
        ns.api("PATCH", f"{REST}/customer/{cid}", {"email": "x@y.test"}),
        ns.api("DELETE", f"{REST}/customer/{cid}"),
    ):
        assert r.status_code == 400
        assert detail(r) == {
            "detail": "This record has been locked by a user defined workflow.",
            "o:errorCode": "RCRD_LOCKED_BY_WF",
        }
    ns.act("unlock_record", {"type": "customer", "id": cid})
    assert ns.api("PATCH", f"{REST}/customer/{cid}", {"email": "x@y.test"}).status_code == 204


def test_metadata_catalog_lists_types_and_serves_schemas(ns: NetSuiteDriver) -> None:
    cat = ns.api("GET", f"{REST}/metadata-catalog").get_json()
    names = [i["name"] for i in cat["items"]]
    assert {"salesOrder", "inventoryItem", "accountingPeriod", "inventoryNumber"} <= set(names)
    r = ns.api("GET", f"{REST}/metadata-catalog/salesorder", headers={"Accept": "application/schema+json"})
    schema = r.get_json()
    assert r.headers["Content-Type"] == "application/schema+json"
    assert schema["properties"]["entity"] == {"$ref": "#/definitions/nsResource", "nullable": False}
    assert "lastModifiedDate" in schema["x-ns-filterable"] and "item" in schema["properties"]
    r = ns.api("GET", f"{REST}/metadata-catalog/salesOrder", headers={"Accept": "application/swagger+json"})
    assert r.get_json()["openapi"].startswith("3.") and "/salesOrder/{id}" in r.get_json()["paths"]


def test_cached_reads_follow_writes_and_renames(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    cust = world["customers"][0]
    so = ns.create(
        "salesOrder",
        {
            "entity": ref(cust),
            "item": {"items": [{"item": ref(world["items"]["service"][0]), "quantity": 1}]},
        },
    )
    first = ns.api("GET", f"{REST}/salesOrder/{so}").get_json()
    assert ns.api("GET", f"{REST}/salesOrder/{so}").get_json() == first
    ns.api("PATCH", f"{REST}/customer/{cust}", {"companyName": "Renamed Co", "entityId": "Renamed Co"})
    assert ns.api("GET", f"{REST}/salesOrder/{so}").get_json()["entity"]["refName"] == "Renamed Co"
    ns.api("PATCH", f"{REST}/salesOrder/{so}", {"memo": "changed"})
    assert ns.api("GET", f"{REST}/salesOrder/{so}").get_json()["memo"] == "changed"
    ns.api("DELETE", f"{REST}/salesOrder/{so}")
    assert ns.api("GET", f"{REST}/salesOrder/{so}").status_code == 404


def test_subrecord_links_resolve_and_async_needs_a_real_route(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    so = ns.create(
        "salesOrder",
        {
            "entity": ref(world["customers"][0]),
            "shippingAddress": {"addr1": "1 Main St", "city": "Austin", "country": "US"},
            "item": {"items": [{"item": ref(world["items"]["service"][0]), "quantity": 1}]},
        },
    )
    link = ns.api("GET", f"{REST}/salesOrder/{so}").get_json()["shippingAddress"]["links"][0]["href"]
    addr = ns.api("GET", link.replace("http://localhost", "")).get_json()
    assert (addr["addr1"], addr["city"], addr["country"]["id"]) == ("1 Main St", "Austin", "US")
    r = ns.api("PATCH", f"{REST}/salesOrder", {"memo": "x"}, headers={"Prefer": "respond-async"})
    assert r.status_code == 405
    assert ns.api("GET", "/services/rest/async/v1/job/1").status_code == 404


def test_the_same_seed_and_requests_give_the_same_world(tmp_path: Any) -> None:
    from .conftest import make_app

    def run(folder: Any) -> dict[str, Any]:
        folder.mkdir()
        app = make_app(folder)
        ns = NetSuiteDriver(app)
        world = ns.seed(
            {
                "seed": 99,
                "customers": 3,
                "locations": 1,
                "stock": 5,
                "items": {"inventory": 2, "lot": 1},
                "sales_orders": 2,
            }
        )
        so = world["sales_orders"][0]
        ns.api("POST", f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {})
        ns.api("POST", f"{REST}/salesOrder/{so}/!transform/invoice", {})
        return ns.state()

    assert run(tmp_path / "a") == run(tmp_path / "b")


def test_list_can_expand_whole_records(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    body = ns.api("GET", f"{REST}/customer?limit=1&expandRecords=true&fields=companyName").get_json()
    assert body["totalResults"] == 2 and body["count"] == 1
    assert body["items"][0] == {
        "links": [{"rel": "self", "href": f"http://localhost{REST}/customer/{world['customers'][0]}"}],
        "id": str(world["customers"][0]),
        "companyName": body["items"][0]["companyName"],
    }


def test_record_list_and_metadata_paths_answer_with_a_trailing_slash(ns: NetSuiteDriver) -> None:
    cid = ns.create("customer", {"companyName": "Slash Co", "subsidiary": ref(1)})
    listed = ns.api("GET", f"{REST}/customer/")
    assert listed.status_code == 200 and listed.get_json()["items"][0]["id"] == str(cid)
    assert ns.api("GET", f"{REST}/customer/{cid}/").get_json()["companyName"] == "Slash Co"
    assert ns.api("GET", f"{REST}/metadata-catalog/").status_code == 200
    assert ns.api("GET", f"{REST}/metadata-catalog/customer/").get_json()["title"] == "customer"
    assert (
        ns.api("POST", f"{REST}/customer/", {"companyName": "Posted Co", "subsidiary": ref(1)}).status_code
        == 204
    )
    assert ns.api("PATCH", f"{REST}/customer/{cid}/", {"email": "s@slash.test"}).status_code == 204
