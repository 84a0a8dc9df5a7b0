"""AP (BILL v3) client: devKey + sessionId, re-login when the session expires, at most 3 calls at once."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from typing import Any

from ..config import SystemEndpoint
from ..errors import ApiRefusal
from ..safeguards import Safeguards
from .base import ApiClient, RetryPolicy

API = "/connect/v3"
SESSION_INVALID = "BDC_1109"
CONCURRENT_CAP = 3  # BILL: 3 concurrent requests per developer key (BDC_1322 past it)


class ApClient(ApiClient):
    """A BILL organisation reached with a developer key and a session that expires after 35 idle minutes."""

    system = "ap"

    def __init__(self, endpoint: SystemEndpoint, *, timeout: float, policy: RetryPolicy,
                 safeguards: Safeguards) -> None:
        super().__init__(endpoint.url, timeout=timeout, policy=policy, safeguards=safeguards)
        self.creds = endpoint.credentials
        self.http.headers["devKey"] = self.creds["dev_key"]
        self.session_id = ""
        self._cap = threading.BoundedSemaphore(CONCURRENT_CAP)
        self._login_lock = threading.Lock()

    def slot(self) -> AbstractContextManager[Any]:
        """One of the three concurrent calls BILL allows."""
        return self._cap

    def login(self) -> str:
        """Open a session (``POST /login``) and keep its id for the following calls."""
        with self._login_lock:
            body = {"username": self.creds["username"], "password": self.creds["password"],
                    "organizationId": self.creds["org_id"], "devKey": self.creds["dev_key"]}
            if self.creds.get("remember_me_id"):
                body["rememberMeId"] = self.creds["remember_me_id"]
                body["device"] = self.creds.get("device", "")
            result = self.json("POST", f"{API}/login", json=body, idempotent=True, authenticated=False)
            self.session_id = str(result["sessionId"])
            return self.session_id

    def prepare(self, kwargs: dict[str, Any]) -> None:
        """Send the current session id."""
        if kwargs.pop("authenticated", True):
            headers = dict(kwargs.get("headers") or {})
            headers["sessionId"] = self.session_id
            kwargs["headers"] = headers

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """A JSON call in a live session: logs in first, and once more when the session has expired."""
        if not self.session_id:
            self.login()
        try:
            return self.json(method, f"{API}{path}", **kwargs)
        except ApiRefusal as exc:
            if exc.code != SESSION_INVALID:
                raise
            self.login()
            return self.json(method, f"{API}{path}", **kwargs)
