"""QMS client: Bearer API key, items, purchase orders, receipts, lots, production, shipments, webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from ..config import SystemEndpoint
from ..errors import ApiRefusal
from ..safeguards import Safeguards
from .base import ApiClient, RetryPolicy

API = "/api/v1"
PAGE = 250  # the QMS's largest page
SIGNATURE_HEADER = "x-dataninja-signature"
HOOK_PATH = "/hooks/qms"


class QmsClient(ApiClient):
    """The QMS's public API (``Authorization: Bearer <key>``)."""

    system = "qms"

    def __init__(
        self, endpoint: SystemEndpoint, *, timeout: float, policy: RetryPolicy, safeguards: Safeguards
    ) -> None:
        super().__init__(endpoint.url, timeout=timeout, policy=policy, safeguards=safeguards)
        self.http.headers["Authorization"] = f"Bearer {endpoint.credentials['api_key']}"

    # --- reads ---------------------------------------------------------------------------------------------
    def get(self, path: str) -> dict[str, Any]:
        """One resource (``/lots/7``)."""
        result: dict[str, Any] = self.json("GET", f"{API}{path}")
        return result

    def find(self, path: str) -> dict[str, Any] | None:
        """One resource, or None when the QMS answers 404."""
        try:
            return self.get(path)
        except ApiRefusal as exc:
            if exc.status == 404:
                return None
            raise

    def paged(self, path: str, **filters: Any) -> list[dict[str, Any]]:
        """Every resource of a list endpoint (``{"data", "page", "limit", "total"}``), oldest first."""
        out: list[dict[str, Any]] = []
        page = 1
        params = {k: v for k, v in filters.items() if v is not None}
        while True:
            body = self.json("GET", f"{API}{path}", params={**params, "limit": PAGE, "page": page})
            items = body.get("data", [])
            out.extend(items)
            if len(items) < PAGE or len(out) >= int(body.get("total", 0)):
                return out
            page += 1

    def one(self, path: str, **filters: Any) -> dict[str, Any] | None:
        """The first resource a filtered list returns, or None."""
        body = self.json("GET", f"{API}{path}", params={**filters, "limit": 1})
        items = body.get("data", [])
        return items[0] if items else None

    # --- writes keyed by the QMS's natural keys --------------------------------------------------------------
    def create_keyed(self, path: str, body: dict[str, Any], lookup: str, **filters: Any) -> dict[str, Any]:
        """POST a resource whose natural key the QMS keeps unique (409 DUPLICATE names the existing one).

        After an ambiguous failure the resource is looked up by the same key before the create is re-sent.
        """

        def create() -> dict[str, Any]:
            try:
                result: dict[str, Any] = self.json("POST", f"{API}{path}", json=body, idempotent=False)
                return result
            except ApiRefusal as exc:
                existing = _existing_id(exc)
                if existing is None or self.safeguards.off("no-idempotency"):
                    raise
                return self.get(f"{lookup}/{existing}")

        return self.create_once(create, lambda: self.one(path, **filters))

    def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """An idempotent action (linking a work order: the same reference twice is accepted)."""
        result: dict[str, Any] = self.json("POST", f"{API}{path}", json=body or {}, idempotent=True)
        return result

    # --- item master (the items flow) ----------------------------------------------------------------------
    def item_by_netsuite_id(self, netsuite_id: str) -> dict[str, Any] | None:
        """The item mapped to a NetSuite item, or None."""
        return self.one("/items", netsuite_id=netsuite_id)

    def item_by_sku(self, sku: str) -> dict[str, Any] | None:
        """The item with this SKU, or None."""
        return self.one("/items", sku=sku)

    def create_item(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create an item exactly once (after an ambiguous failure it is looked up by its NetSuite id)."""
        return self.create_keyed("/items", body, "/items", netsuite_id=body["netsuiteId"])

    def update_item(self, item_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Rename an item, change its unit or map it (the SKU itself is immutable in the QMS)."""
        result: dict[str, Any] = self.json("PATCH", f"{API}/items/{item_id}", json=changes, idempotent=True)
        return result

    # --- webhooks ------------------------------------------------------------------------------------------
    def subscribe_webhooks(self, url: str, secret: str, events: list[str]) -> None:
        """Subscribe the engine's receiver (removing subscriptions of earlier runs of the engine first)."""
        for sub in self.json("GET", f"{API}/webhooks").get("data", []):
            if str(sub.get("url", "")).endswith(HOOK_PATH) and sub.get("url") != url:
                self.send("DELETE", f"{API}/webhooks/{sub['id']}")
            elif sub.get("url") == url:
                return
        self.json(
            "POST", f"{API}/webhooks", json={"url": url, "events": events, "secret": secret}, idempotent=False
        )

    def verify_webhook(self, headers: dict[str, str], body: bytes, secret: str) -> bool:
        """``X-DataNinja-Signature: sha256=<hex HMAC-SHA256 of the raw body>`` keyed with our secret."""
        given = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER), "")
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(given.encode(), expected.encode())

    def parse_webhook(self, body: bytes) -> list[dict[str, Any]]:
        """One event (or a batch): ``{"id", "type", "createdAt", "data"}``."""
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ValueError(f"not JSON: {exc}") from None
        events = data if isinstance(data, list) else [data]
        if not all(isinstance(e, dict) and e.get("id") and e.get("type") for e in events):
            raise ValueError("every event needs an id and a type")
        return events


def _existing_id(exc: ApiRefusal) -> int | None:
    """The id a 409 DUPLICATE names (``details.existingId``)."""
    if exc.status != 409 or not isinstance(exc.body, dict) or exc.body.get("code") != "DUPLICATE":
        return None
    existing = (exc.body.get("details") or {}).get("existingId")
    return int(existing) if isinstance(existing, int) else None


def event_sequence(event_id: str) -> int:
    """The QMS numbers its events in order (``evt_00000012``): the number orders events of one lot."""
    digits = "".join(ch for ch in event_id if ch.isdigit())
    return int(digits) if digits else 0
