"""Requests built to break a parser, in every emulator: each gets the system's own 4xx, never a 500,
and nothing is written."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.systems import SYSTEMS
from mocks.core.app import load_openapi
from mocks.core.http import MAX_JSON_DEPTH
from tests.conftest import ADMIN, ThreadServer
from tests.mocks.every_system import ACCESS, Access

#: The system's own 400 for a body it cannot read: (status field, code field) as each system spells them.
BAD_JSON = {
    "netsuite": lambda b: (b["status"], b["o:errorDetails"][0]["o:errorCode"]) == (400, "INVALID_CONTENT"),
    "qms": lambda b: (b["statusCode"], b["code"]) == (400, "INVALID_JSON"),
    "wms": lambda b: (b["status"], b["errorCode"]) == (400, "INVALID_JSON"),
    "pos": lambda b: b["statuscode"] == 400,
    "ap": lambda b: b[0]["code"] == "BDC_1002",
}
TOO_LARGE = {
    "netsuite": lambda b: b["o:errorDetails"][0]["o:errorCode"] == "REQUEST_TOO_LARGE",
    "qms": lambda b: b["code"] == "PAYLOAD_TOO_LARGE",
    "wms": lambda b: b["errorCode"] == "PAYLOAD_TOO_LARGE",
    "pos": lambda b: b == {"statuscode": 413, "errortext": "The request body is too large."},
    "ap": lambda b: b[0]["message"] == "The request body is too large.",
}
LIMIT = 20_000


@pytest.fixture(scope="module", params=list(SYSTEMS))
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Access, str]]:
    """One server per system for the module (each test resets the world first)."""
    access = ACCESS[request.param]
    srv = ThreadServer(access.make_app(tmp_path_factory.mktemp(access.system), max_body_bytes=LIMIT))
    yield access, srv.url
    srv.stop()


@pytest.fixture
def system(served: tuple[Access, str]) -> tuple[Access, str, dict[str, Any]]:
    """The served system, reset, with what its create call needs seeded."""
    access, url = served
    assert requests.post(f"{url}/__erpsim/reset", json={}, headers=ADMIN, timeout=30).status_code == 200
    return access, url, access.prepare(url)


def _state(url: str) -> Any:
    return requests.get(f"{url}/__erpsim/state", headers=ADMIN, timeout=30).json()


def _post_raw(access: Access, url: str, data: Any) -> requests.Response:
    return requests.post(
        f"{url}{access.create_path}",
        data=data,
        timeout=30,
        **access.request_kwargs(**{"Content-Type": "application/json"}),
    )


def test_deeply_nested_json_is_the_systems_400(system: tuple[Access, str, dict[str, Any]]) -> None:
    access, url, _world = system
    before = _state(url)
    for depth in (MAX_JSON_DEPTH + 1, 1_000, 3_000):  # 3,000 is past the recursion limit
        r = _post_raw(access, url, '{"a":' * depth + "1" + "}" * depth)
        assert r.status_code == 400, (depth, r.text)
        assert BAD_JSON[access.system](r.json()), r.text
    assert _state(url) == before


def test_json_as_deep_as_allowed_is_parsed(system: tuple[Access, str, dict[str, Any]]) -> None:
    access, url, world = system
    body = access.create_body(world)
    nested: Any = "x"
    for _ in range(MAX_JSON_DEPTH - 2):
        nested = [nested]
    r = _post_raw(access, url, json.dumps({**body, "unknownDeepField": nested}))
    assert r.status_code < 500
    assert not (r.status_code == 400 and "nested deeper" in r.text)


@pytest.mark.parametrize(
    "encoded", [b'"\\ud800x"', b'"x\\udfff"', b'"\xed\xa0\x80"'], ids=["escape", "low", "bytes"]
)
def test_a_lone_surrogate_is_the_systems_400(
    system: tuple[Access, str, dict[str, Any]], encoded: bytes
) -> None:
    access, url, world = system
    before = _state(url)
    body = access.create_body(world)
    field = access.text_field
    raw = json.dumps({**body, field: "@@"}).encode().replace(b'"@@"', encoded)
    r = _post_raw(access, url, raw)
    assert r.status_code == 400, r.text
    assert BAD_JSON[access.system](r.json()), r.text
    assert _state(url) == before
    pair = _post_raw(access, url, json.dumps({**body, field: "\U0001f600 ok"}))  # a valid pair is text
    assert pair.status_code == (
        401
        if access.system == "ap"
        else 200
        if access.system == "pos"
        else 204
        if access.system == "netsuite"
        else 201
    ), pair.text


def test_a_chunked_body_over_the_limit_is_413_and_not_processed(
    system: tuple[Access, str, dict[str, Any]],
) -> None:
    access, url, world = system
    before = _state(url)
    padded = json.dumps(access.create_body(world)).encode() + b" " * (
        LIMIT * 2
    )  # valid JSON if cut at the limit
    r = _post_raw(
        access, url, iter([padded[:4096], padded[4096:]])
    )  # an iterator: Transfer-Encoding: chunked
    assert r.status_code == 413, r.text
    assert TOO_LARGE[access.system](r.json()), r.text
    assert _state(url) == before
    small = json.dumps(access.create_body(world)).encode() + b" " * 100
    assert _post_raw(access, url, iter([small[:10], small[10:]])).status_code < 300  # chunked under the limit


@pytest.mark.parametrize("zero", [0x660, 0xFF10, 0x966], ids=["arabic-indic", "fullwidth", "devanagari"])
def test_ids_are_ascii_digits_only(system: tuple[Access, str, dict[str, Any]], zero: int) -> None:
    access, url, world = system
    if access.read_path is None:
        pytest.skip(f"{access.system} ids are not integers")
    created = requests.post(
        f"{url}{access.create_path}", json=access.create_body(world), timeout=30, **access.request_kwargs()
    )
    assert created.status_code < 300, created.text
    location = created.headers.get("Location")
    new_id = (
        location.rsplit("/", 1)[1]
        if location
        else str(created.json() if created.text.isdigit() else created.json()["id"])
    )
    ok = requests.get(url + access.read_path.format(id=new_id), timeout=30, **access.request_kwargs())
    assert ok.status_code == 200, ok.text
    same_number = "".join(chr(zero + int(c)) for c in new_id)  # int() reads it as the same id
    r = requests.get(url + access.read_path.format(id=same_number), timeout=30, **access.request_kwargs())
    assert r.status_code == (400 if access.system == "netsuite" else 404), r.text
    assert r.headers["Content-Type"].startswith("application/")


@pytest.mark.parametrize(
    ("system_name", "path"),
    [
        ("qms", "/api/v1/items?page=\u0661"),
        ("qms", "/api/v1/items?limit=\uff15"),
        ("wms", "/api/v1/products?page=\u0661"),
        ("netsuite", "/services/rest/record/v1/customer?limit=\u0661\u0660"),
        ("qms", "/api/v1/items?page=1_0"),
    ],
)
def test_query_integers_are_ascii_digits_only(
    tmp_path: Path, serve_app: Any, system_name: str, path: str
) -> None:
    access = ACCESS[system_name]
    url = serve_app(access.make_app(tmp_path)).url
    r = requests.get(url + path, timeout=30, **access.request_kwargs())
    assert r.status_code == 400, r.text


def _example_url(spec: dict[str, Any], path: str) -> str:
    values = {"recordType": "customer", "targetType": "invoice", "account": "10020"}
    for op in spec["paths"][path].values():
        for param in op.get("parameters", []) if isinstance(op, dict) else []:
            if param.get("in") == "path" and "enum" in param.get("schema", {}):
                values[param["name"]] = param["schema"]["enum"][0]
    return re.sub(r"\{([^}]+)\}", lambda m: str(values.get(m.group(1), "1")), path)


def test_every_path_answers_405_with_its_allow_and_options_without_credentials(
    served: tuple[Access, str],
) -> None:
    access, url = served
    spec = load_openapi(access.system)
    wrong: list[tuple[str, Any, Any, Any]] = []
    for path, ops in spec["paths"].items():
        documented = {m.upper() for m in ops if m in ("get", "post", "put", "patch", "delete")}
        allow = sorted(documented | ({"HEAD"} if "GET" in documented else set()) | {"OPTIONS"})
        target = url + _example_url(spec, path)
        refused = requests.request("TRACE", target, timeout=30)  # no credentials: the method is wrong first
        options = requests.options(target, timeout=30)
        got = (
            refused.status_code,
            sorted(refused.headers.get("Allow", "").split(", ")),
            options.status_code,
            sorted(options.headers.get("Allow", "").split(", ")),
        )
        if got != (405, allow, 200, allow) or "json" not in refused.headers["Content-Type"]:
            wrong.append((path, got, allow, refused.text[:100]))
    assert wrong == []
