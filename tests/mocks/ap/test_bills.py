"""Bills: create (exact body), validation, classifications, duplicates, approvals, archive (synced edits: test_synced_edits)."""

from __future__ import annotations

from typing import Any

from .conftest import ApDriver, err


def _setup(api: ApDriver) -> tuple[str, str]:
    return api.vendor()["id"], api.coa()


def test_create_bill_exact_body_and_state(api: ApDriver) -> None:
    vid, coa = _setup(api)
    body = {
        "vendorId": vid,
        "dueDate": "2026-02-04",
        "description": "Jan supplies",
        "poNumber": "PO-7",
        "invoice": {"invoiceNumber": "INV-100", "invoiceDate": "2026-01-05"},
        "billLineItems": [
            {"amount": 100.5, "description": "paper", "classifications": {"chartOfAccountId": coa}},
            {"quantity": 3, "price": 2.5, "description": "pens"},
        ],
    }
    bill = api.ok("POST", "/bills", body)
    assert bill == {
        "id": "00n02000000000000001",
        "archived": False,
        "vendorId": vid,
        "vendorName": "Acme Supplies",
        "invoice": {"invoiceNumber": "INV-100", "invoiceDate": "2026-01-05"},
        "dueDate": "2026-02-04",
        "description": "Jan supplies",
        "poNumber": "PO-7",
        "amount": 108.0,
        "dueAmount": 108.0,
        "paidAmount": 0.0,
        "creditAmount": 0.0,
        "scheduledAmount": 0.0,
        "paymentStatus": "UNPAID",
        "approvalStatus": "UNASSIGNED",
        "billLineItems": [
            {
                "id": "0li02000000000000001",
                "amount": 100.5,
                "quantity": None,
                "price": None,
                "description": "paper",
                "classifications": {
                    "chartOfAccountId": coa,
                    "departmentId": None,
                    "accountingClassId": None,
                    "locationId": None,
                },
            },
            {
                "id": "0li02000000000000002",
                "amount": 7.5,
                "quantity": 3.0,
                "price": 2.5,
                "description": "pens",
                "classifications": {
                    "chartOfAccountId": None,
                    "departmentId": None,
                    "accountingClassId": None,
                    "locationId": None,
                },
            },
        ],
        "currency": "USD",
        "synced": False,
        "externalId": None,
        "createdTime": "2026-01-05T09:00:00.000+0000",
        "updatedTime": "2026-01-05T09:00:00.000+0000",
    }
    assert api.ok("GET", f"/bills/{bill['id']}") == bill
    state = api.state()
    assert [(d["doc_type"], d["amount"]) for d in state["ap_documents"]] == [("bill", 10800)]
    assert [line["amount"] for line in state["ap_lines"]] == [10050, 750]


def test_bill_validation_refusals_write_nothing(api: ApDriver) -> None:
    vid, coa = _setup(api)
    base: dict[str, Any] = {
        "vendorId": vid,
        "dueDate": "2026-02-04",
        "invoice": {"invoiceNumber": "A", "invoiceDate": "2026-01-05"},
        "billLineItems": [{"amount": 10}],
    }

    def bad(patch: dict[str, Any]) -> tuple[int, str, str]:
        return err(api.api("POST", "/bills", {**base, **patch}))

    assert bad({"vendorId": None}) == (400, "BDC_1106", "vendorId is required.")
    assert bad({"vendorId": "00902000000000000077"}) == (
        400,
        "BDC_1152",
        "vendorId '00902000000000000077' does not exist.",
    )
    assert bad({"dueDate": "04/02/2026"}) == (
        400,
        "BDC_1107",
        "dueDate must be a date in the yyyy-MM-dd format.",
    )
    assert bad({"invoice": {"invoiceNumber": "A"}}) == (400, "BDC_1106", "invoice.invoiceDate is required.")
    assert bad({"billLineItems": []}) == (400, "BDC_1106", "billLineItems must contain at least one item.")
    assert bad({"billLineItems": [{"description": "x"}]}) == (
        400,
        "BDC_1106",
        "billLineItems[0].amount is required.",
    )
    assert bad({"billLineItems": [{"amount": True}]}) == (
        400,
        "BDC_1107",
        "billLineItems[0].amount must be a number.",
    )
    assert bad({"billLineItems": [{"amount": 1.005}]})[1] == "BDC_1107"
    assert bad({"billLineItems": [{"amount": 10**30}]}) == (
        400,
        "BDC_1107",
        "billLineItems[0].amount is out of range.",
    )
    assert bad({"billLineItems": [{"quantity": 2}]})[1] == "BDC_1106"
    assert bad({"billLineItems": [{"amount": -5}]}) == (
        400,
        "BDC_1107",
        "The total of billLineItems must be at least 0.",
    )
    assert bad({"currency": "CAD"}) == (
        400,
        "BDC_1206",
        "Currency 'CAD' is not supported. Only USD is supported.",
    )
    assert bad({"description": "a\x00b"})[1] == "BDC_1107"
    assert bad(
        {"billLineItems": [{"amount": 1, "classifications": {"departmentId": "0de02000000000000099"}}]}
    ) == (400, "BDC_1152", "departments id '0de02000000000000099' does not exist.")
    assert (
        bad({"billLineItems": [{"amount": 1, "classifications": {"chartOfAccountId": vid}}]})[1] == "BDC_1152"
    )
    assert bad({"billLineItems": [{"amount": 1, "classifications": {"colour": "x"}}]})[1] == "BDC_1002"
    api.api("POST", f"/classifications/chart-of-accounts/{coa}/archive")
    assert bad({"billLineItems": [{"amount": 1, "classifications": {"chartOfAccountId": coa}}]}) == (
        400,
        "BDC_1211",
        f"billLineItems[0].classifications.chartOfAccountId '{coa}' is inactive and cannot be used.",
    )
    state = api.state()
    assert state["ap_documents"] == [] and state["ap_lines"] == []
    # integral floats are accepted where numbers are expected
    assert (
        api.ok("POST", "/bills", {**base, "billLineItems": [{"quantity": 2.0, "price": 5.0}]})["amount"]
        == 10.0
    )


def test_duplicate_invoice_number_per_vendor(api: ApDriver) -> None:
    vid, _ = _setup(api)
    first = api.bill(vid, "INV-9")
    assert err(
        api.api(
            "POST",
            "/bills",
            {
                "vendorId": vid,
                "dueDate": "2026-02-04",
                "invoice": {"invoiceNumber": "INV-9", "invoiceDate": "2026-01-06"},
                "billLineItems": [{"amount": 1}],
            },
        )
    ) == (400, "BDC_1171", "Bill with the same invoice number for this vendor already exists: 'INV-9'.")
    other = api.vendor("Other Co")["id"]
    api.bill(other, "INV-9")  # another vendor may use the same number
    api.ok("POST", f"/bills/{first['id']}/archive")
    api.bill(vid, "INV-9")  # archived bills free the number...
    assert (
        err(api.api("POST", f"/bills/{first['id']}/restore"))[1] == "BDC_1171"
    )  # ...and cannot come back over it


def test_approval_policy_and_actions(api: ApDriver) -> None:
    vid, _ = _setup(api)
    big = api.bill(vid, "BIG", (1500.0,))
    assert big["approvalStatus"] == "ASSIGNED"
    r = api.api(
        "POST",
        "/payments",
        {
            "billId": big["id"],
            "amount": 10,
            "processDate": "2026-01-05",
            "fundingAccount": {"type": "BANK_ACCOUNT", "id": "bac02000000000000001"},
        },
    )
    assert err(r) == (
        400,
        "BDC_1290",
        f"Bill '{big['id']}' approval status is ASSIGNED; approvals must be complete before it can be paid.",
    )
    assert api.act("approve_bill", {"billId": big["id"]})["approvalStatus"] == "APPROVED"
    small = api.bill(vid, "SMALL", (10.0,))
    assert api.act("reject_bill", {"billId": small["id"]})["approvalStatus"] == "DENIED"
    assert api.act("approve_bill", {"billId": "00n02000000000000999"}, status=400)["error"] == "BDC_1152"
    # an approved bill whose amount changes goes back through approval
    again = api.ok("PATCH", f"/bills/{big['id']}", {"billLineItems": [{"amount": 2000}]})
    assert again["approvalStatus"] == "ASSIGNED" and again["amount"] == 2000.0


def test_bill_list_filters(api: ApDriver) -> None:
    vid, _ = _setup(api)
    a = api.bill(vid, "L-1", (10.0,))
    api.clock({"advance": 120})
    b = api.bill(vid, "L-2", (2000.0,))
    assert [
        x["id"]
        for x in api.ok("GET", "/bills?filters=updatedTime:gt:2026-01-05T09:01:00.000+0000")["results"]
    ] == [b["id"]]
    assert [x["id"] for x in api.ok("GET", "/bills?filters=amount:gte:1000")["results"]] == [b["id"]]
    assert [x["id"] for x in api.ok("GET", "/bills?filters=approvalStatus:eq:UNASSIGNED")["results"]] == [
        a["id"]
    ]
    assert [x["id"] for x in api.ok("GET", '/bills?filters=invoice.invoiceNumber:eq:"L-1"')["results"]] == [
        a["id"]
    ]
    assert len(api.ok("GET", "/bills?filters=paymentStatus:eq:UNPAID")["results"]) == 2
    assert api.ok("GET", f"/bills?filters=vendorId:eq:{vid}&max=1")["nextPage"] is not None
