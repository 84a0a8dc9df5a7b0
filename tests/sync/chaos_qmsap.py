"""Workloads of the QMS and AP flows for the engine-wide crash and fault tests (``tests/sync/chaos.py``).

``qms``: a purchase order received and released, a production run built, a sales order shipped, then a recall
of a raw lot (cascading to the bars made from it). ``ap``: bills both ways (one partly paid and one in euros
that stay out of AP), payments, a vendor credit applied with a recorded payment, a void, an AP invoice.
"""

from __future__ import annotations

import json
from typing import Any

from tests.sync.chaos import workload
from tests.sync.conftest import World
from tests.sync.flows.ap_world import ApWorld, ap_call, seed_ap_world
from tests.sync.flows.qms_world import QMS_FLOWS, QmsWorld, add_recipe, seed_ns, seed_qms_world

QMS_ENV = {"ERPSIM_SYNC_LOCATION_MAP": json.dumps({"qms": "eid:plant"})}
AP_FLOWS = ("ap-vendors", "ap-bills", "ap-payments", "ap-invoices")


def _first_sync(world: World, context: Any) -> None:
    """The first sync: purchase orders to the QMS, or vendors and bills between NetSuite and AP."""


def _receive_release_schedule(world: World, plant: Any) -> None:
    """The QMS receives the purchase order; QC releases both lots; a planner schedules ten bars."""
    q: QmsWorld = plant["q"]
    receipt = world.act("qms", "receive", {"po": q.purchase_orders[0]})
    plant["lots"] = [lot["lotNumber"] for lot in receipt["lots"]]
    for lot in plant["lots"]:
        world.act("qms", "release", {"lot": lot})
    plant["run"] = world.act("qms", "schedule", {"recipe": "MMR-BAR", "quantity": 10})["id"]


def _produce_and_sell(world: World, plant: Any) -> None:
    """The run is produced and its output released; NetSuite takes an order of four bars at the plant."""
    q: QmsWorld = plant["q"]
    world.act("qms", "produce", {"run": plant["run"], "release": True})
    plant["so"] = seed_ns(
        world,
        {
            "salesOrder": [
                {
                    "entity": {"id": q.customer},
                    "orderStatus": "B",
                    "item": {
                        "items": [
                            {
                                "item": {"id": q.finished},
                                "quantity": 4,
                                "rate": 3,
                                "location": {"id": q.location},
                            }
                        ]
                    },
                }
            ]
        },
    )["salesOrder"][0]


def _ship_and_recall(world: World, plant: Any) -> None:
    """The order ships; then the sugar lot is recalled, and with it the bars made from it."""
    world.act("qms", "ship", {"order": plant["so"], "carrier": "UPS", "trackingNumber": "1Z1"})
    world.act("qms", "lock", {"lot": plant["lots"][0], "reason": "supplier recall", "cascade": True})


@workload(
    "qms",
    tuple(QMS_FLOWS.split(",")),
    _first_sync,
    _receive_release_schedule,
    _produce_and_sell,
    _ship_and_recall,
    env=QMS_ENV,
)
def qms_setup(world: World) -> dict[str, Any]:
    """Raw materials, a bar and its recipe in both systems, an approved purchase order."""
    q = seed_qms_world(world)
    add_recipe(world, q)
    return {"q": q}


def _pay_and_credit(world: World, books: Any) -> None:
    """AP pays part of a bill, applies a vendor credit with a recorded payment; NetSuite gets a new bill."""
    w: ApWorld = books["w"]
    refs = books["refs"]
    books["paid"] = world.act("ap", "pay_bill", {"billId": refs["inv1"], "amount": 100})["id"]
    ap_call(
        world,
        "POST",
        "/bills/record-payment",
        {
            "vendorId": refs["depot"],
            "processDate": "2026-01-05",
            "toPrintCheck": False,
            "payments": [
                {"billId": refs["inv1"], "amount": 20, "vendorCredits": [{"id": refs["vc1"], "amount": 30}]}
            ],
        },
    )
    seed_ns(
        world,
        {
            "vendorBill": [
                {
                    "entity": {"id": w.vendor},
                    "tranId": "B-4",
                    "tranDate": "2026-01-05",
                    "expense": {"items": [{"account": {"id": w.accounts["6100"]}, "amount": 60}]},
                }
            ]
        },
    )


def _void_and_edit(world: World, books: Any) -> None:
    """AP voids the first payment and edits the bill's description."""
    world.act("ap", "void_payment", {"paymentId": books["paid"]})
    world.act("ap", "edit_bill", {"billId": books["refs"]["inv1"], "description": "toner, reordered"})


@workload("ap", AP_FLOWS, _first_sync, _pay_and_credit, _void_and_edit)
def ap_setup(world: World) -> dict[str, Any]:
    """NetSuite: unpaid, partly paid and euro bills; AP: vendors (a person), a bill, a credit, an invoice."""
    w = seed_ap_world(world)
    bills = seed_ns(
        world,
        {
            "vendorBill": [
                {
                    "entity": {"id": w.vendor},
                    "tranId": "B-1",
                    "tranDate": "2026-01-05",
                    "expense": {"items": [{"account": {"id": w.accounts["6000"]}, "amount": 120}]},
                },
                {
                    "entity": {"id": w.vendor},
                    "tranId": "B-2",
                    "tranDate": "2026-01-05",
                    "expense": {"items": [{"account": {"id": w.accounts["6000"]}, "amount": 80}]},
                },
                {
                    "entity": {"id": w.euro_vendor},
                    "tranId": "R-9",
                    "tranDate": "2026-01-05",
                    "expense": {"items": [{"account": {"id": w.accounts["6000"]}, "amount": 500}]},
                },
            ]
        },
    )["vendorBill"]
    seed_ns(
        world,
        {
            "vendorPayment": [
                {
                    "entity": {"id": w.vendor},
                    "account": {"id": w.accounts["1000"]},
                    "apply": {"items": [{"doc": {"id": bills[1]}, "apply": True, "amount": 50}]},
                }
            ]
        },
    )
    account = {"chartOfAccountId": w.ap_accounts["6000"]}
    refs = world.control(
        "ap",
        "POST",
        "seed",
        {
            "records": {
                "vendors": [
                    {
                        "ref": "depot",
                        "name": "Office Depot",
                        "accountType": "BUSINESS",
                        "email": "b@depot.test",
                    },
                    {"ref": "grace", "name": "Grace Hopper", "accountType": "PERSON"},
                ],
                "vendor_credits": [
                    {
                        "ref": "vc1",
                        "vendorRef": "depot",
                        "referenceNumber": "VC-1",
                        "creditDate": "2026-01-05",
                        "vendorCreditLineItems": [{"amount": 30, "classifications": account}],
                    }
                ],
                "bills": [
                    {
                        "ref": "inv1",
                        "vendorRef": "depot",
                        "invoice": {"invoiceNumber": "INV-1", "invoiceDate": "2026-01-05"},
                        "dueDate": "2026-02-04",
                        "description": "toner",
                        "billLineItems": [{"amount": 200, "classifications": account}],
                    }
                ],
                "customers": [{"ref": "grocer", "name": "Grocer Inc", "accountType": "BUSINESS"}],
                "invoices": [
                    {
                        "customerRef": "grocer",
                        "invoiceNumber": "AR-1",
                        "invoiceDate": "2026-01-05",
                        "dueDate": "2026-02-04",
                        "invoiceLineItems": [{"quantity": 2, "price": 12.5}],
                    }
                ],
            }
        },
    )["refs"]
    return {"w": w, "refs": refs}
