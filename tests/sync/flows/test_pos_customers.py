"""pos-customers end to end: Sitoo customers matched to NetSuite customers by email, never duplicated."""

from __future__ import annotations

from typing import Any

from sync.engine import Engine
from tests.sync.conftest import World
from tests.sync.flows.stockworld import records_of, seed_pos


def _engine(make_engine: Any, **settings: str) -> Engine:
    engine: Engine = make_engine(systems="netsuite,pos", flows="pos-customers", **settings)
    return engine


def test_existing_customers_are_matched_new_ones_created_once(fresh: World, make_engine: Any) -> None:
    w = seed_pos(fresh)
    fresh.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "customer": [
                    {
                        "isPerson": True,
                        "firstName": "Ada",
                        "lastName": "Lovelace",
                        "email": "ADA@example.com",
                        "subsidiary": {"id": w.subsidiary},
                        "externalId": "WEB-1",
                    }
                ],
            }
        },
    )
    fresh.act("pos", "register_customer", {"email": "ada@example.com", "namefirst": "Ada", "namelast": "L"})
    fresh.act(
        "pos",
        "register_customer",
        {
            "email": "grace@example.com",
            "namefirst": "Grace",
            "namelast": "Hopper",
            "mobile": "+44 7700 900123",
        },
    )
    engine = _engine(make_engine)
    result = engine.run_pass()
    assert result.completed, result.failures
    customers = sorted(records_of(fresh, "customer"), key=lambda c: c["id"])
    assert [
        (c["externalId"], c.get("email"), c.get("firstName"), c.get("lastName"), c.get("phone"))
        for c in customers
    ] == [
        ("WEB-1", "ADA@example.com", "Ada", "Lovelace", None),
        (
            "POS-EMAIL-" + __import__("hashlib").sha1(b"grace@example.com").hexdigest()[:20],
            "grace@example.com",
            "Grace",
            "Hopper",
            "+44 7700 900123",
        ),
    ]
    assert result.stats.counts["pos-customers"] == {"customers_mapped": 2, "customers_created": 1}
    assert engine.run_pass().stats.counts == {}
    assert len(records_of(fresh, "customer")) == 2


def test_the_no_email_match_mutant_duplicates_an_existing_customer(fresh: World, make_engine: Any) -> None:
    w = seed_pos(fresh)
    fresh.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "customer": [
                    {
                        "isPerson": True,
                        "firstName": "Ada",
                        "lastName": "Lovelace",
                        "email": "ada@example.com",
                        "subsidiary": {"id": w.subsidiary},
                    }
                ],
            }
        },
    )
    fresh.act("pos", "register_customer", {"email": "ada@example.com", "namefirst": "Ada", "namelast": "L"})
    assert _engine(make_engine, mutant="no-email-match").run_pass().completed
    assert [c.get("email") for c in records_of(fresh, "customer")] == ["ada@example.com", "ada@example.com"]


def test_two_netsuite_customers_with_one_email_are_an_exception_not_a_guess(
    fresh: World, make_engine: Any
) -> None:
    w = seed_pos(fresh)
    fresh.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "customer": [
                    {
                        "companyName": "Ada Ltd",
                        "email": "ada@example.com",
                        "subsidiary": {"id": w.subsidiary},
                    },
                    {"companyName": "Ada Co", "email": "ada@example.com", "subsidiary": {"id": w.subsidiary}},
                ],
            }
        },
    )
    user = fresh.act("pos", "register_customer", {"email": "ada@example.com"})
    engine = _engine(make_engine)
    assert engine.run_pass().completed
    [dup] = [e.as_dict() for e in engine.state.exceptions("duplicate_customer")]
    ids = [str(c["id"]) for c in records_of(fresh, "customer")]
    assert dup["records"] == {
        "email": "ada@example.com",
        "netsuite_customers": ids,
        "pos_user": str(user["userid"]),
    }
    assert len(records_of(fresh, "customer")) == 2
