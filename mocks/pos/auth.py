"""HTTP Basic authentication with the API ID (``<account>-<n>``) and its password.

The verified ``Authorization`` header value is cached, so the hot path pays one set lookup per
request instead of base64-decoding and comparing secrets.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import threading

from .errors import unauthorized


class BasicAuth:
    """Checks ``Authorization: Basic`` against one API ID / password pair."""

    def __init__(self, api_id: str, password: str) -> None:
        self.api_id = api_id.encode()
        self.password = password.encode()
        self._verified: set[str] = set()
        self._lock = threading.Lock()

    def check(self, header: str | None) -> None:
        """Raise a 401 unless ``header`` carries the right API ID and password."""
        if header is None:
            raise unauthorized()
        if header in self._verified:
            return
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic" or not token:
            raise unauthorized()
        try:
            decoded = base64.b64decode(token.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise unauthorized() from None
        user, sep, password = decoded.partition(b":")
        ok_user = hmac.compare_digest(user, self.api_id)
        ok_pass = hmac.compare_digest(password, self.password)
        if not (sep and ok_user and ok_pass):
            raise unauthorized()
        with self._lock:
            if len(self._verified) < 64:  # only good headers are cached; a few spellings at most
                self._verified.add(header)
