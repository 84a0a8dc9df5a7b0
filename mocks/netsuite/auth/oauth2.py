"""OAuth 2.0 (client credentials with a certificate-signed JWT assertion): the M2M clients, the grant's rules,
and the bearer access tokens the emulator issues (JWT, PS256) and verifies.

Token-endpoint refusals are RFC 6749 JSON (``error`` / ``error_description``), not NetSuite's record-API error
body: 400 for a malformed request or a bad grant (audience, scope, lifetime), 401 ``invalid_client`` when the
client cannot be authenticated (unknown certificate id, bad signature, algorithm, revoked).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from cryptography.x509 import load_pem_x509_certificate

from mocks.core import keys

from ..models import NsOAuthClient
from .accounts import Principal, account_host_slug

if TYPE_CHECKING:
    from ..services import NetSuiteSettings
    from .authenticator import Authenticator

TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
#: ``iss`` of the access tokens NetSuite issues.
TOKEN_ISSUER = "https://system.netsuite.com"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: The algorithms NetSuite accepts for client assertions (no RS256, no HMAC).
ASSERTION_ALGORITHMS = ("PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
#: Leeway for clocks of clients that stamp ``iat`` a little ahead of ours.
CLOCK_SKEW = 300
#: Verified bearer tokens kept by their text (the cache is emptied when full).
MAX_BEARER_CACHE = 10_000
#: Files under the data directory holding keys generated on first use (see mocks.core.keys).
SIGNING_KEY_FILE = "netsuite-oauth2-signing-key.pem"
CLIENT_KEY_FILE = "netsuite-oauth2-client-key.pem"
#: The OAuth 2.0 (client credentials) client every world starts with, unless one is configured.
DEFAULT_OAUTH2_CLIENT = {"client_id": "erpsim-m2m-client", "certificate_id": "erpsim-m2m-certificate"}
#: The scopes a client gets when none are named.
DEFAULT_SCOPES = "restlets,rest_webservices,suite_analytics"


@dataclass(frozen=True)
class OAuthClient:
    """A cached ``ns_oauth_clients`` row with its public key loaded."""

    client_id: str
    certificate_id: str
    public_key: PublicKeyTypes
    scopes: tuple[str, ...]
    revoked: bool


@dataclass(frozen=True)
class Bearer:
    """What a verified access token says: its client, scopes and expiry."""

    client_id: str
    scopes: tuple[str, ...]
    exp: float


class OAuthError(Exception):
    """A token-endpoint refusal, rendered as RFC 6749 JSON."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


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


def client_from_row(row: NsOAuthClient) -> OAuthClient:
    """The cached form of an ``ns_oauth_clients`` row (its public key parsed)."""
    return OAuthClient(
        row.client_id,
        row.certificate_id,
        load_public_key(row.public_key_pem),
        split_scopes(row.scopes),
        row.revoked,
    )


def default_oauth2_client(
    settings: NetSuiteSettings, data_dir: Path, create: bool = True
) -> tuple[str, str, str, Path | None]:
    """(client id, certificate id, public key PEM, private key file or None) of the world's M2M client.

    Configured settings win; otherwise the key pair is generated once per data directory (by the app, at
    start), so the client that ``erpsim up`` prints keeps working across restarts and worker processes.
    Without ``create`` nothing is written and the public key is not read ("").
    """
    client_id, certificate_id = settings.oauth2_client_id, settings.oauth2_certificate_id
    if settings.oauth2_public_key:
        return client_id, certificate_id, settings.oauth2_public_key, None
    path = Path(data_dir).resolve() / CLIENT_KEY_FILE
    if not create:
        return client_id, certificate_id, "", path
    return client_id, certificate_id, keys.public_pem(keys.load_or_create(path, keys.new_ec_pem)), path


# ---- bearer access tokens ----------------------------------------------------------------------------


def verify_bearer(auth: Authenticator, token: str) -> Principal:
    """Authenticate a ``Bearer`` access token; any failure raises 401 INVALID_LOGIN (reason in the audit)."""
    hit = auth.bearers.get(token)
    if hit is None:
        try:
            claims = jwt.decode(
                token,
                auth.signing_key().public_key(),
                algorithms=["PS256"],
                issuer=TOKEN_ISSUER,
                options={
                    "verify_exp": False,
                    "verify_aud": False,
                    "verify_iat": False,
                    "require": ["exp", "iat", "sub", "aud", "scope"],
                },
            )
        except jwt.PyJWTError:
            raise auth.fail("oauth2", "InvalidSignature") from None
        aud = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if auth.account not in aud:
            raise auth.fail("oauth2", "InvalidAccount", client_id=claims["sub"])
        hit = Bearer(str(claims["sub"]), split_scopes(claims["scope"]), float(claims["exp"]))
        if len(auth.bearers) >= MAX_BEARER_CACHE:
            auth.bearers.clear()
        auth.bearers[token] = hit
    if hit.exp <= auth.now():
        raise auth.fail("oauth2", "AccessTokenExpired", client_id=hit.client_id)
    client = auth.oauth_client(hit.client_id)
    if client is None or client.revoked:
        raise auth.fail("oauth2", "TokenRevoked", client_id=hit.client_id)
    return Principal("oauth2", auth.account, client_id=hit.client_id, scopes=hit.scopes)


def issue_access_token(
    auth: Authenticator, client_id: str, scopes: tuple[str, ...], issued_at: float | None = None
) -> str:
    """A bearer access token (JWT, PS256, signed by the emulator) for ``client_id``."""
    iat = int(auth.now() if issued_at is None else issued_at)
    claims = {
        "sub": client_id,
        "aud": [auth.account, client_id],
        "scope": list(scopes),
        "iss": TOKEN_ISSUER,
        "exp": iat + auth.token_lifetime,
        "iat": iat,
        "jti": f"{auth.account}.a-c.{uuid.uuid4()}",
    }
    return jwt.encode(
        claims, auth.signing_key(), algorithm="PS256", headers={"kid": auth.signing_kid, "typ": "JWT"}
    )


def token_urls(auth: Authenticator, base_url: str) -> set[str]:
    """The ``aud`` values a client assertion may carry: the URL as called, and the real one."""
    real = f"https://{account_host_slug(auth.account)}.suitetalk.api.netsuite.com{TOKEN_PATH}"
    return {base_url + TOKEN_PATH, real}


# ---- the client-credentials grant --------------------------------------------------------------------


def exchange(auth: Authenticator, form: dict[str, str], audiences: set[str]) -> dict[str, Any]:
    """Verify a client-credentials request and return the token response body (raises OAuthError)."""
    grant = form.get("grant_type")
    if not grant:
        raise OAuthError(400, "invalid_request", "grant_type is required")
    if grant != "client_credentials":
        raise OAuthError(400, "unsupported_grant_type", f"grant_type '{grant}' is not supported")
    if form.get("client_assertion_type") != JWT_BEARER:
        raise OAuthError(400, "invalid_request", f"client_assertion_type must be {JWT_BEARER}")
    assertion = form.get("client_assertion", "")
    if not assertion:
        raise OAuthError(400, "invalid_request", "client_assertion is required")
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise OAuthError(400, "invalid_request", "client_assertion is not a JWT") from None
    alg = header.get("alg")
    if alg not in ASSERTION_ALGORITHMS:
        raise OAuthError(
            401, "invalid_client", f"alg '{alg}' is not allowed; use PS256/384/512 or ES256/384/512"
        )
    kid = header.get("kid")
    client = auth.client_by_certificate(str(kid)) if kid else None
    if client is None:
        raise OAuthError(401, "invalid_client", "Unknown certificate id (kid)")
    if client.revoked:
        raise OAuthError(401, "invalid_client", "The certificate has been revoked")
    try:
        claims = jwt.decode(
            assertion,
            client.public_key,  # type: ignore[arg-type]
            algorithms=[alg],
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "verify_aud": False,
                "verify_iss": False,
            },
        )
    except jwt.PyJWTError:
        raise OAuthError(401, "invalid_client", "Invalid client assertion signature") from None
    if claims.get("iss") != client.client_id:
        raise OAuthError(401, "invalid_client", "iss does not match the certificate's client id")
    aud = claims.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    if not any(isinstance(a, str) and a.rstrip("/") in audiences for a in auds):
        raise OAuthError(400, "invalid_grant", "aud must be the token endpoint URL")
    iat, exp = claims.get("iat"), claims.get("exp")
    if (
        not isinstance(iat, int | float)
        or not isinstance(exp, int | float)
        or isinstance(iat, bool)
        or isinstance(exp, bool)
    ):
        raise OAuthError(400, "invalid_grant", "iat and exp are required")
    if exp - iat > 3600:
        raise OAuthError(400, "invalid_grant", "exp must be at most 60 minutes after iat")
    now = auth.now()
    if exp <= now:
        raise OAuthError(400, "invalid_grant", "The client assertion has expired")
    if iat > now + CLOCK_SKEW:
        raise OAuthError(400, "invalid_grant", "iat is in the future")
    requested = split_scopes(claims.get("scope"))
    if "rest_webservices" not in requested:
        raise OAuthError(400, "invalid_grant", "scope must include rest_webservices")
    granted = tuple(s for s in requested if s in client.scopes)
    if "rest_webservices" not in granted:
        raise OAuthError(400, "invalid_grant", "The client is not allowed the rest_webservices scope")
    token = issue_access_token(auth, client.client_id, granted)
    # NetSuite documents expires_in as the string "3600" and token_type as "bearer".
    return {"access_token": token, "expires_in": str(auth.token_lifetime), "token_type": "bearer"}
