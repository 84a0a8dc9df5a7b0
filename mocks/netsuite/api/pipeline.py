"""What every vendor request goes through around its route: auth, a governance slot, service time, async."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Response, g, request

from mocks.core.app import Emulator

from ..auth.oauth2 import TOKEN_PATH
from ..errors import throttle_error
from ..governance import operation_of
from ..services import NetSuiteServices
from .async_jobs import INTERNAL, submit_async


def install(app: Flask, emu: Emulator) -> None:
    """Register the before/teardown hooks on ``app``."""
    services = NetSuiteServices.of(emu)
    auth, gov = services.auth, services.governance

    @app.before_request
    def _before() -> Response | None:
        path = request.path
        if not path.startswith("/services/rest/") or path == TOKEN_PATH or request.environ.get(INTERNAL):
            return None
        g.ns_principal = auth.authenticate(request)
        slot = gov.limiter.slot(gov.key, gov.limit)
        if not slot.__enter__():
            slot.__exit__(None, None, None)
            raise throttle_error()
        g.ns_slot = slot
        delay = gov.service_times.get(operation_of(request), 0.0)
        if delay:
            # The service time is the request's whole stay in its slot, the emulator's own processing included
            # (NetSuite answers a write in ~200 ms, not 200 ms plus our CPU): the route runs first and
            # _pad_to_service_time sleeps what is left, so a client can reach the governance bound the
            # profile promises (limit / service time) however busy this machine is.
            g.ns_service_deadline = time.monotonic() + delay
        # Only a request that routes to a real operation becomes a job (a bad path or verb answers now).
        if (
            "respond-async" in (request.headers.get("Prefer") or "")
            and request.method in ("POST", "PATCH", "PUT", "DELETE")
            and "/record/v1/" in path
            and request.routing_exception is None
        ):
            return submit_async(emu)
        return None

    @app.after_request
    def _pad_to_service_time(response: Response) -> Response:
        deadline = g.pop("ns_service_deadline", None)
        if deadline is not None:
            left = deadline - time.monotonic()
            if left > 0:
                time.sleep(left)
        return response

    @app.teardown_request
    def _release(_exc: Any) -> None:
        slot = g.pop("ns_slot", None)
        if slot is not None:
            slot.__exit__(None, None, None)
