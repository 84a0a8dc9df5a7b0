"""Recipes and production runs: consumption guards, genealogy, completion into a QUARANTINE lot, events."""

from __future__ import annotations

from typing import Any

from .conftest import QmsDriver, err


def _world(api: QmsDriver) -> dict[str, Any]:
    sugar = api.item("RM-SUGAR", netsuite_id="ns-sugar")
    cocoa = api.item("RM-COCOA", netsuite_id="ns-cocoa")
    bar = api.item("FG-BAR", "FINISHED_GOOD", netsuite_id="ns-bar")
    r = api.api(
        "POST",
        "/recipes",
        {
            "code": "MMR-BAR",
            "name": "Bar",
            "itemId": bar["id"],
            "components": [
                {"itemId": sugar["id"], "quantityPerUnit": 0.25},
                {"itemNetsuiteId": "ns-cocoa", "quantityPerUnit": 0.1},
            ],
        },
    )
    assert r.status_code == 201, r.get_json()
    s1 = api.released_lot(sugar["id"], 100, "1")
    c1 = api.released_lot(cocoa["id"], 50, "2")
    return {"sugar": sugar, "cocoa": cocoa, "bar": bar, "recipe": r.get_json(), "s1": s1, "c1": c1}


def test_recipe_rules(api: QmsDriver) -> None:
    w = _world(api)
    assert w["recipe"]["components"] == [
        {"itemId": 1, "sku": "RM-SUGAR", "quantityPerUnit": 0.25},
        {"itemId": 2, "sku": "RM-COCOA", "quantityPerUnit": 0.1},
    ]
    r = api.api(
        "POST",
        "/recipes",
        {"code": "MMR-BAR", "name": "x", "itemId": 3, "components": [{"itemId": 1, "quantityPerUnit": 1}]},
    )
    assert r.status_code == 409 and r.get_json()["details"] == {"field": "code", "existingId": 1}
    r = api.api(
        "POST",
        "/recipes",
        {"code": "MMR-2", "name": "x", "itemId": 1, "components": [{"itemId": 2, "quantityPerUnit": 1}]},
    )
    assert err(r) == (
        422,
        {
            "statusCode": 422,
            "name": "UnprocessableEntityError",
            "code": "ITEM_TYPE_MISMATCH",
            "message": "Item RM-SUGAR is a RAW_MATERIAL; a recipe makes a FINISHED_GOOD or an INTERMEDIATE.",
            "details": {"field": "itemId"},
        },
    )
    r = api.api(
        "POST",
        "/recipes",
        {
            "code": "MMR-3",
            "name": "x",
            "itemId": 3,
            "components": [{"itemId": 1, "quantityPerUnit": 1}, {"itemId": 1, "quantityPerUnit": 2}],
        },
    )
    assert r.status_code == 400 and r.get_json()["message"] == "Component RM-SUGAR appears twice."
    assert api.api("GET", "/recipes?item_id=3").get_json()["total"] == 1


def test_run_consumes_released_lots_and_completes_into_quarantine_lot(api: QmsDriver) -> None:
    api.api(
        "POST",
        "/webhooks",
        {"url": "http://127.0.0.1:9/h", "events": ["production.*"], "secret": "secret-xyz"},
    )
    w = _world(api)
    r = api.api(
        "POST",
        "/production-runs",
        {"recipeId": w["recipe"]["id"], "quantity": 100, "scheduledDate": "2026-01-07"},
    )
    assert r.status_code == 201
    run = r.get_json()
    assert (run["number"], run["status"], run["workOrderRef"], run["scheduledDate"]) == (
        "PR-000001",
        "SCHEDULED",
        None,
        "2026-01-07",
    )
    assert api.api("GET", "/production-runs?unlinked=true").get_json()["total"] == 1
    # The connector creates the NetSuite work order and links it back (idempotent).
    assert (
        api.api("POST", f"/production-runs/{run['id']}/work-order", {"workOrderRef": "WO-77"}).status_code
        == 200
    )
    assert (
        api.api("POST", f"/production-runs/{run['id']}/work-order", {"workOrderRef": "WO-77"}).status_code
        == 200
    )
    r = api.api("POST", f"/production-runs/{run['id']}/work-order", {"workOrderRef": "WO-78"})
    assert r.status_code == 409 and r.get_json()["code"] == "WORK_ORDER_ALREADY_LINKED"
    r = api.api("POST", f"/production-runs/{run['id']}/complete", {"quantity": 100})
    assert (
        err(r)[1]["message"] == "Production run 1 is SCHEDULED; cannot complete it (it must be IN_PROGRESS)."
    )
    r = api.api(
        "POST",
        f"/production-runs/{run['id']}/consumptions",
        {"lotNumber": w["s1"]["lotNumber"], "quantity": 25},
    )
    assert r.status_code == 201 and r.get_json()["status"] == "IN_PROGRESS"
    r = api.api("POST", f"/production-runs/{run['id']}/complete", {"quantity": 100})
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "COMPONENTS_NOT_CONSUMED",
            "message": "Production run 1 has consumed nothing of RM-COCOA.",
            "details": {"missing": ["RM-COCOA"]},
        },
    )
    api.api("POST", f"/production-runs/{run['id']}/consumptions", {"lotId": w["c1"]["id"], "quantity": 10.5})
    r = api.api(
        "POST", f"/production-runs/{run['id']}/complete", {"quantity": 98, "expiryDate": "2027-06-30"}
    )
    assert r.status_code == 200
    done = r.get_json()
    assert (done["status"], done["producedQuantity"], done["outputLotNumber"]) == (
        "COMPLETED",
        98,
        "P260105-000003",
    )
    assert [(c["lotNumber"], c["quantity"]) for c in done["consumptions"]] == [
        ("R260105-000001", 25),
        ("R260105-000002", 10.5),
    ]
    fg = api.api("GET", f"/lots/{done['outputLotId']}").get_json()
    assert (fg["status"], fg["quantity"], fg["source"], fg["productionRunId"]) == (
        "QUARANTINE",
        98,
        "PRODUCTION",
        1,
    )
    assert api.api("GET", f"/lots/{w['s1']['id']}").get_json()["quantity"] == 75
    assert api.api("GET", f"/lots/{w['c1']['id']}").get_json()["quantity"] == 39.5
    events = [d for d in api.deliveries() if d["event"] == "production.completed"]
    assert [d["payload"]["data"] for d in events] == [
        {
            "productionRun": {
                "id": 1,
                "number": "PR-000001",
                "recipeId": 1,
                "item": {"id": 3, "sku": "FG-BAR", "netsuiteId": "ns-bar"},
                "plannedQuantity": 100,
                "scheduledDate": "2026-01-07",
                "workOrderRef": "WO-77",
                "status": "COMPLETED",
                "completedAt": "2026-01-05T09:00:00+00:00",
            },
            "workOrderRef": "WO-77",
            "item": {"id": 3, "sku": "FG-BAR", "netsuiteId": "ns-bar"},
            "lotId": 3,
            "lotNumber": "P260105-000003",
            "quantity": 98,
            "components": [
                {
                    "item": {"id": 1, "sku": "RM-SUGAR", "netsuiteId": "ns-sugar"},
                    "quantity": 25,
                    "lots": [{"lotId": 1, "lotNumber": "R260105-000001", "quantity": 25}],
                },
                {
                    "item": {"id": 2, "sku": "RM-COCOA", "netsuiteId": "ns-cocoa"},
                    "quantity": 10.5,
                    "lots": [{"lotId": 2, "lotNumber": "R260105-000002", "quantity": 10.5}],
                },
            ],
        }
    ]
    # QC releases the finished lot (the assembly build's lot), which emits nothing production-related twice.
    assert (
        api.api("POST", f"/lots/{fg['id']}/inspection", {"result": "PASS"}).get_json()["status"] == "RELEASED"
    )
    for path in ("complete", "start", "cancel"):
        r = api.api("POST", f"/production-runs/{run['id']}/{path}", {"quantity": 1})
        assert r.status_code == 409 and r.get_json()["details"]["status"] == "COMPLETED"
    r = api.api("POST", f"/production-runs/{run['id']}/consumptions", {"lotId": w["s1"]["id"], "quantity": 1})
    assert (
        r.status_code == 409
        and r.get_json()["message"] == "Production run 1 is COMPLETED; cannot consume into it."
    )


def test_consumption_guards(api: QmsDriver) -> None:
    w = _world(api)
    run = api.api(
        "POST", "/production-runs", {"recipeId": 1, "quantity": 10, "workOrderRef": "WO-1"}
    ).get_json()
    path = f"/production-runs/{run['id']}/consumptions"
    q = api.po("9", [(w["sugar"]["id"], 5)], number="PO9")
    ql = api.receive(q["id"], [(1, 5)])["lots"][0]
    r = api.api("POST", path, {"lotId": ql["id"], "quantity": 1})
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "LOT_NOT_RELEASED",
            "message": f"Lot {ql['lotNumber']} is QUARANTINE; only RELEASED lots can be consumed.",
            "details": {"lotId": ql["id"], "lotNumber": ql["lotNumber"], "status": "QUARANTINE"},
        },
    )
    api.api("POST", f"/lots/{ql['id']}/inspection", {"result": "FAIL"})
    assert (
        api.api("POST", path, {"lotId": ql["id"], "quantity": 1}).get_json()["details"]["status"]
        == "REJECTED"
    )
    api.api("POST", f"/lots/{w['s1']['id']}/lock", {"reason": "recall"})
    assert (
        api.api("POST", path, {"lotId": w["s1"]["id"], "quantity": 1}).get_json()["details"]["status"]
        == "LOCKED"
    )
    r = api.api("POST", path, {"lotId": w["c1"]["id"], "quantity": 50.001})
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "INSUFFICIENT_QUANTITY",
            "message": f"Lot {w['c1']['lotNumber']} holds 50; 50.001 requested.",
            "details": {
                "lotId": w["c1"]["id"],
                "lotNumber": w["c1"]["lotNumber"],
                "available": 50,
                "requested": 50.001,
            },
        },
    )
    other = api.item("RM-OTHER")
    ol = api.released_lot(other["id"], 5, "77")
    r = api.api("POST", path, {"lotId": ol["id"], "quantity": 1})
    assert r.status_code == 422 and r.get_json()["code"] == "LOT_NOT_IN_RECIPE"
    assert api.api("POST", path, {"lotNumber": "NOPE", "quantity": 1}).status_code == 422
    assert api.api("POST", path, {"quantity": 1}).status_code == 400
    # Nothing was consumed by any refusal; the run is still SCHEDULED.
    state = api.state("qms_consumptions", "qms_production_runs")
    assert state["qms_consumptions"] == [] and state["qms_production_runs"][0]["status"] == "SCHEDULED"
    r = api.api("POST", "/production-runs", {"recipeId": 1, "quantity": 1, "workOrderRef": "WO-1"})
    assert r.status_code == 409 and r.get_json()["details"] == {"field": "workOrderRef", "existingId": 1}
    assert api.api("POST", "/production-runs", {"recipeId": 99, "quantity": 1}).status_code == 422
    assert api.api("POST", f"/production-runs/{run['id']}/cancel").get_json()["status"] == "CANCELLED"
    r = api.api("POST", f"/production-runs/{run['id']}/start")
    assert r.status_code == 409 and r.get_json()["details"]["status"] == "CANCELLED"


def test_act_produce_consumes_fifo_and_can_release(api: QmsDriver) -> None:
    w = _world(api)
    api.released_lot(w["sugar"]["id"], 100, "3")
    api.act("schedule", {"recipe": "MMR-BAR", "quantity": 40, "workOrderRef": "WO-9"})
    run = api.act("produce", {"run": "WO-9", "release": True})
    assert [(c["lotNumber"], c["quantity"]) for c in run["consumptions"]] == [
        ("R260105-000001", 10),
        ("R260105-000002", 4),
    ]
    assert api.api("GET", f"/lots/{run['outputLotId']}").get_json()["status"] == "RELEASED"
    api.act("schedule", {"recipe": 1, "quantity": 1000, "workOrderRef": "WO-10"})
    assert api.act("produce", {"run": "WO-10"}, status=409)["error"] == "INSUFFICIENT_STOCK"
    assert api.api("GET", "/production-runs/2").get_json()["consumptions"] == []
