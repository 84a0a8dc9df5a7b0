"""Edits of synced documents (seeds/002): a synced bill can be edited (its vendor stays), a PO-linked one is
unlinked from the PO by the edit (poNumber cleared), and a synced invoice refuses every edit."""

from __future__ import annotations

from typing import Any

from .conftest import ApDriver, err

LOCKED = "The bill has been synced with the accounting system: {} can't be edited in BILL."
NO_PO = (
    "The bill has been synced with the accounting system: its PO number comes from the purchase order there "
    "and can't be set in BILL."
)


def _state_doc(api: ApDriver, pk: int) -> dict[str, Any]:
    state = api.state()
    return next(d for d in state["ap_documents"] if d["pk"] == pk)


def _synced_po_bill(api: ApDriver) -> tuple[str, dict[str, Any]]:
    """A bill the sync brought from a NetSuite purchase order: PO number set, then marked synced."""
    vid = api.vendor()["id"]
    bill = api.bill(vid, "PO-BILL-1", (40.0, 60.0), poNumber="1042")
    api.act("mark_synced", {"billId": bill["id"], "externalId": "NS-VB-9"})
    return vid, bill


def test_a_synced_bill_takes_line_and_invoice_edits_but_keeps_its_vendor(api: ApDriver) -> None:
    vid = api.vendor()["id"]
    bill = api.bill(vid, "S-1", (50.0,))
    assert api.act("mark_synced", {"billId": bill["id"], "externalId": "NS-VB-1"}) == {
        "billId": bill["id"],
        "synced": True,
        "externalId": "NS-VB-1",
    }
    other = api.vendor("Other")["id"]
    assert err(api.api("PATCH", f"/bills/{bill['id']}", {"vendorId": other})) == (
        400,
        "BDC_1260",
        LOCKED.format("vendorId"),
    )
    r = api.api("PATCH", f"/bills/{bill['id']}", {"vendorId": other, "billLineItems": [{"amount": 1}]})
    assert err(r) == (400, "BDC_1260", LOCKED.format("vendorId"))
    assert r.get_json()[0]["category"] == "APPLICATION"
    assert _state_doc(api, 1)["amount"] == 5000  # the refused edit wrote nothing
    ok = api.ok(
        "PATCH",
        f"/bills/{bill['id']}",
        {
            "billLineItems": [{"amount": 60, "description": "paper"}],
            "invoice": {"invoiceNumber": "S-1b", "invoiceDate": "2026-01-06"},
            "dueDate": "2026-03-01",
        },
    )
    assert (ok["amount"], ok["invoice"], ok["dueDate"], ok["synced"], ok["externalId"], ok["poNumber"]) == (
        60.0,
        {"invoiceNumber": "S-1b", "invoiceDate": "2026-01-06"},
        "2026-03-01",
        True,
        "NS-VB-1",
        None,
    )
    assert [(ln["amount"], ln["description"]) for ln in ok["billLineItems"]] == [(60.0, "paper")]
    assert api.ok("GET", f"/bills/{bill['id']}") == ok
    assert api.act("edit_bill", {"billId": bill["id"], "billLineItems": [{"amount": 70}]})["amount"] == 70.0
    assert err(api.api("PATCH", f"/bills/{bill['id']}", {"synced": False})) == (
        400,
        "BDC_1260",
        "Bill has been synced; it cannot be marked unsynced.",
    )
    # the sync may also set the flag through the API
    b2 = api.bill(vid, "S-3")
    assert api.ok("PATCH", f"/bills/{b2['id']}", {"synced": True, "externalId": "NS-2"})["synced"] is True
    assert api.ok("PATCH", f"/bills/{b2['id']}", {"billLineItems": [{"amount": 1}]})["amount"] == 1.0


def test_editing_a_synced_po_bill_unlinks_it_from_the_po(api: ApDriver) -> None:
    _, bill = _synced_po_bill(api)
    assert bill["poNumber"] == "1042"
    # the sync's own bookkeeping and an edit that changes nothing keep the link
    assert (
        api.ok("PATCH", f"/bills/{bill['id']}", {"externalId": "NS-VB-9", "synced": True})["poNumber"]
        == "1042"
    )
    assert (
        api.ok("PATCH", f"/bills/{bill['id']}", {"dueDate": bill["dueDate"], "poNumber": "1042"})["poNumber"]
        == "1042"
    )
    edited = api.ok(
        "PATCH",
        f"/bills/{bill['id']}",
        {
            "billLineItems": [
                {"amount": 40, "description": "line 0"},
                {"amount": 55, "description": "line 1"},
            ]
        },
    )
    assert (edited["poNumber"], edited["amount"], edited["synced"], edited["externalId"]) == (
        None,
        95.0,
        True,
        "NS-VB-9",
    )
    assert api.ok("GET", f"/bills/{bill['id']}")["poNumber"] is None
    doc = _state_doc(api, 1)
    assert (doc["po_number"], doc["amount"], doc["synced"]) == (None, 9500, True)


def test_any_content_edit_unlinks_and_the_po_number_cannot_be_set_again(api: ApDriver) -> None:
    vid, bill = _synced_po_bill(api)
    assert api.ok("PATCH", f"/bills/{bill['id']}", {"description": "Jan order"})["poNumber"] is None
    assert err(api.api("PATCH", f"/bills/{bill['id']}", {"poNumber": "1042"})) == (400, "BDC_1260", NO_PO)
    assert _state_doc(api, 1)["po_number"] is None
    # an invoice-number edit unlinks too; clearing the PO number alone unlinks
    b2 = api.bill(vid, "PO-BILL-2", poNumber="1043")
    api.act("mark_synced", {"billId": b2["id"]})
    assert err(api.api("PATCH", f"/bills/{b2['id']}", {"poNumber": "1044"})) == (400, "BDC_1260", NO_PO)
    assert api.ok("PATCH", f"/bills/{b2['id']}", {"poNumber": None})["poNumber"] is None
    b3 = api.bill(vid, "PO-BILL-3", poNumber="1045")
    api.act("mark_synced", {"billId": b3["id"]})
    got = api.ok(
        "PATCH",
        f"/bills/{b3['id']}",
        {"invoice": {"invoiceNumber": "PO-BILL-3b", "invoiceDate": "2026-01-05"}},
    )
    assert (got["poNumber"], got["invoice"]["invoiceNumber"]) == (None, "PO-BILL-3b")
    # a bill not yet synced keeps a PO number the user edits
    b4 = api.bill(vid, "PO-BILL-4", poNumber="1046")
    assert (
        api.ok("PATCH", f"/bills/{b4['id']}", {"poNumber": "1047", "description": "x"})["poNumber"] == "1047"
    )


def test_a_refused_edit_of_a_po_bill_keeps_the_link(api: ApDriver) -> None:
    _, bill = _synced_po_bill(api)
    api.act("pay_bill", {"billId": bill["id"], "amount": 80})
    r = api.api("PATCH", f"/bills/{bill['id']}", {"billLineItems": [{"amount": 50}]})
    assert err(r) == (
        400,
        "BDC_1281",
        "The new amount 50.00 is less than what is already paid, scheduled or credited (80.00).",
    )
    got = api.ok("GET", f"/bills/{bill['id']}")
    assert (got["poNumber"], got["amount"], got["paidAmount"]) == ("1042", 100.0, 80.0)


def test_a_synced_invoice_refuses_every_edit(api: ApDriver) -> None:
    cust = api.ok("POST", "/customers", {"name": "Retail Co", "accountType": "BUSINESS"})["id"]
    inv = api.ok(
        "POST",
        "/invoices",
        {
            "customerId": cust,
            "invoiceNumber": "AR-7",
            "invoiceDate": "2026-01-05",
            "dueDate": "2026-02-04",
            "poNumber": "SO-12",
            "invoiceLineItems": [{"quantity": 2, "price": 25}],
        },
    )
    api.act("mark_synced", {"invoiceId": inv["id"], "externalId": "NS-INV-3"})
    msg = "Once an invoice has synced with the accounting system it can't be edited in BILL."
    for patch in (
        {"invoiceLineItems": [{"price": 10}]},
        {"invoiceNumber": "AR-8"},
        {"dueDate": "2026-03-01"},
        {"description": "x"},
        {"poNumber": None},
        {"poNumber": "SO-13"},
    ):
        r = api.api("PATCH", f"/invoices/{inv['id']}", patch)
        assert err(r) == (400, "BDC_1260", msg), patch
        assert r.get_json()[0]["category"] == "APPLICATION"
    got = api.ok("GET", f"/invoices/{inv['id']}")
    assert got == {**inv, "synced": True, "externalId": "NS-INV-3"}
    # the sync's own bookkeeping is still accepted; unsyncing is not
    assert api.ok("PATCH", f"/invoices/{inv['id']}", {"externalId": "NS-INV-4"})["externalId"] == "NS-INV-4"
    assert err(api.api("PATCH", f"/invoices/{inv['id']}", {"synced": False})) == (
        400,
        "BDC_1260",
        "Invoice has been synced; it cannot be marked unsynced.",
    )
