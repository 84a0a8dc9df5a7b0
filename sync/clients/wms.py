"""WMS client: API key header, products, orders keyed by clientReference, stock, webhooks."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..config import SystemEndpoint
from ..errors import ApiRefusal
from ..safeguards import Safeguards
from .base import ApiClient, RetryPolicy

API = "/api/v1"


class WmsClient(ApiClient):
    """The warehouse's public API (``X-API-Key``)."""

    system = "wms"

    def __init__(self, endpoint: SystemEndpoint, *, timeout: float, policy: RetryPolicy,
                 safeguards: Safeguards) -> None:
        super().__init__(endpoint.url, timeout=timeout, policy=policy, safeguards=safeguards)
        self.http.headers["X-API-Key"] = endpoint.credentials["api_key"]

    def order_by_reference(self, client_reference: str) -> dict[str, Any] | None:
        """The order created under a client reference, or None."""
        try:
            result: dict[str, Any] = self.json("GET", f"{API}/orders/reference/{quote(client_reference, safe='')}")
            return result
        except ApiRefusal as exc:
            if exc.status == 404:
                return None
            raise

    def paged(self, path: str, params: dict[str, Any] | None = None, key: str = "items") -> list[dict[str, Any]]:
        """Every item of a paged list endpoint."""
        return _paged(self, f"{API}{path}", params or {}, key)


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
