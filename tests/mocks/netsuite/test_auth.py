"""NetSuite authentication against real signing clients: TBA (OAuth 1.0a) and OAuth 2.0 M2M."""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import Blueprint, Flask, Response, g, jsonify, request
from hypothesis import given
from hypothesis import strategies as st
from oauthlib.oauth1 import Client as OAuth1Client
from oauthlib.oauth1.rfc5849 import signature as oauth_sig
from oauthlib.oauth1.rfc5849 import utils as oauth_utils
from requests_oauthlib import OAuth1

from mocks.core.app import Emulator, SystemHooks, build_app
from mocks.core.config import EmulatorConfig
from mocks.netsuite.actions_auth import AUTH_ACTIONS
from mocks.netsuite.api import oauth2
from mocks.netsuite.auth.authenticator import Authenticator, get_authenticator
from mocks.netsuite.auth.oauth2 import TOKEN_PATH
from mocks.netsuite.auth.tba import normalize_parameters, parse_oauth_header
from mocks.netsuite.errors import INVALID_LOGIN_DETAIL, render_error, throttle_error
from mocks.netsuite.models import Base
from tests.conftest import ADMIN

HERE = Path(__file__).parent
ACCOUNT = "1234567_SB1"
CK, CS, TID, TS = "erpsim-consumer-key", "erpsim-consumer-secret", "erpsim-token-id", "erpsim-token-secret"
RECORD = "/services/rest/record/v1/customer"
INVALID_LOGIN_BODY = {
    "type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html",
    "title": "Unauthorized",
    "status": 401,
    "o:errorDetails": [{"detail": INVALID_LOGIN_DETAIL, "o:errorCode": "INVALID_LOGIN"}],
}
BEARER_CHALLENGE = (
    f'Bearer realm="{ACCOUNT}", error="invalid_token", error_description="Invalid login attempt."'
)


def make_app(
    tmp_path: Path, db_name: str = "ns.db", **settings: Any
) -> tuple[Flask, Emulator, Authenticator]:
    """A minimal NetSuite app: auth actions, the token endpoint and one protected record route."""
    config = EmulatorConfig(
        system="netsuite", db_url=f"sqlite:///{tmp_path / db_name}", data_dir=tmp_path, settings=settings
    )
    hooks = SystemHooks(
        render_error=render_error,
        throttle_error=throttle_error,
        seed=lambda emu, body: {},
        actions=dict(AUTH_ACTIONS),
    )
    app, emu = build_app(
        config, [Base.metadata], hooks, import_name=__name__, openapi={"openapi": "3.1.0", "paths": {}}
    )
    auth = Authenticator(emu)
    with emu.store.write() as s:
        auth.ensure_defaults(s)
    app.register_blueprint(oauth2.bp)
    bp = Blueprint("protected", __name__)

    @bp.before_request
    def _authenticate() -> None:
        g.principal = auth.authenticate(request)

    @bp.route(f"{RECORD}/<rid>", methods=["GET", "POST", "PATCH"])
    def record(rid: str) -> Response:
        return jsonify({"id": rid, "principal": asdict(g.principal)})

    app.register_blueprint(bp)
    return app, emu, auth


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


def assert_invalid_login(resp: Any, auth: Authenticator | None = None, reason: str | None = None) -> None:
    """Exactly NetSuite's 401 INVALID_LOGIN; the audit trail names the real reason."""
    assert resp.status_code == 401
    assert resp.headers["Content-Type"] == "application/vnd.oracle.resource+json; type=error"
    body = resp.json() if callable(resp.json) else resp.json
    assert body == INVALID_LOGIN_BODY
    if auth is not None and reason is not None:
        assert auth.audit[-1]["reason"] == reason


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


# ---- OAuth 2.0 client credentials ---------------------------------------------------------------------


def keypair(kind: str) -> tuple[Any, str]:
    """A private key and its public PEM: EC P-256 or RSA (used with PS256)."""
    key: Any = (
        ec.generate_private_key(ec.SECP256R1()) if kind == "ec" else rsa.generate_private_key(65537, 2048)
    )
    pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return key, pem


def assertion(
    key: Any,
    *,
    alg: str = "ES256",
    kid: str = "cert-1",
    iss: str = "client-1",
    aud: str = "",
    scope: Any = "restlets,rest_webservices",
    iat: int | None = None,
    life: int = 300,
) -> str:
    """A client-credentials JWT assertion as NetSuite documents it."""
    now = int(time.time()) if iat is None else iat
    claims = {"iss": iss, "scope": scope, "aud": aud, "iat": now, "exp": now + life}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid, "typ": "JWT"})


def token_request(base: str, jwt_assertion: str, **form: str) -> requests.Response:
    """POST the assertion to the token endpoint."""
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": jwt_assertion,
        **form,
    }
    return requests.post(base + TOKEN_PATH, data=data, timeout=5)


@pytest.fixture(params=["ec", "rsa"])
def m2m(request: pytest.FixtureRequest, server: Any) -> dict[str, Any]:
    """A registered M2M client: its key, algorithm and the token URL."""
    key, pem = keypair(request.param)
    r = requests.post(
        f"{server.url}/__erpsim/act/register_oauth2_client",
        headers=ADMIN,
        timeout=5,
        json={"client_id": "client-1", "certificate_id": "cert-1", "public_key_pem": pem},
    )
    assert r.status_code == 200, r.text
    return {
        "key": key,
        "alg": "ES256" if request.param == "ec" else "PS256",
        "aud": server.url + TOKEN_PATH,
        "base": server.url,
    }


def test_oauth2_token_and_bearer(m2m: dict[str, Any]) -> None:
    resp = token_request(m2m["base"], assertion(m2m["key"], alg=m2m["alg"], aud=m2m["aud"]))
    assert resp.status_code == 200, resp.text
    assert resp.headers["Cache-Control"] == "no-store"
    body = resp.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert body["expires_in"] == "3600" and body["token_type"] == "bearer"
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "PS256"
    r = requests.get(
        f"{m2m['base']}{RECORD}/9", headers={"Authorization": f"Bearer {body['access_token']}"}, timeout=5
    )
    assert r.status_code == 200
    assert r.json()["principal"] == {
        "kind": "oauth2",
        "account": ACCOUNT,
        "consumer_key": None,
        "client_id": "client-1",
        "token_id": None,
        "scopes": ["restlets", "rest_webservices"],
    }


def test_oauth2_real_audience_and_list_scope(m2m: dict[str, Any]) -> None:
    real = f"https://1234567-sb1.suitetalk.api.netsuite.com{TOKEN_PATH}"
    resp = token_request(
        m2m["base"], assertion(m2m["key"], alg=m2m["alg"], aud=real, scope=["rest_webservices"])
    )
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize(
    "case, status, error",
    [
        ("wrong_kid", 401, "invalid_client"),
        ("wrong_iss", 401, "invalid_client"),
        ("wrong_aud", 400, "invalid_grant"),
        ("exp_too_far", 400, "invalid_grant"),
        ("expired", 400, "invalid_grant"),
        ("no_rest_scope", 400, "invalid_grant"),
        ("garbage", 400, "invalid_request"),
    ],
)
def test_oauth2_assertion_refused(m2m: dict[str, Any], case: str, status: int, error: str) -> None:
    kw: dict[str, Any] = {"alg": m2m["alg"], "aud": m2m["aud"]}
    changes: dict[str, dict[str, Any]] = {
        "wrong_kid": {"kid": "cert-2"},
        "wrong_iss": {"iss": "client-2"},
        "wrong_aud": {"aud": "https://x/y"},
        "exp_too_far": {"life": 3601},
        "expired": {"iat": int(time.time()) - 600},
        "no_rest_scope": {"scope": "restlets"},
    }
    kw.update(changes.get(case, {}))
    jwt_assertion = "not.a.jwt" if case == "garbage" else assertion(m2m["key"], **kw)
    resp = token_request(m2m["base"], jwt_assertion)
    assert resp.status_code == status
    assert resp.json()["error"] == error and resp.json()["error_description"]


def test_oauth2_rs256_and_foreign_key_refused(server: Any) -> None:
    key, pem = keypair("rsa")
    requests.post(
        f"{server.url}/__erpsim/act/register_oauth2_client",
        headers=ADMIN,
        timeout=5,
        json={"client_id": "client-1", "certificate_id": "cert-1", "public_key_pem": pem},
    )
    aud = server.url + TOKEN_PATH
    resp = token_request(server.url, assertion(key, alg="RS256", aud=aud))
    assert resp.status_code == 401
    assert resp.json() == {
        "error": "invalid_client",
        "error_description": "alg 'RS256' is not allowed; use PS256/384/512 or ES256/384/512",
    }
    other, _ = keypair("rsa")
    resp = token_request(server.url, assertion(other, alg="PS256", aud=aud))
    assert resp.status_code == 401 and resp.json()["error"] == "invalid_client"


def test_oauth2_bad_form(server: Any) -> None:
    resp = token_request(server.url, "x", grant_type="authorization_code")
    assert resp.status_code == 400 and resp.json()["error"] == "unsupported_grant_type"
    resp = token_request(server.url, "x", client_assertion_type="password")
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_request"
    resp = requests.post(server.url + TOKEN_PATH, json={"grant_type": "client_credentials"}, timeout=5)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_request"


def test_bearer_expired_garbage_revoked(m2m: dict[str, Any], ns: Any) -> None:
    auth = ns[2]
    token = token_request(m2m["base"], assertion(m2m["key"], alg=m2m["alg"], aud=m2m["aud"])).json()[
        "access_token"
    ]
    url = f"{m2m['base']}{RECORD}/9"

    def call(tok: str) -> requests.Response:
        return requests.get(url, headers={"Authorization": f"Bearer {tok}"}, timeout=5)

    assert call(token).status_code == 200
    for bad, reason in (("garbage", "InvalidSignature"), (token[:-4] + "AAAA", "InvalidSignature")):
        resp = call(bad)
        assert_invalid_login(resp, auth, reason)
        assert resp.headers["WWW-Authenticate"] == BEARER_CHALLENGE
    auth.now = lambda: time.time() + 3601
    resp = call(token)
    assert_invalid_login(resp, auth, "AccessTokenExpired")
    assert resp.headers["WWW-Authenticate"] == BEARER_CHALLENGE
    auth.now = time.time
    r = requests.post(
        f"{m2m['base']}/__erpsim/act/revoke_oauth2_client",
        json={"certificate_id": "cert-1"},
        headers=ADMIN,
        timeout=5,
    )
    assert r.json() == {"client_id": "client-1", "revoked": True}
    assert_invalid_login(call(token), auth, "TokenRevoked")
    resp = token_request(m2m["base"], assertion(m2m["key"], alg=m2m["alg"], aud=m2m["aud"]))
    assert resp.status_code == 401 and resp.json()["error"] == "invalid_client"


def test_oauth2_client_from_settings(tmp_path: Path) -> None:
    pem = (HERE / "m2m_test_ec_public.pem").read_text()
    key = serialization.load_pem_private_key((HERE / "m2m_test_ec_private.pem").read_bytes(), password=None)
    app, _, _ = make_app(
        tmp_path, oauth2_client_id="cfg-client", oauth2_certificate_id="cfg-cert", oauth2_public_key=pem
    )
    client = app.test_client()
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion(
            key, kid="cfg-cert", iss="cfg-client", aud=f"http://localhost{TOKEN_PATH}"
        ),
    }
    resp = client.post(TOKEN_PATH, data=data)
    body: dict[str, Any] = resp.get_json()
    assert resp.status_code == 200, body
    r = client.get(f"{RECORD}/1", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert r.status_code == 200 and r.get_json()["principal"]["client_id"] == "cfg-client"


def test_an_unknown_oauth2_client_is_refused(ns: Any) -> None:
    key = serialization.load_pem_private_key((HERE / "m2m_test_ec_private.pem").read_bytes(), password=None)
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion(key, aud=f"http://localhost{TOKEN_PATH}"),
    }
    resp = ns[0].test_client().post(TOKEN_PATH, data=data)
    assert resp.status_code == 401 and resp.json["error"] == "invalid_client"


def test_default_oauth2_client_keys_are_generated_per_data_dir(tmp_path: Path, serve_app: Any) -> None:
    """The M2M client and the token-signing key live in files of the data directory: shared by every app
    (worker) on it, different in another one, and not in the source."""
    from mocks.netsuite import credentials

    cfg = EmulatorConfig(system="netsuite", db_url=f"sqlite:///{tmp_path / 'ns.db'}", data_dir=tmp_path)
    creds = credentials(cfg)
    key_file = Path(creds["OAUTH2_PRIVATE_KEY_FILE"])
    assert not key_file.exists()  # asking for the credentials writes nothing; the app makes the key at start
    first = serve_app(make_app(tmp_path)[0])
    assert (creds["OAUTH2_CLIENT_ID"], creds["OAUTH2_CERTIFICATE_ID"], key_file) == (
        "erpsim-m2m-client",
        "erpsim-m2m-certificate",
        tmp_path.resolve() / "netsuite-oauth2-client-key.pem",
    )
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    second = serve_app(make_app(tmp_path, db_name="ns.db")[0])  # another worker on the same data dir
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other = serve_app(make_app(other_dir)[0])

    def token(srv: Any) -> str:
        jwt_assertion = assertion(
            key, kid=creds["OAUTH2_CERTIFICATE_ID"], iss=creds["OAUTH2_CLIENT_ID"], aud=srv.url + TOKEN_PATH
        )
        resp = token_request(srv.url, jwt_assertion)
        assert resp.status_code == 200, resp.text
        return str(resp.json()["access_token"])

    issued = token(first)
    for srv, status in ((first, 200), (second, 200), (other, 401)):
        r = requests.get(f"{srv.url}{RECORD}/1", headers={"Authorization": f"Bearer {issued}"}, timeout=10)
        assert r.status_code == status, r.text
    assert (tmp_path / "netsuite-oauth2-signing-key.pem").read_bytes() != (
        other_dir / "netsuite-oauth2-signing-key.pem"
    ).read_bytes()
    shipped = [p for p in (HERE.parents[2] / "mocks").rglob("*.py") if "PRIVATE KEY-----" in p.read_text()]
    assert shipped == []


def test_get_authenticator_reuses_instance(ns: Any) -> None:
    assert get_authenticator(ns[1]) is ns[2]


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
