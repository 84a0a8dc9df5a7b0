"""Inspection (QUARANTINE -> RELEASED / REJECTED), lock-out and unlock, with their guards and events."""

from __future__ import annotations

from .conftest import QmsDriver, err


def _quarantine_lot(api: QmsDriver, qty: float = 10) -> dict:
    rm = api.item("RM-1", netsuite_id="ns-1")
    po = api.po("4711", [(rm["id"], qty)], number="PO55")
    return dict(api.receive(po["id"], [(1, qty)])["lots"][0])


def test_inspection_pass_releases_and_emits_lot_released(api: QmsDriver) -> None:
    api.api(
        "POST", "/webhooks", {"url": "http://127.0.0.1:9/hook", "events": ["lot.*"], "secret": "s3cret-123"}
    )
    lot = _quarantine_lot(api)
    r = api.api(
        "POST", f"/lots/{lot['id']}/inspection", {"result": "PASS", "inspector": "Ann", "notes": "ok"}
    )
    assert r.status_code == 200
    assert (r.get_json()["status"], r.get_json()["inspection"]) == (
        "RELEASED",
        {"result": "PASS", "inspector": "Ann", "notes": "ok", "inspectedAt": "2026-01-05T09:00:00+00:00"},
    )
    r = api.api("POST", f"/lots/{lot['id']}/inspection", {"result": "FAIL"})
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "INVALID_STATE",
            "message": "Lot R260105-000001 is RELEASED; cannot inspect it (only QUARANTINE lots "
            "are inspected).",
            "details": {"resource": "Lot", "id": "R260105-000001", "status": "RELEASED"},
        },
    )
    [d] = api.deliveries()
    assert (d["event"], d["eventId"], d["status"]) == ("lot.released", "evt_00000001", "pending")
    p = d["payload"]
    assert (p["id"], p["type"], p["createdAt"]) == (
        "evt_00000001",
        "lot.released",
        "2026-01-05T09:00:00+00:00",
    )
    assert p["data"]["item"] == {"id": 1, "sku": "RM-1", "netsuiteId": "ns-1"}
    assert p["data"]["source"] == {
        "type": "RECEIPT",
        "receiptId": 1,
        "line": 1,
        "purchaseOrder": {"id": 1, "netsuiteId": "4711", "number": "PO55"},
    }
    assert p["data"]["lot"]["lotNumber"] == "R260105-000001" and p["data"]["lot"]["status"] == "RELEASED"


def test_inspection_fail_rejects_and_bad_result_is_400(api: QmsDriver) -> None:
    lot = _quarantine_lot(api)
    r = api.api("POST", f"/lots/{lot['id']}/inspection", {"result": "MAYBE"})
    assert r.status_code == 400 and r.get_json()["details"] == {"field": "result"}
    r = api.api("POST", f"/lots/{lot['id']}/inspection", {"result": "FAIL"})
    assert r.get_json()["status"] == "REJECTED"
    assert api.api("GET", "/lots?status=REJECTED").get_json()["total"] == 1
    assert api.api("POST", "/lots/99/inspection", {"result": "PASS"}).status_code == 404


def test_lock_and_unlock_restore_the_previous_status(api: QmsDriver) -> None:
    lot = _quarantine_lot(api)
    assert api.api("POST", f"/lots/{lot['id']}/lock", {}).status_code == 400  # reason required
    r = api.api("POST", f"/lots/{lot['id']}/lock", {"reason": "Supplier recall 12"})
    assert r.status_code == 200
    assert (r.get_json()["lot"]["status"], r.get_json()["lot"]["lockReason"], r.get_json()["lockedLots"]) == (
        "LOCKED",
        "Supplier recall 12",
        ["R260105-000001"],
    )
    r = api.api("POST", f"/lots/{lot['id']}/lock", {"reason": "again"})
    assert r.status_code == 409 and r.get_json()["details"]["status"] == "LOCKED"
    r = api.api("POST", f"/lots/{lot['id']}/inspection", {"result": "PASS"})
    assert r.status_code == 409 and r.get_json()["details"]["status"] == "LOCKED"
    r = api.api("POST", f"/lots/{lot['id']}/unlock")
    assert (r.status_code, r.get_json()["status"], r.get_json()["lockReason"]) == (200, "QUARANTINE", None)
    r = api.api("POST", f"/lots/{lot['id']}/unlock")
    assert err(r) == (
        409,
        {
            "statusCode": 409,
            "name": "ConflictError",
            "code": "INVALID_STATE",
            "message": "Lot R260105-000001 is QUARANTINE; cannot unlock it (it is not LOCKED).",
            "details": {"resource": "Lot", "id": "R260105-000001", "status": "QUARANTINE"},
        },
    )


def test_actions_release_reject_lock_adjust(api: QmsDriver) -> None:
    lot = _quarantine_lot(api)
    assert api.act("release", {"lot": lot["lotNumber"]})["status"] == "RELEASED"
    assert api.act("adjust", {"lot": lot["id"], "quantity": 7.5})["quantity"] == 7.5
    api.act("adjust", {"lot": lot["id"], "quantity": -1}, status=400)
    assert api.act("lock", {"lot": lot["lotNumber"]})["lot"]["lockReason"] == "Recall"
    api.act("adjust", {"lot": lot["id"], "quantity": 1}, status=409)
    api.act("reject", {"lot": lot["lotNumber"]}, status=409)
    assert api.act("unlock", {"lot": lot["lotNumber"]})["status"] == "RELEASED"
    api.act("release", {"lot": "NOPE"}, status=404)
    assert api.api("GET", "/lots?lot_number=R260105-000001").get_json()["data"][0]["quantity"] == 7.5
