"""Seed reproducibility and the main AP/AR workflow end to end (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mocks.ap import credentials
from mocks.core.config import EmulatorConfig
from tests.mocks.driver import Driver

from .conftest import BANK, ApDriver, make_app


def test_faker_seed_is_reproducible(tmp_path: Path) -> None:
    body = {"seed": 7, "vendors": 3, "customers": 2, "bills": 5, "vendor_credits": 2, "invoices": 2}
    dumps = []
    for n in range(2):
        (tmp_path / str(n)).mkdir()
        control = Driver(make_app(tmp_path / str(n)))  # the control plane only: no login
        summary = control.seed(body)
        assert len(summary["bills"]) == 5 and len(summary["vendors"]) == 3
        dumps.append(control.state()["ap_documents"])
    assert dumps[0] == dumps[1]
    bad = Driver(make_app(tmp_path / "0")).seed({"seed": 1, "bills": True}, status=400)
    assert bad["error"] == "INVALID_SEED"


def test_explicit_records_with_refs(api: ApDriver) -> None:
    records = {
        "classifications": {
            "departments": [{"ref": "ops", "name": "Ops"}, {"ref": "old", "name": "Old", "active": False}]
        },
        "vendors": [{"ref": "V", "name": "Solo", "accountType": "PERSON"}],
        "bills": [
            {
                "ref": "B",
                "vendorRef": "V",
                "dueDate": "2026-02-01",
                "synced": True,
                "invoice": {"invoiceNumber": "R-1", "invoiceDate": "2026-01-05"},
                "billLineItems": [{"amount": 5, "classifications": {"departmentId": "ref:ops"}}],
            }
        ],
    }
    out = api.seed({"records": records})
    assert out["bills"] == ["00n02000000000000001"] and out["refs"]["V"] == "00902000000000000001"
    bill = api.ok("GET", "/bills/00n02000000000000001")
    assert (
        bill["synced"] is True
        and bill["billLineItems"][0]["classifications"]["departmentId"] == out["refs"]["ops"]
    )
    vendor = api.ok("GET", f"/vendors/{out['refs']['V']}")
    assert (vendor["firstName"], vendor["lastName"]) == ("Solo", "Solo")
    api.seed({"records": {"bills": [{"vendorRef": "nope"}]}}, status=400)


def _workflow(api: ApDriver) -> None:
    """Vendor -> bill (approval) -> credit -> scheduled payment -> processed -> synced -> void; AR invoice paid."""
    seeded = api.seed({"seed": 3, "vendors": 2, "customers": 1})
    coa, dept = seeded["classifications"]["chart-of-accounts"][0], seeded["classifications"]["departments"][0]
    vid = seeded["vendors"][0]
    bill = api.ok(
        "POST",
        "/bills",
        {
            "vendorId": vid,
            "dueDate": "2026-02-04",
            "invoice": {"invoiceNumber": "WF-1", "invoiceDate": "2026-01-05"},
            "billLineItems": [
                {"amount": 1200, "classifications": {"chartOfAccountId": coa, "departmentId": dept}}
            ],
        },
    )
    assert bill["approvalStatus"] == "ASSIGNED"
    api.act("approve_bill", {"billId": bill["id"]})
    credit = api.ok(
        "POST",
        "/vendor-credits",
        {
            "vendorId": vid,
            "referenceNumber": "WF-C",
            "creditDate": "2026-01-05",
            "vendorCreditLineItems": [{"amount": 200}],
        },
    )
    pay = api.ok(
        "POST",
        "/payments",
        {
            "billId": bill["id"],
            "amount": 1000,
            "processDate": "2026-01-05",
            "fundingAccount": BANK,
            "vendorCredits": [{"id": credit["id"], "amount": 200}],
        },
    )
    assert api.ok("GET", f"/bills/{bill['id']}")["paymentStatus"] == "SCHEDULED"
    assert api.act("process_payments") == {"paid": [pay["id"]]}
    got = api.ok("GET", f"/bills/{bill['id']}")
    assert (got["paymentStatus"], got["paidAmount"], got["creditAmount"], got["dueAmount"]) == (
        "PAID",
        1000.0,
        200.0,
        0.0,
    )
    api.act("mark_synced", {"billId": bill["id"]})
    api.act("mark_synced", {"paymentId": pay["id"]})
    assert api.api("PATCH", f"/bills/{bill['id']}", {"billLineItems": [{"amount": 1}]}).status_code == 400
    assert api.ok("POST", f"/payments/{pay['id']}/void")["status"] == "VOIDED"
    got = api.ok("GET", f"/bills/{bill['id']}")
    assert (got["paymentStatus"], got["dueAmount"]) == ("UNPAID", 1200.0)
    inv = api.ok(
        "POST",
        "/invoices",
        {
            "customerId": seeded["customers"][0],
            "invoiceNumber": "WF-AR",
            "invoiceDate": "2026-01-05",
            "dueDate": "2026-02-04",
            "invoiceLineItems": [{"quantity": 1, "price": 99.99}],
        },
    )
    api.ok(
        "POST",
        "/invoices/record-payment",
        {
            "customerId": seeded["customers"][0],
            "paymentDate": "2026-01-05",
            "paymentType": "ACH",
            "invoices": [{"invoiceId": inv["id"], "amount": 99.99}],
        },
    )
    assert api.ok("GET", f"/invoices/{inv['id']}")["paymentStatus"] == "PAID"
    totals = api.act("payment_totals")
    assert totals == {"VOIDED": 1000.0}


def test_main_workflow_sqlite(api: ApDriver) -> None:
    _workflow(api)


@pytest.mark.postgres
@pytest.mark.slow
def test_main_workflow_postgres(tmp_path: Path, pg_url: str) -> None:
    app = make_app(tmp_path, pg_url)
    try:
        _workflow(ApDriver(app))
    finally:  # before the test's database is dropped under its connections
        app.extensions["erpsim"].store.dispose()


def test_credentials_are_deterministic(tmp_path: Path) -> None:
    cfg = EmulatorConfig(system="ap", db_url=f"sqlite:///{tmp_path / 'c.db'}", data_dir=tmp_path)
    assert credentials(cfg) == {
        "DEV_KEY": "erpsim-ap-devkey-0001",
        "USERNAME": "ap-admin@erpsim.test",
        "PASSWORD": "erpsim-ap-password",
        "ORG_ID": "00802ERPSIMORG000001",
        "REMEMBER_ME_ID": "erpsim-ap-remember-me-0001",
        "DEVICE": "erpsim-device",
        "BANK_ACCOUNT_ID": "bac02000000000000001",
    }
    _: Any = None
