"""NetSuite's OAuth 2.0 machine-to-machine authentication against real JWT clients: tokens, bearers."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from flask import Flask

from mocks.core.app import Emulator
from mocks.core.config import EmulatorConfig
from mocks.netsuite.auth.authenticator import Authenticator
from mocks.netsuite.auth.oauth2 import TOKEN_PATH
from tests.conftest import ADMIN

from .auth_world import ACCOUNT, BEARER_CHALLENGE, RECORD, assert_invalid_login, make_app

HERE = Path(__file__).parent


@pytest.fixture
def ns(tmp_path: Path) -> tuple[Flask, Emulator, Authenticator]:
    """The app, its emulator and its Authenticator."""
    return make_app(tmp_path)


@pytest.fixture
def server(ns: tuple[Flask, Emulator, Authenticator], serve_app: Any) -> Any:
    """The app on a real socket."""
    return serve_app(ns[0])


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
