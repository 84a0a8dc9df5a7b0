"""The control plane, ``/__erpsim/...`` on every emulator: how tests and scenarios drive the world."""

from __future__ import annotations

import copy
import functools
import hmac
import re
from datetime import timedelta
from typing import Any

import yaml
from flask import Blueprint, Response, request
from pydantic import ValidationError
from sqlalchemy import select

from .app import CONTRACTS_DIR, current_emulator
from .clock import parse_instant
from .errors import ApiError
from .faults import FaultPlanSpec, FaultRule
from .http import json_body, json_response, query_int
from .journal import JournalFilter
from .webhooks import WebhookDelivery, WebhookSubscription

ADMIN_HEADER = "X-Erpsim-Admin-Token"
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def _seconds(value: Any) -> float:
    """Seconds from a number, an ISO-8601 duration (P1DT2H) or {days, hours, minutes, seconds}."""
    if isinstance(value, bool):
        raise ApiError(400, "INVALID_CLOCK", "advance must be seconds, an ISO-8601 duration or an object")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and (m := _DURATION.match(value)) and value != "P":
        d, h, mi, s = (float(x) if x else 0.0 for x in m.groups())
        return d * 86400 + h * 3600 + mi * 60 + s
    if isinstance(value, dict):
        try:
            return timedelta(**{k: float(v) for k, v in value.items()}).total_seconds()
        except (TypeError, ValueError):
            pass
    raise ApiError(400, "INVALID_CLOCK", "advance must be seconds, an ISO-8601 duration or an object")


@functools.cache
def _control_spec() -> dict[str, Any]:
    with open(CONTRACTS_DIR / "control.yaml", encoding="utf-8") as fh:
        spec: dict[str, Any] = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    return spec


def seed_schema(system: str) -> dict[str, Any] | None:
    """The documented seed body of ``system`` (``components.schemas.Seed<System>`` of control.yaml)."""
    schema: dict[str, Any] | None = _control_spec()["components"]["schemas"].get(f"Seed{system.capitalize()}")
    return schema


def control_openapi(system: str) -> dict[str, Any]:
    """The control plane's OpenAPI document as ``system`` serves it (its own seed body)."""
    spec = copy.deepcopy(_control_spec())
    if seed_schema(system) is not None:
        spec["components"]["schemas"]["Seed"] = {"$ref": f"#/components/schemas/Seed{system.capitalize()}"}
    return spec


def check_seed_keys(system: str, body: dict[str, Any]) -> None:
    """A 400 naming any key the system's seed body does not document (a typo must not be ignored)."""
    schema = seed_schema(system)
    if schema is None:
        return
    for where, value, part in (
        ("", body, schema),
        ("records.", body.get("records"), schema["properties"].get("records", {})),
    ):
        if not isinstance(value, dict) or part.get("additionalProperties", True) is not False:
            continue
        known = part.get("properties", {})
        unknown = sorted(k for k in value if k not in known)
        if unknown:
            raise ApiError(
                400,
                "UNKNOWN_SEED_KEY",
                f"Unknown seed key{'s' if len(unknown) > 1 else ''} "
                f"{', '.join(where + k for k in unknown)}; known: {', '.join(where + k for k in known)}.",
                path=where + unknown[0],
            )


def make_control_blueprint() -> Blueprint:
    """The blueprint with reset, seed, state, journal, faults, clock, act and webhooks."""
    bp = Blueprint("erpsim_control", __name__, url_prefix="/__erpsim")

    @bp.before_request
    def _require_admin() -> None:
        if request.endpoint in ("erpsim_control.health", "erpsim_control.openapi_document"):
            return
        token = request.headers.get(ADMIN_HEADER, "")
        if not hmac.compare_digest(token.encode(), current_emulator().config.admin_token.encode()):
            raise ApiError(401, "ADMIN_TOKEN_REQUIRED", f"Send the admin token in the {ADMIN_HEADER} header.")

    @bp.get("/health")
    def health() -> Response:
        """Liveness (no token): the system name."""
        return json_response({"system": current_emulator().system, "status": "ok"})

    @bp.get("/openapi.json")
    def openapi_document() -> Response:
        """This control plane's OpenAPI 3.1 document, with the system's own seed body."""
        return json_response(control_openapi(current_emulator().system))

    @bp.post("/reset")
    def reset() -> Response:
        """A new world: what a new account has ({"empty": true}: nothing); with {"seed": n} reseeded."""
        emu = current_emulator()
        body = dict(json_body(required=False) or {})
        empty = body.pop("empty", False)
        if not isinstance(empty, bool):
            raise ApiError(400, "INVALID_RESET", "empty must be true or false")
        check_seed_keys(emu.system, body)  # before the world is emptied
        emu.reset(empty=empty)
        seeded = emu.seed(body) if body else {}
        return json_response({"reset": True, "seeded": seeded})

    @bp.post("/seed")
    def seed() -> Response:
        """Add seed data: {"seed": n, ...counts} for faker data, or {"records": {...}} explicit."""
        emu = current_emulator()
        body = json_body()
        check_seed_keys(emu.system, body)
        return json_response(emu.seed(body))

    @bp.get("/state")
    def state() -> Response:
        """A JSON dump of the emulator's state for assertions."""
        emu = current_emulator()
        if emu.hooks.state is not None:
            return json_response(emu.hooks.state(emu))
        tables = request.args.get("tables")
        return json_response(emu.store.dump(tables.split(",") if tables else None))

    @bp.get("/journal")
    def journal() -> Response:
        """Journal entries after ``since`` (a sequence number), filtered by method, path (regular
        expression), status (``404`` or ``4xx``) and time (``after`` / ``before``, ISO-8601)."""
        emu = current_emulator()
        args = request.args
        status = args.get("status")
        if status and not re.fullmatch(r"[1-5](\d\d|xx|XX)", status):
            raise ApiError(
                400, "INVALID_FILTER", "status must be a status code (404) or a class (4xx).", path="status"
            )
        try:
            where = JournalFilter(
                method=args.get("method"),
                path=args.get("path"),
                status=status,
                after=args.get("after"),
                before=args.get("before"),
            )
        except re.error as exc:
            raise ApiError(
                400, "INVALID_FILTER", f"path is not a valid regular expression: {exc}", path="path"
            ) from None
        entries = emu.journal.entries(query_int("since", 0), query_int("limit", 0) or None, where)
        return json_response({"lastSeq": emu.journal.last_seq, "count": len(entries), "entries": entries})

    @bp.delete("/journal")
    def clear_journal() -> Response:
        """Forget the journal."""
        current_emulator().journal.clear()
        return json_response({"cleared": True})

    @bp.get("/faults")
    def get_faults() -> Response:
        """The current fault plan with match and fire counts."""
        return json_response(current_emulator().plan.describe())

    @bp.route("/faults", methods=["PUT", "POST"])
    def set_faults() -> Response:
        """Replace the fault plan: {"seed": n, "rules": [...]}, or a single rule object."""
        body = json_body()
        try:
            spec = (
                FaultPlanSpec.model_validate(body)
                if "rules" in body or "seed" in body
                else FaultPlanSpec(rules=[FaultRule.model_validate(body)])
            )
        except ValidationError as exc:
            raise ApiError(
                400,
                "INVALID_FAULT_PLAN",
                exc.errors(include_url=False, include_context=False, include_input=False).__repr__(),
            ) from None
        plan = current_emulator().plan
        plan.load(spec)
        return json_response(plan.describe())

    @bp.delete("/faults")
    def clear_faults() -> Response:
        """Remove every fault rule."""
        current_emulator().plan.clear()
        return json_response({"cleared": True})

    @bp.get("/clock")
    def get_clock() -> Response:
        """Virtual now, today and rate."""
        return json_response(current_emulator().clock.describe())

    @bp.post("/clock")
    def move_clock() -> Response:
        """{"set": iso, "rate": 0|1} jumps; {"advance": seconds | "P1D" | {"days": 1}} moves forward."""
        clock = current_emulator().clock
        body = json_body()
        rate = body.get("rate")
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int | float) or rate < 0):
            raise ApiError(400, "INVALID_CLOCK", "rate must be a number >= 0")
        if "set" in body:
            try:
                clock.set(parse_instant(str(body["set"])), rate=rate)
            except ValueError:
                raise ApiError(400, "INVALID_CLOCK", "set must be an ISO-8601 instant") from None
        elif "advance" in body:
            seconds = _seconds(body["advance"])
            if seconds < 0:
                raise ApiError(400, "INVALID_CLOCK", "the clock only moves forward")
            clock.advance(seconds)
        elif rate is not None:
            clock.set(clock.now(), rate=rate)
        else:
            raise ApiError(400, "INVALID_CLOCK", "send 'set', 'advance' or 'rate'")
        return json_response(clock.describe())

    @bp.get("/act")
    def list_actions() -> Response:
        """The actions this system's people can perform, with their descriptions."""
        actions = current_emulator().hooks.actions
        return json_response({name: (fn.__doc__ or "").strip() for name, fn in sorted(actions.items())})

    @bp.post("/act/<action>")
    def act(action: str) -> Response:
        """Perform an in-system action (approve, close a period, pick, pack, ring a sale...)."""
        emu = current_emulator()
        handler = emu.hooks.actions.get(action)
        if handler is None:
            raise ApiError(
                404,
                "UNKNOWN_ACTION",
                f"Unknown action '{action}'. Known: {', '.join(sorted(emu.hooks.actions))}",
            )
        return json_response(handler(emu, json_body(required=False)))

    @bp.get("/webhooks")
    def webhooks() -> Response:
        """Subscriptions and deliveries (what was sent, retried, dropped)."""
        emu = current_emulator()
        if emu.webhooks is None:
            return json_response({"subscriptions": [], "deliveries": [], "pending": 0})
        with emu.store.read() as session:
            subs = [
                s.as_dict()
                for s in session.execute(
                    select(WebhookSubscription).order_by(WebhookSubscription.id)
                ).scalars()
            ]
            deliveries = [
                d.as_dict()
                for d in session.execute(select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars()
            ]
        return json_response(
            {"subscriptions": subs, "deliveries": deliveries, "pending": emu.webhooks.pending_count()}
        )

    @bp.post("/webhooks/deliver")
    def deliver_webhooks() -> Response:
        """Send every pending webhook delivery now, in order; returns one line per send."""
        emu = current_emulator()
        if emu.webhooks is None:
            return json_response({"sent": []})
        return json_response({"sent": emu.webhooks.deliver_now(), "pending": emu.webhooks.pending_count()})

    @bp.route("/webhooks/dispatcher", methods=["GET", "POST"])
    def webhook_dispatcher() -> Response:
        """Pause ({"paused": true}) or resume the background webhook dispatcher of this process."""
        emu = current_emulator()
        if emu.webhooks is None:
            return json_response({"running": False, "paused": False})
        if request.method == "POST":
            paused = json_body().get("paused")
            if not isinstance(paused, bool):
                raise ApiError(400, "INVALID_DISPATCHER", 'Send {"paused": true|false}.')
            emu.webhooks.paused = paused
        return json_response(emu.webhooks.dispatcher_state())

    return bp
