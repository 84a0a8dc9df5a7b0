"""Daemon mode: subscribe to the systems' webhooks, receive and verify them, and run passes until SIGTERM.

Webhooks make the engine react at once; polling passes still run every ``ERPSIM_SYNC_POLL_SECONDS`` so an
event that was never delivered is not lost. A received event is acknowledged only after it is recorded in the
engine's state (its inbox), so a crash after the acknowledgement loses nothing. An event no flow records (see
``Flow.records_event``) is a wake-up only: it is acknowledged without touching the state.
"""

from __future__ import annotations

import logging
import secrets
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .engine import Engine
from .flows.base import Flow

log = logging.getLogger("erpsim.sync")

#: Printed once the first pass has ended (what a supervisor waits for before loading the systems).
FIRST_PASS_LINE = "erpsim-sync daemon: first pass done"
MAX_BODY = 5 * 1024 * 1024


class Daemon:
    """The engine kept running, woken by webhooks and a poll timer."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.secret = secrets.token_hex(16)
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", engine.config.webhook_port), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        daemon = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                system = self.path.strip("/").split("/")[-1]
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self.send_response(413)
                    self.end_headers()
                    return
                body = self.rfile.read(length)
                status = daemon.receive(system, dict(self.headers.items()), body)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def receive(self, system: str, headers: dict[str, str], body: bytes) -> int:
        """Verify and record one webhook delivery; the status to answer (2xx acknowledges)."""
        handlers = [f for f in self.engine.flows if system in getattr(f, "webhook_systems", ())]
        client = getattr(self.engine.ctx, system, None)
        if client is None or not handlers:
            return 404
        try:
            if not client.verify_webhook(headers, body, self.secret):
                log.warning("webhook from %s refused: bad signature", system)
                return 401
            events = client.parse_webhook(body)
        except ValueError as exc:
            log.warning("webhook from %s refused: %s", system, exc)
            return 400
        ctx = self.engine.ctx
        # Events no flow records (a WMS allocation, an event type another flow subscribed to) only wake the
        # daemon: no state transaction and no inbox row, so a burst of them does not queue for the state store.
        work = [
            (event, flows)
            for event in events
            if (flows := [f for f in handlers if f.records_event(ctx, system, event)])
        ]
        if work:
            state = self.engine.state
            with state.tx() as session:
                for event, flows in work:
                    event_id = str(event.get("id") or event.get("event_id") or "")
                    if self.engine.safeguards.on("no-webhook-dedupe") and event_id:
                        if not state.first_delivery(session, system, event_id):
                            continue
                    for flow in flows:
                        flow.on_event(ctx, session, system, event)  # type: ignore[attr-defined]
        self.wake.set()
        return 200

    def subscribe(self) -> None:
        """Subscribe every system some flow wants events from, pointing at this receiver."""
        wanted: dict[str, set[str]] = {}
        for flow in self.engine.flows:
            for system in getattr(flow, "webhook_systems", ()):
                wanted.setdefault(system, set()).update(_event_types(flow, system))
        for system, types in sorted(wanted.items()):
            client = getattr(self.engine.ctx, system, None)
            if client is None:  # a flow may take events from a system this engine is not configured with
                continue
            client.subscribe_webhooks(f"{self.url}/hooks/{system}", self.secret, sorted(types))
            log.info("subscribed to %s events: %s", system, ", ".join(sorted(types)))

    def run(self) -> int:
        """Serve webhooks and run passes until SIGTERM or SIGINT; exit status 0 on a clean stop."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stop())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.subscribe()
        # on stdout whatever the log level: a supervisor (the harness's `ready`) waits for this line
        print(
            f"erpsim-sync daemon ready: webhooks at {self.url}, polling every "
            f"{self.engine.config.poll_seconds:.2f}s",
            flush=True,
        )
        first = True
        while not self.stopping.is_set():
            self.wake.clear()
            began = time.monotonic()
            result = self.engine.run_pass()
            for failure in result.failures:
                log.error("pass incomplete: %s", failure)
            if first:
                # on stdout too: a load run starts its traffic only once the initial sync (item masters) is done
                print(f"{FIRST_PASS_LINE} in {time.monotonic() - began:.1f}s", flush=True)
                first = False
            self.wake.wait(self.engine.config.poll_seconds)
        self.server.shutdown()
        self.server.server_close()
        return 0

    def stop(self) -> None:
        """Finish the current pass, then stop."""
        self.stopping.set()
        self.wake.set()


def _event_types(flow: Flow, system: str) -> list[str]:
    types = getattr(flow, "webhook_events", {})
    return list(types.get(system, ())) if isinstance(types, dict) else []
