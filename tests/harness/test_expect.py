"""Record, exception-queue and journal assertions on a snapshot of the world."""

from __future__ import annotations

from harness.expect import check_exceptions, check_journal, check_record, collection
from harness.refs import RefMap, Resolver
from harness.scenario import ExceptionAssertion, JournalAssertion, RecordAssertion

STATE = {
    "netsuite": {
        "records": {"salesOrder": [{"id": 7, "createdAt": "x", "body": {"tranId": "SO7", "status": "B"}}]}
    },
    "wms": {
        "wms_orders": [{"id": 1, "client_reference": "NS-SO-7", "external_id": "7", "status": "PICKING"}]
    },
}


def _resolver() -> Resolver:
    refs = RefMap()
    refs.add("SO1", "salesOrder", netsuite=7)
    return Resolver(refs, lambda system: STATE[system])


def test_collections_netsuite_types_and_tables() -> None:
    assert collection(STATE["netsuite"], "netsuite", "salesOrder") == [
        {"id": 7, "createdAt": "x", "tranId": "SO7", "status": "B"}
    ]
    assert (
        collection(STATE["netsuite"], "netsuite", "itemFulfillment") == []
    )  # a known type with no record yet
    assert collection(STATE["netsuite"], "netsuite", "itemFulfilment") is None  # a typo
    assert collection(STATE["wms"], "wms", "orders") == collection(STATE["wms"], "wms", "wms_orders")


def test_record_assertions_by_collection_and_by_ref() -> None:
    ok = check_record(
        RecordAssertion(system="wms", ref="SO1", count=1, fields={"status": "PICKING"}), STATE, _resolver()
    )
    assert ok.ok, ok.message
    bad = check_record(
        RecordAssertion(
            system="netsuite", collection="salesOrder", where={"tranId": "SO7"}, fields={"status": "H"}
        ),
        STATE,
        _resolver(),
    )
    assert not bad.ok and bad.message == "row 7 has {'status': 'B'}, expected {'status': 'H'}"
    typo = check_record(
        RecordAssertion(system="netsuite", collection="itemFulfilment", count=0), STATE, _resolver()
    )
    assert not typo.ok and typo.message == "netsuite has no collection 'itemFulfilment'"


def test_exception_and_journal_assertions() -> None:
    queue = [{"category": "closed_period", "flow": "despatch-to-netsuite", "summary": "Jan 2026 is closed"}]
    assert check_exceptions(
        ExceptionAssertion(category="closed_period", mentions="Jan 2026"), queue, _resolver()
    ).ok
    miss = check_exceptions(ExceptionAssertion(category="cancel_after_release", count=1), queue, _resolver())
    assert miss.message == "expected 1, found 0; categories in the queue: closed_period"
    none = check_exceptions(ExceptionAssertion(category="x"), None, _resolver())
    assert none.message == "the connector declares no exception queue ([connector] exceptions)"
    journal = {
        "wms": [
            {"seq": 1, "method": "POST", "path": "/api/v1/orders", "status": 201},
            {"seq": 2, "method": "POST", "path": "/api/v1/orders", "status": 422},
        ]
    }
    assert check_journal(
        JournalAssertion(system="wms", method="post", path="^/api/v1/orders$", count=2), journal, _resolver()
    ).ok
    over = check_journal(JournalAssertion(system="wms", status=422, max=0), journal, _resolver())
    assert over.message == "expected at most 0, found 1"
