"""AP (BILL v3) client: devKey + sessionId, re-login when the session expires, at most 3 calls at once.

Login (``POST /connect/v3/login``) takes ``username``, ``password``, ``organizationId`` and ``devKey`` (plus
``rememberMeId`` and ``device`` for an MFA-trusted session); later calls send the ``devKey`` and ``sessionId``
headers. A session ends after 35 idle minutes: the next call answers BDC_1109 and the client logs in once more
and repeats the call (nothing was written by a refused call). BILL allows 3 concurrent requests per developer
key and organisation (BDC_1322 beyond): the client holds one of 3 slots for every call, the login included.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from ..config import SystemEndpoint
from ..errors import ApiRefusal
from ..safeguards import Safeguards
from .base import ApiClient, RetryPolicy

API = "/connect/v3"
EVENTS_API = "/connect-events/v3"
SESSION_INVALID = "BDC_1109"
DUPLICATE = "BDC_1171"
CONCURRENT_CAP = 3  # BILL: 3 concurrent requests per developer key (BDC_1322 past it)
PAGE = 100  # BILL's largest page (``max``)
SIGNATURE_HEADER = "x-bill-sha-signature"
SUBSCRIPTION_NAME = "erpsim-sync"


class ApClient(ApiClient):
    """A BILL organisation reached with a developer key and a session that expires after 35 idle minutes."""

    system = "ap"

    def __init__(
        self, endpoint: SystemEndpoint, *, timeout: float, policy: RetryPolicy, safeguards: Safeguards
    ) -> None:
        super().__init__(endpoint.url, timeout=timeout, policy=policy, safeguards=safeguards)
        self.creds = endpoint.credentials
        self.http.headers["devKey"] = self.creds["dev_key"]
        self.session_id = ""
        self.logins = 0
        self.webhook_key = ""  # the subscription's securityKey (BILL shows it once, at creation)
        self._cap = threading.BoundedSemaphore(CONCURRENT_CAP)
        self._login_lock = threading.Lock()

    def slot(self) -> AbstractContextManager[Any]:
        """One of the three concurrent calls BILL allows."""
        return self._cap

    def login(self) -> str:
        """Open a session (``POST /login``) and keep its id for the following calls."""
        with self._login_lock:
            body = {
                "username": self.creds["username"],
                "password": self.creds["password"],
                "organizationId": self.creds["org_id"],
                "devKey": self.creds["dev_key"],
            }
            if self.creds.get("remember_me_id"):
                body["rememberMeId"] = self.creds["remember_me_id"]
                body["device"] = self.creds.get("device", "")
            result = self.json("POST", f"{API}/login", json=body, idempotent=True, authenticated=False)
            self.session_id = str(result["sessionId"])
            self.logins += 1
            return self.session_id

    def prepare(self, kwargs: dict[str, Any]) -> None:
        """Send the current session id."""
        if kwargs.pop("authenticated", True):
            headers = dict(kwargs.get("headers") or {})
            headers["sessionId"] = self.session_id
            kwargs["headers"] = headers

    def call(self, method: str, path: str, *, base: str = API, **kwargs: Any) -> Any:
        """A JSON call in a live session: logs in first, and once more when the session has expired."""
        if not self.session_id:
            self.login()
        try:
            return self.json(method, f"{base}{path}", **kwargs)
        except ApiRefusal as exc:
            if exc.code != SESSION_INVALID or self.safeguards.off("no-session-renewal"):
                raise
            self.login()
            return self.json(method, f"{base}{path}", **kwargs)

    # --- typed helpers -------------------------------------------------------------------------------------
    def get(self, path: str) -> dict[str, Any]:
        """One object (``/bills/00n...``)."""
        result: dict[str, Any] = self.call("GET", path)
        return result

    def patch(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """PATCH some fields (the same body twice gives the same object: retried freely)."""
        result: dict[str, Any] = self.call("PATCH", path, json=body, idempotent=True)
        return result

    def list_all(self, path: str, *, filters: str = "", sort: str = "") -> list[dict[str, Any]]:
        """Every object of a list (``filters=field:op:value,...``, ``sort=field:asc``), following ``nextPage``."""
        out: list[dict[str, Any]] = []
        page: str | None = None
        while True:
            params: dict[str, Any] = {"max": PAGE}
            if filters:
                params["filters"] = filters
            if sort:
                params["sort"] = sort
            if page:
                params["page"] = page
            body = self.call("GET", path, params=params)
            out.extend(body.get("results", []))
            page = body.get("nextPage")
            if not page:
                return out

    def first(self, path: str, filters: str) -> dict[str, Any] | None:
        """The first object a filtered list returns, or None."""
        body = self.call("GET", path, params={"max": 1, "filters": filters})
        results = body.get("results", [])
        return results[0] if results else None

    def create_keyed(self, path: str, body: dict[str, Any], filters: str) -> dict[str, Any]:
        """POST an object exactly once: its natural key (``filters``) is looked up after an ambiguous failure,
        and a duplicate refusal (BDC_1171) adopts the object already there."""
        lookup: Callable[[], dict[str, Any] | None] = lambda: self.first(path, filters)  # noqa: E731

        def create() -> dict[str, Any]:
            try:
                result: dict[str, Any] = self.call("POST", path, json=body, idempotent=False)
                return result
            except ApiRefusal as exc:
                if exc.code != DUPLICATE or self.safeguards.off("no-idempotency"):
                    raise
                found = lookup()
                if found is None:
                    raise
                return found

        return self.create_once(create, lookup)

    # --- webhooks ------------------------------------------------------------------------------------------
    def subscribe_webhooks(self, url: str, secret: str, events: list[str]) -> None:
        """Subscribe the engine's receiver; earlier runs' subscriptions (same name) are deleted first.

        BILL signs notifications with the subscription's own securityKey (shown once): it is kept for
        ``verify_webhook``; the daemon's ``secret`` is not used by BILL.
        """
        for sub in self.call("GET", "/subscriptions", base=EVENTS_API, params={"max": 100}).get(
            "results", []
        ):
            if sub.get("name") == SUBSCRIPTION_NAME:
                self.call("DELETE", f"/subscriptions/{sub['id']}", base=EVENTS_API)
        body = {
            "name": SUBSCRIPTION_NAME,
            "status": {"enabled": True},
            "notificationUrl": url,
            "events": [{"type": t, "version": "1"} for t in events],
        }
        created = self.call(
            "POST",
            "/subscriptions",
            base=EVENTS_API,
            json=body,
            idempotent=True,
            headers={"X-Idempotent-Key": str(uuid.uuid4())},
        )
        self.webhook_key = str(created["securityKey"])

    def verify_webhook(self, headers: dict[str, str], body: bytes, secret: str) -> bool:
        """``x-bill-sha-signature``: base64 HMAC-SHA256 of the raw body keyed with the securityKey."""
        if not self.webhook_key:
            return False
        given = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER), "")
        expected = base64.b64encode(
            hmac.new(self.webhook_key.encode(), body, hashlib.sha256).digest()
        ).decode()
        return hmac.compare_digest(given.encode(), expected.encode())

    def parse_webhook(self, body: bytes) -> list[dict[str, Any]]:
        """``{"metadata": {"eventId", "eventType", ...}, "<entity>": {...}}`` -> ``{"id", "type", "data"}``."""
        try:
            data = json.loads(body)
            if isinstance(data, str):  # BILL documents the payload as a JSON-escaped string
                data = json.loads(data)
        except ValueError as exc:
            raise ValueError(f"not JSON: {exc}") from None
        items = data if isinstance(data, list) else [data]
        out = []
        for item in items:
            meta = item.get("metadata") if isinstance(item, dict) else None
            if not isinstance(meta, dict) or not meta.get("eventId") or not meta.get("eventType"):
                raise ValueError("a notification needs metadata.eventId and metadata.eventType")
            entity: Any = next((v for k, v in item.items() if k != "metadata"), {})
            out.append({"id": meta["eventId"], "type": meta["eventType"], "data": entity})
        return out
