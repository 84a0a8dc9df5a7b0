"""POS (Sitoo API v2) client: Basic auth, ``/v2/accounts/{account}/...``, list envelopes ``{totalcount, items}``."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from ..config import SystemEndpoint
from ..errors import ApiRefusal
from ..safeguards import Safeguards
from .base import ApiClient, RetryPolicy

PAGE = 100
MAX_PAGE = 1000  # Sitoo's largest ``num``
SIGNATURE_HEADER = "x-sitoo-signature"


class PosClient(ApiClient):
    """A Sitoo account: its site (eshop) id and the paths under ``/v2/accounts/{account}``."""

    system = "pos"

    def __init__(
        self, endpoint: SystemEndpoint, *, timeout: float, policy: RetryPolicy, safeguards: Safeguards
    ) -> None:
        super().__init__(endpoint.url, timeout=timeout, policy=policy, safeguards=safeguards)
        creds = endpoint.credentials
        self.account, self.site = creds["account"], creds["site"]
        self.http.auth = (creds["api_id"], creds["api_password"])
        self.root = f"/v2/accounts/{self.account}"
        self.site_root = f"{self.root}/sites/{self.site}"

    def items(
        self, path: str, params: dict[str, Any] | None = None, page: int = PAGE
    ) -> list[dict[str, Any]]:
        """Every item of a Sitoo list (``start``/``num`` paging over ``{totalcount, items}``)."""
        out: list[dict[str, Any]] = []
        start = 0
        while True:
            body = self.json("GET", path, params={**(params or {}), "start": start, "num": page})
            items = body.get("items", [])
            out.extend(items)
            start += len(items)
            if not items or start >= int(body.get("totalcount", 0)):
                return out

    # --- stores and stock ----------------------------------------------------------------------------------
    def stores(self) -> list[dict[str, Any]]:
        """The stores: ``{storeid, name, externalid, ...}``."""
        return self.items(f"{self.site_root}/stores.json")

    def warehouses(self) -> list[dict[str, Any]]:
        """The warehouses: ``{warehouseid, storeid, warehousetype, usetype, sellable, externalid, ...}``."""
        return self.items(f"{self.site_root}/warehouses.json")

    def warehouse_items(self, warehouse_id: int) -> list[dict[str, Any]]:
        """A warehouse's stock rows ``{sku, decimaltotal, decimalreserved, decimalavailable, ...}``."""
        return self.items(f"{self.site_root}/warehouses/{warehouse_id}/warehouseitems.json", page=MAX_PAGE)

    def add_warehouse_transactions(self, transactions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """POST a batch of warehouse transactions; one ``{statuscode, return | errortext}`` per transaction."""
        result: list[dict[str, Any]] = self.json(
            "POST", f"{self.site_root}/warehousetransactions.json", json=transactions, idempotent=False
        )
        return result

    # --- orders, customers, registers ----------------------------------------------------------------------
    def orders_after(self, order_id: int, limit: int = 10 * MAX_PAGE) -> list[dict[str, Any]]:
        """Orders with an id above ``order_id``, oldest first (at most ``limit``, whole pages)."""
        out: list[dict[str, Any]] = []
        while len(out) < limit:
            body = self.json(
                "GET",
                f"{self.site_root}/orders.json",
                params={"orderidfrom": order_id + 1, "num": MAX_PAGE, "sort": "orderid"},
            )
            items = body.get("items", [])
            out.extend(items)
            if len(items) < MAX_PAGE:
                break
            order_id = int(items[-1]["orderid"])
        return out

    def orders(self, **filters: Any) -> list[dict[str, Any]]:
        """Every order matching Sitoo's filters (``registerid``, ``orderidfrom``, ...), oldest first."""
        return self.items(f"{self.site_root}/orders.json", {**filters, "sort": "orderid"}, page=MAX_PAGE)

    def orders_by_id(self, order_ids: list[int]) -> list[dict[str, Any]]:
        """The orders with these ids (missing ones are simply absent)."""
        out: list[dict[str, Any]] = []
        for start in range(0, len(order_ids), 100):
            chunk = order_ids[start : start + 100]
            out.extend(
                self.items(
                    f"{self.site_root}/orders.json",
                    {"orderid": ",".join(str(i) for i in chunk)},
                    page=MAX_PAGE,
                )
            )
        return out

    def users(self) -> list[dict[str, Any]]:
        """Every customer (Sitoo ``users``)."""
        return self.items(f"{self.site_root}/users.json", page=MAX_PAGE)

    def registers(self) -> list[dict[str, Any]]:
        """The cash registers: ``{registerid, storeid, warehouseid, ...}``."""
        return self.items(f"{self.site_root}/cashregisters.json")

    def zreports(self, register_id: str, created_from: int | None = None) -> list[dict[str, Any]]:
        """A register's Z reports, oldest first (optionally created at or after a Unix time)."""
        params = {"datecreatedfrom": created_from} if created_from is not None else {}
        return self.items(f"{self.site_root}/cashregisters/{register_id}/zreports.json", params)

    # --- events SPI ----------------------------------------------------------------------------------------
    # --- products (the items flow) -------------------------------------------------------------------------
    def product_by_sku(self, sku: str) -> dict[str, Any] | None:
        """The product with this SKU, or None (Sitoo keys products by SKU: there is no external id)."""
        found = [
            p for p in self.items(f"{self.site_root}/products.json", {"sku": sku}) if p.get("sku") == sku
        ]
        return found[0] if found else None

    def product(self, product_id: int) -> dict[str, Any] | None:
        """One product by id, or None when it no longer exists."""
        try:
            result: dict[str, Any] = self.json("GET", f"{self.site_root}/products/{product_id}.json")
            return result
        except ApiRefusal as exc:
            if exc.status == 404:
                return None
            raise

    def create_product(self, body: dict[str, Any]) -> int:
        """Add a product exactly once (after an ambiguous failure it is looked up by SKU); returns its id."""

        def create() -> int:
            return int(self.json("POST", f"{self.site_root}/products.json", json=body, idempotent=False))

        def lookup() -> int | None:
            found = self.product_by_sku(str(body["sku"]))
            return int(found["productid"]) if found else None

        return self.create_once(create, lookup)

    def update_product(self, product_id: int, changes: dict[str, Any]) -> None:
        """Change a product (price, title, SKU); the same PUT twice changes nothing."""
        self.send("PUT", f"{self.site_root}/products/{product_id}.json", json=changes)

    def subscribe_webhooks(self, url: str, secret: str, events: list[str]) -> None:
        """Subscribe ``url`` to Sitoo events (replacing an earlier subscription of the same URL)."""
        for sub in self.items(f"{self.root}/eventsubscriptions.json"):
            if sub.get("url") == url:
                self.send("DELETE", f"{self.root}/eventsubscriptions/{sub['subscriptionid']}.json")
        self.json(
            "POST",
            f"{self.root}/eventsubscriptions.json",
            json={"url": url, "events": events, "secret": secret},
            idempotent=True,
        )

    def verify_webhook(self, headers: dict[str, str], body: bytes, secret: str) -> bool:
        """True when ``X-Sitoo-Signature`` is the HMAC-SHA256 of the raw body with our secret."""
        given = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER), "")
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(given, expected)

    def parse_webhook(self, body: bytes) -> list[dict[str, Any]]:
        """The events of one POST (an array of at most 10); each gets ``id`` from its ``event_id``."""
        data = json.loads(body)
        events = data if isinstance(data, list) else [data]
        out = []
        for event in events:
            if not isinstance(event, dict) or not event.get("event_id") or not event.get("event_type"):
                raise ValueError("a Sitoo event needs an event_id and an event_type")
            out.append({**event, "id": event["event_id"], "type": event["event_type"]})
        return out
