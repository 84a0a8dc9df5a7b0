"""The lot invariants on small hand-made worlds: released, received once, recalled, traced through builds."""

from __future__ import annotations

from typing import Any

from .invariant_worlds import TENT, _ctx, _messages, _rec


def test_lots() -> None:
    qms = {
        "qms_lots": [
            {"id": 1, "lot_number": "L1", "status": "QUARANTINE", "inspection_result": None},
            {"id": 2, "lot_number": "L2", "status": "LOCKED", "locked_at": "2026-01-05"},
            {"id": 3, "lot_number": "FG1", "status": "RELEASED"},
        ],
        "qms_production_runs": [{"id": 9, "output_lot_id": 3}],
        "qms_consumptions": [{"run_id": 9, "lot_id": 2}],
    }
    ctx = _ctx({"inventoryNumber": [_rec(60, {"inventoryNumber": "L1"})]}, extra={"qms": qms})
    ctx.state["netsuite"]["inventory"] = [{"item": TENT, "location": 1, "lot": 60, "bin": 0, "onHand": 5.0}]
    assert _messages("netsuite_lots_released", ctx) == [
        "NetSuite holds lot L1, which the QMS has as QUARANTINE (never released)"
    ]
    assert _messages("recalled_lot_locked_everywhere", ctx) == [
        "lot FG1 was made from recalled lot L2 but is RELEASED"
    ]


def test_a_recalled_lot_must_be_held_out_of_sale_in_netsuite() -> None:
    qms = {"qms_lots": [{"id": 2, "lot_number": "L2", "status": "LOCKED", "locked_at": "2026-01-05"}]}
    locations = [_rec(1, {"name": "Main"}), _rec(9, {"name": "Recall hold", "makeInventoryAvailable": False})]
    ctx = _ctx(
        {"inventoryNumber": [_rec(61, {"inventoryNumber": "L2"})], "location": locations}, extra={"qms": qms}
    )
    ctx.state["netsuite"]["inventory"] = [{"item": TENT, "location": 1, "lot": 61, "bin": 0, "onHand": 4.0}]
    assert _messages("recalled_lot_locked_everywhere", ctx) == [
        "recalled lot L2 is still available for sale in NetSuite: 4 on hand at location 1"
    ]
    ctx.state["netsuite"]["inventory"] = [
        {"item": TENT, "location": 9, "lot": 61, "bin": 0, "onHand": 4.0},
        {"item": TENT, "location": 1, "lot": 61, "bin": 0, "onHand": 0.0},
    ]
    assert _messages("recalled_lot_locked_everywhere", ctx) == []
    # a fulfilment issuing the lot (by its inventoryNumber id) after the lock
    ctx.state["netsuite"]["records"]["itemFulfillment"] = [
        _rec(
            95,
            {
                "item": [
                    {
                        "inventoryDetail": {
                            "inventoryAssignment": [{"issueInventoryNumber": {"id": "61"}, "quantity": 1}]
                        }
                    }
                ]
            },
            "2026-01-06T10:00:00+00:00",
        )
    ]
    assert _messages("recalled_lot_locked_everywhere", ctx) == [
        "NetSuite fulfilment 95 shipped recalled lot L2 after it was locked"
    ]


def _receipt(rid: int, number: str, quantity: float) -> dict[str, Any]:
    return _rec(
        rid,
        {
            "item": [
                {
                    "line": 1,
                    "inventoryDetail": {
                        "inventoryAssignment": [{"receiptInventoryNumber": number, "quantity": quantity}]
                    },
                }
            ]
        },
    )


def test_each_released_lot_is_received_once_for_its_quantity() -> None:
    def lot(n: int, number: str, result: str | None, status: str = "RELEASED") -> dict[str, Any]:
        return {
            "id": n,
            "lot_number": number,
            "status": status,
            "initial_m": 50_000,
            "source": "RECEIPT",
            "inspection_result": result,
        }

    qms = {
        "qms_lots": [
            lot(1, "L1", "PASS"),
            lot(2, "L2", "PASS"),
            lot(3, "L3", "FAIL", "REJECTED"),
            lot(4, "L4", "PASS"),
            lot(5, "L5", "PASS"),
            lot(6, "L6", None, "QUARANTINE"),
        ]
    }
    receipts = [
        _receipt(70, "L1", 50),
        _receipt(71, "L2", 50),
        _receipt(72, "L2", 50),
        _receipt(73, "L3", 50),
        _receipt(74, "L5", 40),
    ]
    ctx = _ctx({"itemReceipt": receipts}, extra={"qms": qms}, exceptions=[])
    assert _messages("lots_received_once", ctx) == [
        "lot L2: NetSuite received 100 in 2 receipt(s), the QMS received 50",
        "NetSuite received lot L3, which QC never released (REJECTED)",
        "released lot L4 never reached NetSuite (nor the exception queue)",
        "lot L5: NetSuite received 40 in 1 receipt(s), the QMS received 50",
    ]
    flagged = _ctx(
        {"itemReceipt": receipts[:1]},
        extra={"qms": {"qms_lots": [qms["qms_lots"][3]]}},
        exceptions=[{"category": "closed_period", "summary": "lot L4 waits", "records": {"lot": "L4"}}],
    )
    assert _messages("lots_received_once", flagged) == []


def test_a_build_issues_the_lots_its_run_consumed() -> None:
    qms = {
        "qms_lots": [
            {"id": 1, "lot_number": "COCOA-1", "status": "RELEASED", "inspection_result": "PASS"},
            {"id": 2, "lot_number": "BAR-1", "status": "RELEASED", "inspection_result": "PASS"},
        ],
        "qms_production_runs": [{"id": 5, "output_lot_id": 2}],
        "qms_consumptions": [{"run_id": 5, "lot_id": 1, "quantity_m": 10_000}],
    }
    build = _rec(
        90,
        {
            "tranId": "BLD1",
            "inventoryDetail": {"inventoryAssignment": [{"receiptInventoryNumber": "BAR-1", "quantity": 20}]},
            "component": [
                {
                    "item": {"id": "1"},
                    "componentInventoryDetail": {
                        "inventoryAssignment": [{"issueInventoryNumber": {"id": "61"}, "quantity": 10}]
                    },
                }
            ],
        },
    )
    numbers = [_rec(61, {"inventoryNumber": "COCOA-1"})]
    ctx = _ctx({"inventoryNumber": numbers, "assemblyBuild": [build]}, extra={"qms": qms}, exceptions=[])
    assert _messages("builds_trace_their_lots", ctx) == []
    build["body"]["component"] = []
    assert _messages("builds_trace_their_lots", ctx) == [
        "NetSuite build BLD1 of finished lot BAR-1 issues no lot; QMS run 5 consumed COCOA-1 x 10"
    ]
    ctx = _ctx(
        {"inventoryNumber": numbers, "assemblyBuild": [build, {**build, "id": 91}]},
        extra={"qms": qms},
        exceptions=[],
    )
    assert _messages("builds_trace_their_lots", ctx) == [
        "finished lot BAR-1 of QMS run 5 is received by 2 NetSuite assembly builds"
    ]


def test_fulfilments_issue_released_lots_only() -> None:
    qms = {
        "qms_lots": [
            {"id": 1, "lot_number": "L-OK", "status": "RELEASED", "inspection_result": "PASS"},
            {"id": 2, "lot_number": "L-Q", "status": "QUARANTINE", "inspection_result": None},
        ]
    }
    numbers = [_rec(61, {"inventoryNumber": "L-OK"}), _rec(62, {"inventoryNumber": "L-Q"})]
    fulfilment = _rec(
        90,
        {
            "tranId": "IF1",
            "item": [
                {
                    "line": 1,
                    "inventoryDetail": {
                        "inventoryAssignment": [
                            {"issueInventoryNumber": {"id": "61"}, "quantity": 2},
                            {"issueInventoryNumber": {"id": "62"}, "quantity": 1},
                        ]
                    },
                }
            ],
        },
    )
    ctx = _ctx({"inventoryNumber": numbers, "itemFulfillment": [fulfilment]}, extra={"qms": qms})
    assert _messages("fulfilments_ship_released_lots", ctx) == [
        "NetSuite fulfilment IF1 ships lot L-Q, which QC never released (QUARANTINE)"
    ]
