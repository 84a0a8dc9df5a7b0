"""The HTTP layer every client shares: error classification, retries with backoff and jitter, idempotent creates.

Retries use tenacity. Only retryable failures are retried (429, 5xx, dropped connections, timeouts); a
refusal (4xx) is raised at once for the flow to park. A write that may have committed (the connection dropped
after sending) is never re-sent blindly: ``create_once`` looks the record up by its natural key first.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from ..errors import AmbiguousWriteError, ApiRefusal, RetryableError
from ..safeguards import Safeguards

T = TypeVar("T")
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# a 5xx on a write may have committed before the failure (a gateway timeout, a crash after the commit)
AMBIGUOUS_STATUSES = frozenset({500, 502, 504})


class RetryPolicy:
    """Attempts and backoff of retryable failures (exponential with jitter, seeded for repeatable runs)."""

    def __init__(self, attempts: int, first_delay: float, safeguards: Safeguards, seed: int = 0) -> None:
        self.attempts = attempts if safeguards.on("no-retry") else 1
        self.first_delay = first_delay
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def retrying(
        self,
        retry_on: type[BaseException] | tuple[type[BaseException], ...] = RetryableError,
    ) -> Retrying:
        """A tenacity controller for one operation."""
        jitter = self._jitter()
        return Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential_jitter(multiplier=self.first_delay, max=2.0, jitter=jitter),
            retry=retry_if_exception_type(retry_on),
            reraise=True,
        )

    def call(
        self,
        fn: Callable[[], T],
        retry_on: type[BaseException] | tuple[type[BaseException], ...] = RetryableError,
    ) -> T:
        """Run ``fn`` under the policy."""
        for attempt in self.retrying(retry_on):
            with attempt:
                return fn()
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    def _jitter(self) -> float:
        with self._lock:
            return self._random.uniform(0, self.first_delay)


class ApiClient:
    """A session on one system: base URL, auth, timeouts, error classification and retries."""

    system = "system"

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        policy: RetryPolicy,
        safeguards: Safeguards,
        pool_size: int = 8,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.policy = policy
        self.safeguards = safeguards
        self.http = requests.Session()
        adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
        self.http.mount("http://", adapter)
        self.http.mount("https://", adapter)
        self.calls = 0

    # subclasses add auth headers or a requests auth object here
    def prepare(self, kwargs: dict[str, Any]) -> None:
        """Add authentication to one request's keyword arguments."""

    def slot(self) -> AbstractContextManager[Any]:
        """A concurrency slot held for the duration of one call (NetSuite's governance cap)."""
        return nullcontext()

    def send(
        self, method: str, path: str, *, idempotent: bool | None = None, retry: bool = True, **kwargs: Any
    ) -> requests.Response:
        """One call with retries; returns a 2xx response or raises RetryableError / ApiRefusal."""
        return self._call(method, path, idempotent, retry, kwargs, lambda response: response)

    def _call(
        self,
        method: str,
        path: str,
        idempotent: bool | None,
        retry: bool,
        kwargs: dict[str, Any],
        read: Callable[[requests.Response], T],
    ) -> T:
        """Send and read the answer under the retry policy (reading a garbled body counts as a failed call)."""
        idem = method in ("GET", "PUT", "DELETE", "HEAD") if idempotent is None else idempotent

        def once() -> T:
            response = self._once(method, path, idem, kwargs)
            try:
                return read(response)
            except ValueError as exc:
                # a 2xx whose body cannot be parsed: for a write it may have committed (ambiguous)
                if idem:
                    raise _SafeToRetry(self.system, f"{method} {path}: malformed response body") from exc
                raise AmbiguousWriteError(self.system, f"{method} {path}: malformed response body") from exc

        if not retry:
            return once()
        # non-idempotent writes are retried only when nothing can have been written
        retry_on: Any = RetryableError if idem else _SafeToRetry
        return self.policy.call(once, retry_on)

    def _once(self, method: str, path: str, idempotent: bool, kwargs: dict[str, Any]) -> requests.Response:
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        call = dict(kwargs)
        call.setdefault("timeout", self.timeout)
        self.prepare(call)
        self.calls += 1
        with self.slot():
            try:
                response = self.http.request(method, url, **call)
            except requests.ConnectTimeout as exc:
                raise _SafeToRetry(self.system, f"connect timeout: {exc}") from exc
            except requests.ConnectionError as exc:
                if _refused(exc) or idempotent:
                    raise _SafeToRetry(self.system, f"connection failed: {exc}") from exc
                raise AmbiguousWriteError(self.system, f"{method} {path}: connection dropped: {exc}") from exc
            except requests.Timeout as exc:
                if idempotent:
                    raise _SafeToRetry(self.system, f"timeout: {exc}") from exc
                raise AmbiguousWriteError(self.system, f"{method} {path}: timed out: {exc}") from exc
        if response.status_code < 400:
            return response
        body = _body(response)
        if response.status_code in RETRYABLE_STATUSES:
            if self.refuse_retry(response):
                raise ApiRefusal(self.system, response.status_code, body, method, path)
            if not idempotent and response.status_code in AMBIGUOUS_STATUSES:
                raise AmbiguousWriteError(
                    self.system, f"{method} {path} -> {response.status_code}", response.status_code, body
                )
            raise _SafeToRetry(
                self.system, f"{method} {path} -> {response.status_code}", response.status_code, body
            )
        raise ApiRefusal(self.system, response.status_code, body, method, path)

    def refuse_retry(self, response: requests.Response) -> bool:
        """True when a normally retryable status must be treated as final (a mutant's behaviour)."""
        return False

    def json(
        self, method: str, path: str, *, idempotent: bool | None = None, retry: bool = True, **kwargs: Any
    ) -> Any:
        """A call whose answer is JSON (None for an empty body); a garbled body is retried like a failure."""
        return self._call(
            method,
            path,
            idempotent,
            retry,
            kwargs,
            lambda response: response.json() if response.content else None,
        )

    def create_once(self, create: Callable[[], T], lookup: Callable[[], T | None]) -> T:
        """Create a record exactly once: after an ambiguous failure, look it up by natural key before retrying.

        With the ``no-idempotency`` mutant the create is simply re-sent, which duplicates the record whenever
        the first attempt had committed.
        """
        if self.safeguards.on("no-idempotency"):
            found = lookup()
            if found is not None:
                return found

        def attempt() -> T:
            try:
                return create()
            except AmbiguousWriteError:
                if self.safeguards.on("no-idempotency"):
                    found = lookup()
                    if found is not None:
                        return found
                raise

        return self.policy.call(attempt, RetryableError)


class _SafeToRetry(RetryableError):
    """A retryable failure where nothing was written (a create may be re-sent)."""


def _refused(exc: requests.ConnectionError) -> bool:
    text = str(exc)
    return "Connection refused" in text or "Failed to establish a new connection" in text


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:2000]
