"""Governance: the per-account concurrency limit (429 over it) and emulated service time per operation."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from flask import Request

from mocks.core.app import Emulator
from mocks.core.errors import ApiError
from mocks.core.limiter import SlotLimiter

if TYPE_CHECKING:
    from .services import NetSuiteSettings

#: Base concurrency per service tier; each SuiteCloud Plus licence adds 10 (netsuite-rest.md section 4).
TIER_BASE = {"standard": 5, "premium": 15, "enterprise": 20, "ultimate": 20, "developer": 5}
#: Seconds of emulated server work per operation ("realistic" is close to what real accounts show).
PROFILES: dict[str, dict[str, float]] = {
    "none": {},
    "realistic": {
        "get": 0.12,
        "list": 0.25,
        "create": 0.45,
        "update": 0.40,
        "upsert": 0.45,
        "delete": 0.30,
        "transform": 0.80,
        "suiteql": 0.35,
        "metadata": 0.20,
        "async": 0.10,
    },
}


def operation_of(request: Request) -> str:
    """The governance operation name of a request (get, list, create, update, ..., suiteql)."""
    path = request.path
    method = request.method
    if "/query/v1/" in path:
        return "suiteql"
    if "/async/v1/" in path:
        return "async"
    if "/metadata-catalog" in path:
        return "metadata"
    if "/!transform/" in path:
        return "transform"
    if "/@" in path:
        return "action"
    tail = path.split("/record/v1/", 1)[-1].strip("/")
    parts = tail.split("/") if tail else []
    if method == "GET":
        return "list" if len(parts) <= 1 else "get"
    return {"POST": "create", "PATCH": "update", "PUT": "upsert", "DELETE": "delete"}.get(method, "get")


class Governance:
    """Concurrency slots shared by every worker process of one account, plus service time."""

    def __init__(self, emu: Emulator, settings: NetSuiteSettings) -> None:
        cfg = emu.config
        self.emu = emu
        explicit = settings.concurrency_limit
        tier_limit = TIER_BASE.get(settings.service_tier, 5) + 10 * settings.suitecloud_plus_licences
        self.limit = explicit if explicit is not None else tier_limit
        self.service_times = self.parse_profile(settings.service_time)
        # Slots are keyed by account and store so that separate test apps never share them.
        self.key = f"{settings.account}:{hashlib.sha1(cfg.db_url.encode()).hexdigest()[:12]}"
        self.limiter = SlotLimiter(
            "netsuite", data_dir=cfg.data_dir, engine=emu.store.engine if emu.store.is_postgres else None
        )

    @staticmethod
    def parse_profile(value: Any) -> dict[str, float]:
        """A profile name, one number of seconds for everything, or a JSON object per operation."""
        if isinstance(value, dict):
            return {str(k): float(v) for k, v in value.items()}
        text = str(value).strip()
        if text in PROFILES:
            return dict(PROFILES[text])
        try:
            seconds = float(text)
            return dict.fromkeys(PROFILES["realistic"], seconds)
        except ValueError:
            pass
        try:
            parsed = json.loads(text)
        except ValueError:
            raise ApiError(400, "INVALID_GOVERNANCE", f"Unknown service time profile '{text}'.") from None
        if not isinstance(parsed, dict):
            raise ApiError(
                400, "INVALID_GOVERNANCE", "serviceTime must be a profile name, seconds or an object."
            )
        return {str(k): float(v) for k, v in parsed.items()}

    def configure(self, body: dict[str, Any]) -> dict[str, Any]:
        """Change the limit and/or service time of this process (act/set_governance)."""
        if "concurrencyLimit" in body:
            limit = body["concurrencyLimit"]
            if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 1000:
                raise ApiError(
                    400, "INVALID_GOVERNANCE", "concurrencyLimit must be an integer from 1 to 1000."
                )
            self.limit = limit
        if "serviceTime" in body:
            try:
                self.service_times = self.parse_profile(body["serviceTime"])
            except (TypeError, ValueError):
                raise ApiError(400, "INVALID_GOVERNANCE", "serviceTime values must be numbers.") from None
        return self.describe()

    def describe(self) -> dict[str, Any]:
        """The current limit and service times."""
        return {"concurrencyLimit": self.limit, "serviceTime": self.service_times}
