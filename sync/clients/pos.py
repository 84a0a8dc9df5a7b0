"""POS (Sitoo API v2) client: Basic auth, ``/v2/accounts/{account}/...``, list envelopes ``{totalcount, items}``."""

from __future__ import annotations

from typing import Any

from ..config import SystemEndpoint
from ..safeguards import Safeguards
from .base import ApiClient, RetryPolicy

PAGE = 100


class PosClient(ApiClient):
    """A Sitoo account: its site (eshop) id and the paths under ``/v2/accounts/{account}``."""

    system = "pos"

    def __init__(self, endpoint: SystemEndpoint, *, timeout: float, policy: RetryPolicy,
                 safeguards: Safeguards) -> None:
        super().__init__(endpoint.url, timeout=timeout, policy=policy, safeguards=safeguards)
        creds = endpoint.credentials
        self.account, self.site = creds["account"], creds["site"]
        self.http.auth = (creds["api_id"], creds["api_password"])
        self.root = f"/v2/accounts/{self.account}"
        self.site_root = f"{self.root}/sites/{self.site}"

    def items(self, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every item of a Sitoo list (``start``/``num`` paging over ``{totalcount, items}``)."""
        out: list[dict[str, Any]] = []
        start = 0
        while True:
            body = self.json("GET", path, params={**(params or {}), "start": start, "num": PAGE})
            items = body.get("items", [])
            out.extend(items)
            start += len(items)
            if not items or start >= int(body.get("totalcount", 0)):
                return out
