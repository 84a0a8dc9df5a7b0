"""Schemathesis CLI hooks (``schemathesis.toml``): sign every generated request as the emulator's integration user.

``st run`` against live emulators needs what the in-process tests do by hand: TBA signatures for NetSuite, a
BILL session for AP, the API keys and Basic credentials of the others. The system is recognised by the base
URL (``ERPSIM_<SYSTEM>_URL``, as ``erpsim up`` prints them); requests to anything else are left alone.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis

from harness.systems import SYSTEMS

from .auth import AUTH_HEADERS, VendorSession, credentials_from_env
from .verify import default_credentials

_SESSIONS: dict[str, VendorSession] = {}


def system_of(case: Any) -> str | None:
    """Which live emulator a generated case is for (None: not one of ``ERPSIM_<SYSTEM>_URL``)."""
    base = str(case.operation.base_url or "").rstrip("/")
    if not base.startswith(("http://", "https://")):
        return None
    for system in SYSTEMS:
        url = os.environ.get(f"ERPSIM_{system.upper()}_URL", "").rstrip("/")
        if url and base.startswith(url):
            return system
    return None


def session_for(system: str, base_url: str) -> VendorSession:
    """The authenticated session of one system (AP logs in on first use)."""
    vendor = _SESSIONS.get(system)
    if vendor is None:
        vendor = VendorSession(system, base_url, default_credentials(system) | credentials_from_env(system))
        _SESSIONS[system] = vendor
    if system == "ap" and not vendor.session_id:
        vendor.refresh()
    return vendor


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Authenticate the request (generated headers of the same name are replaced)."""
    system = system_of(case)
    if system is None:
        return
    vendor = session_for(system, str(case.operation.base_url or ""))
    if system == "pos" and case.path_parameters:
        # the Sitoo account and site of the emulator (a random one only ever answers 404)
        for name, key in (("account", "account"), ("siteid", "site")):
            if name in case.path_parameters:
                case.path_parameters[name] = vendor.creds[key]
    if vendor.http.auth is not None:
        kwargs["auth"] = vendor.http.auth
    creds = {k: v for k, v in vendor.http.headers.items() if k.lower() in AUTH_HEADERS}
    if creds:
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in AUTH_HEADERS}
        case.headers = {**headers, **creds}


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    """A logout or an expired session ends the AP session: the next call logs in again."""
    if system_of(case) == "ap" and (case.operation.path.endswith("/logout") or response.status_code == 401):
        vendor = _SESSIONS.get("ap")
        if vendor is not None:
            vendor.session_id = ""
