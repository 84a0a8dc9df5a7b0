"""The app's ``Authenticator``: its settings, the cached token and client rows, and the dispatch of every
vendor-API request to TBA (``tba.py``) or a bearer token (``oauth2.py``)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from flask import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from mocks.core import keys
from mocks.core.app import Emulator
from mocks.core.errors import ApiError

from ..errors import invalid_login
from ..models import NsOAuthClient, NsToken
from . import oauth2, tba
from .accounts import Principal
from .nonces import DbNonceStore, MemoryNonceStore, NonceStore

if TYPE_CHECKING:
    from ..services import NetSuiteSettings


class Authenticator:
    """Authenticates NetSuite REST requests (TBA and OAuth 2.0 bearer) and issues access tokens."""

    def __init__(self, emu: Emulator, settings: NetSuiteSettings) -> None:
        self.emu = emu
        self.settings = settings
        self.account = settings.account
        self.consumer_key = settings.consumer_key
        self.consumer_secret = settings.consumer_secret
        self.token_id = settings.token_id
        self.token_secret = settings.token_secret
        self.oauth2_client_id, self.oauth2_certificate_id, self.oauth2_public_key, _ = (
            oauth2.default_oauth2_client(settings, emu.config.data_dir)
        )
        self.token_lifetime = settings.token_lifetime
        #: Seconds a TBA timestamp may differ from wall-clock time (NetSuite: 5 minutes).
        self.window = settings.tba_window
        #: Exact realm unless the opt-in lax mode (see NetSuiteSettings.realm_strict).
        self.realm_strict = settings.realm_strict
        #: Scheme+host clients sign and put in ``aud`` when a proxy rewrites Host (else from the request).
        self.public_base_url = settings.public_base_url
        self.nonce_mode = settings.nonce_store
        #: 0 = cache until invalidated (one process); >0 = re-read rows that old (several workers).
        self.cache_ttl = settings.auth_cache_ttl
        self.nonces: NonceStore = (
            DbNonceStore(emu, self.window) if self.nonce_mode == "db" else MemoryNonceStore(self.window)
        )
        self._signing_pem = settings.oauth2_signing_key
        self._signing_key: Any = None  # generated or read on first use (RSA generation takes a while)
        self.signing_kid = settings.oauth2_signing_kid
        #: Wall-clock seconds; replaceable in tests. TBA and tokens never follow the virtual clock.
        self.now: Callable[[], float] = time.time
        self.audit: deque[dict[str, Any]] = deque(maxlen=500)
        self._lock = threading.Lock()
        #: Rows cached with (loaded at, world generation): an entry of another generation is never used.
        self._tokens: dict[str, tuple[tba.TbaToken, float, int]] = {}
        self._clients: dict[str, tuple[oauth2.OAuthClient | None, float, int]] = {}
        #: Verified bearer tokens by their text (see oauth2.verify_bearer).
        self.bearers: dict[str, oauth2.Bearer] = {}

    # ---- setup and cache control ---------------------------------------------------------------

    def ensure_defaults(self, session: Session) -> None:
        """Insert the configured TBA token (and OAuth 2.0 client, if configured) when absent."""
        if session.get(NsToken, self.token_id) is None:
            session.add(
                NsToken(
                    token_id=self.token_id,
                    token_secret=self.token_secret,
                    consumer_key=self.consumer_key,
                    consumer_secret=self.consumer_secret,
                    revoked=False,
                )
            )
        if session.get(NsOAuthClient, self.oauth2_client_id) is None:
            oauth2.load_public_key(self.oauth2_public_key)  # fail at start, not at the first token request
            session.add(
                NsOAuthClient(
                    client_id=self.oauth2_client_id,
                    certificate_id=self.oauth2_certificate_id,
                    public_key_pem=self.oauth2_public_key,
                    scopes=oauth2.DEFAULT_SCOPES,
                    revoked=False,
                )
            )
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
            self.bearers.clear()
        if nonces:
            self.nonces.clear()

    def _fresh(self, loaded_at: float, generation: int, current: int) -> bool:
        return generation == current and (
            self.cache_ttl <= 0 or time.monotonic() - loaded_at < self.cache_ttl
        )

    def tba_token(self, token_id: str) -> tba.TbaToken | None:
        """The token row (cached); None when the token does not exist."""
        gen = self.emu.generation()
        hit = self._tokens.get(token_id)
        if hit is not None and self._fresh(hit[1], hit[2], gen):
            return hit[0]
        with self.emu.store.read() as s:
            row = s.get(NsToken, token_id)
            if row is None:
                return None  # misses are not cached: a token created elsewhere must work at once
            tok = tba.TbaToken(
                row.token_id, row.token_secret, row.consumer_key, row.consumer_secret, row.revoked
            )
        with self._lock:
            self._tokens[token_id] = (tok, time.monotonic(), gen)
        return tok

    def consumer_exists(self, consumer_key: str) -> bool:
        """True when some token belongs to this integration (consumer key)."""
        gen = self.emu.generation()
        if any(t.consumer_key == consumer_key and g == gen for t, _, g in list(self._tokens.values())):
            return True
        with self.emu.store.read() as s:
            return (
                s.execute(
                    select(NsToken.token_id).where(NsToken.consumer_key == consumer_key).limit(1)
                ).first()
                is not None
            )

    def oauth_client(self, client_id: str) -> oauth2.OAuthClient | None:
        """The OAuth 2.0 client (cached), None when not registered."""
        gen = self.emu.generation()
        hit = self._clients.get(client_id)
        if hit is not None and self._fresh(hit[1], hit[2], gen):
            return hit[0]
        with self.emu.store.read() as s:
            row = s.get(NsOAuthClient, client_id)
            client = oauth2.client_from_row(row) if row is not None else None
        with self._lock:
            self._clients[client_id] = (client, time.monotonic(), gen)
        return client

    def client_by_certificate(self, certificate_id: str) -> oauth2.OAuthClient | None:
        """The OAuth 2.0 client whose certificate id is ``certificate_id`` (not cached: token requests only)."""
        with self.emu.store.read() as s:
            row = s.execute(
                select(NsOAuthClient).where(NsOAuthClient.certificate_id == certificate_id).limit(1)
            ).scalar_one_or_none()
            return oauth2.client_from_row(row) if row is not None else None

    # ---- the hot path -----------------------------------------------------------------------------

    def authenticate(self, request: Request) -> Principal:
        """Authenticate a vendor-API request; any failure raises 401 INVALID_LOGIN."""
        header = request.headers.get("Authorization", "")
        scheme = header[:7].lower()
        if scheme.startswith("oauth "):
            return tba.verify(self, request, header)
        if scheme == "bearer ":
            return oauth2.verify_bearer(self, header[7:].strip())
        raise self.fail("tba", "MissingOrUnsupportedAuthorization" if header else "MissingAuthorization")

    def fail(self, kind: str, reason: str, **info: Any) -> ApiError:
        """The 401 INVALID_LOGIN for a refusal of ``kind`` (tba / oauth2); the reason goes to the audit."""
        self.audit.append({"at": self.now(), "kind": kind, "reason": reason, **info})
        headers = {}
        if kind == "oauth2":
            headers["WWW-Authenticate"] = (
                f'Bearer realm="{self.account}", error="invalid_token", '
                'error_description="Invalid login attempt."'
            )
        # The body stays NetSuite's (it points at a Login Audit Trail UI); the reason goes to the
        # X-Erpsim-Auth-Failure header, the journal and the log (see mocks.core.errors.ApiError).
        shown = {
            k: v for k, v in info.items() if isinstance(v, str | int) and k not in ("secret", "signature")
        }
        detail = f"{kind} {reason}" + (
            " (" + ", ".join(f"{k}={v}" for k, v in shown.items()) + ")" if shown else ""
        )
        return invalid_login(headers, audit=reason, failure=detail)

    def base_url(self, request: Request) -> str:
        """Scheme and host the client addressed (or the configured public base URL)."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        return f"{request.scheme}://{request.host}"

    # ---- access tokens ---------------------------------------------------------------------------

    def signing_key(self) -> Any:
        """The emulator's access-token signing key: the oauth2_signing_key setting, or one generated for the
        data directory (shared by every worker process and restart)."""
        if self._signing_key is None:
            with self._lock:
                if self._signing_key is None:
                    pem = (
                        self._signing_pem.encode()
                        if self._signing_pem
                        else keys.load_or_create(
                            Path(self.emu.config.data_dir).resolve() / oauth2.SIGNING_KEY_FILE,
                            keys.new_rsa_pem,
                        )
                    )
                    self._signing_key = load_pem_private_key(pem, password=None)
        return self._signing_key
