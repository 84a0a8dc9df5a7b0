"""The emulator factory pieces: one ``Emulator`` object per app, wired the same way for every system."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from flask import Blueprint, Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import MetaData
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import IntegerConverter

from . import errors as E
from .clock import Clock
from .config import EmulatorConfig
from .errors import ApiError, ErrorRenderer
from .faults import FaultPlan
from .journal import Journal
from .middleware import CONTROL_PREFIX, ErpsimMiddleware, note_auth_failure
from .store import CoreBase, Store
from .validation import Invalid
from .webhooks import Signer, WebhookHub, default_signer

log = logging.getLogger("erpsim")
CONTRACTS_DIR = Path(__file__).resolve().parents[2] / "contracts" / "openapi"

S = TypeVar("S")

#: An ``act/<name>`` handler: (emulator, JSON body) -> JSON-ready result.
Action = Callable[["Emulator", dict[str, Any]], Any]


@dataclass
class WebhookOptions:
    """How a system signs and batches its webhook deliveries."""

    signer: Signer = default_signer
    batch_size: int = 1
    max_attempts: int = 8
    disable_after: int | None = None
    #: Statuses worth a retry (None = any failure); others fail the delivery at once, as Sitoo's SPI does.
    retry_on: frozenset[int] | None = None


@dataclass
class SystemHooks:
    """What a system plugs into the shared machinery."""

    render_error: ErrorRenderer
    throttle_error: Callable[[], ApiError]
    seed: Callable[[Emulator, dict[str, Any]], dict[str, Any]]
    actions: dict[str, Action] = field(default_factory=dict)
    state: Callable[[Emulator], dict[str, Any]] | None = None
    on_reset: Callable[[Emulator], None] | None = None
    #: Fills a world just reset with what a new account of the system has (``empty``: leave it empty).
    after_reset: Callable[[Emulator, bool], None] | None = None
    webhooks: WebhookOptions | None = None
    #: Words a validation refusal (``validation.Invalid``) as the system's own error (None: the house wording
    #: in a 400 with the core's INVALID code).
    invalid: Callable[[Invalid], ApiError] | None = None


class Emulator:
    """One running emulator: config, store, clock, fault plan, journal, webhooks and system hooks."""

    def __init__(self, config: EmulatorConfig, metadatas: Sequence[MetaData], hooks: SystemHooks) -> None:
        self.config = config
        self.system = config.system
        self.hooks = hooks
        self.store = Store(config.db_url, config.system, [CoreBase.metadata, *metadatas])
        self.store.create_all()
        self.clock = Clock(self.store, config.clock_start)
        shared = self.store if config.shared else None
        self.plan = FaultPlan(shared)
        self.journal = Journal(config.journal_size, shared)
        self.webhooks: WebhookHub | None = None
        if hooks.webhooks is not None:
            w = hooks.webhooks
            self.webhooks = WebhookHub(
                self.store,
                self.clock,
                self.plan,
                signer=w.signer,
                batch_size=w.batch_size,
                max_attempts=w.max_attempts,
                disable_after=w.disable_after,
                retry_on=w.retry_on,
            )
        self._typed_services: object | None = None
        #: Background threads a serving process runs (started by ``start_background``, never at build time:
        #: a thread using the store while gunicorn forks its workers leaves them locks and connections that
        #: no thread of theirs owns, and a request then waits on them forever).
        self.background_tasks: list[Callable[[], None]] = []
        self._cache_clearers: list[Callable[[], None]] = []
        self._seen_generation: int | None = None

    def set_services(self, services: object) -> None:
        """Attach the system's typed services object (its settings, caches and helpers), once, in ``create_app``."""
        if self._typed_services is not None:
            raise RuntimeError(f"{self.system}: services are already set")
        self._typed_services = services

    def get_services(self, kind: type[S]) -> S:
        """The system's services object, which must be a ``kind`` (each system's ``<System>Services.of(emu)``)."""
        services = self._typed_services
        if not isinstance(services, kind):
            raise TypeError(f"{self.system}: services are {type(services).__name__}, not {kind.__name__}")
        return services

    def register_cache(self, clear: Callable[[], None]) -> None:
        """Have ``clear`` called whenever this process sees a new world generation (reset or seed)."""
        self._cache_clearers.append(clear)

    def generation(self) -> int:
        """The store's world generation, read once per request; a new one clears every registered cache.

        A cache must only serve an entry made under the generation its request sees (the clear alone
        could race with a thread still filling the cache from the old world).
        """
        in_request = has_request_context()
        if in_request and (seen := g.get("erpsim_generation")) is not None:
            return int(seen)
        gen = self.store.generation()
        if gen != self._seen_generation:
            self._seen_generation = gen
            for clear in self._cache_clearers:
                clear()
        if in_request:
            g.erpsim_generation = gen
        return gen

    def seed(self, body: dict[str, Any]) -> dict[str, Any]:
        """Seed the world through the system's hook; caches of every process then start afresh."""
        try:
            return self.hooks.seed(self, body)
        finally:
            # Also after a refused seed: a seed's earlier transactions may have committed.
            self.store.bump_generation()

    def reset(self, *, empty: bool = False) -> None:
        """Empty every table, rewind the clock, clear faults and the journal (a new world generation);
        then, unless ``empty``, give the world what a new account has."""
        self.store.reset()
        self.clock.reset()
        self.plan.clear()
        self.journal.clear()
        if self.webhooks is not None:
            self.webhooks.paused = False  # a held dispatcher belongs to the old world
        if self.hooks.on_reset:
            self.hooks.on_reset(self)
        if self.hooks.after_reset:
            self.hooks.after_reset(self, empty)

    def start_background(self) -> None:
        """Start background work (webhook dispatcher, system tasks) in a serving process, after any fork."""
        if self.webhooks is not None and self.config.webhook_dispatcher:
            self.webhooks.start()
        if self.config.webhook_dispatcher:
            for task in self.background_tasks:
                task()


def current_emulator() -> Emulator:
    """The emulator serving the current request."""
    emu: Emulator = current_app.extensions["erpsim"]
    return emu


def load_openapi(system: str) -> dict[str, Any]:
    """The system's OpenAPI document from ``contracts/openapi/<system>.yaml``."""
    # libyaml's loader is ~8x faster than the pure-Python one: it keeps `erpsim up` start-up short.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(CONTRACTS_DIR / f"{system}.yaml", encoding="utf-8") as fh:
        spec: dict[str, Any] = yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
    return spec


class AsciiIntConverter(IntegerConverter):
    """``<int:...>`` with ASCII digits only (``\\d`` also matches other scripts' digits, which ``int()`` reads)."""

    regex = r"[0-9]+"
    signed_regex = r"-?[0-9]+"


def resource_methods(app: Flask, environ: dict[str, Any]) -> list[str]:
    """The methods of the resource a URL names, for Allow.

    Only the most specific rules count: ``/bills/record-payment`` also matches ``/bills/<bill_id>``, whose
    GET and PATCH are not methods of the record-payment resource.
    """
    adapter = app.url_map.bind_to_environ(environ)
    found: dict[str, int] = {}
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            rule, _args = adapter.match(method=method, return_rule=True)
        except HTTPException:
            continue
        found[method] = len(rule.arguments)
    best = min(found.values(), default=0)
    methods = {m for m, n in found.items() if n == best}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods | {"OPTIONS"})


def _http_to_api_error(exc: HTTPException) -> ApiError:
    code = {404: E.NOT_FOUND, 405: E.METHOD_NOT_ALLOWED, 413: E.TOO_LARGE, 415: E.BAD_CONTENT_TYPE}.get(
        exc.code or 500, E.BAD_JSON if exc.code == 400 else E.INTERNAL
    )
    headers = {}
    if exc.code == 405:
        allow = dict(exc.get_headers()).get("Allow")
        if allow:
            headers["Allow"] = allow
    message = exc.description or exc.name
    if exc.code == 413:
        message = "The request body is too large."
    return ApiError(exc.code or 500, code, message, headers=headers)


def build_app(
    config: EmulatorConfig,
    metadatas: Sequence[MetaData],
    hooks: SystemHooks,
    *,
    import_name: str,
    openapi: dict[str, Any] | None = None,
    blueprints: Sequence[Blueprint] = (),
    strict_slashes: bool = True,
) -> tuple[Flask, Emulator]:
    """Create the Flask app and the Emulator, with control plane, errors, journal and faults wired, and the
    system's vendor API: ``blueprints`` (its ``api.blueprints()``), registered after the control plane
    (``strict_slashes=False``: its paths answer with a trailing slash as without one)."""
    from .control import make_control_blueprint

    app = Flask(import_name)
    app.url_map.converters["int"] = AsciiIntConverter  # before any route is added
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    emu = Emulator(config, metadatas, hooks)
    app.extensions["erpsim"] = emu
    spec = openapi if openapi is not None else load_openapi(config.system)
    spec_bytes = json.dumps(spec).encode()

    @app.get("/openapi.json")
    def openapi_document() -> Response:
        """The emulator's OpenAPI 3.1 document."""
        return Response(spec_bytes, content_type="application/json")

    @app.after_request
    def _no_content_no_type(response: Response) -> Response:
        # A 204 carries no body, so no Content-Type (Werkzeug's default text/html is not what the APIs send)
        if response.status_code == 204:
            response.headers.pop("Content-Type", None)
        return response

    def _render(err: ApiError) -> Response:
        if request.path.startswith(CONTROL_PREFIX):
            body = {"error": err.code, "message": err.message}
            if err.path:
                body["path"] = err.path
            return Response(
                json.dumps(body), status=err.status, content_type="application/json", headers=err.headers
            )
        if err.status == 401:
            note_auth_failure(request.environ, str(err.extra.get("auth_failure") or err.message))
        response = hooks.render_error(err)
        for k, v in err.headers.items():
            response.headers[k] = v
        return response

    def render_outside_request(err: ApiError) -> Response:
        """The system's error response for a request the server refused before it reached Flask."""
        with app.test_request_context("/"):
            return _render(err)

    app.extensions["erpsim_render_refusal"] = render_outside_request
    app.register_error_handler(ApiError, _render)

    def _invalid(exc: Invalid) -> Response:
        if hooks.invalid is not None:
            return _render(hooks.invalid(exc))
        return _render(ApiError(400, E.INVALID_INPUT, exc.message(), path=exc.field))

    app.register_error_handler(Invalid, _invalid)
    app.register_error_handler(HTTPException, lambda exc: _render(_http_to_api_error(exc)))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error in %s", config.system)
        return _render(ApiError(500, E.INTERNAL, f"Unexpected error: {type(exc).__name__}"))

    @app.before_request
    def _methods_of_the_resource() -> Response | None:
        # Registered first, so it runs before any system's auth: a method the resource does not have is a
        # 405 with its Allow, and OPTIONS answers that Allow without credentials (as the 405 advertises).
        exc = request.routing_exception
        if isinstance(exc, MethodNotAllowed):
            raise MethodNotAllowed(valid_methods=resource_methods(app, request.environ))
        if request.method == "OPTIONS" and exc is None:
            return Response(status=200, headers={"Allow": ", ".join(resource_methods(app, request.environ))})
        return None

    app.register_blueprint(make_control_blueprint())
    app.url_map.strict_slashes = strict_slashes  # rules take the map's setting as they are added
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.wsgi_app = ErpsimMiddleware(  # type: ignore[method-assign]
        app,
        emu.journal,
        emu.plan,
        render_error=_render,
        throttle_error=hooks.throttle_error,
        max_body_bytes=config.max_body_bytes,
        system=config.system,
        journal_bodies=config.journal_bodies,
        spec=spec,
        generation=emu.store.generation,
    )
    return app, emu
