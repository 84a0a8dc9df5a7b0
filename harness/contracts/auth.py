"""Each system's vendor API, authenticated as the emulator's integration user.

Pacts hold example credentials (a TBA signature, a session id) that cannot be replayed, so every request the
verifier replays is re-authenticated here with the credentials ``erpsim up`` prints (``ERPSIM_<SYSTEM>_*``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import requests
from requests_oauthlib import OAuth1

#: Request headers that carry credentials; the verifier's copies are dropped and replaced.
AUTH_HEADERS = frozenset({"authorization", "x-api-key", "devkey", "sessionid"})


def credentials_from_env(system: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``ERPSIM_<SYSTEM>_<KEY>`` variables (as ``erpsim up`` prints them) as ``{key: value}``, keys lower-case."""
    env = os.environ if env is None else env
    prefix = f"ERPSIM_{system.upper()}_"
    return {
        k[len(prefix) :].lower(): v for k, v in env.items() if k.startswith(prefix) and k != f"{prefix}URL"
    }


class VendorSession:
    """A requests session on one emulator's vendor API with that system's authentication."""

    def __init__(
        self, system: str, base_url: str, credentials: Mapping[str, str], timeout: float = 60.0
    ) -> None:
        self.system = system
        self.base_url = base_url.rstrip("/")
        self.creds = {k.lower(): v for k, v in credentials.items()}
        self.timeout = timeout
        self.http = requests.Session()
        self.session_id = ""
        if system == "netsuite":
            c = self.creds
            self.http.auth = OAuth1(
                c["consumer_key"],
                c["consumer_secret"],
                c["token_id"],
                c["token_secret"],
                signature_method="HMAC-SHA256",
                realm=c["account"],
            )
        elif system == "qms":
            self.http.headers["Authorization"] = f"Bearer {self.creds['api_key']}"
        elif system == "wms":
            self.http.headers["X-API-Key"] = self.creds["api_key"]
        elif system == "pos":
            self.http.auth = (self.creds["api_id"], self.creds["api_password"])
        elif system == "ap":
            self.http.headers["devKey"] = self.creds["dev_key"]
        else:
            raise ValueError(f"unknown system {system!r}")

    def refresh(self) -> None:
        """Start a new session where the system has sessions (AP: log in, MFA-trusted); others need nothing."""
        if self.system != "ap":
            return
        c = self.creds
        body = {
            "username": c["username"],
            "password": c["password"],
            "organizationId": c["org_id"],
            "devKey": c["dev_key"],
        }
        if c.get("remember_me_id"):
            body.update(rememberMeId=c["remember_me_id"], device=c.get("device", ""))
        response = self.http.post(f"{self.base_url}/connect/v3/login", json=body, timeout=self.timeout)
        response.raise_for_status()
        self.session_id = str(response.json()["sessionId"])
        self.http.headers["sessionId"] = self.session_id

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One authenticated call (``path`` relative to the base URL, query included)."""
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        return self.http.request(method, f"{self.base_url}{path}", **kwargs)

    def json(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        """An authenticated JSON call that must succeed; returns the parsed answer."""
        response = self.request(method, path, json=body, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(
                f"{self.system} {method} {path} -> {response.status_code}: {response.text[:500]}"
            )
        return response.json() if response.content else None
