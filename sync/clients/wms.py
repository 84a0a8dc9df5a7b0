"""WMS client: API key header, products, orders keyed by clientReference, stock, webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any
from urllib.parse import quote, urlsplit

from ..config import SystemEndpoint
from ..errors import ApiRefusal
from ..safeguards import Safeguards
from .base import ApiClient, RetryPolicy

API = "/api/v1"
SIGNATURE_HEADER = "x-wms-signature"


class WmsClient(ApiClient):
    """The warehouse's public API (``X-API-Key``)."""

    system = "wms"

    def __init__(
        self, endpoint: SystemEndpoint, *, timeout: float, policy: RetryPolicy, safeguards: Safeguards
    ) -> None:
        super().__init__(endpoint.url, timeout=timeout, policy=policy, safeguards=safeguards)
        self.http.headers["X-API-Key"] = endpoint.credentials["api_key"]

    def order_by_reference(self, client_reference: str) -> dict[str, Any] | None:
        """The order created under a client reference, or None."""
        try:
            result: dict[str, Any] = self.json(
                "GET", f"{API}/orders/reference/{quote(client_reference, safe='')}"
            )
            return result
        except ApiRefusal as exc:
            if exc.status == 404:
                return None
            raise

    def paged(
        self, path: str, params: dict[str, Any] | None = None, key: str = "items"
    ) -> list[dict[str, Any]]:
        """Every item of a paged list endpoint."""
        return _paged(self, f"{API}{path}", params or {}, key)

    def warehouses(self) -> list[dict[str, Any]]:
        """The 3PL's warehouses: ``{id, code, name}``."""
        return self.paged("/warehouses")

    def stock(
        self, *, updated_since: str | None = None, warehouse_id: int | None = None
    ) -> list[dict[str, Any]]:
        """Stock rows ``{sku, warehouseId, onHand, allocated, available, updatedAt}`` (optionally changed since)."""
        params: dict[str, Any] = {}
        if updated_since:
            params["updatedSince"] = updated_since
        if warehouse_id is not None:
            params["warehouseId"] = warehouse_id
        return self.paged("/stock", params)

    def orders(self, *, status: str | None = None, updated_since: str | None = None) -> list[dict[str, Any]]:
        """Orders, optionally of one status and changed since a time."""
        params: dict[str, Any] = {}
        if status:
            params["status"] = status
        if updated_since:
            params["updatedSince"] = updated_since
        return self.paged("/orders", params)

    # --- item master (the items flow) ----------------------------------------------------------------------
    def product_by_external_id(self, external_id: str) -> dict[str, Any] | None:
        """The product mapped to a NetSuite item (``externalId`` = its internal id), or None."""
        found = self.paged("/products", {"externalId": external_id})
        return found[0] if found else None

    def product_by_sku(self, sku: str) -> dict[str, Any] | None:
        """The product with this SKU, or None."""
        found = self.paged("/products", {"sku": sku})
        return found[0] if found else None

    def create_product(self, body: dict[str, Any]) -> dict[str, Any]:
        """Add a SKU exactly once (after an ambiguous failure it is looked up by its external id)."""

        def create() -> dict[str, Any]:
            result: dict[str, Any] = self.json("POST", f"{API}/products", json=body, idempotent=False)
            return result

        return self.create_once(create, lambda: self.product_by_external_id(str(body["externalId"])))

    def update_product(self, product_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Change a product's attributes (the same PATCH twice changes nothing: retried freely)."""
        result: dict[str, Any] = self.json(
            "PATCH", f"{API}/products/{product_id}", json=changes, idempotent=True
        )
        return result

    # --- fulfilment orders (the order flows) ----------------------------------------------------------------
    def create_order(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create a fulfilment order exactly once, keyed by its ``clientReference``.

        With ``no-idempotency`` the order carries a reference made up at each attempt (as connectors that do not
        derive it from the NetSuite record do), so a retry after an ambiguous failure creates a second order.
        """

        def create() -> dict[str, Any]:
            sent = (
                body
                if self.safeguards.on("no-idempotency")
                else {**body, "clientReference": f"{body['clientReference']}-{uuid.uuid4().hex[:6]}"}
            )
            result: dict[str, Any] = self.json("POST", f"{API}/orders", json=sent, idempotent=False)
            return result

        return self.create_once(create, lambda: self.order_by_reference(str(body["clientReference"])))

    def cancel_order(self, order_id: int, reason: str) -> dict[str, Any]:
        """Cancel an order (409 once picking started); the WMS answers a repeated cancel with the order as is."""
        result: dict[str, Any] = self.json(
            "POST", f"{API}/orders/{order_id}/cancel", json={"reason": reason}, idempotent=True
        )
        return result

    # --- webhooks ------------------------------------------------------------------------------------------
    def subscribe_webhooks(self, url: str, secret: str, events: list[str]) -> None:
        """Subscribe ``url`` to ``events``, replacing earlier subscriptions of this receiver (same URL path: an
        earlier run of the daemon listened on another port)."""
        path = urlsplit(url).path
        for sub in self.paged("/webhooks"):
            if urlsplit(str(sub.get("url", ""))).path == path:
                self.send("DELETE", f"{API}/webhooks/{sub['id']}")
        self.json(
            "POST", f"{API}/webhooks", json={"url": url, "events": events, "secret": secret}, idempotent=True
        )

    def verify_webhook(self, headers: dict[str, str], body: bytes, secret: str) -> bool:
        """True when ``X-WMS-Signature`` is the HMAC-SHA256 of the raw body with our secret."""
        given = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER), "")
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(given, expected)

    def parse_webhook(self, body: bytes) -> list[dict[str, Any]]:
        """The events of one delivery (one event object, or an array of them); ValueError when malformed."""
        data = json.loads(body)
        events = data if isinstance(data, list) else [data]
        if not all(isinstance(e, dict) and e.get("id") and e.get("type") for e in events):
            raise ValueError("a WMS event needs an id and a type")
        return events


def _paged(client: ApiClient, path: str, params: dict[str, Any], key: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        body = client.json("GET", path, params={**params, "page": page, "pageSize": 200})
        items = body.get(key, []) if isinstance(body, dict) else body
        out.extend(items)
        total = body.get("total") if isinstance(body, dict) else None
        if not items or len(items) < 200 or (total is not None and len(out) >= int(total)):
            return out
        page += 1
