"""Errors raised by emulator code; each system renders them in its own wire shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response


class ApiError(Exception):
    """A refusal the emulator answers with ``status``; ``code`` is the system's own error code.

    ``extra["auth_failure"]`` on a 401 says why credentials were refused when the system's own body does
    not (NetSuite's INVALID_LOGIN): it is sent as ``X-Erpsim-Auth-Failure``, journalled and logged.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        path: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.path = path
        self.headers = headers or {}
        self.extra = extra or {}

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.code!r}, {self.message!r})"


#: Generic conditions the core detects; each system maps them onto its own codes.
BAD_JSON = "ERPSIM_BAD_JSON"
BAD_CONTENT_TYPE = "ERPSIM_BAD_CONTENT_TYPE"
INVALID_INPUT = "ERPSIM_INVALID_INPUT"
NOT_FOUND = "ERPSIM_NOT_FOUND"
METHOD_NOT_ALLOWED = "ERPSIM_METHOD_NOT_ALLOWED"
TOO_LARGE = "ERPSIM_TOO_LARGE"
INTERNAL = "ERPSIM_INTERNAL"
THROTTLED = "ERPSIM_THROTTLED"
INJECTED = "ERPSIM_INJECTED"

#: Renders an ApiError as the system's own response (body shape, content type, headers).
ErrorRenderer = Callable[[ApiError], Response]
