"""WSGI middleware in front of every emulator: request ids, the journal and request faults.

It sits outside Flask so that a "reset after commit" fault can let the whole request (and its
commit) finish before the connection is dropped, exactly like a network failure on the way back.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException

from .errors import INJECTED, TOO_LARGE, ApiError
from .faults import FaultPlan, FaultRule
from .journal import Journal
from .openapi import operation_ids

if TYPE_CHECKING:
    from flask import Flask

StartResponse = Callable[..., Any]
CONTROL_PREFIX = "/__erpsim"
#: WSGI environ key where an emulator's auth notes why it refused a request (see ``note_auth_failure``).
AUTH_FAILURE = "erpsim.auth_failure"
#: One line per request (INFO) and every refused login (WARNING).
access_log = logging.getLogger("erpsim.access")


def note_auth_failure(environ: dict[str, Any], reason: str) -> None:
    """Record why a request's credentials were refused: sent back in ``X-Erpsim-Auth-Failure`` (the body
    stays the vendor's own), journalled and logged."""
    environ[AUTH_FAILURE] = reason.replace("\r", " ").replace("\n", " ")[:300]


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


def _text(data: bytes, limit: int) -> str | None:
    """A journalled body: UTF-8 text (bytes that are not show as U+FFFD), at most ``limit`` bytes."""
    if not data:
        return None
    text = data[:limit].decode("utf-8", "replace")
    return text + ("..." if len(data) > limit else "")


class ErpsimMiddleware:
    """Journals every vendor-API request and applies the fault plan to it."""

    def __init__(
        self,
        app: Flask,
        journal: Journal,
        plan: FaultPlan,
        render_error: Callable[[ApiError], Any],
        throttle_error: Callable[[], ApiError],
        max_body_bytes: int | None = None,
        system: str = "",
        journal_bodies: int = 0,
        spec: dict[str, Any] | None = None,
        generation: Callable[[], int] | None = None,
    ) -> None:
        self.flask_app = app
        self.max_body_bytes = max_body_bytes
        self.system = system
        self.journal_bodies = journal_bodies
        self.spec = spec or {}
        self._operation_ids: dict[tuple[str, str], str] | None = None  # built on first use: routes are final
        self.app = app.wsgi_app
        self.journal = journal
        self.plan = plan
        self.render_error = render_error
        self.throttle_error = throttle_error
        #: the world generation (a reset or seed starts a new one): a delayed request that outlives its world
        #: is dropped, never applied to the next one
        self.generation = generation

    def _operation(self, environ: dict[str, Any]) -> tuple[str | None, str | None]:
        """(route endpoint, vendor OpenAPI operationId) of a request; (None, None) when nothing routes."""
        try:
            rule, _args = self.flask_app.url_map.bind_to_environ(environ).match(return_rule=True)
        except HTTPException:
            return None, None
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if self._operation_ids is None:
            self._operation_ids = operation_ids(self.flask_app, self.spec)
        op = self._operation_ids.get((rule.rule, "GET" if method == "HEAD" else method))
        return str(rule.endpoint), op

    def _buffer_unsized_body(self, environ: dict[str, Any]) -> ApiError | None:
        """Read a body sent without Content-Length (chunked) up to the limit; beyond it, a 413 as with one.

        Werkzeug would silently cut such a body at the limit and let the route process the truncated rest.
        """
        if (
            self.max_body_bytes is None
            or environ.get("CONTENT_LENGTH")
            or ("chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower())
        ):
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

    def _capture_request_body(self, environ: dict[str, Any]) -> bytes:
        """The first ``journal_bodies`` bytes of the request body (the body is buffered and handed on)."""
        if not self.journal_bodies:
            return b""
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return b""
        if length <= 0 or (self.max_body_bytes is not None and length > self.max_body_bytes):
            return b""
        data = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(data)
        return bytes(data[: self.journal_bodies + 1])  # one more: _text then knows it was cut

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        refusal = self._buffer_unsized_body(environ)
        method = environ.get("REQUEST_METHOD", "GET")
        started = time.perf_counter()
        if path.startswith(CONTROL_PREFIX):
            status_seen: list[str] = ["000"]

            def _start_control(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                status_seen[0] = status
                return (
                    start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
                )

            try:
                if refusal is not None:
                    return self._error_response(refusal, environ, _start_control)
                return self.app(environ, _start_control)
            finally:
                if access_log.isEnabledFor(logging.INFO):
                    access_log.info(
                        "%s %s %s %s %.1fms",
                        self.system,
                        method,
                        path,
                        status_seen[0][:3],
                        (time.perf_counter() - started) * 1000,
                    )
        seq = self.journal.next_seq()
        request_id = environ.get("HTTP_X_REQUEST_ID") or self.journal.request_id(seq)
        environ["erpsim.request_id"] = request_id
        request_body = self._capture_request_body(environ) if refusal is None else b""
        endpoint, operation = self._operation(environ)
        status_holder: list[str] = ["000"]
        fault_kind: str | None = None

        def _start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status_holder[0] = status
            headers.append(("X-Erpsim-Request-Id", request_id))
            failure = environ.get(AUTH_FAILURE)
            if failure:
                headers.append(("X-Erpsim-Auth-Failure", failure))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        def _finish(response_body: bytes) -> None:
            status = int(status_holder[0][:3]) if status_holder[0][:3].isdigit() else 0
            duration = round((time.perf_counter() - started) * 1000, 3)
            failure = environ.get(AUTH_FAILURE)
            entry: dict[str, Any] = {
                "seq": seq,
                "request_id": request_id,
                "at": datetime.now(UTC).isoformat(),
                "method": method,
                "path": path,
                "query": environ.get("QUERY_STRING", ""),
                "status": status,
                "duration_ms": duration,
                "operation": operation,
                "fault": fault_kind,
                "auth_failure": failure,
                "pid": os.getpid(),
            }
            if self.journal_bodies:
                entry["request_body"] = _text(request_body, self.journal_bodies)
                entry["response_body"] = _text(response_body, self.journal_bodies)
            try:
                self.journal.add(entry)
            except Exception:  # noqa: BLE001 - a journal failure must never fail the request it records
                access_log.exception("%s: could not journal %s %s", self.system, method, path)
            if failure:
                access_log.warning(
                    "%s %s %s refused: %s (%s)", self.system, method, path, failure, request_id
                )
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "%s %s %s %s %.1fms%s%s%s %s",
                    self.system,
                    method,
                    path,
                    status,
                    duration,
                    f" op={operation}" if operation else "",
                    f" fault={fault_kind}" if fault_kind else "",
                    f" auth={failure}" if failure else "",
                    request_id,
                )

        result: Iterable[bytes] = []
        body = b""
        try:
            if refusal is not None:
                result = self._error_response(refusal, environ, _start)
            else:
                rules: list[FaultRule] = []
                if self.plan.has_request_rules:
                    rules = self.plan.match_request(method, path, operation, endpoint=endpoint)
                if rules:
                    fault_kind = ",".join(r.kind for r in rules)
                    result = self._apply(rules, environ, _start)
                else:
                    result = self.app(environ, _start)
            # Emulator responses are small JSON documents: joined here, so the journal has the body and
            # the entry is written before the client sees the response.
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close:
                    close()
        finally:
            _finish(body)
        return [body]

    def _apply(
        self, rules: list[FaultRule], environ: dict[str, Any], start: StartResponse
    ) -> Iterable[bytes]:
        delays = [r.latency_ms / 1000 for r in rules if r.kind == "latency"]
        if delays:
            began = self.generation() if self.generation is not None else None
            time.sleep(sum(delays))
            # the world was reset (or reseeded) while this request waited: a harness has moved on to the next
            # scenario, whose world must not receive the old one's write; the client sees a dropped connection
            if began is not None and self.generation is not None and self.generation() != began:
                drop_connection(environ)
                return []
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
            garbled = body[: max(1, len(body) // 2)] + b'\x00{"erpsim":'
            headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(garbled))))
            start(captured["status"], headers)
            return [garbled]
        return self.app(environ, start)

    def _error_response(
        self, err: ApiError, environ: dict[str, Any], start: StartResponse
    ) -> Iterable[bytes]:
        with self.flask_app.request_context(environ):
            response = self.render_error(err)
        result: Iterable[bytes] = response(environ, start)
        return result
