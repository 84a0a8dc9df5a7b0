"""Verify pacts against an emulator: provider states through the control plane, requests through the gateway."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from werkzeug.serving import make_server

from .auth import VendorSession, credentials_from_env
from .gateway import HOOKS_PREFIX, STATE_PATH, Delivery, Gateway, Inbox
from .plane import ControlPlane
from .states import StateRunner, World

DEFAULT_ADMIN_TOKEN = "erpsim-admin"
#: Delivery headers that describe the HTTP hop, not the event (left out of a message's metadata).
_NOT_METADATA = frozenset({"host", "user-agent", "accept", "accept-encoding", "connection", "content-length"})


@dataclass
class Target:
    """A running emulator: where it answers, its admin token and the integration's credentials."""

    system: str
    url: str
    admin_token: str
    credentials: dict[str, str]


@dataclass
class Outcome:
    """What one verification run found."""

    ok: bool
    output: str
    results: dict[str, Any] = field(default_factory=dict)
    pacts: list[Path] = field(default_factory=list)
    #: provider states that could not be set up
    state_errors: list[str] = field(default_factory=list)


def default_credentials(system: str) -> dict[str, str]:
    """The credentials an emulator started with default settings gives its integration user."""
    from harness.systems import system_module
    from mocks.core.config import EmulatorConfig

    creds: dict[str, str] = system_module(system).credentials(EmulatorConfig(system=system))
    return {k.lower(): v for k, v in creds.items()}


def remote_target(system: str, url: str, admin_token: str | None = None) -> Target:
    """A running emulator (``erpsim up``), credentials from ``ERPSIM_<SYSTEM>_*`` or the defaults."""
    creds = default_credentials(system) | credentials_from_env(system)
    token = admin_token or os.environ.get("ERPSIM_ADMIN_TOKEN") or DEFAULT_ADMIN_TOKEN
    return Target(system, url.rstrip("/"), token, creds)


@contextmanager
def local_emulator(system: str, data_dir: Path | None = None) -> Iterator[Target]:
    """Start one emulator in this process on a free loopback port (a fresh SQLite file), then stop it."""
    from harness.systems import system_module
    from mocks.core.config import EmulatorConfig

    with tempfile.TemporaryDirectory(prefix=f"erpsim-pact-{system}-") as tmp:
        folder = data_dir or Path(tmp)
        config = EmulatorConfig(system=system, data_dir=folder, db_url=f"sqlite:///{folder / f'{system}.db'}")
        module = system_module(system)
        server = make_server("127.0.0.1", 0, module.create_app(config), threaded=True)
        thread = threading.Thread(target=server.serve_forever, name=f"erpsim-{system}", daemon=True)
        thread.start()
        try:
            creds = {k.lower(): v for k, v in module.credentials(config).items()}
            yield Target(system, f"http://127.0.0.1:{server.server_port}", config.admin_token, creds)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)


def pact_files(source: Path) -> list[Path]:
    """The pact files in a folder (or the file itself)."""
    return sorted(source.glob("*.json")) if source.is_dir() else [source]


def select_pacts(source: Path, provider: str) -> list[Path]:
    """The pact files whose provider is ``provider`` (case-insensitive)."""
    chosen = []
    for path in pact_files(source):
        try:
            name = json.loads(path.read_text())["provider"]["name"]
        except (ValueError, KeyError, TypeError):
            continue
        if str(name).lower() == provider.lower():
            chosen.append(path)
    return chosen


def providers_in(source: Path) -> list[str]:
    """The provider names of every pact file in ``source``."""
    names = set()
    for path in pact_files(source):
        try:
            names.add(str(json.loads(path.read_text())["provider"]["name"]))
        except (ValueError, KeyError, TypeError):
            continue
    return sorted(names)


def _has_messages(paths: list[Path]) -> bool:
    return any(
        "Message" in str(i.get("type", "")) or "contents" in i
        for p in paths
        for i in json.loads(p.read_text()).get("interactions", [])
    )


class MessageProducer:
    """Produces a message pact's message from what the emulator really sent after the provider state."""

    def __init__(self, world: World, gateway: Gateway) -> None:
        self.world = world
        self.gateway = gateway

    def __call__(self, name: str, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
        """The webhook whose event type the description names (else the last one), as a Pact message."""
        if self.gateway.state_error:
            raise LookupError(self.gateway.state_error)
        self.world.plane.deliver_webhooks()
        deliveries = self.world.inbox.all()
        if not deliveries:
            raise LookupError(
                f"the emulator sent no webhook for {name!r}: does the provider state trigger one?"
            )
        chosen = next(
            (d for d in reversed(deliveries) if any(t and t in name for t in _event_types(d))), deliveries[-1]
        )
        meta = {k: v for k, v in chosen.headers.items() if k not in _NOT_METADATA}
        return {
            "contents": chosen.body,
            "metadata": meta,
            "content_type": chosen.headers.get("content-type", "application/json").split(";")[0],
        }


def _event_types(delivery: Delivery) -> list[str]:
    try:
        body = delivery.json()
    except ValueError:
        return []
    events = body if isinstance(body, list) else [body]
    out: list[str] = []
    for event in events:
        if isinstance(event, dict):
            out.extend(str(event[k]) for k in ("type", "event", "event_type", "eventType") if k in event)
    return out


def verify(target: Target, pacts: list[Path], provider: str) -> Outcome:
    """Replay every interaction of ``pacts`` against ``target``; states through its control plane."""
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
    from pact import Verifier

    vendor = VendorSession(target.system, target.url, target.credentials)
    inbox = Inbox()
    world = World(target.system, ControlPlane(target.url, target.admin_token), vendor, inbox, hooks_url="")
    gateway = Gateway(vendor, StateRunner(world), inbox)
    url = gateway.start()
    world.hooks_url = f"{url}{HOOKS_PREFIX}{target.system}"
    try:
        verifier = (
            Verifier(provider, host="127.0.0.1")
            .add_transport(url=url)
            .state_handler(f"{url}{STATE_PATH}", teardown=True, body=True)
            .set_coloured_output(enabled=False)
        )
        if _has_messages(pacts):
            verifier.message_handler(cast(Any, MessageProducer(world, gateway)))
        for path in pacts:
            verifier.add_source(path)
        try:
            verifier.verify()
            ok = True
        except RuntimeError:
            ok = False
        results = verifier.results
        return Outcome(
            ok and bool(results.get("result")),
            verifier.output(strip_ansi=True),
            results,
            pacts,
            list(gateway.state_errors),
        )
    finally:
        gateway.stop()
