"""WSGI middleware in front of every emulator: request ids, the journal and request faults.

It sits outside Flask so that a "reset after commit" fault can let the whole request (and its
commit) finish before the connection is dropped, exactly like a network failure on the way back.
"""

from __future__ import annotations

import io
import socket
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException

from .errors import INJECTED, TOO_LARGE, ApiError
from .faults import FaultPlan, FaultRule
from .journal import Journal

if TYPE_CHECKING:
    from flask import Flask

StartResponse = Callable[..., Any]
CONTROL_PREFIX = "/__erpsim"


class ConnectionDropped(ConnectionError):
    """Raised instead of dropping the socket when there is none (in-process test client)."""


def drop_connection(environ: dict[str, Any]) -> None:
    """Close the client's connection without an HTTP response (the client sees a reset)."""
    sock = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
    if sock is None:
        raise ConnectionDropped("connection dropped by an injected fault")
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class ErpsimMiddleware:
    """Journals every vendor-API request and applies the fault plan to it."""

    def __init__(self, app: Flask, journal: Journal, plan: FaultPlan,
                 render_error: Callable[[ApiError], Any], throttle_error: Callable[[], ApiError],
                 max_body_bytes: int | None = None) -> None:
        self.flask_app = app
        self.max_body_bytes = max_body_bytes
        self.app = app.wsgi_app
        self.journal = journal
        self.plan = plan
        self.render_error = render_error
        self.throttle_error = throttle_error

    def _operation(self, environ: dict[str, Any]) -> str | None:
        try:
            endpoint, _ = self.flask_app.url_map.bind_to_environ(environ).match()
            return str(endpoint)
        except HTTPException:
            return None

    def _buffer_unsized_body(self, environ: dict[str, Any]) -> ApiError | None:
        """Read a body sent without Content-Length (chunked) up to the limit; beyond it, a 413 as with one.

        Werkzeug would silently cut such a body at the limit and let the route process the truncated rest.
        """
        if self.max_body_bytes is None or environ.get("CONTENT_LENGTH") or (
                "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower()):
            return None
        stream = environ["wsgi.input"]
        chunks: list[bytes] = []
        size = 0
        while size <= self.max_body_bytes:
            chunk = stream.read(min(65536, self.max_body_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > self.max_body_bytes:
            return ApiError(413, TOO_LARGE, "The request body is too large.", headers={"Connection": "close"})
        environ["wsgi.input"] = io.BytesIO(b"".join(chunks))
        environ["CONTENT_LENGTH"] = str(size)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        refusal = self._buffer_unsized_body(environ)
        if path.startswith(CONTROL_PREFIX):
            if refusal is not None:
                return self._error_response(refusal, environ, start_response)
            return self.app(environ, start_response)
        seq = self.journal.next_seq()
        request_id = environ.get("HTTP_X_REQUEST_ID") or f"erpsim-{seq}"
        environ["erpsim.request_id"] = request_id
        method = environ.get("REQUEST_METHOD", "GET")
        started = time.perf_counter()
        status_holder: list[str] = ["000"]
        fault_kind: str | None = None

        def _start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status_holder[0] = status
            headers.append(("X-Erpsim-Request-Id", request_id))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        try:
            if refusal is not None:
                return self._error_response(refusal, environ, _start)
            rules: list[FaultRule] = []
            if self.plan.has_request_rules:
                op = self._operation(environ) if self.plan.needs_operation else None
                rules = self.plan.match_request(method, path, op)
            if rules:
                fault_kind = ",".join(r.kind for r in rules)
                return self._apply(rules, environ, _start)
            return self.app(environ, _start)
        finally:
            self.journal.add({
                "seq": seq, "request_id": request_id, "at": datetime.now(UTC).isoformat(),
                "method": method, "path": path, "query": environ.get("QUERY_STRING", ""),
                "status": int(status_holder[0][:3]) if status_holder[0][:3].isdigit() else 0,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3), "fault": fault_kind,
            })

    def _apply(self, rules: list[FaultRule], environ: dict[str, Any], start: StartResponse) -> Iterable[bytes]:
        for rule in rules:
            if rule.kind == "latency":
                time.sleep(rule.latency_ms / 1000)
        for rule in rules:
            if rule.kind == "reset_before":
                drop_connection(environ)
                return []
            if rule.kind == "hang":
                time.sleep(rule.hang_seconds)
                drop_connection(environ)
                return []
            if rule.kind == "throttle":
                return self._error_response(self.throttle_error(), environ, start)
            if rule.kind == "error":
                err = ApiError(rule.status, rule.code or INJECTED, rule.message)
                return self._error_response(err, environ, start)
        kinds = {r.kind for r in rules}
        if "reset_after" in kinds or "malformed" in kinds:
            captured: dict[str, Any] = {}

            def _capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                captured["status"], captured["headers"] = status, headers
                return lambda _data: None

            body_iter = self.app(environ, _capture)
            try:
                body = b"".join(body_iter)
            finally:
                close = getattr(body_iter, "close", None)
                if close:
                    close()
            if "reset_after" in kinds:
                drop_connection(environ)
                return []
            garbled = body[: max(1, len(body) // 2)] + b"\x00{\"erpsim\":"
            headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(garbled))))
            start(captured["status"], headers)
            return [garbled]
        return self.app(environ, start)

    def _error_response(self, err: ApiError, environ: dict[str, Any], start: StartResponse) -> Iterable[bytes]:
        with self.flask_app.request_context(environ):
            response = self.render_error(err)
        result: Iterable[bytes] = response(environ, start)
        return result
