"""QMS client: Bearer API key, items, purchase orders, receipts, lots, production, shipments, webhooks."""

from __future__ import annotations

from ..config import SystemEndpoint
from ..safeguards import Safeguards
from .base import ApiClient, RetryPolicy

API = "/api/v1"


class QmsClient(ApiClient):
    """The QMS's public API (``Authorization: Bearer <key>``)."""

    system = "qms"

    def __init__(self, endpoint: SystemEndpoint, *, timeout: float, policy: RetryPolicy,
                 safeguards: Safeguards) -> None:
        super().__init__(endpoint.url, timeout=timeout, policy=policy, safeguards=safeguards)
        self.http.headers["Authorization"] = f"Bearer {endpoint.credentials['api_key']}"
