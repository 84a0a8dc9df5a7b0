"""Periods: Override Period Restrictions on the role, Allow Non-G/L Changes, and the date-outside-period preference."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import REST, NetSuiteDriver, detail, ref


def _invoice(ns: NetSuiteDriver, world: dict[str, Any], **extra: Any) -> Any:
    return ns.api(
        "POST",
        f"{REST}/invoice",
        {
            "entity": ref(world["customers"][0]),
            "item": {"items": [{"item": ref(world["items"]["service"][0]), "quantity": 1, "rate": 100}]},
            **extra,
        },
    )


def _bill(ns: NetSuiteDriver, world: dict[str, Any], **extra: Any) -> Any:
    return ns.api(
        "POST",
        f"{REST}/vendorBill",
        {
            "entity": ref(world["vendors"][0]),
            "tranId": "P-1",
            **extra,
            "expense": {"items": [{"account": ref(world["accounts"]["Office Supplies"]), "amount": 50}]},
        },
    )


def _override(ns: NetSuiteDriver, world: dict[str, Any], on: bool) -> None:
    ns.act("edit_record", {"type": "role", "id": world["role"], "fields": {"overridePeriodRestrictions": on}})


@pytest.mark.parametrize(
    ("scope", "post", "reason"),
    [
        ("ar", _invoice, "locked for accounts receivable"),
        ("ap", _bill, "locked for accounts payable"),
        ("all", _invoice, "locked"),
    ],
)
def test_override_period_restrictions_opens_locked_periods_to_the_role(
    ns: NetSuiteDriver, world: dict[str, Any], scope: str, post: Any, reason: str
) -> None:
    ns.act("lock_period", {"periodName": "Jan 2026", "scope": scope})
    r = post(ns, world)
    assert r.status_code == 400
    assert detail(r)["detail"] == (
        f"Error while accessing a resource. The accounting period Jan 2026 is {reason}. "
        "The transaction date you specified is not within an open accounting period."
    )
    _override(ns, world, True)
    r = post(ns, world)
    assert r.status_code == 204, r.get_data(as_text=True)
    rid = int(r.headers["Location"].rsplit("/", 1)[1])
    rtype = r.headers["Location"].rsplit("/", 2)[1]
    assert ns.record(rtype, rid)["postingPeriod"]["refName"] == "Jan 2026"
    # ... and its edits and deletes, until the permission is taken away again.
    _override(ns, world, False)
    assert ns.api("DELETE", f"{REST}/{rtype}/{rid}").status_code == 400
    _override(ns, world, True)
    assert ns.api("DELETE", f"{REST}/{rtype}/{rid}").status_code == 204


def test_override_does_not_open_a_closed_period(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    _override(ns, world, True)
    ns.act("close_period", {"periodName": "Dec 2025"})
    r = _invoice(ns, world, tranDate="2025-12-15")
    assert r.status_code == 400 and "Dec 2025 is closed" in detail(r)["detail"]


def test_a_closed_period_without_non_gl_changes_refuses_even_a_memo(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    inv = int(_invoice(ns, world, tranDate="2025-12-15").headers["Location"].rsplit("/", 1)[1])
    assert ns.act("close_period", {"periodName": "Dec 2025"})["allowNonGLChanges"] is False
    r = ns.api("PATCH", f"{REST}/invoice/{inv}", {"memo": "note only"})
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Error while accessing a resource. You cannot change a transaction in a closed "
        "period (Dec 2025): the period does not allow non-G/L changes.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "memo",
    }
    assert "memo" not in ns.record("invoice", inv)


def test_allow_non_gl_changes_takes_memos_and_applications_but_not_amounts(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    inv = int(_invoice(ns, world, tranDate="2025-12-15").headers["Location"].rsplit("/", 1)[1])
    cm = ns.create(
        "creditMemo",
        {
            "entity": ref(world["customers"][0]),
            "tranDate": "2025-12-16",
            "item": {"items": [{"item": ref(world["items"]["service"][0]), "quantity": 1, "rate": 10}]},
            "apply": {"items": [{"doc": ref(inv), "amount": 5}]},
        },
    )
    ns.act("close_period", {"periodName": "Dec 2025", "allowNonGLChanges": True})
    assert ns.api("PATCH", f"{REST}/invoice/{inv}", {"memo": "note only"}).status_code == 204
    assert (
        ns.api(
            "PATCH", f"{REST}/creditMemo/{cm}", {"apply": {"items": [{"line": 1, "amount": 8}]}}
        ).status_code
        == 204
    )
    assert ns.record("invoice", inv)["amountRemaining"] == 92.0
    r = ns.api("PATCH", f"{REST}/invoice/{inv}", {"item": {"items": [{"line": 1, "rate": 90}]}})
    assert r.status_code == 400 and "closed period (Dec 2025)" in detail(r)["detail"]


@pytest.mark.parametrize(("pref", "accepted"), [("disallow", False), ("warn", True), ("allow", True)])
def test_transaction_date_outside_the_posting_period(
    ns: NetSuiteDriver, world: dict[str, Any], pref: str, accepted: bool
) -> None:
    assert (
        ns.act("set_preference", {"name": "transactionDateOutsidePeriod", "value": pref})[
            "transactionDateOutsidePeriod"
        ]
        == pref
    )
    r = _invoice(ns, world, tranDate="2026-01-20", postingPeriod=ref(world["periods"]["Feb 2026"]))
    if accepted:
        assert r.status_code == 204, r.get_data(as_text=True)
        inv = ns.record("invoice", int(r.headers["Location"].rsplit("/", 1)[1]))
        assert (inv["tranDate"], inv["postingPeriod"]["refName"]) == ("2026-01-20", "Feb 2026")
    else:
        assert r.status_code == 400
        assert detail(r) == {
            "detail": "Error while accessing a resource. The transaction date you specified is "
            "not within the date range of your accounting period.",
            "o:errorCode": "USER_ERROR",
            "o:errorPath": "tranDate",
        }
    # A date inside the chosen period is always fine.
    assert (
        _invoice(
            ns, world, tranDate="2026-02-03", postingPeriod=ref(world["periods"]["Feb 2026"])
        ).status_code
        == 204
    )


@pytest.mark.parametrize("scope", ["xx", ["ar"], 3])
def test_lock_period_refuses_a_scope_it_does_not_know(
    ns: NetSuiteDriver, world: dict[str, Any], scope: Any
) -> None:
    """A scope that is not all / ar / ap is the control plane's 400 (a list was a 500), and nothing is locked."""
    out = ns.act("lock_period", {"periodName": "Jan 2026", "scope": scope}, status=400)
    assert out == {"error": "INVALID_ACTION", "message": "scope must be all, ar or ap."}
    assert _invoice(ns, world).status_code == 204
