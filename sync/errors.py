"""How the engine classifies what goes wrong in a call: retryable, ambiguous, or a refusal to park."""

from __future__ import annotations

from typing import Any


class SyncError(Exception):
    """Base of the engine's own errors."""


class RetryableError(SyncError):
    """Nothing was written and trying again later can succeed (429, 503, connection refused, ...)."""

    def __init__(self, system: str, message: str, status: int | None = None, body: Any = None) -> None:
        super().__init__(f"{system}: {message}")
        self.system, self.status, self.body = system, status, body


class AmbiguousWriteError(RetryableError):
    """A write whose outcome is unknown (connection dropped or timed out after sending): it may have committed.

    Re-sending a create blindly is how retry-induced duplicates happen; the caller looks the record up by its
    natural key first.
    """


class ApiRefusal(SyncError):
    """The system refused the request (4xx other than 429): retrying the same request cannot succeed."""

    def __init__(self, system: str, status: int, body: Any, method: str, path: str) -> None:
        self.system, self.status, self.body, self.method, self.path = system, status, body, method, path
        super().__init__(f"{system} {method} {path} -> {status}: {short_detail(body)}")

    @property
    def detail(self) -> str:
        """The system's own error text, whatever its body shape."""
        return short_detail(self.body)

    @property
    def code(self) -> str:
        """The system's error code when its body carries one (NetSuite o:errorCode, BILL code, ...)."""
        return error_code(self.body)


class PassAborted(SyncError):
    """A pass stopped early (a system stayed unavailable past the retries); state is kept for the next pass."""


def short_detail(body: Any) -> str:
    """A one-line rendering of an error body in any of the five systems' shapes."""
    if isinstance(body, dict):
        details = body.get("o:errorDetails")
        if isinstance(details, list) and details and isinstance(details[0], dict):
            return str(details[0].get("detail", ""))
        for key in ("message", "errortext", "detail", "error_message", "title", "error"):
            value = body.get(key)
            if isinstance(value, str):
                return value
            if isinstance(value, dict):
                return short_detail(value)
    if isinstance(body, list) and body:
        return short_detail(body[0])
    return str(body)[:300]


def error_code(body: Any) -> str:
    """The error code carried by a body, or ''."""
    if isinstance(body, dict):
        details = body.get("o:errorDetails")
        if isinstance(details, list) and details and isinstance(details[0], dict):
            return str(details[0].get("o:errorCode", ""))
        for key in ("code", "errorCode", "error_code"):
            if isinstance(body.get(key), str | int):
                return str(body[key])
        if isinstance(body.get("error"), dict):
            return error_code(body["error"])
    if isinstance(body, list) and body:
        return error_code(body[0])
    return ""
