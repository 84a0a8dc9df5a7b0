"""The AP invariants on small hand-made worlds: documents once, vendors matched, voids and credits posted."""

from __future__ import annotations

from .invariant_worlds import _ctx, _messages, _rec


def test_ap_documents_once() -> None:
    ap = {
        "ap_parties": [{"pk": 1, "name": "Acme", "external_id": "70"}],
        "ap_documents": [
            {"pk": 1, "doc_type": "bill", "party_pk": 1, "number": "INV-1", "amount": 1000},
            {"pk": 2, "doc_type": "bill", "party_pk": 1, "number": "INV-2", "amount": 500},
        ],
        "ap_payments": [],
    }
    bill = _rec(80, {"tranId": "INV-1", "entity": {"id": "70"}})
    ctx = _ctx({"vendorBill": [bill, {**bill, "id": 81}]}, extra={"ap": ap}, exceptions=[])
    assert _messages("ap_documents_once", ctx) == [
        "AP bill INV-1 is in NetSuite 2 times",
        "AP bill INV-2 never reached NetSuite (nor the exception queue)",
    ]
    ap["ap_documents"][1]["external_id"] = "90"  # the AP bill came from NetSuite bill 90
    keyed = _rec(82, {"externalId": "ap-bill-00n02000000000000001", "tranId": "X"})
    ctx = _ctx({"vendorBill": [keyed, _rec(90, {"tranId": "Y"})]}, extra={"ap": ap}, exceptions=[])
    assert _messages("ap_documents_once", ctx) == []


def test_ap_vendors_match_by_kind_and_names() -> None:
    ap = {
        "ap_parties": [
            {
                "pk": 1,
                "role": "vendor",
                "name": "Office Depot",
                "account_type": "BUSINESS",
                "company_name": "Office Depot",
                "archived": False,
                "external_id": None,
            },
            {
                "pk": 2,
                "role": "vendor",
                "name": "Grace Hopper",
                "account_type": "PERSON",
                "first_name": "Grace",
                "last_name": "Hopper",
                "archived": False,
                "external_id": None,
            },
            {
                "pk": 3,
                "role": "vendor",
                "name": "Cher",
                "account_type": "PERSON",
                "first_name": "Cher",
                "last_name": "Cher",
                "archived": False,
                "external_id": "72",
            },
        ]
    }
    vendors = [
        _rec(70, {"companyName": "Office Depot", "externalId": "ap-vendor-00902000000000000001"}),
        _rec(71, {"companyName": "Grace Hopper", "externalId": "ap-vendor-00902000000000000002"}),
        _rec(72, {"isPerson": True, "firstName": "Cher", "lastName": "Cher"}),
    ]
    ctx = _ctx({"vendor": vendors}, extra={"ap": ap}, exceptions=[])
    assert _messages("ap_vendors_match", ctx) == [
        "AP individual Grace Hopper is NetSuite vendor 71 with person=False, first name None, last name None "
        "(expected 'Grace' 'Hopper')"
    ]
    ctx = _ctx({"vendor": vendors[2:]}, extra={"ap": ap}, exceptions=[])
    assert _messages("ap_vendors_match", ctx) == [
        "AP vendor Office Depot is in NetSuite 0 times",
        "AP vendor Grace Hopper is in NetSuite 0 times",
    ]


def test_ap_voids_and_credit_applications_reach_netsuite() -> None:
    ap = {
        "ap_parties": [{"pk": 1, "name": "Acme", "external_id": "70"}],
        "ap_documents": [
            {"pk": 1, "doc_type": "bill", "party_pk": 1, "number": "INV-1", "amount": 25000},
            {"pk": 2, "doc_type": "vendor_credit", "party_pk": 1, "number": "VC-1", "amount": 4000},
        ],
        "ap_allocations": [{"payment_pk": 1, "doc_pk": 1, "credit_pk": 2, "amount": 4000, "active": True}],
        "ap_payments": [{"pk": 1, "side": "AP", "status": "VOIDED", "amount": 6000}],
    }
    bill = _rec(80, {"tranId": "INV-1", "externalId": "ap-bill-00n02000000000000001"})
    credit = _rec(
        81,
        {
            "tranId": "VC-1",
            "externalId": "ap-vcr-vcr02000000000000002",
            "apply": [{"doc": {"id": "80"}, "apply": True, "amount": 40.0}],
        },
    )
    payment = _rec(82, {"externalId": "ap-pay-stp02000000000000001"})
    ctx = _ctx(
        {"vendorBill": [bill], "vendorCredit": [credit], "vendorPayment": [payment]},
        extra={"ap": ap},
        exceptions=[],
    )
    assert _messages("ap_voids_reach_netsuite", ctx) == [
        "AP payment stp02000000000000001 was voided in AP but is still NetSuite vendor payment 82"
    ]
    assert _messages("ap_credits_applied", ctx) == []
    credit["body"]["apply"] = []
    assert _messages("ap_credits_applied", ctx) == [
        "AP vendor credit VC-1 is applied in AP to NetSuite bill 80: 40.00 but NetSuite credit 81 to nothing"
    ]
