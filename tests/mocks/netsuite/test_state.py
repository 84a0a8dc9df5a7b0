"""The control plane's state dump, whole and narrowed (what load-test probes poll)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from tests.conftest import ADMIN

from .conftest import make_app


def _seeded(tmp_path: Path, serve_app: Any) -> tuple[str, dict[str, Any]]:
    srv = serve_app(make_app(tmp_path))
    world = requests.post(
        f"{srv.url}/__erpsim/seed",
        headers=ADMIN,
        timeout=30,
        json={"seed": 5, "customers": 1, "locations": 2, "stock": 7, "items": {"inventory": 2}},
    ).json()
    return srv.url, world


def _state(url: str, query: str = "") -> dict[str, Any]:
    r = requests.get(f"{url}/__erpsim/state{query}", headers=ADMIN, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_state_narrowed_to_stock_pairs_and_new_records_of_a_type(tmp_path: Path, serve_app: Any) -> None:
    url, world = _seeded(tmp_path, serve_app)
    (item1, item2), (loc1, loc2) = world["items"]["inventory"], world["locations"]
    whole = _state(url)
    assert len(whole["inventory"]) == 4 and "inventoryAdjustment" in whole["records"]

    pairs = _state(url, f"?records=none&inventory={item1}:{loc2},{item2}:{loc1},999:1")
    assert pairs == {
        "records": {},
        "deleted": [],
        "commitments": [],
        "inventory": [
            {"item": item1, "location": loc2, "lot": 0, "bin": 0, "onHand": 7.0},
            {"item": item2, "location": loc1, "lot": 0, "bin": 0, "onHand": 7.0},
        ],
    }

    adjustments = whole["records"]["inventoryAdjustment"]
    last = adjustments[-1]["id"]
    narrowed = _state(url, "?types=inventoryAdjustment")
    assert narrowed == {
        "records": {"inventoryAdjustment": adjustments},
        "deleted": [],
        "inventory": [],
        "commitments": [],
    }
    assert _state(url, f"?types=inventoryAdjustment&since={last}")["records"] == {}
    assert _state(url, f"?types=inventoryAdjustment&since={last - 1}")["records"] == {
        "inventoryAdjustment": [adjustments[-1]]
    }
