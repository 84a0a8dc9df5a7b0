"""The verification gateway: what the Pact verifier talks to instead of the emulator itself.

One loopback server with three jobs:

- ``POST /_pact/state`` sets up a provider state (reset + seed through the control plane) and answers the
  values the pact's provider-state generators need (``${salesOrderId}``...);
- ``POST /_pact/hooks/<system>`` receives the emulator's webhooks, so message pacts are checked against what
  the emulator really sends;
- every other request is forwarded to the emulator's vendor API, re-authenticated (see ``auth``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from .auth import AUTH_HEADERS, VendorSession

STATE_PATH = "/_pact/state"
HOOKS_PREFIX = "/_pact/hooks/"
#: Headers that describe one hop, not the message (the server and requests set their own).
_HOP = frozenset(
    {
        "host",
        "connection",
        "content-length",
        "transfer-encoding",
        "keep-alive",
        "content-encoding",
        "accept-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-authorization",
    }
)


@dataclass
class Delivery:
    """One webhook POST the emulator sent: header names lower-case, the raw body."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body, parsed."""
        return json.loads(self.body)


@dataclass
class Inbox:
    """Webhooks received since the last provider-state set-up."""

    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, delivery: Delivery) -> None:
        """Record one delivery."""
        with self.lock:
            self.deliveries.append(delivery)

    def clear(self) -> None:
        """Forget every delivery."""
        with self.lock:
            self.deliveries.clear()

    def all(self) -> list[Delivery]:
        """Every delivery, oldest first."""
        with self.lock:
            return list(self.deliveries)


StateHandler = Callable[[str, str, dict[str, Any]], dict[str, Any]]


class Gateway:
    """A WSGI app: provider states, a webhook inbox, and a re-authenticating proxy to one emulator."""

    def __init__(self, vendor: VendorSession, states: StateHandler, inbox: Inbox) -> None:
        self.vendor = vendor
        self.states = states
        self.inbox = inbox
        #: why the current interaction's provider state could not be set up (its requests then answer 500)
        self.state_error: str | None = None
        #: every state failure of the run, for the report
        self.state_errors: list[str] = []
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = Request(environ)
        if request.path == STATE_PATH:
            response = self._state(request)
        elif request.path.startswith(HOOKS_PREFIX):
            self.inbox.add(
                Delivery(request.path, {k.lower(): v for k, v in request.headers.items()}, request.get_data())
            )
            response = Response(b"", status=200)
        else:
            response = self._forward(request, environ)
        return response(environ, start_response)

    def _state(self, request: Request) -> Response:
        # A failed set-up still answers 200: the verifier retries a failing state call for minutes and then
        # reports only its status. The interaction's requests answer 500 naming the failure instead.
        body = request.get_json(silent=True) or {}
        state, action = str(body.get("state") or ""), str(body.get("action") or "setup")
        if action == "teardown":
            self.state_error = None
        try:
            values = self.states(state, action, dict(body.get("params") or {}))
        except Exception as exc:  # noqa: BLE001 - reported through the interaction's requests and the summary
            self.state_error = f"provider state {state!r} could not be set up: {type(exc).__name__}: {exc}"
            self.state_errors.append(self.state_error)
            values = {}
        return Response(json.dumps(values), status=200, content_type="application/json")

    def _forward(self, request: Request, environ: dict[str, Any]) -> Response:
        if self.state_error is not None:
            return Response(
                json.dumps({"erpsim": self.state_error}), status=500, content_type="application/json"
            )
        # The raw request target keeps the client's own escaping (eid:..., !transform, encoded q filters).
        target = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.full_path
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP | AUTH_HEADERS}
        try:
            upstream = self.vendor.request(
                request.method, target, headers=headers, data=request.get_data() or None
            )
        except requests.RequestException as exc:
            return Response(
                json.dumps({"gateway": f"emulator unreachable: {exc}"}),
                status=502,
                content_type="application/json",
            )
        out = Response(upstream.content, status=upstream.status_code)
        del out.headers["Content-Type"]  # only the emulator's own (a 204 has none)
        for name, value in upstream.headers.items():
            if name.lower() not in _HOP:
                out.headers[name] = value
        return out

    def start(self) -> str:
        """Serve on a free loopback port in a thread; returns the base URL."""
        self._server = make_server("127.0.0.1", 0, self, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="pact-gateway", daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        return self.url

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(5)
            self._server = None
