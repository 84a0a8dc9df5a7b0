"""Fixtures for NetSuite tests: a seeded emulator and its driver (TBA-signed calls over the WSGI test client)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
from oauthlib.oauth1 import Client as OAuth1Client
from werkzeug.test import TestResponse

from mocks.core.store import Store
from mocks.netsuite.models import Base
from tests.mocks import driver
from tests.mocks.driver import Driver

from .suiteql_world import seed

ACCOUNT = "1234567_SB1"
REST = "/services/rest/record/v1"
CREDS = ("erpsim-consumer-key", "erpsim-consumer-secret", "erpsim-token-id", "erpsim-token-secret")


class NetSuiteDriver(Driver):
    """Signs every vendor call with TBA (HMAC-SHA256) exactly as a real NetSuite client does."""

    def __init__(self, app: Flask, creds: tuple[str, str, str, str] = CREDS) -> None:
        super().__init__(app)
        ck, cs, tid, ts = creds
        self.signer = OAuth1Client(
            ck,
            client_secret=cs,
            resource_owner_key=tid,
            resource_owner_secret=ts,
            signature_method=SIGNATURE_HMAC_SHA256,
            realm=ACCOUNT,
        )

    def sign(self, method: str, path: str) -> tuple[str, dict[str, str]]:
        """The path with its query encoded as a real client encodes it, and the TBA header signing it."""
        if "?" in path:
            base, query = path.split("?", 1)
            pairs = [tuple(p.split("=", 1)) if "=" in p else (p, "") for p in query.split("&")]
            path = f"{base}?{urlencode(pairs, quote_via=quote)}"
        _, signed, _ = self.signer.sign(f"http://localhost{path}", http_method=method)
        return path, {"Authorization": signed["Authorization"]}

    # ---- NetSuite's records ----------------------------------------------------------------------------
    def create(self, rtype: str, body: dict[str, Any]) -> int:
        """POST a record and return its new internal id (asserting 204 + Location)."""
        r = self.api("POST", f"{REST}/{rtype}", body)
        assert r.status_code == 204, r.get_data(as_text=True)
        return int(r.headers["Location"].rsplit("/", 1)[1])

    def record(self, rtype: str, rid: int, **params: str) -> dict[str, Any]:
        """GET a record (expanded) as JSON."""
        query = "&".join(f"{k}={v}" for k, v in {"expandSubResources": "true", **params}.items())
        return self.ok("GET", f"{REST}/{rtype}/{rid}?{query}")  # type: ignore[no-any-return]

    def stock(self, item: int, location: int | None = None) -> float:
        """On hand of an item (at one location, or everywhere)."""
        return sum(
            r["onHand"]
            for r in self.state()["inventory"]
            if r["item"] == item and (location is None or r["location"] == location)
        )


def make_app(folder: Path, db_url: str | None = None, **settings: Any) -> Flask:
    """A NetSuite emulator on ``db_url`` (default: a fresh SQLite file in ``folder``)."""
    return driver.make_app("netsuite", folder, db_url, **settings)


@pytest.fixture
def nsapp(tmp_path: Path) -> Flask:
    """A fresh NetSuite emulator."""
    return make_app(tmp_path)


@pytest.fixture
def world(ns: NetSuiteDriver) -> dict[str, Any]:
    """A seeded account: 2 customers, 1 vendor, inventory/lot/service/download items, 10 in stock."""
    return ns.seed(  # type: ignore[no-any-return]
        {
            "seed": 11,
            "customers": 2,
            "vendors": 1,
            "locations": 2,
            "stock": 10,
            "items": {"inventory": 2, "lot": 1, "service": 1, "download": 1},
        }
    )


@pytest.fixture
def ns(nsapp: Flask) -> NetSuiteDriver:
    """A TBA-signing driver of the emulator."""
    return NetSuiteDriver(nsapp)


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
