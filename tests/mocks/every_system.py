"""How tests reach each of the five emulators over real HTTP: credentials, one create call, one read by id."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from flask import Flask
from requests_oauthlib import OAuth1

from harness.systems import SYSTEMS, system_module
from mocks.core.app import load_openapi
from mocks.core.config import EmulatorConfig
from tests.conftest import ADMIN

NS_AUTH = OAuth1(
    "erpsim-consumer-key",
    "erpsim-consumer-secret",
    "erpsim-token-id",
    "erpsim-token-secret",
    signature_method="HMAC-SHA256",
    realm="1234567_SB1",
)


def _pos_site() -> str:
    """The POS site prefix as its OpenAPI document spells it (the version prefix may move)."""
    path = next(p for p in load_openapi("pos")["paths"] if p.endswith("/sites/{siteid}/products.json"))
    return path.removesuffix("/products.json").replace("{account}", "10020").replace("{siteid}", "1")


POS_SITE = _pos_site()
AP_LOGIN = {
    "username": "ap-admin@erpsim.test",
    "password": "erpsim-ap-password",
    "organizationId": "00802ERPSIMORG000001",
    "devKey": "erpsim-ap-devkey-0001",
}


@dataclass(frozen=True)
class Access:
    """One emulator as a client sees it."""

    system: str
    #: requests keyword arguments that authenticate a vendor call
    auth: dict[str, Any]
    #: path of a create call, and its body given the seeded world (see ``seed``)
    create_path: str
    create_body: Callable[[dict[str, Any]], dict[str, Any]]
    #: control-plane seed that ``create_body`` needs ({} = none)
    seed: dict[str, Any]
    #: a free-text field of the create body
    text_field: str
    #: a read by integer id (``{id}``), or None when the system's ids are not integers
    read_path: str | None = None

    def make_app(self, tmp_path: Path, **config: Any) -> Flask:
        """A fresh app of this system on a SQLite file under ``tmp_path``."""
        cfg = EmulatorConfig(
            system=self.system,
            db_url=f"sqlite:///{tmp_path / f'{self.system}.db'}",
            data_dir=tmp_path,
            **config,
        )
        return system_module(self.system).create_app(cfg)

    def prepare(self, url: str) -> dict[str, Any]:
        """Seed what the create call needs; returns the seeded world."""
        if not self.seed:
            return {}
        r = requests.post(f"{url}/__erpsim/seed", json=self.seed, headers=ADMIN, timeout=30)
        assert r.status_code == 200, r.text
        world: dict[str, Any] = r.json()
        return world

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The auth headers (if any) plus ``extra``."""
        return {**self.auth.get("headers", {}), **(extra or {})}

    def request_kwargs(self, **extra_headers: str) -> dict[str, Any]:
        """requests keyword arguments: auth and headers."""
        kw = {k: v for k, v in self.auth.items() if k != "headers"}
        kw["headers"] = self.headers(extra_headers)
        return kw


ACCESS: dict[str, Access] = {
    "netsuite": Access(
        "netsuite",
        {"auth": NS_AUTH},
        "/services/rest/record/v1/customer",
        lambda w: {"companyName": "Northwind", "subsidiary": {"id": str(w["subsidiary"])}},
        {"seed": 1},
        "companyName",
        "/services/rest/record/v1/customer/{id}",
    ),
    "qms": Access(
        "qms",
        {"headers": {"Authorization": "Bearer dnk_erpsim_qms_0123456789abcdef"}},
        "/api/v1/items",
        lambda w: {"sku": "A-1", "name": "Widget", "type": "RAW_MATERIAL"},
        {},
        "name",
        "/api/v1/items/{id}",
    ),
    "wms": Access(
        "wms",
        {"headers": {"X-API-Key": "wms-test-key"}},
        "/api/v1/products",
        lambda w: {"sku": "A-1", "name": "Widget", "externalId": "101"},
        {},
        "name",
        "/api/v1/products/{id}",
    ),
    "pos": Access(
        "pos",
        {"headers": {"Authorization": "Basic " + base64.b64encode(b"10020-140:erpsim-pos-10020").decode()}},
        f"{POS_SITE}/products.json",
        lambda w: {"sku": "A-1", "title": "Widget"},
        {},
        "title",
        f"{POS_SITE}/products/{{id}}.json",
    ),
    "ap": Access(
        "ap",
        {"headers": {"devKey": "erpsim-ap-devkey-0001"}},
        "/connect/v3/login",
        lambda w: dict(AP_LOGIN),
        {},
        "username",
    ),
}
assert set(ACCESS) == set(SYSTEMS)
