"""NetSuite authentication: TBA (OAuth 1.0a, HMAC-SHA256) and OAuth 2.0 client-credentials bearer tokens.

One ``Authenticator`` per app. ``authenticate(request)`` runs on every vendor-API request, so the hot
path stays in process memory: token rows and OAuth 2.0 clients are cached (dropped on act/ changes,
or re-read after ``auth_cache_ttl`` seconds in "db" mode where several workers share the store),
nonces live in an in-memory set with expiry, and verified bearer tokens are cached by their text.
Every refusal is the same 401 INVALID_LOGIN callers see from NetSuite; the real reason is kept in
``Authenticator.audit`` (NetSuite's Login Audit Trail has it in its Detail column).
"""

from __future__ import annotations

import hmac
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import jwt
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from cryptography.x509 import load_pem_x509_certificate
from flask import Request
from oauthlib.oauth1.rfc5849 import signature as oauth_sig
from oauthlib.oauth1.rfc5849 import utils as oauth_utils
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mocks.core import keys
from mocks.core.app import Emulator
from mocks.core.config import EmulatorConfig
from mocks.core.errors import ApiError

from .models import NsNonce, NsOAuthClient, NsToken

#: The detail NetSuite puts in every authentication refusal, whatever the cause.
INVALID_LOGIN_DETAIL = ("Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI "
                        "at Setup > Users/Roles > User Management > View Login Audit Trail.")
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
#: ``iss`` of the access tokens NetSuite issues.
TOKEN_ISSUER = "https://system.netsuite.com"
SERVICE_KEY = "ns_auth"
DEFAULT_ACCOUNT = "1234567_SB1"
DEFAULTS = {
    "consumer_key": "erpsim-consumer-key",
    "consumer_secret": "erpsim-consumer-secret",
    "token_id": "erpsim-token-id",
    "token_secret": "erpsim-token-secret",
}
#: TBA has no scopes; a token can reach everything its role can.
TBA_SCOPES = ("restlets", "rest_webservices", "suite_analytics")
_REQUIRED_OAUTH = ("oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_timestamp",
                   "oauth_nonce", "oauth_signature")
_MAX_BEARER_CACHE = 10_000
#: A well-formed OAuth header: only key="value" pairs (the common case, parsed by one regex).
_HEADER_SHAPE = re.compile(r'\s*[A-Za-z_]+="[^"\\]*"\s*(?:,\s*[A-Za-z_]+="[^"\\]*"\s*)*,?\s*\Z')
_HEADER_PAIR = re.compile(r'([A-Za-z_]+)="([^"]*)"')
#: RFC 5849 3.6 leaves these characters unencoded; most parameter values are made of nothing else.
_UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]*\Z")


@dataclass(frozen=True)
class Principal:
    """Who a request authenticated as."""

    kind: str  # "tba" | "oauth2"
    account: str
    consumer_key: str | None = None
    client_id: str | None = None
    token_id: str | None = None
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TbaToken:
    """A cached ``ns_tokens`` row."""

    token_id: str
    token_secret: str
    consumer_key: str
    consumer_secret: str
    revoked: bool


@dataclass(frozen=True)
class OAuthClient:
    """A cached ``ns_oauth_clients`` row with its public key loaded."""

    client_id: str
    certificate_id: str
    public_key: PublicKeyTypes
    scopes: tuple[str, ...]
    revoked: bool


@dataclass(frozen=True)
class _Bearer:
    client_id: str
    scopes: tuple[str, ...]
    exp: float


def normalize_account(value: str) -> str:
    """Account id in NetSuite's canonical form (``1234567-sb1`` -> ``1234567_SB1``)."""
    return value.strip().upper().replace("-", "_")


def account_host_slug(account: str) -> str:
    """The account as it appears in NetSuite hostnames (``1234567_SB1`` -> ``1234567-sb1``)."""
    return account.lower().replace("_", "-")


def split_scopes(value: Any) -> tuple[str, ...]:
    """Scopes from a comma/space separated string or a JSON list."""
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
    elif isinstance(value, str):
        items = value.replace(",", " ").split()
    else:
        return ()
    return tuple(dict.fromkeys(s.strip() for s in items if s.strip()))


def load_public_key(pem: str) -> PublicKeyTypes:
    """A public key from a PEM public key or X.509 certificate (NetSuite's M2M setup takes certificates)."""
    data = pem.strip().encode()
    if b"BEGIN CERTIFICATE" in data:
        return load_pem_x509_certificate(data).public_key()
    return load_pem_public_key(data)


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


def _as_bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "on")


class NonceStore(Protocol):
    """Remembers (consumer, token, nonce) until the nonce's timestamp leaves the window."""

    def check_and_add(self, key: tuple[str, str, str], timestamp: int, now: float) -> bool:
        """True when the nonce is fresh (and is now remembered), False on a replay."""
        ...

    def clear(self) -> None:
        """Forget every nonce."""
        ...


class MemoryNonceStore:
    """Per-process nonce set: no DB write per request (one worker process only)."""

    def __init__(self, window: int) -> None:
        self.window = window
        self._seen: dict[tuple[str, str, str], float] = {}
        self._lock = threading.Lock()
        self._next_purge = 0.0

    def check_and_add(self, key: tuple[str, str, str], timestamp: int, now: float) -> bool:
        """True when the nonce is fresh (and is now remembered), False on a replay."""
        with self._lock:
            if now >= self._next_purge:
                self._seen = {k: exp for k, exp in self._seen.items() if exp > now}
                self._next_purge = now + 30
            expires = self._seen.get(key)
            if expires is not None and expires > now:
                return False
            # A nonce can come back only once its timestamp is outside the window anyway.
            self._seen[key] = timestamp + self.window + 1
            return True

    def clear(self) -> None:
        """Forget every nonce."""
        with self._lock:
            self._seen.clear()


class DbNonceStore:
    """Nonces in ``ns_nonces``, shared by every worker process on the same store."""

    def __init__(self, emu: Emulator, window: int) -> None:
        self.emu = emu
        self.window = window
        self._next_purge = 0.0

    def check_and_add(self, key: tuple[str, str, str], timestamp: int, now: float) -> bool:
        """True when the nonce is fresh (and is now remembered), False on a replay."""
        consumer, token, nonce = key
        try:
            with self.emu.store.write() as s:
                if now >= self._next_purge:
                    self._next_purge = now + 30
                    s.execute(delete(NsNonce).where(NsNonce.timestamp < int(now) - 2 * self.window))
                row = s.get(NsNonce, key)
                if row is not None:
                    if row.timestamp + self.window >= now:
                        return False
                    row.timestamp = timestamp
                else:
                    s.add(NsNonce(consumer_key=consumer, token_id=token, nonce=nonce, timestamp=timestamp))
        except IntegrityError:
            return False  # another worker inserted the same nonce concurrently: a replay
        return True

    def clear(self) -> None:
        """Forget every nonce."""
        with self.emu.store.write() as s:
            s.execute(delete(NsNonce))


class Authenticator:
    """Authenticates NetSuite REST requests (TBA and OAuth 2.0 bearer) and issues access tokens."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        cfg = emu.config
        self.account = normalize_account(str(cfg.setting("account", DEFAULT_ACCOUNT)))
        self.consumer_key = str(cfg.setting("consumer_key", DEFAULTS["consumer_key"]))
        self.consumer_secret = str(cfg.setting("consumer_secret", DEFAULTS["consumer_secret"]))
        self.token_id = str(cfg.setting("token_id", DEFAULTS["token_id"]))
        self.token_secret = str(cfg.setting("token_secret", DEFAULTS["token_secret"]))
        self.oauth2_client_id, self.oauth2_certificate_id, self.oauth2_public_key, _ = default_oauth2_client(cfg)
        self.token_lifetime = cfg.setting("token_lifetime", 3600, int)
        #: Seconds a TBA timestamp may differ from wall-clock time (NetSuite: 5 minutes).
        self.window = cfg.setting("tba_window", 300, int)
        #: NetSuite wants the realm exactly as the account id (1234567_SB1: upper case, underscore), and so does
        #: the emulator by default; ``realm_strict=false`` is an opt-in lax mode that also takes 1234567-sb1.
        self.realm_strict = _as_bool(cfg.setting("realm_strict", True))
        #: Scheme+host clients sign and put in ``aud`` when a proxy rewrites Host (else from the request).
        self.public_base_url: str | None = cfg.setting("public_base_url")
        self.nonce_mode = str(cfg.setting("nonce_store", "db" if cfg.shared else "memory"))
        default_ttl = 2.0 if self.nonce_mode == "db" else 0.0
        #: 0 = cache until invalidated (one process); >0 = re-read rows that old (several workers).
        self.cache_ttl = cfg.setting("auth_cache_ttl", default_ttl, float)
        self.nonces: NonceStore = (DbNonceStore(emu, self.window) if self.nonce_mode == "db"
                                   else MemoryNonceStore(self.window))
        self._signing_pem: str | None = cfg.setting("oauth2_signing_key")
        self._signing_key: Any = None  # generated or read on first use (RSA generation takes a while)
        self.signing_kid = str(cfg.setting("oauth2_signing_kid", "erpsim.ns.2026_1"))
        #: Wall-clock seconds; replaceable in tests. TBA and tokens never follow the virtual clock.
        self.now: Callable[[], float] = time.time
        self.audit: deque[dict[str, Any]] = deque(maxlen=500)
        self._lock = threading.Lock()
        #: Rows cached with (loaded at, world generation): an entry of another generation is never used.
        self._tokens: dict[str, tuple[TbaToken, float, int]] = {}
        self._clients: dict[str, tuple[OAuthClient | None, float, int]] = {}
        self._bearers: dict[str, _Bearer] = {}
        emu.services[SERVICE_KEY] = self

    # ---- setup and cache control ---------------------------------------------------------------

    def ensure_defaults(self, session: Session) -> None:
        """Insert the configured TBA token (and OAuth 2.0 client, if configured) when absent."""
        if session.get(NsToken, self.token_id) is None:
            session.add(NsToken(token_id=self.token_id, token_secret=self.token_secret,
                                consumer_key=self.consumer_key, consumer_secret=self.consumer_secret,
                                revoked=False))
        if session.get(NsOAuthClient, self.oauth2_client_id) is None:
            load_public_key(self.oauth2_public_key)  # fail at start, not at the first token request
            session.add(NsOAuthClient(client_id=self.oauth2_client_id, certificate_id=self.oauth2_certificate_id,
                                      public_key_pem=self.oauth2_public_key,
                                      scopes="restlets,rest_webservices,suite_analytics", revoked=False))
        # Called after a reset too: whatever was cached belongs to the old world. Nonces in "db" mode
        # went with the reset tables (and another transaction here would wait on the caller's).
        self.invalidate()
        if isinstance(self.nonces, MemoryNonceStore):
            self.nonces.clear()

    def invalidate(self, *, nonces: bool = False) -> None:
        """Drop cached tokens, clients and verified bearer tokens (after any act/ change)."""
        with self._lock:
            self._tokens.clear()
            self._clients.clear()
            self._bearers.clear()
        if nonces:
            self.nonces.clear()

    def _fresh(self, loaded_at: float, generation: int, current: int) -> bool:
        return generation == current and (self.cache_ttl <= 0 or time.monotonic() - loaded_at < self.cache_ttl)

    def tba_token(self, token_id: str) -> TbaToken | None:
        """The token row (cached); None when the token does not exist."""
        gen = self.emu.generation()
        hit = self._tokens.get(token_id)
        if hit is not None and self._fresh(hit[1], hit[2], gen):
            return hit[0]
        with self.emu.store.read() as s:
            row = s.get(NsToken, token_id)
            if row is None:
                return None  # misses are not cached: a token created elsewhere must work at once
            tok = TbaToken(row.token_id, row.token_secret, row.consumer_key, row.consumer_secret, row.revoked)
        with self._lock:
            self._tokens[token_id] = (tok, time.monotonic(), gen)
        return tok

    def consumer_exists(self, consumer_key: str) -> bool:
        """True when some token belongs to this integration (consumer key)."""
        gen = self.emu.generation()
        if any(t.consumer_key == consumer_key and g == gen for t, _, g in list(self._tokens.values())):
            return True
        with self.emu.store.read() as s:
            return s.execute(select(NsToken.token_id).where(NsToken.consumer_key == consumer_key)
                             .limit(1)).first() is not None

    def oauth_client(self, client_id: str) -> OAuthClient | None:
        """The OAuth 2.0 client (cached), None when not registered."""
        gen = self.emu.generation()
        hit = self._clients.get(client_id)
        if hit is not None and self._fresh(hit[1], hit[2], gen):
            return hit[0]
        with self.emu.store.read() as s:
            row = s.get(NsOAuthClient, client_id)
            client = _client_from_row(row) if row is not None else None
        with self._lock:
            self._clients[client_id] = (client, time.monotonic(), gen)
        return client

    def client_by_certificate(self, certificate_id: str) -> OAuthClient | None:
        """The OAuth 2.0 client whose certificate id is ``certificate_id`` (not cached: token requests only)."""
        with self.emu.store.read() as s:
            row = s.execute(select(NsOAuthClient).where(NsOAuthClient.certificate_id == certificate_id)
                            .limit(1)).scalar_one_or_none()
            return _client_from_row(row) if row is not None else None

    # ---- the hot path -----------------------------------------------------------------------------

    def authenticate(self, request: Request) -> Principal:
        """Authenticate a vendor-API request; any failure raises 401 INVALID_LOGIN."""
        header = request.headers.get("Authorization", "")
        scheme = header[:7].lower()
        if scheme.startswith("oauth "):
            return self._tba(request, header)
        if scheme == "bearer ":
            return self._bearer(header[7:].strip())
        raise self._fail("tba", "MissingOrUnsupportedAuthorization" if header else "MissingAuthorization")

    def _fail(self, kind: str, reason: str, **info: Any) -> ApiError:
        self.audit.append({"at": self.now(), "kind": kind, "reason": reason, **info})
        headers = {}
        if kind == "oauth2":
            headers["WWW-Authenticate"] = (f'Bearer realm="{self.account}", error="invalid_token", '
                                           'error_description="Invalid login attempt."')
        # The body stays NetSuite's (it points at a Login Audit Trail UI); the reason goes to the
        # X-Erpsim-Auth-Failure header, the journal and the log (see mocks.core.errors.ApiError).
        shown = {k: v for k, v in info.items() if isinstance(v, str | int) and k not in ("secret", "signature")}
        detail = f"{kind} {reason}" + (" (" + ", ".join(f"{k}={v}" for k, v in shown.items()) + ")" if shown else "")
        return ApiError(401, "INVALID_LOGIN", INVALID_LOGIN_DETAIL, headers=headers,
                        extra={"audit": reason, "auth_failure": detail})

    def base_url(self, request: Request) -> str:
        """Scheme and host the client addressed (or the configured public base URL)."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        return f"{request.scheme}://{request.host}"

    def _tba(self, request: Request, header: str) -> Principal:
        try:
            items = parse_oauth_header(header)
        except ValueError:
            raise self._fail("tba", "MalformedAuthorizationHeader") from None
        oauth = dict(items)
        missing = [p for p in _REQUIRED_OAUTH if not oauth.get(p)]
        if missing:
            raise self._fail("tba", "MissingParameter", parameters=missing)
        consumer_key = oauth_utils.unescape(oauth["oauth_consumer_key"])
        token_id = oauth_utils.unescape(oauth["oauth_token"])
        info = {"consumer_key": consumer_key, "token_id": token_id}
        method = oauth["oauth_signature_method"]
        if method != "HMAC-SHA256":
            # HMAC-SHA1 support ended with 2023.1.
            raise self._fail("tba", "UnsupportedSignatureMethod", method=method, **info)
        if oauth.get("oauth_version", "1.0") != "1.0":
            raise self._fail("tba", "InvalidVersion", **info)
        realm = oauth.get("realm", "")
        ok_realm = realm == self.account if self.realm_strict else normalize_account(realm) == self.account
        if not ok_realm:
            raise self._fail("tba", "InvalidAccount", realm=realm, **info)
        ts_raw = oauth["oauth_timestamp"]
        now = self.now()
        if not (ts_raw.isascii() and ts_raw.isdigit()) or abs(now - int(ts_raw)) > self.window:
            raise self._fail("tba", "InvalidTimestamp", timestamp=ts_raw, **info)
        nonce = oauth_utils.unescape(oauth["oauth_nonce"])
        if not (6 <= len(nonce) <= 64 and nonce.isascii() and nonce.isalnum()):
            raise self._fail("tba", "NonceRejected", **info)
        tok = self.tba_token(token_id)
        if tok is None or tok.consumer_key != consumer_key:
            reason = "InvalidToken" if self.consumer_exists(consumer_key) else "InvalidConsumerKey"
            raise self._fail("tba", reason, **info)
        if tok.revoked:
            raise self._fail("tba", "TokenRevoked", **info)
        if not hmac.compare_digest(self._tba_signature(request, items, tok).encode(),
                                   oauth_utils.unescape(oauth["oauth_signature"]).encode()):
            raise self._fail("tba", "InvalidSignature", **info)
        # Nonces are remembered only for verified requests, so forged ones cannot burn a client's nonces.
        if not self.nonces.check_and_add((consumer_key, token_id, nonce), int(ts_raw), now):
            raise self._fail("tba", "NonceRejected", replay=True, **info)
        return Principal("tba", self.account, consumer_key=consumer_key, token_id=token_id, scopes=TBA_SCOPES)

    def _tba_signature(self, request: Request, header_items: list[tuple[str, str]], tok: TbaToken) -> str:
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
            uri = oauth_sig.base_string_uri(self.base_url(request) + path)
        except ValueError:
            return ""
        base = oauth_sig.signature_base_string(request.method.upper(), uri,
                                               normalize_parameters(params))
        return oauth_sig.sign_hmac_sha256(base, tok.consumer_secret, tok.token_secret)

    def _bearer(self, token: str) -> Principal:
        hit = self._bearers.get(token)
        if hit is None:
            try:
                claims = jwt.decode(token, self.signing_key().public_key(), algorithms=["PS256"],
                                    issuer=TOKEN_ISSUER,
                                    options={"verify_exp": False, "verify_aud": False, "verify_iat": False,
                                             "require": ["exp", "iat", "sub", "aud", "scope"]})
            except jwt.PyJWTError:
                raise self._fail("oauth2", "InvalidSignature") from None
            aud = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
            if self.account not in aud:
                raise self._fail("oauth2", "InvalidAccount", client_id=claims["sub"])
            hit = _Bearer(str(claims["sub"]), split_scopes(claims["scope"]), float(claims["exp"]))
            if len(self._bearers) >= _MAX_BEARER_CACHE:
                self._bearers.clear()
            self._bearers[token] = hit
        if hit.exp <= self.now():
            raise self._fail("oauth2", "AccessTokenExpired", client_id=hit.client_id)
        client = self.oauth_client(hit.client_id)
        if client is None or client.revoked:
            raise self._fail("oauth2", "TokenRevoked", client_id=hit.client_id)
        return Principal("oauth2", self.account, client_id=hit.client_id, scopes=hit.scopes)

    # ---- access tokens ---------------------------------------------------------------------------

    def signing_key(self) -> Any:
        """The emulator's access-token signing key: the oauth2_signing_key setting, or one generated for the
        data directory (shared by every worker process and restart)."""
        if self._signing_key is None:
            with self._lock:
                if self._signing_key is None:
                    pem = (self._signing_pem.encode() if self._signing_pem else keys.load_or_create(
                        Path(self.emu.config.data_dir).resolve() / SIGNING_KEY_FILE, keys.new_rsa_pem))
                    self._signing_key = load_pem_private_key(pem, password=None)
        return self._signing_key

    def issue_access_token(self, client_id: str, scopes: tuple[str, ...], issued_at: float | None = None) -> str:
        """A bearer access token (JWT, PS256, signed by the emulator) for ``client_id``."""
        iat = int(self.now() if issued_at is None else issued_at)
        claims = {"sub": client_id, "aud": [self.account, client_id], "scope": list(scopes),
                  "iss": TOKEN_ISSUER, "exp": iat + self.token_lifetime, "iat": iat,
                  "jti": f"{self.account}.a-c.{uuid.uuid4()}"}
        return jwt.encode(claims, self.signing_key(), algorithm="PS256",
                          headers={"kid": self.signing_kid, "typ": "JWT"})

    def token_urls(self, request: Request) -> set[str]:
        """The ``aud`` values a client assertion may carry: the URL as called, and the real one."""
        real = f"https://{account_host_slug(self.account)}.suitetalk.api.netsuite.com{TOKEN_PATH}"
        return {self.base_url(request) + TOKEN_PATH, real}


def _client_from_row(row: NsOAuthClient) -> OAuthClient:
    return OAuthClient(row.client_id, row.certificate_id, load_public_key(row.public_key_pem),
                       split_scopes(row.scopes), row.revoked)


def get_authenticator(emu: Emulator) -> Authenticator:
    """The emulator's Authenticator, created on first use."""
    auth = emu.services.get(SERVICE_KEY)
    if isinstance(auth, Authenticator):
        return auth
    return Authenticator(emu)


#: Files under the data directory holding keys generated on first use (see mocks.core.keys).
SIGNING_KEY_FILE = "netsuite-oauth2-signing-key.pem"
CLIENT_KEY_FILE = "netsuite-oauth2-client-key.pem"
#: The OAuth 2.0 (client credentials) client every world starts with, unless one is configured.
DEFAULT_OAUTH2_CLIENT = {"client_id": "erpsim-m2m-client", "certificate_id": "erpsim-m2m-certificate"}


def default_oauth2_client(cfg: EmulatorConfig, create: bool = True) -> tuple[str, str, str, Path | None]:
    """(client id, certificate id, public key PEM, private key file or None) of the world's M2M client.

    Configured settings win; otherwise the key pair is generated once per data directory (by the app, at
    start), so the client that ``erpsim up`` prints keeps working across restarts and worker processes.
    Without ``create`` nothing is written and the public key is not read ("").
    """
    client_id = str(cfg.setting("oauth2_client_id", DEFAULT_OAUTH2_CLIENT["client_id"]))
    certificate_id = str(cfg.setting("oauth2_certificate_id", DEFAULT_OAUTH2_CLIENT["certificate_id"]))
    configured = cfg.setting("oauth2_public_key")
    if configured:
        return client_id, certificate_id, str(configured), None
    path = Path(cfg.data_dir).resolve() / CLIENT_KEY_FILE
    if not create:
        return client_id, certificate_id, "", path
    return client_id, certificate_id, keys.public_pem(keys.load_or_create(path, keys.new_ec_pem)), path
