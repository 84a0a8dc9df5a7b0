"""Filter pushdown into costly SuiteQL tables: the same answers, less work (aggregateitemlocation by item/location)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlglot

from mocks.core.store import Store
from mocks.netsuite.domain.suiteql.pushdown import pushdown

from .suiteql_world import rows

FULL = (
    "SELECT item, location, quantityonhand, quantityavailable, quantitycommitted FROM aggregateitemlocation"
)


def _tree(query: str) -> Any:
    return sqlglot.parse_one(query, read="oracle")


@pytest.mark.parametrize(
    ("query", "only"),
    [
        (
            FULL + " WHERE item = 20 AND location = 3",
            {"aggregateitemlocation": {"item": {20}, "location": {3}}},
        ),
        (
            FULL + " WHERE 3 = location AND (item IN (20, 21)) AND quantityonhand > 0",
            {"aggregateitemlocation": {"item": {20, 21}, "location": {3}}},
        ),
        (FULL + " WHERE item = 20 AND item = 21", {"aggregateitemlocation": {"item": set()}}),
        (FULL + " WHERE item = 20 OR location = 3", {}),
        (FULL + " WHERE item = '20'", {}),
        (FULL + " a JOIN item i ON i.id = a.item WHERE a.item = 20", {}),
        (FULL + " WHERE item = 20 AND location = (SELECT MAX(location) FROM aggregateitemlocation)", {}),
        ("SELECT id FROM item WHERE id = 20", {}),
    ],
)
def test_only_top_level_integer_equalities_of_a_lone_table_are_pushed_down(
    query: str, only: dict[str, Any]
) -> None:
    assert pushdown(_tree(query)) == only


@pytest.mark.parametrize(
    "where",
    [
        "item = 20 AND location = 3",
        "location = 3",
        "item IN (20, 21)",
        "item = 20 AND location = 4",
        "item = 99",
        "item = 20 AND quantityonhand > 5",
    ],
)
def test_pushed_down_queries_answer_as_the_whole_table_filtered(store: Store, where: str) -> None:
    whole = rows(store, FULL)
    col = {"item": "item", "location": "location"}
    expected = [r for r in whole if _matches(r, where, col)]
    assert rows(store, f"{FULL} WHERE {where}") == expected


def _matches(row: dict[str, Any], where: str, _col: dict[str, str]) -> bool:
    env = {
        "item": int(row["item"]),
        "location": int(row["location"]),
        "quantityonhand": float(row["quantityonhand"]),
    }
    python = where.replace(" AND ", " and ").replace(" = ", " == ").replace(" IN ", " in ")
    return bool(eval(python, {}, env))  # noqa: S307 - the test's own fixed expressions
