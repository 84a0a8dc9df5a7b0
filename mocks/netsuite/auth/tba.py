"""Token-based authentication (OAuth 1.0a, HMAC-SHA256 only): header parsing, the checks NetSuite makes in
order, and the signature over the URL as called (oauthlib's algorithm with a faster header parser)."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import quote

from flask import Request
from oauthlib.oauth1.rfc5849 import signature as oauth_sig
from oauthlib.oauth1.rfc5849 import utils as oauth_utils

from .accounts import Principal, normalize_account

if TYPE_CHECKING:
    from .authenticator import Authenticator


class _Secrets(NamedTuple):
    """The two secrets of a signature, as oauthlib's ``sign_hmac_sha256_with_client`` reads them off a client."""

    client_secret: str
    resource_owner_secret: str


#: The integration and token every world starts with, unless configured.
DEFAULTS = {
    "consumer_key": "erpsim-consumer-key",
    "consumer_secret": "erpsim-consumer-secret",
    "token_id": "erpsim-token-id",
    "token_secret": "erpsim-token-secret",
}
#: TBA has no scopes; a token can reach everything its role can.
TBA_SCOPES = ("restlets", "rest_webservices", "suite_analytics")
_REQUIRED_OAUTH = (
    "oauth_consumer_key",
    "oauth_token",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
)
#: A well-formed OAuth header: only key="value" pairs (the common case, parsed by one regex).
_HEADER_SHAPE = re.compile(r'\s*[A-Za-z_]+="[^"\\]*"\s*(?:,\s*[A-Za-z_]+="[^"\\]*"\s*)*,?\s*\Z')
_HEADER_PAIR = re.compile(r'([A-Za-z_]+)="([^"]*)"')
#: RFC 5849 3.6 leaves these characters unencoded; most parameter values are made of nothing else.
_UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]*\Z")


@dataclass(frozen=True)
class TbaToken:
    """A cached ``ns_tokens`` row."""

    token_id: str
    token_secret: str
    consumer_key: str
    consumer_secret: str
    revoked: bool


def parse_oauth_header(header: str) -> list[tuple[str, str]]:
    """The (key, value) pairs of an ``OAuth ...`` Authorization header (values still percent-encoded)."""
    rest = header[6:]
    if _HEADER_SHAPE.match(rest):
        # Same result as oauthlib's parser (later duplicates win) at a fraction of its cost.
        return list(dict(_HEADER_PAIR.findall(rest)).items())
    result: list[tuple[str, str]] = oauth_utils.parse_authorization_header(header)
    return result


def _escape(value: str) -> str:
    return value if _UNRESERVED.match(value) else oauth_utils.escape(value)


def normalize_parameters(params: list[tuple[str, str]]) -> str:
    """oauthlib's ``normalize_parameters`` with a fast path for values that need no encoding."""
    pairs = sorted((_escape(k), _escape(v)) for k, v in params)
    return "&".join(f"{k}={v}" for k, v in pairs)


def verify(auth: Authenticator, request: Request, header: str) -> Principal:
    """Authenticate an ``OAuth ...`` request; any failure raises 401 INVALID_LOGIN (reason in the audit)."""
    try:
        items = parse_oauth_header(header)
    except ValueError:
        raise auth.fail("tba", "MalformedAuthorizationHeader") from None
    oauth = dict(items)
    missing = [p for p in _REQUIRED_OAUTH if not oauth.get(p)]
    if missing:
        raise auth.fail("tba", "MissingParameter", parameters=missing)
    consumer_key = oauth_utils.unescape(oauth["oauth_consumer_key"])
    token_id = oauth_utils.unescape(oauth["oauth_token"])
    info = {"consumer_key": consumer_key, "token_id": token_id}
    method = oauth["oauth_signature_method"]
    if method != "HMAC-SHA256":
        # HMAC-SHA1 support ended with 2023.1.
        raise auth.fail("tba", "UnsupportedSignatureMethod", method=method, **info)
    if oauth.get("oauth_version", "1.0") != "1.0":
        raise auth.fail("tba", "InvalidVersion", **info)
    realm = oauth.get("realm", "")
    ok_realm = realm == auth.account if auth.realm_strict else normalize_account(realm) == auth.account
    if not ok_realm:
        raise auth.fail("tba", "InvalidAccount", realm=realm, **info)
    ts_raw = oauth["oauth_timestamp"]
    now = auth.now()
    if not (ts_raw.isascii() and ts_raw.isdigit()) or abs(now - int(ts_raw)) > auth.window:
        raise auth.fail("tba", "InvalidTimestamp", timestamp=ts_raw, **info)
    nonce = oauth_utils.unescape(oauth["oauth_nonce"])
    if not (6 <= len(nonce) <= 64 and nonce.isascii() and nonce.isalnum()):
        raise auth.fail("tba", "NonceRejected", **info)
    tok = auth.tba_token(token_id)
    if tok is None or tok.consumer_key != consumer_key:
        reason = "InvalidToken" if auth.consumer_exists(consumer_key) else "InvalidConsumerKey"
        raise auth.fail("tba", reason, **info)
    if tok.revoked:
        raise auth.fail("tba", "TokenRevoked", **info)
    if not hmac.compare_digest(
        signature(auth.base_url(request), request, items, tok).encode(),
        oauth_utils.unescape(oauth["oauth_signature"]).encode(),
    ):
        raise auth.fail("tba", "InvalidSignature", **info)
    # Nonces are remembered only for verified requests, so forged ones cannot burn a client's nonces.
    if not auth.nonces.check_and_add((consumer_key, token_id, nonce), int(ts_raw), now):
        raise auth.fail("tba", "NonceRejected", replay=True, **info)
    return Principal("tba", auth.account, consumer_key=consumer_key, token_id=token_id, scopes=TBA_SCOPES)


def signature(base_url: str, request: Request, header_items: list[tuple[str, str]], tok: TbaToken) -> str:
    """HMAC-SHA256 over method, the URL as called and every parameter (RFC 5849 section 3.4)."""
    environ = request.environ
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    path = raw.split("?", 1)[0] if raw else quote(environ.get("SCRIPT_NAME", "") + request.path)
    body: str | None = None
    if request.mimetype == "application/x-www-form-urlencoded":
        body = request.get_data(as_text=True)
    try:
        params = oauth_sig.collect_parameters(uri_query=environ.get("QUERY_STRING", ""), body=body)
    except ValueError:
        return ""  # badly escaped query or body: NetSuite refuses these as an invalid login too
    for key, value in header_items:
        if key not in ("realm", "oauth_signature"):
            params.append((key, oauth_utils.unescape(value) if key.startswith("oauth_") else value))
    try:
        uri = oauth_sig.base_string_uri(base_url + path)
    except ValueError:
        return ""
    base = oauth_sig.signature_base_string(request.method.upper(), uri, normalize_parameters(params))
    return oauth_sig.sign_hmac_sha256_with_client(base, _Secrets(tok.consumer_secret, tok.token_secret))
