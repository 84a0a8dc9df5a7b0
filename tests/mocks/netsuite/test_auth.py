"""NetSuite authentication against real signing clients: TBA (OAuth 1.0a); OAuth 2.0 is test_auth_oauth2."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from oauthlib.oauth1 import Client as OAuth1Client
from oauthlib.oauth1.rfc5849 import signature as oauth_sig
from oauthlib.oauth1.rfc5849 import utils as oauth_utils
from requests_oauthlib import OAuth1

from mocks.core.app import Emulator
from mocks.netsuite.auth.authenticator import Authenticator
from mocks.netsuite.auth.tba import normalize_parameters, parse_oauth_header
from mocks.netsuite.services import NetSuiteServices
from tests.conftest import ADMIN

from .auth_world import ACCOUNT, CK, CS, RECORD, TID, TS, assert_invalid_login, make_app


@pytest.fixture
def ns(tmp_path: Path) -> tuple[Flask, Emulator, Authenticator]:
    """The app, its emulator and its Authenticator."""
    return make_app(tmp_path)


@pytest.fixture
def server(ns: tuple[Flask, Emulator, Authenticator], serve_app: Any) -> Any:
    """The app on a real socket."""
    return serve_app(ns[0])


def tba(**kw: Any) -> OAuth1:
    """A requests-oauthlib signer with the default credentials (override any of them)."""
    args: dict[str, Any] = {
        "client_key": CK,
        "client_secret": CS,
        "resource_owner_key": TID,
        "resource_owner_secret": TS,
        "signature_method": "HMAC-SHA256",
        "realm": ACCOUNT,
    }
    args.update(kw)
    return OAuth1(**args)


# ---- TBA over a real socket ------------------------------------------------------------------------


def test_tba_success_with_query(server: Any) -> None:
    resp = requests.get(
        f"{server.url}{RECORD}/7", params={"expandSubResources": "true", "q": "a b'c"}, auth=tba(), timeout=5
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["principal"] == {
        "kind": "tba",
        "account": ACCOUNT,
        "consumer_key": CK,
        "client_id": None,
        "token_id": TID,
        "scopes": ["restlets", "rest_webservices", "suite_analytics"],
    }


def test_tba_success_post_json_and_form(server: Any) -> None:
    resp = requests.post(f"{server.url}{RECORD}/7", json={"companyName": "Acme"}, auth=tba(), timeout=5)
    assert resp.status_code == 200, resp.text
    resp = requests.post(f"{server.url}{RECORD}/7", data={"a": "1 2", "b": "x"}, auth=tba(), timeout=5)
    assert resp.status_code == 200, resp.text


def test_tba_tampered_form_body(server: Any, ns: Any) -> None:
    prepared = requests.Request("POST", f"{server.url}{RECORD}/7", data={"a": "1"}, auth=tba()).prepare()
    prepared.body = "a=2"
    prepared.headers["Content-Length"] = "3"
    assert_invalid_login(requests.Session().send(prepared, timeout=5), ns[2], "InvalidSignature")


def test_tba_wrong_secret(server: Any, ns: Any) -> None:
    resp = requests.get(f"{server.url}{RECORD}/7", auth=tba(resource_owner_secret="nope"), timeout=5)
    assert_invalid_login(resp, ns[2], "InvalidSignature")
    resp = requests.get(f"{server.url}{RECORD}/7", auth=tba(client_secret="nope"), timeout=5)
    assert_invalid_login(resp, ns[2], "InvalidSignature")


def test_tba_tampered_query(server: Any, ns: Any) -> None:
    prepared = requests.Request("GET", f"{server.url}{RECORD}/7?limit=5", auth=tba()).prepare()
    assert prepared.url is not None
    prepared.url = prepared.url.replace("limit=5", "limit=6")
    assert_invalid_login(requests.Session().send(prepared, timeout=5), ns[2], "InvalidSignature")


def test_tba_tampered_path(server: Any, ns: Any) -> None:
    prepared = requests.Request("GET", f"{server.url}{RECORD}/7", auth=tba()).prepare()
    assert prepared.url is not None
    prepared.url = prepared.url.replace("/7", "/8")
    assert_invalid_login(requests.Session().send(prepared, timeout=5), ns[2], "InvalidSignature")


@pytest.mark.parametrize("skew", [-360, 360])
def test_tba_timestamp_outside_window(server: Any, ns: Any, skew: int) -> None:
    resp = requests.get(
        f"{server.url}{RECORD}/7", auth=tba(timestamp=str(int(time.time()) + skew)), timeout=5
    )
    assert_invalid_login(resp, ns[2], "InvalidTimestamp")


def test_tba_timestamp_inside_window(server: Any) -> None:
    resp = requests.get(f"{server.url}{RECORD}/7", auth=tba(timestamp=str(int(time.time()) - 240)), timeout=5)
    assert resp.status_code == 200


def test_tba_reused_nonce(server: Any, ns: Any) -> None:
    prepared = requests.Request("GET", f"{server.url}{RECORD}/7", auth=tba()).prepare()
    session = requests.Session()
    assert session.send(prepared, timeout=5).status_code == 200
    assert_invalid_login(session.send(prepared, timeout=5), ns[2], "NonceRejected")
    # A fresh nonce on retry works again, as it does on NetSuite.
    assert requests.get(f"{server.url}{RECORD}/7", auth=tba(), timeout=5).status_code == 200


def test_tba_realm_is_checked_exactly_as_netsuite_does(server: Any, ns: Any) -> None:
    # The realm is the account id in upper case with an underscore; 1234567-sb1 or 1234567_sb1 fail.
    for realm in ("1234567-sb1", "1234567_sb1", "1234567-SB1"):
        resp = requests.get(f"{server.url}{RECORD}/7", auth=tba(realm=realm), timeout=5)
        assert_invalid_login(resp, ns[2], "InvalidAccount")


def test_tba_realm_other_account_or_missing(server: Any, ns: Any) -> None:
    resp = requests.get(f"{server.url}{RECORD}/7", auth=tba(realm="7654321"), timeout=5)
    assert_invalid_login(resp, ns[2], "InvalidAccount")
    resp = requests.get(f"{server.url}{RECORD}/7", auth=tba(realm=None), timeout=5)
    assert_invalid_login(resp, ns[2], "InvalidAccount")


def test_tba_unknown_consumer_and_token(server: Any, ns: Any) -> None:
    resp = requests.get(f"{server.url}{RECORD}/7", auth=tba(client_key="who"), timeout=5)
    assert_invalid_login(resp, ns[2], "InvalidConsumerKey")
    resp = requests.get(f"{server.url}{RECORD}/7", auth=tba(resource_owner_key="nope"), timeout=5)
    assert_invalid_login(resp, ns[2], "InvalidToken")


def test_tba_revoked_token_and_new_token(server: Any, ns: Any) -> None:
    assert requests.get(f"{server.url}{RECORD}/7", auth=tba(), timeout=5).status_code == 200
    r = requests.post(
        f"{server.url}/__erpsim/act/revoke_token", json={"token_id": TID}, headers=ADMIN, timeout=5
    )
    assert r.status_code == 200 and r.json() == {"token_id": TID, "revoked": True}
    assert_invalid_login(
        requests.get(f"{server.url}{RECORD}/7", auth=tba(), timeout=5), ns[2], "TokenRevoked"
    )
    new = requests.post(f"{server.url}/__erpsim/act/create_token", json={}, headers=ADMIN, timeout=5).json()
    assert new["consumer_key"] == CK and len(new["token_id"]) == 64 and new["account"] == ACCOUNT
    auth = tba(resource_owner_key=new["token_id"], resource_owner_secret=new["token_secret"])
    assert requests.get(f"{server.url}{RECORD}/7", auth=auth, timeout=5).status_code == 200


def test_tba_hmac_sha1_refused(server: Any, ns: Any) -> None:
    resp = requests.get(f"{server.url}{RECORD}/7", auth=tba(signature_method="HMAC-SHA1"), timeout=5)
    assert_invalid_login(resp, ns[2], "UnsupportedSignatureMethod")


def test_missing_or_foreign_authorization(server: Any, ns: Any) -> None:
    assert_invalid_login(requests.get(f"{server.url}{RECORD}/7", timeout=5), ns[2], "MissingAuthorization")
    resp = requests.get(f"{server.url}{RECORD}/7", auth=("user", "pass"), timeout=5)
    assert_invalid_login(resp, ns[2], "MissingOrUnsupportedAuthorization")
    resp = requests.get(
        f"{server.url}{RECORD}/7", headers={"Authorization": 'OAuth realm="x", oauth_'}, timeout=5
    )
    assert_invalid_login(resp, ns[2])


def test_new_consumer_via_action(server: Any) -> None:
    body = {"consumer_key": "ck2", "consumer_secret": "cs2", "token_id": "t2", "token_secret": "ts2"}
    assert (
        requests.post(
            f"{server.url}/__erpsim/act/create_token", json=body, headers=ADMIN, timeout=5
        ).status_code
        == 200
    )
    auth = tba(client_key="ck2", client_secret="cs2", resource_owner_key="t2", resource_owner_secret="ts2")
    assert (
        requests.get(f"{server.url}{RECORD}/7", auth=auth, timeout=5).json()["principal"]["consumer_key"]
        == "ck2"
    )
    r = requests.post(
        f"{server.url}/__erpsim/act/create_token", json={"consumer_key": "nobody"}, headers=ADMIN, timeout=5
    )
    assert r.status_code == 404 and r.json()["error"] == "UNKNOWN_CONSUMER"


# ---- TBA through the Flask test client -------------------------------------------------------------


def signed(method: str, url: str, **kw: Any) -> dict[str, str]:
    """Authorization header for ``url`` signed by oauthlib's own client."""
    args: dict[str, Any] = {
        "client_secret": CS,
        "resource_owner_key": TID,
        "resource_owner_secret": TS,
        "signature_method": "HMAC-SHA256",
        "realm": ACCOUNT,
    }
    args.update(kw)
    _, headers, _ = OAuth1Client(args.pop("client_key", CK), **args).sign(url, http_method=method)
    return {"Authorization": headers["Authorization"]}


def test_test_client_success_and_tamper(ns: Any) -> None:
    app, _, auth = ns
    client = app.test_client()
    url = f"http://localhost{RECORD}/a%20b?q=x%2Fy"
    resp = client.get(url, headers=signed("GET", url))
    assert resp.status_code == 200 and resp.json["id"] == "a b"
    assert_invalid_login(client.get(url, headers=signed("GET", url.replace("x%2Fy", "x%2Fz"))), auth)
    assert_invalid_login(client.patch(url, headers=signed("GET", url)), auth, "InvalidSignature")
    # A client that signed a different host (a proxy in between) fails unless public_base_url says so.
    assert_invalid_login(
        client.get(url, headers=signed("GET", url.replace("localhost", "acct.example"))), auth
    )


def test_realm_lax_mode_is_an_opt_in_setting(tmp_path: Path) -> None:
    app, _, auth = make_app(tmp_path, realm_strict="false")
    url = f"http://localhost{RECORD}/1"
    assert app.test_client().get(url, headers=signed("GET", url, realm="1234567-sb1")).status_code == 200
    assert app.test_client().get(url, headers=signed("GET", url)).status_code == 200
    assert_invalid_login(
        app.test_client().get(url, headers=signed("GET", url, realm="7654321")), auth, "InvalidAccount"
    )


def test_db_nonce_store_shared_between_workers(tmp_path: Path) -> None:
    app_a, _, _ = make_app(tmp_path, nonce_store="db")
    app_b, _, auth_b = make_app(tmp_path, nonce_store="db")  # a second worker on the same database
    url = f"http://localhost{RECORD}/1"
    headers = signed("GET", url)
    assert app_a.test_client().get(url, headers=headers).status_code == 200
    assert_invalid_login(app_b.test_client().get(url, headers=headers), auth_b, "NonceRejected")


def test_public_base_url_setting(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path, public_base_url="https://1234567-sb1.suitetalk.api.netsuite.com/")
    real = f"https://1234567-sb1.suitetalk.api.netsuite.com{RECORD}/1"
    assert app.test_client().get(f"{RECORD}/1", headers=signed("GET", real)).status_code == 200


def test_db_mode_sees_other_worker_revocation_after_ttl(tmp_path: Path) -> None:
    app_a, _, _ = make_app(tmp_path, nonce_store="db", auth_cache_ttl=0.2)
    app_b, _, auth_b = make_app(tmp_path, nonce_store="db", auth_cache_ttl=0.2)
    url = f"http://localhost{RECORD}/1"
    assert app_b.test_client().get(url, headers=signed("GET", url)).status_code == 200
    app_a.test_client().post("/__erpsim/act/revoke_token", json={"token_id": TID}, headers=ADMIN)
    time.sleep(0.3)
    assert_invalid_login(app_b.test_client().get(url, headers=signed("GET", url)), auth_b, "TokenRevoked")


def test_ensure_defaults_after_reset_restores_token(ns: Any) -> None:
    app, emu, auth = ns
    url = f"http://localhost{RECORD}/1"
    app.test_client().post("/__erpsim/act/revoke_token", json={"token_id": TID}, headers=ADMIN)
    assert_invalid_login(app.test_client().get(url, headers=signed("GET", url)), auth, "TokenRevoked")
    emu.reset()
    with emu.store.write() as s:
        auth.ensure_defaults(s)
    assert app.test_client().get(url, headers=signed("GET", url)).status_code == 200
    audit = app.test_client().post("/__erpsim/act/login_audit", json={"limit": 1}, headers=ADMIN).json
    assert audit["entries"][0]["reason"] == "TokenRevoked"


# ---- the third-party client (jacobsvante/netsuite) --------------------------------------------------


def test_third_party_netsuite_client(server: Any) -> None:
    netsuite = pytest.importorskip("netsuite")
    from netsuite.exceptions import NetsuiteAPIRequestError
    from netsuite.rest_api import NetSuiteRestApi

    class EmulatedRestApi(NetSuiteRestApi):  # type: ignore[misc]
        """The real client with only its base URL pointed at the emulator."""

        def _make_url(self, subpath: str) -> str:
            return f"{server.url}/services/rest{subpath}"

    def api(**overrides: str) -> Any:
        creds = {"consumer_key": CK, "consumer_secret": CS, "token_id": TID, "token_secret": TS, **overrides}
        config = netsuite.Config(account=ACCOUNT, auth=netsuite.TokenAuth(**creds))
        return EmulatedRestApi(config)

    got = asyncio.run(api().get("/record/v1/customer/42"))
    assert got["id"] == "42" and got["principal"]["token_id"] == TID
    got = asyncio.run(api().post("/record/v1/customer/42", json={"companyName": "Acme"}))
    assert got["principal"]["kind"] == "tba"
    with pytest.raises(NetsuiteAPIRequestError) as exc:
        asyncio.run(api(token_secret="wrong").get("/record/v1/customer/42"))
    assert exc.value.status_code == 401 and "INVALID_LOGIN" in exc.value.response_text
    got = asyncio.run(api().get("/record/v1/customer/42", params={"fields": "companyName,email"}))
    assert got["id"] == "42"


def test_services_hold_the_one_authenticator(ns: Any) -> None:
    assert NetSuiteServices.of(ns[1]).auth is ns[2]


# ---- the fast paths agree with oauthlib ----------------------------------------------------------------


@given(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12)), max_size=8))
def test_normalize_parameters_matches_oauthlib(params: list[tuple[str, str]]) -> None:
    assert normalize_parameters(params) == oauth_sig.normalize_parameters(params)


@given(
    st.dictionaries(
        st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
        st.text(alphabet=st.characters(blacklist_characters='"\\', max_codepoint=0x7E), max_size=20),
        min_size=1,
        max_size=8,
    )
)
def test_parse_oauth_header_matches_oauthlib(fields: dict[str, str]) -> None:
    header = "OAuth " + ", ".join(f'{k}="{v}"' for k, v in fields.items())
    assert parse_oauth_header(header) == oauth_utils.parse_authorization_header(header)


def test_parse_oauth_header_falls_back_for_odd_shapes() -> None:
    header = 'OAuth realm=ACCT, oauth_token="a\\"b"'
    assert parse_oauth_header(header) == oauth_utils.parse_authorization_header(header)
