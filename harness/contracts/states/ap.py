"""AP (BILL v3) provider states: vendors, bills in each payment state, sessions that expire."""

from __future__ import annotations

import uuid
from typing import Any

from . import Values, World, provider_state

VENDOR = {
    "ref": "V1",
    "name": "Northwind Supplies",
    "accountType": "BUSINESS",
    "email": "ar@northwind.example",
}


def vendor(world: World) -> Values:
    """Vendor Northwind Supplies."""
    made = world.plane.seed({"records": {"vendors": [VENDOR]}})
    return {"vendorId": made["vendors"][0]}


def bill(world: World, number: str, *, subscribe: bool = False) -> Values:
    """The vendor and an approved, unpaid bill ``number`` of 120.00 USD due in 30 days."""
    values = vendor(world)
    if subscribe:
        subscribe_engine(world)
    body: dict[str, Any] = {
        "vendorId": values["vendorId"],
        "invoice": {"invoiceNumber": number, "invoiceDate": "2026-01-02"},
        "dueDate": "2026-02-01",
        "approvalStatus": "APPROVED",
        "billLineItems": [{"amount": 120.0, "description": "Cane sugar, 10 kg"}],
    }
    made = world.plane.seed({"records": {"bills": [body]}})
    values["billId"] = made["bills"][0]
    return values


def subscribe_engine(world: World) -> None:
    """A BILL subscription to every event, notifying the verifier's inbox."""
    catalog = world.vendor.json("GET", "/connect-events/v3/events/catalog")
    body = {
        "name": "pact",
        "status": {"enabled": True},
        "notificationUrl": world.hooks_url,
        "events": [{"type": e["type"], "version": "1"} for e in catalog],
    }
    world.vendor.json(
        "POST", "/connect-events/v3/subscriptions", body, headers={"X-Idempotent-Key": str(uuid.uuid4())}
    )


@provider_state(
    "ap", "vendor Northwind Supplies exists in AP", "Vendor Northwind Supplies (BUSINESS)", ("vendorId",)
)
def _vendor(world: World, words: dict[str, str]) -> Values:
    return vendor(world)


@provider_state("ap", "no AP bill has invoice number {number}", "The vendor and no bill", ("vendorId",))
def _no_bill(world: World, words: dict[str, str]) -> Values:
    return vendor(world)


@provider_state(
    "ap",
    "bill {number} is approved and unpaid",
    "The vendor and approved bill {number} (invoice dated 2026-01-02) of 120.00 USD, unpaid",
    ("billId", "vendorId"),
    "bill INV-1 is approved and unpaid",
)
def _bill_unpaid(world: World, words: dict[str, str]) -> Values:
    return bill(world, words["number"])


@provider_state(
    "ap",
    "bill {number} was paid in AP",
    "As 'approved and unpaid', then paid in full in AP; the engine's subscription got the notifications",
    ("billId", "vendorId"),
)
def _bill_paid(world: World, words: dict[str, str]) -> Values:
    values = bill(world, words["number"], subscribe=True)
    world.plane.act("pay_bill", {"billId": values["billId"]})
    return values


@provider_state(
    "ap",
    "bill {number} was created in AP",
    "The vendor, then bill {number} entered in AP; the engine's subscription got bill.created",
    ("billId", "vendorId"),
)
def _bill_created(world: World, words: dict[str, str]) -> Values:
    return bill(world, words["number"], subscribe=True)


@provider_state(
    "ap",
    "the AP session has expired",
    "The vendor; every open session expired (35 idle minutes)",
    ("vendorId",),
)
def _expired(world: World, words: dict[str, str]) -> Values:
    values = vendor(world)
    world.plane.act("expire_sessions", {})
    return values
