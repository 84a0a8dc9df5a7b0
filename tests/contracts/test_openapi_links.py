"""Every OpenAPI document links its operations into workflows (create -> get / update / transform / cancel).

Schemathesis's stateful phase walks these links; a broken link (unknown operation, unknown parameter) fails
here, and so does a creating operation left without one.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import schemathesis

from harness.systems import SYSTEMS
from mocks.core.app import load_openapi

#: Writes that create nothing a later call could address (or whose follow-ups need other state).
NOT_PRODUCERS = {
    "netsuite": {"runSuiteQL", "getOAuth2Token"},
    "ap": {"login"},
}
#: Workflows each document must offer: (source operationId, target operationId).
REQUIRED_LINKS = {
    "netsuite": [
        ("createRecord", "getRecord"),
        ("createRecord", "transformRecord"),
        ("createRecord", "updateRecord"),
        ("createRecord", "deleteRecord"),
        ("transformRecord", "getRecord"),
        ("transformRecord", "updateRecord"),
        ("upsertRecord", "updateRecord"),
    ],
    "qms": [
        ("createPurchaseOrder", "createReceipt"),
        ("createReceipt", "inspectLot"),
        ("inspectLot", "lockLot"),
        ("lockLot", "traceForward"),
        ("createRecipe", "scheduleProductionRun"),
        ("scheduleProductionRun", "completeProductionRun"),
        ("createSalesOrder", "createShipment"),
        ("createShipment", "scanLot"),
        ("scanLot", "unscanLot"),
        ("createShipment", "cancelShipment"),
    ],
    "wms": [
        ("createOrder", "getOrder"),
        ("createOrder", "cancelOrder"),
        ("createOrder", "createOrder"),
        ("createProduct", "updateProduct"),
        ("createAsn", "getAsn"),
    ],
    "pos": [
        ("addOrder", "getOrder"),
        ("addOrder", "updateOrder"),
        ("addProducts", "getProduct"),
        ("addUsers", "getUser"),
        ("addWarehouseTransactions", "getWarehouseTransaction"),
    ],
    "ap": [
        ("createVendor", "createBill"),
        ("createBill", "getBill"),
        ("createBill", "createPayment"),
        ("createPayment", "voidPayment"),
        ("archiveBill", "restoreBill"),
        ("createInvoice", "recordInvoicePayment"),
    ],
}


def _operations(spec: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        op["operationId"]: (method, op)
        for item in spec["paths"].values()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }


def _links(op: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        link
        for response in op.get("responses", {}).values()
        if isinstance(response, dict)
        for link in response.get("links", {}).values()
    ]


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_every_link_is_valid_for_stateful_testing(system: str) -> None:
    """Schemathesis refuses a document whose links name unknown operations or parameters."""
    schemathesis.openapi.from_dict(copy.deepcopy(load_openapi(system))).as_state_machine()


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_every_creating_operation_links_to_what_follows(system: str) -> None:
    ops = _operations(load_openapi(system))
    creators = [
        oid
        for oid, (method, _) in ops.items()
        if method == "post"
        and oid.startswith(("create", "add", "schedule", "record"))
        and oid not in NOT_PRODUCERS.get(system, set())
    ]
    assert creators
    assert [oid for oid in creators if not _links(ops[oid][1])] == []


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_the_documented_workflows_are_linked(system: str) -> None:
    ops = _operations(load_openapi(system))
    present = {(source, link["operationId"]) for source, (_, op) in ops.items() for link in _links(op)}
    assert [pair for pair in REQUIRED_LINKS[system] if pair not in present] == []
