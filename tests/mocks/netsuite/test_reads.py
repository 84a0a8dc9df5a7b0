"""Read rules: workflow locks refuse REST GETs, x-ns-filterable decides ``q``, the deleted feed needs its permission."""

from __future__ import annotations

from typing import Any

from tests.mocks.netsuite.conftest import REST, NetSuiteDriver, detail

_LOCKED = {
    "detail": "This record has been locked by a user defined workflow.",
    "o:errorCode": "RCRD_LOCKED_BY_WF",
}


def _employee(world: dict[str, Any], last: str) -> dict[str, Any]:
    return {"firstName": "Ada", "lastName": last, "subsidiary": {"id": str(world["subsidiary"])}}


def test_workflow_locked_record_refuses_rest_reads_but_not_suiteql(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    cid = world["customers"][0]
    assert (
        ns.api("GET", f"{REST}/customer/{cid}").status_code == 200
    )  # read once: a cached render must not leak
    ns.act("lock_record", {"type": "customer", "id": cid})
    for path in (
        f"{REST}/customer/{cid}",
        f"{REST}/customer/{cid}?expandSubResources=true",
        f"{REST}/customer/{cid}/addressBook",
        f"{REST}/customer/{cid}/addressBook/1",
    ):
        r = ns.api("GET", path)
        assert r.status_code == 400, path
        assert detail(r) == _LOCKED
    q = ns.api(
        "POST",
        "/services/rest/query/v1/suiteql",
        {"q": f"SELECT id FROM customer WHERE id = {cid}"},
        headers={"Prefer": "transient"},
    )
    assert q.status_code == 200 and [i["id"] for i in q.get_json()["items"]] == [str(cid)]
    ns.act("unlock_record", {"type": "customer", "id": cid})
    assert ns.api("GET", f"{REST}/customer/{cid}").status_code == 200


def test_locked_transaction_refuses_reads_of_its_lines(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    so = ns.create(
        "salesOrder",
        {
            "entity": {"id": str(world["customers"][0])},
            "location": {"id": str(world["locations"][0])},
            "item": {
                "items": [{"item": {"id": str(world["items"]["inventory"][0])}, "quantity": 1, "rate": 5}]
            },
        },
    )
    ns.act("lock_record", {"type": "salesOrder", "id": so})
    for path in (f"{REST}/salesOrder/{so}", f"{REST}/salesOrder/{so}/item", f"{REST}/salesOrder/{so}/item/1"):
        r = ns.api("GET", path)
        assert r.status_code == 400 and detail(r) == _LOCKED, path


def test_employee_last_modified_is_not_filterable_and_the_metadata_says_so(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    eid = ns.create("employee", _employee(world, "Lovelace"))
    schema = ns.api(
        "GET", f"{REST}/metadata-catalog/employee", headers={"Accept": "application/schema+json"}
    ).get_json()
    assert "lastModifiedDate" in schema["properties"]
    assert "lastModifiedDate" not in schema["x-ns-filterable"]
    assert {"id", "externalId", "lastName"} <= set(schema["x-ns-filterable"])
    r = ns.api("GET", f'{REST}/employee?q=lastModifiedDate AFTER "1/1/2026"')
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Unknown field name 'lastModifiedDate' in the search query. The field does not "
        "exist on this record type.",
        "o:errorCode": "NONEXISTENT_FIELD",
        "o:errorQueryParam": "q",
    }
    # a field the metadata lists filters as usual
    ids = [i["id"] for i in ns.api("GET", f'{REST}/employee?q=lastName IS "Lovelace"').get_json()["items"]]
    assert ids == [str(eid)]
    # and a type whose metadata lists lastModifiedDate filters on it
    customer = ns.api(
        "GET", f"{REST}/metadata-catalog/customer", headers={"Accept": "application/schema+json"}
    ).get_json()
    assert "lastModifiedDate" in customer["x-ns-filterable"]
    assert ns.api("GET", f'{REST}/customer?q=lastModifiedDate AFTER "1/1/2026"').status_code == 200


def _deleted_ids(ns: NetSuiteDriver) -> list[str]:
    r = ns.api(
        "POST",
        "/services/rest/query/v1/suiteql",
        {"q": "SELECT recordid FROM deletedrecord ORDER BY recordid"},
        headers={"Prefer": "transient"},
    )
    assert r.status_code == 200
    return [i["recordid"] for i in r.get_json()["items"]]


def test_deleted_records_feed_needs_the_roles_permission(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    eid = ns.create("employee", _employee(world, "Gone"))
    assert ns.api("DELETE", f"{REST}/employee/{eid}").status_code == 204
    assert _deleted_ids(ns) == []  # a new custom role has no "Deleted Records" permission: the feed is empty
    ns.act("edit_record", {"type": "role", "id": world["role"], "fields": {"deletedRecords": True}})
    assert _deleted_ids(ns) == [str(eid)]
    ns.act("edit_record", {"type": "role", "id": world["role"], "fields": {"isInactive": True}})
    assert _deleted_ids(ns) == []
