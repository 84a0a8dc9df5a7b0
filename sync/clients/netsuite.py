"""NetSuite SuiteTalk REST client: TBA (OAuth 1.0a HMAC-SHA256), records, upsert by eid, transforms, SuiteQL.

Every call takes a slot of one concurrency cap shared by the whole engine (NetSuite's governance is a limit
on concurrent requests per account); a 429 CONCURRENCY_LIMIT_EXCEEDED is retried with backoff.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from typing import Any
from urllib.parse import quote

import requests
from requests_oauthlib import OAuth1

from ..config import SystemEndpoint
from ..errors import ApiRefusal
from ..safeguards import Safeguards
from .base import ApiClient, RetryPolicy

REST = "/services/rest/record/v1"
SUITEQL = "/services/rest/query/v1/suiteql"


class NetSuiteClient(ApiClient):
    """A NetSuite account reached over REST with token-based authentication."""

    system = "netsuite"

    def __init__(
        self,
        endpoint: SystemEndpoint,
        *,
        concurrency: int,
        timeout: float,
        policy: RetryPolicy,
        safeguards: Safeguards,
    ) -> None:
        super().__init__(
            endpoint.url, timeout=timeout, policy=policy, safeguards=safeguards, pool_size=max(concurrency, 8)
        )
        creds = endpoint.credentials
        self.account = creds["account"]
        self.auth = OAuth1(
            creds["consumer_key"],
            creds["consumer_secret"],
            creds["token_id"],
            creds["token_secret"],
            signature_method="HMAC-SHA256",
            realm=self.account,
        )
        self._cap: threading.BoundedSemaphore | None = (
            threading.BoundedSemaphore(concurrency) if safeguards.on("no-concurrency-cap") else None
        )

    def prepare(self, kwargs: dict[str, Any]) -> None:
        """Sign every request (a fresh nonce and timestamp per attempt)."""
        kwargs["auth"] = self.auth

    def slot(self) -> AbstractContextManager[Any]:
        """One of the engine's NetSuite concurrency slots."""
        return self._cap if self._cap is not None else nullcontext()

    def refuse_retry(self, response: requests.Response) -> bool:
        """Without the concurrency safeguard a 429 is taken as final, as naive connectors do."""
        return response.status_code == 429 and self.safeguards.off("no-concurrency-cap")

    # --- records -------------------------------------------------------------------------------------------
    def get(self, rtype: str, rid: str, *, expand: bool = True) -> dict[str, Any]:
        """A record by internal id (``eid:X`` works too), sublists expanded by default."""
        params = {"expandSubResources": "true"} if expand else {}
        result: dict[str, Any] = self.json("GET", f"{REST}/{rtype}/{rid}", params=params)
        return result

    def find_eid(self, rtype: str, external_id: str, *, expand: bool = True) -> dict[str, Any] | None:
        """A record by external id, or None when there is none."""
        try:
            return self.get(rtype, f"eid:{quote(external_id, safe='')}", expand=expand)
        except ApiRefusal as exc:
            if exc.status == 404:
                return None
            raise

    def create(self, rtype: str, body: dict[str, Any]) -> str:
        """POST a new record; returns its internal id (from Location). Not idempotent: see ``create_once``."""
        response = self.send("POST", f"{REST}/{rtype}", json=body, idempotent=False)
        return _id_from_location(response)

    def create_keyed(self, rtype: str, body: dict[str, Any]) -> str:
        """Create a record carrying ``externalId`` exactly once (look-up by eid after an ambiguous failure)."""
        eid = body.get("externalId")

        def lookup() -> str | None:
            if not eid:
                return None
            found = self.find_eid(rtype, str(eid), expand=False)
            return str(found["id"]) if found else None

        return self.create_once(lambda: self.create(rtype, body), lookup)

    def upsert(self, rtype: str, external_id: str, body: dict[str, Any], *, replace: str = "") -> str:
        """PUT by external id: create when absent, update when present (idempotent); returns the internal id."""
        params = {"replace": replace} if replace else {}
        response = self.send(
            "PUT", f"{REST}/{rtype}/eid:{quote(external_id, safe='')}", json=body, params=params
        )
        return _id_from_location(response)

    def patch(self, rtype: str, rid: str, body: dict[str, Any], *, replace: str = "") -> None:
        """PATCH a record (idempotent for the same body: retried freely)."""
        params = {"replace": replace} if replace else {}
        self.send("PATCH", f"{REST}/{rtype}/{rid}", json=body, params=params, idempotent=True)

    def delete(self, rtype: str, rid: str) -> bool:
        """DELETE a record (idempotent: a record already gone is fine); False when it did not exist."""
        try:
            self.send("DELETE", f"{REST}/{rtype}/{rid}", idempotent=True)
        except ApiRefusal as exc:
            if exc.status == 404:
                return False
            raise
        return True

    def transform(self, rtype: str, rid: str, target: str, body: dict[str, Any], *, replace: str = "") -> str:
        """``!transform`` a record into another (fulfilment, receipt, ...); returns the new id. Not idempotent.

        ``replace`` names the sublists whose pre-filled lines the body replaces instead of adding to (e.g.
        ``inventoryAssignment``: NetSuite pre-fills a fulfilment's lots and bins).
        """
        params = {"replace": replace} if replace else {}
        response = self.send(
            "POST", f"{REST}/{rtype}/{rid}/!transform/{target}", json=body, params=params, idempotent=False
        )
        return _id_from_location(response)

    def transform_keyed(
        self, rtype: str, rid: str, target: str, body: dict[str, Any], *, replace: str = ""
    ) -> str:
        """A transform carrying ``externalId``, done exactly once (look-up by eid after an ambiguous failure)."""
        eid = body.get("externalId")

        def lookup() -> str | None:
            if not eid:
                return None
            found = self.find_eid(target, str(eid), expand=False)
            return str(found["id"]) if found else None

        return self.create_once(lambda: self.transform(rtype, rid, target, body, replace=replace), lookup)

    # --- queries -------------------------------------------------------------------------------------------
    def suiteql(self, query: str, *, page_size: int = 1000) -> list[dict[str, Any]]:
        """Every row of a SuiteQL query (paged; a read, so retried freely)."""
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            page = self.json(
                "POST",
                SUITEQL,
                json={"q": query},
                idempotent=True,
                params={"limit": page_size, "offset": offset},
                headers={"Prefer": "transient"},
            )
            for item in page.get("items", []):
                item.pop("links", None)
                rows.append(item)
            if not page.get("hasMore"):
                return rows
            offset += page_size

    def list_ids(self, rtype: str, q: str = "") -> list[str]:
        """Internal ids of every record of a type matching a ``q`` filter (paged)."""
        ids: list[str] = []
        offset = 0
        while True:
            params: dict[str, Any] = {"limit": 1000, "offset": offset}
            if q:
                params["q"] = q
            page = self.json("GET", f"{REST}/{rtype}", params=params)
            ids.extend(str(item["id"]) for item in page.get("items", []))
            if not page.get("hasMore"):
                return ids
            offset += 1000


def _id_from_location(response: requests.Response) -> str:
    location = response.headers.get("Location", "")
    return location.rstrip("/").rsplit("/", 1)[-1]


def ref(value: Any) -> str | None:
    """The internal id inside a reference field (``{"id": "7", "refName": ...}``), or None."""
    if isinstance(value, dict):
        rid = value.get("id")
        return str(rid) if rid is not None else None
    return str(value) if value not in (None, "") else None


def sublist(record: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The lines of an expanded sublist (``{"items": [...]}``), or []."""
    value = record.get(name)
    if isinstance(value, dict):
        items = value.get("items")
        return list(items) if isinstance(items, list) else []
    return []


def replace_prefilled_lots(body: dict[str, Any]) -> str:
    """The ``replace`` a fulfilment transform carrying its own lots needs (else they add to NetSuite's pre-fill).

    NetSuite pre-fills a transformed fulfilment's inventory detail with lots of its choosing; assignments sent
    without replacing them are added on top ("The total inventory detail quantity must be N").
    """
    lines = (body.get("item") or {}).get("items") or []
    return "inventoryAssignment" if any(ln.get("inventoryDetail") for ln in lines) else ""
