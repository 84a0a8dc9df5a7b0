"""Authenticated HTTP clients for the five emulators, built only from the ``ERPSIM_*`` variables.

The harness uses them for the ``api`` steps of scenarios and the pytest plugin hands them to tests: each is
a ``requests.Session`` whose relative paths resolve against the system's base URL and which signs or
authenticates every request the way the real system expects (NetSuite TBA HMAC-SHA256, the WMS API key,
the QMS bearer key, Sitoo Basic auth, a BILL session).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import requests
from requests_oauthlib import OAuth1

ADMIN_HEADER = "X-Erpsim-Admin-Token"
SYSTEM_NAMES = ("netsuite", "qms", "wms", "pos", "ap")


class SystemClient(requests.Session):
    """A session bound to one system: ``client.get("/api/v1/orders")`` goes to that system's URL."""

    def __init__(self, system: str, base_url: str, timeout: float = 30.0) -> None:
        super().__init__()
        self.system = system
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (absolute URLs pass through)."""
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        """Send a request to ``url`` relative to the system's base URL, with the default timeout."""
        kwargs.setdefault("timeout", self.timeout)
        target = url.decode() if isinstance(url, bytes) else url
        return super().request(method, self.url(target), *args, **kwargs)


class NetSuiteClient(SystemClient):
    """SuiteTalk REST with Token-Based Authentication (OAuth 1.0a, HMAC-SHA256, realm = account)."""

    def __init__(self, env: Mapping[str, str], timeout: float = 30.0) -> None:
        super().__init__("netsuite", env["ERPSIM_NETSUITE_URL"], timeout)
        self.auth = OAuth1(
            env["ERPSIM_NETSUITE_CONSUMER_KEY"],
            env["ERPSIM_NETSUITE_CONSUMER_SECRET"],
            env["ERPSIM_NETSUITE_TOKEN_ID"],
            env["ERPSIM_NETSUITE_TOKEN_SECRET"],
            signature_method="HMAC-SHA256",
            realm=env["ERPSIM_NETSUITE_ACCOUNT"],
        )


class ApClient(SystemClient):
    """BILL v3: logs in on first use (devKey + sessionId headers) and again when the session expired."""

    def __init__(self, env: Mapping[str, str], timeout: float = 30.0) -> None:
        super().__init__("ap", env["ERPSIM_AP_URL"], timeout)
        self.env = dict(env)
        self.headers["devKey"] = env["ERPSIM_AP_DEV_KEY"]
        self._login_lock = threading.Lock()

    def login(self) -> None:
        """Open a session and keep its id in the ``sessionId`` header."""
        body = {
            "username": self.env["ERPSIM_AP_USERNAME"],
            "password": self.env["ERPSIM_AP_PASSWORD"],
            "organizationId": self.env["ERPSIM_AP_ORG_ID"],
            "devKey": self.env["ERPSIM_AP_DEV_KEY"],
        }
        for key, var in (("rememberMeId", "ERPSIM_AP_REMEMBER_ME_ID"), ("device", "ERPSIM_AP_DEVICE")):
            if self.env.get(var):
                body[key] = self.env[var]
        resp = super().request("POST", "/connect/v3/login", json=body)
        resp.raise_for_status()
        self.headers["sessionId"] = resp.json()["sessionId"]

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        """Send with a live session; one fresh login when BILL says the session is gone (BDC_1109)."""
        target = url.decode() if isinstance(url, bytes) else url
        if target.endswith("/login"):
            return super().request(method, url, *args, **kwargs)
        with self._login_lock:
            if "sessionId" not in self.headers:
                self.login()
        resp = super().request(method, url, *args, **kwargs)
        if resp.status_code == 401 and "BDC_1109" in resp.text:
            with self._login_lock:
                self.login()
            resp = super().request(method, url, *args, **kwargs)
        return resp


def system_client(system: str, env: Mapping[str, str], timeout: float = 30.0) -> SystemClient:
    """The authenticated vendor-API client of ``system`` from the ``ERPSIM_*`` variables in ``env``."""
    if system == "netsuite":
        return NetSuiteClient(env, timeout)
    if system == "ap":
        return ApClient(env, timeout)
    prefix = f"ERPSIM_{system.upper()}_"
    client = SystemClient(system, env[prefix + "URL"], timeout)
    if system == "wms":
        client.headers["X-API-Key"] = env[prefix + "API_KEY"]
    elif system == "qms":
        client.headers["Authorization"] = f"Bearer {env[prefix + 'API_KEY']}"
    elif system == "pos":
        client.auth = (env[prefix + "API_ID"], env[prefix + "API_PASSWORD"])
    else:
        raise KeyError(f"unknown system {system!r}; known: {', '.join(SYSTEM_NAMES)}")
    return client


def pos_base_path(env: Mapping[str, str]) -> str:
    """Sitoo's base path of the account's site resources: ``/v2/accounts/{account}/sites/{site}``."""
    return f"/v2/accounts/{env['ERPSIM_POS_ACCOUNT']}/sites/{env['ERPSIM_POS_SITE']}"


class ControlClient(requests.Session):
    """The control plane (``/__erpsim/...``) of one emulator, with the admin token."""

    def __init__(self, system: str, base_url: str, admin_token: str, timeout: float = 60.0) -> None:
        super().__init__()
        self.system = system
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.headers[ADMIN_HEADER] = admin_token

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        expect: int | None = 200,
    ) -> Any:
        """One control-plane call; raises :class:`ControlError` (with the emulator's message) on a bad status."""
        resp = self.request(
            method,
            f"{self.base_url}/__erpsim/{path.lstrip('/')}",
            json=body,
            params=params,
            timeout=self.timeout,
        )
        if expect is not None and resp.status_code != expect:
            raise ControlError(self.system, method, path, resp.status_code, resp.text)
        try:
            return resp.json()
        except ValueError:
            return resp.text


class ControlError(RuntimeError):
    """A control-plane call that the emulator refused (bad seed, unknown action...)."""

    def __init__(self, system: str, method: str, path: str, status: int, body: str) -> None:
        self.system, self.status, self.body = system, status, body
        super().__init__(f"{system}: {method} /__erpsim/{path.lstrip('/')} -> {status}: {body[:500]}")
