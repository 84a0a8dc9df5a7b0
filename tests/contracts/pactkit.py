"""Helpers of the consumer pact tests: the engine's clients pointed at a Pact mock server, provider-state values.

The engine (``sync/``) is the consumer, ``erpsim-sync``; each system is a provider. A consumer test drives one
client method of ``sync/clients/<system>.py`` against the mock server, so the pact records exactly what the
engine sends and what it relies on in the answer.
"""

from __future__ import annotations

import os
import re
from typing import Any

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

from pact import Pact, generate  # noqa: E402 - the variable must be set before pact is imported
from pact.match.matcher import GenericMatcher  # noqa: E402

from harness.contracts.verify import default_credentials  # noqa: E402
from sync.clients.base import RetryPolicy  # noqa: E402
from sync.config import SystemEndpoint  # noqa: E402
from sync.safeguards import Safeguards  # noqa: E402

CONSUMER = "erpsim-sync"


def new_pact(system: str) -> Pact:
    """A V4 pact between the engine and one system."""
    return Pact(CONSUMER, system).with_specification("V4")


def from_state(example: Any, expression: str, regex: str | None = None) -> Any:
    """A value the provider fills in from its state (``${name}`` in ``expression``); ``example`` for the consumer."""
    generator = generate.provider_state(expression)
    if regex is not None:
        return GenericMatcher("regex", example, regex=regex, generator=generator)
    return GenericMatcher("type", example, generator=generator)


def path_from_state(example: str, template: str) -> Any:
    """A request path whose ``${...}`` parts come from the provider state (digits in the example)."""
    parts = re.split(r"(\$\{\w+\})", template)
    rx = "".join(r"[^/]+" if p.startswith("${") else re.escape(p) for p in parts)
    return GenericMatcher("regex", example, regex=f"^{rx}$", generator=generate.provider_state(template))


def endpoint(system: str, url: str) -> SystemEndpoint:
    """The engine's view of a system at ``url``, with the emulators' default credentials."""
    return SystemEndpoint(system, str(url).rstrip("/"), default_credentials(system))


def client_kwargs() -> dict[str, Any]:
    """Client settings for contract tests: one attempt (a pact interaction is one request), short timeout."""
    safeguards = Safeguards()
    return {"timeout": 10.0, "policy": RetryPolicy(1, 0.0, safeguards), "safeguards": safeguards}


def as_bytes(body: Any) -> bytes:
    """A message body as the engine's webhook receiver gets it (raw bytes)."""
    import json

    if isinstance(body, bytes):
        return body
    return body.encode() if isinstance(body, str) else json.dumps(body).encode()


__all__ = [
    "CONSUMER",
    "as_bytes",
    "client_kwargs",
    "default_credentials",
    "endpoint",
    "from_state",
    "new_pact",
    "path_from_state",
]
