"""The request journal: vendor operationIds, bounded bodies, filters; refused logins say why."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from requests_oauthlib import OAuth1

from tests.conftest import ADMIN
from tests.mocks.every_system import ACCESS

KEY = {"X-API-Key": "wms-test-key"}


@pytest.fixture
def wms(tmp_path: Path) -> FlaskClient:
    """A WMS whose journal keeps 40 bytes of each body."""
    return ACCESS["wms"].make_app(tmp_path, journal_bodies=40).test_client()


def _journal(client: FlaskClient, query: str | dict[str, str] = "") -> Any:
    if isinstance(query, dict):
        return client.get("/__erpsim/journal", query_string=query, headers=ADMIN)
    return client.get(f"/__erpsim/journal{query}", headers=ADMIN)


def test_entries_carry_the_operation_id_and_bounded_bodies(wms: FlaskClient) -> None:
    wms.post("/api/v1/products", json={"sku": "A-1", "name": "Widget " * 20, "externalId": "1"}, headers=KEY)
    wms.get("/api/v1/products/1", headers=KEY)
    first, second = _journal(wms).get_json()["entries"]
    assert (first["operation"], first["status"], second["operation"], second["status"]) == (
        "createProduct",
        201,
        "getProduct",
        200,
    )
    assert first["request_body"] == '{"sku": "A-1", "name": "Widget Widget Wi...'
    assert first["response_body"].startswith('{"id":1,"sku":"A-1"') and first["response_body"].endswith("...")
    assert second["request_body"] is None


def test_journal_filters_by_method_path_status_and_time(wms: FlaskClient) -> None:
    wms.get("/api/v1/products", headers=KEY)
    wms.get("/api/v1/products/9", headers=KEY)
    wms.get("/api/v1/orders", headers=KEY)
    wms.post("/api/v1/orders", json={}, headers=KEY)
    everything = _journal(wms).get_json()["entries"]

    def paths(query: str | dict[str, str]) -> list[tuple[str, str, int]]:
        return [(e["method"], e["path"], e["status"]) for e in _journal(wms, query).get_json()["entries"]]

    assert paths("?method=post") == [("POST", "/api/v1/orders", 400)]
    assert paths("?path=^/api/v1/products") == [
        ("GET", "/api/v1/products", 200),
        ("GET", "/api/v1/products/9", 404),
    ]
    assert paths("?status=4xx") == [("GET", "/api/v1/products/9", 404), ("POST", "/api/v1/orders", 400)]
    assert paths("?status=404") == [("GET", "/api/v1/products/9", 404)]
    assert paths({"after": everything[1]["at"], "before": everything[3]["at"]}) == [
        ("GET", "/api/v1/orders", 200)
    ]
    assert paths("?method=GET&limit=1&since=1") == [("GET", "/api/v1/products/9", 404)]
    for bad in ("?status=4x", "?status=abc", "?path=(", "?since=-1"):
        r = _journal(wms, bad)
        assert r.status_code == 400, bad


def test_a_fault_operation_matches_the_vendor_operation_id(wms: FlaskClient) -> None:
    wms.put("/__erpsim/faults", json={"kind": "error", "status": 503, "operation": "list*"}, headers=ADMIN)
    assert wms.get("/api/v1/products", headers=KEY).status_code == 503
    assert wms.get("/api/v1/products/1", headers=KEY).status_code == 404  # getProduct: not matched
    assert wms.get("/api/v1/orders", headers=KEY).status_code == 503
    assert [e["fault"] for e in _journal(wms).get_json()["entries"]] == ["error", None, "error"]


def test_a_refused_netsuite_login_says_why_in_a_header_the_journal_and_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = ACCESS["netsuite"].make_app(tmp_path).test_client()
    wrong = OAuth1(
        "erpsim-consumer-key",
        "not-the-secret",
        "erpsim-token-id",
        "erpsim-token-secret",
        signature_method="HMAC-SHA256",
        realm="1234567_SB1",
    )
    url = "http://localhost/services/rest/record/v1/customer"
    import requests

    signed = requests.Request("GET", url, auth=wrong).prepare()
    with caplog.at_level(logging.WARNING, logger="erpsim.access"):
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in signed.headers.items()}
        r = client.get("/services/rest/record/v1/customer", headers=headers)
    assert r.status_code == 401
    assert r.get_json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_LOGIN"  # NetSuite's own body
    reason = "tba InvalidSignature (consumer_key=erpsim-consumer-key, token_id=erpsim-token-id)"
    assert r.headers["X-Erpsim-Auth-Failure"] == reason
    assert _journal(client).get_json()["entries"][-1]["auth_failure"] == reason
    assert [rec.getMessage() for rec in caplog.records] == [
        f"netsuite GET /services/rest/record/v1/customer refused: {reason} ({r.headers['X-Erpsim-Request-Id']})"
    ]


def test_a_request_that_began_before_a_clear_is_not_journalled_after_it() -> None:
    from mocks.core.journal import Journal

    journal = Journal(10)
    hung = journal.next_seq()  # a request hanging while the world is reset
    journal.clear()
    fresh = journal.next_seq()
    journal.add({"seq": fresh, "method": "GET", "path": "/new"})
    journal.add({"seq": hung, "method": "POST", "path": "/old"})
    assert [(e["seq"], e["path"]) for e in journal.entries()] == [(2, "/new")]
    assert journal.last_seq == 2
