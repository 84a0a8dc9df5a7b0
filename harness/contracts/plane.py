"""The control plane of one emulator, over HTTP: how provider states and fidelity examples set up a world."""

from __future__ import annotations

from typing import Any

import requests

ADMIN_HEADER = "X-Erpsim-Admin-Token"


class ProviderStateError(RuntimeError):
    """A provider state could not be set up (unknown state, or the emulator refused the set-up)."""


class ControlPlane:
    """``/__erpsim/...`` of one emulator, authenticated with the admin token."""

    def __init__(self, base_url: str, admin_token: str, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.http = requests.Session()
        self.http.headers[ADMIN_HEADER] = admin_token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One control-plane call; a refusal raises ProviderStateError with the emulator's own message."""
        response = self.http.request(
            method, f"{self.base_url}/__erpsim/{path.lstrip('/')}", json=body, timeout=self.timeout
        )
        if response.status_code >= 400:
            raise ProviderStateError(
                f"{method} /__erpsim/{path} -> {response.status_code}: {response.text[:500]}"
            )
        return response.json() if response.content else None

    def reset(self) -> None:
        """An empty world: no records, clock rewound, no faults, empty journal."""
        self.call("POST", "reset", {})

    def seed(self, body: dict[str, Any]) -> Any:
        """Seed records (``{"records": {...}}``) or a faker world (``{"seed": n, ...}``); returns what was made."""
        return self.call("POST", "seed", body)

    def act(self, action: str, body: dict[str, Any] | None = None) -> Any:
        """What a person inside the system does (``act/<action>``)."""
        return self.call("POST", f"act/{action}", body or {})

    def faults(self, plan: dict[str, Any]) -> Any:
        """Replace the fault plan."""
        return self.call("PUT", "faults", plan)

    def clock(self, body: dict[str, Any]) -> Any:
        """Set or advance the virtual clock."""
        return self.call("POST", "clock", body)

    def deliver_webhooks(self) -> Any:
        """Send every pending webhook now, in order."""
        return self.call("POST", "webhooks/deliver", {})

    def health(self) -> bool:
        """True when the emulator answers its health check."""
        try:
            return requests.get(f"{self.base_url}/__erpsim/health", timeout=5).status_code == 200
        except requests.RequestException:
            return False
