"""Fixtures for NetSuite tests: a seeded emulator and a TBA-signing client over the WSGI test client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from oauthlib.oauth1 import Client as OAuth1Client
from werkzeug.test import TestResponse

from mocks.core.config import EmulatorConfig
from mocks.core.store import Store
from mocks.netsuite import create_app
from mocks.netsuite.models import Base
from tests.conftest import ADMIN

from .suiteql_world import seed

ACCOUNT = "1234567_SB1"
REST = "/services/rest/record/v1"
CREDS = ("erpsim-consumer-key", "erpsim-consumer-secret", "erpsim-token-id", "erpsim-token-secret")


class NsClient:
    """Signs every request with TBA (HMAC-SHA256) exactly as a real NetSuite client does."""

    def __init__(self, app: Flask, creds: tuple[str, str, str, str] = CREDS) -> None:
        self.app = app
        self.client = app.test_client()
        ck, cs, tid, ts = creds
        self.signer = OAuth1Client(
            ck,
            client_secret=cs,
            resource_owner_key=tid,
            resource_owner_secret=ts,
            signature_method=SIGNATURE_HMAC_SHA256,
            realm=ACCOUNT,
        )

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, **kw: Any
    ) -> TestResponse:
        """A signed request; ``body`` is sent as JSON unless it is a string."""
        if "?" in path:  # encode the query as a real client does before signing
            base, query = path.split("?", 1)
            pairs = [tuple(p.split("=", 1)) if "=" in p else (p, "") for p in query.split("&")]
            path = f"{base}?{urlencode(pairs, quote_via=quote)}"
        url = f"http://localhost{path}"
        _, signed, _ = self.signer.sign(url, http_method=method)
        all_headers = {"Authorization": signed["Authorization"], **(headers or {})}
        data = body if isinstance(body, str) or body is None else json.dumps(body)
        if data is not None:
            all_headers.setdefault("Content-Type", "application/json")
        return self.client.open(path, method=method, data=data, headers=all_headers, **kw)

    def get(self, path: str, **kw: Any) -> TestResponse:
        """Signed GET."""
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> TestResponse:
        """Signed POST."""
        return self.request("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> TestResponse:
        """Signed PATCH."""
        return self.request("PATCH", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> TestResponse:
        """Signed PUT."""
        return self.request("PUT", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> TestResponse:
        """Signed DELETE."""
        return self.request("DELETE", path, **kw)

    def create(self, rtype: str, body: dict[str, Any]) -> int:
        """POST a record and return its new internal id (asserting 204 + Location)."""
        r = self.post(f"{REST}/{rtype}", body)
        assert r.status_code == 204, r.get_data(as_text=True)
        return int(r.headers["Location"].rsplit("/", 1)[1])

    def record(self, rtype: str, rid: int, **params: str) -> dict[str, Any]:
        """GET a record (expanded) as JSON."""
        query = "&".join(f"{k}={v}" for k, v in {"expandSubResources": "true", **params}.items())
        r = self.get(f"{REST}/{rtype}/{rid}?{query}")
        assert r.status_code == 200, r.get_data(as_text=True)
        return r.get_json()  # type: ignore[no-any-return]

    def act(self, action: str, body: dict[str, Any] | None = None) -> Any:
        """Perform a control-plane action and return its JSON."""
        r = self.client.post(f"/__erpsim/act/{action}", json=body or {}, headers=ADMIN)
        assert r.status_code == 200, r.get_data(as_text=True)
        return r.get_json()

    def state(self) -> dict[str, Any]:
        """The emulator's state dump."""
        return self.client.get("/__erpsim/state", headers=ADMIN).get_json()  # type: ignore[no-any-return]

    def stock(self, item: int, location: int | None = None) -> float:
        """On hand of an item (at one location, or everywhere)."""
        return sum(
            r["onHand"]
            for r in self.state()["inventory"]
            if r["item"] == item and (location is None or r["location"] == location)
        )


def make_ns_app(tmp_path: Path, **settings: Any) -> Flask:
    """A NetSuite emulator on a fresh SQLite file."""
    return create_app(
        EmulatorConfig(
            system="netsuite", db_url=f"sqlite:///{tmp_path / 'ns.db'}", data_dir=tmp_path, settings=settings
        )
    )


@pytest.fixture
def nsapp(tmp_path: Path) -> Flask:
    """A fresh NetSuite emulator."""
    return make_ns_app(tmp_path)


@pytest.fixture
def world(nsapp: Flask) -> dict[str, Any]:
    """A seeded account: 2 customers, 1 vendor, inventory/lot/service/download items, 10 in stock."""
    r = nsapp.test_client().post(
        "/__erpsim/seed",
        headers=ADMIN,
        json={
            "seed": 11,
            "customers": 2,
            "vendors": 1,
            "locations": 2,
            "stock": 10,
            "items": {"inventory": 2, "lot": 1, "service": 1, "download": 1},
        },
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()  # type: ignore[no-any-return]


@pytest.fixture
def ns(nsapp: Flask) -> NsClient:
    """A TBA-signing client of the emulator."""
    return NsClient(nsapp)


def ref(rid: int) -> dict[str, str]:
    """A reference body."""
    return {"id": str(rid)}


def detail(resp: TestResponse) -> dict[str, Any]:
    """The first o:errorDetails entry of an error response."""
    body = resp.get_json()
    assert body["status"] == resp.status_code
    return body["o:errorDetails"][0]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The SuiteQL tests' store, seeded by ``suiteql_world.seed`` once per test module."""
    path: Path = tmp_path_factory.mktemp("suiteql")
    st_ = Store(f"sqlite:///{path / 't.db'}", "netsuite", [Base.metadata])
    st_.create_all()
    seed(st_)
    yield st_
    st_.dispose()
