"""Executing scenario steps against a world and a connector."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .connector_run import ConnectorRun
from .connectors import ConnectorError
from .expect import AssertionResult, evaluate
from .invariants import InvariantResult
from .refs import RefError, Resolver
from .scenario import (
    ActStep,
    ApiStep,
    CheckStep,
    ClockStep,
    ConnectorStep,
    FaultsStep,
    Scenario,
    SyncStep,
    WaitStep,
    WebhooksStep,
)
from .world import ControlError, World


@dataclass
class StepRecord:
    """What one step did."""

    index: int
    kind: str
    text: str
    ok: bool
    seconds: float = 0.0
    message: str = ""
    detail: Any = None
    output_file: str | None = None
    invariants: list[InvariantResult] = field(default_factory=list)
    assertions: list[AssertionResult] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


class StepFailed(Exception):
    """A step that did not do what the scenario says (unexpected status, failed pass, bad ref)."""

    def __init__(self, message: str, detail: Any = None, output_file: str | None = None) -> None:
        super().__init__(message)
        self.detail, self.output_file = detail, output_file


def describe(step: Any) -> tuple[str, str]:
    """(kind, one-line text) of a step, for progress lines and reports."""
    kind = next(iter(type(step).model_fields))
    args = getattr(step, kind)
    data = args.model_dump(exclude_defaults=True)
    if isinstance(step, ActStep):
        body = args.body()
        return (
            kind,
            f"act {args.system}.{args.action} {json.dumps(body, default=str)}"
            if body
            else f"act {args.system}.{args.action}",
        )
    if isinstance(step, ApiStep):
        return kind, f"api {args.system} {args.method} {args.path}"
    return kind, f"{kind} {json.dumps(data, default=str)}" if data else kind


def _short(value: Any, limit: int = 2000) -> Any:
    text = json.dumps(value, default=str)
    return value if len(text) <= limit else text[:limit] + "..."


class StepRunner:
    """Runs the steps of one scenario: the world, the connector run and the ref resolver."""

    def __init__(
        self,
        scenario: Scenario,
        world: World,
        run: ConnectorRun,
        resolver: Resolver,
        mode: str,
        activity: Any,
    ) -> None:
        self.scenario, self.world, self.run, self.resolver, self.mode = scenario, world, run, resolver, mode
        self.activity = activity
        self.sync_count = 0

    def execute(self, index: int, step: Any) -> StepRecord:
        """Run one step; never raises for the scenario's own failures (they become a failed record)."""
        import time

        kind, text = describe(step)
        began = time.perf_counter()
        record = StepRecord(index, kind, text, True)
        try:
            handler = getattr(self, f"_{kind}")
            result = handler(getattr(step, kind), record)
            record.detail = _short(result) if result is not None else None
        except StepFailed as exc:
            record.ok, record.message, record.detail = False, str(exc), _short(exc.detail)
            record.output_file = record.output_file or exc.output_file
        except RefError as exc:
            record.ok, record.message = False, str(exc)
        except ControlError as exc:
            record.ok, record.message = False, str(exc)
        except ConnectorError as exc:
            record.ok, record.message = False, f"connector: {exc}"
        record.seconds = time.perf_counter() - began
        return record

    # ---- step kinds ------------------------------------------------------------------------------------
    def _sync(self, args: Any, record: StepRecord) -> Any:
        results = []
        for _ in range(args.times):
            self.sync_count += 1
            if self.mode == "once":
                result = self.run.run_once(f"sync-{self.sync_count:02d}")
            else:
                result = self.run.wait_quiescent(self.activity)
            record.output_file = result.output_file
            results.append({"exit": result.exit_code, "seconds": round(result.seconds, 3), "ok": result.ok})
            if args.expect == "ok" and not result.ok:
                raise StepFailed(
                    f"sync pass {self.sync_count} failed: {result.message}",
                    {"output_tail": result.output_tail},
                    result.output_file,
                )
            if args.expect == "fail" and result.ok and self.mode == "once":
                raise StepFailed(
                    f"sync pass {self.sync_count} succeeded, but the scenario expects it to fail",
                    {"output_tail": result.output_tail},
                    result.output_file,
                )
        return results

    def _act(self, args: Any, record: StepRecord) -> Any:
        body = self.resolver.resolve(args.body())
        control = self.world.control[args.system]
        resp = control.post(
            f"{control.base_url}/__erpsim/act/{args.action}", json=body, timeout=control.timeout
        )
        detail = _json(resp)
        if resp.status_code != args.expect_status:
            raise StepFailed(
                f"act {args.system}.{args.action} answered {resp.status_code}, expected {args.expect_status}",
                detail,
            )
        return detail

    def _api(self, args: Any, record: StepRecord) -> Any:
        client = self.world.client(args.system)
        path = self.resolver.resolve(args.path)
        body = self.resolver.resolve(args.body)
        query = self.resolver.resolve(args.query)
        resp = client.request(args.method, str(path), json=body, params=query or None)
        detail = _json(resp)
        wanted = args.expect_status
        ok = (
            resp.status_code < 400
            if wanted is None
            else (resp.status_code in wanted if isinstance(wanted, list) else resp.status_code == wanted)
        )
        if not ok:
            raise StepFailed(
                f"{args.method} {path} answered {resp.status_code}"
                + (f", expected {wanted}" if wanted is not None else ""),
                detail,
            )
        if args.save:
            saved = detail if isinstance(detail, dict | list) else {"body": detail}
            if isinstance(saved, dict) and resp.headers.get("Location"):
                saved = {
                    **saved,
                    "location": resp.headers["Location"],
                    "id": saved.get("id") or resp.headers["Location"].rstrip("/").rsplit("/", 1)[-1],
                }
            self.resolver.saved[args.save] = saved
        return {"status": resp.status_code, "body": detail}

    def _faults(self, args: Any, record: StepRecord) -> Any:
        if args.clear or not args.rules:
            return self.world.faults(args.system, None)
        seed = args.seed if args.seed is not None else self.scenario.seed
        return self.world.faults(args.system, {"seed": seed, "rules": self.resolver.resolve(args.rules)})

    def _clock(self, args: Any, record: StepRecord) -> Any:
        if args.set is not None:
            return self.world.clock(set_to=args.set)
        return self.world.clock(advance=args.advance)

    def _webhooks(self, args: Any, record: StepRecord) -> Any:
        systems = (args.system,) if args.system else None
        out: dict[str, Any] = {}
        if args.deliver:
            out["delivered"] = self.world.deliver_webhooks(systems)
        if args.hold is not None:
            out["dispatcher"] = self.world.hold_webhooks(args.hold, systems)
        return out

    def _wait(self, args: Any, record: StepRecord) -> Any:
        out: dict[str, Any] = {}
        if args.until is not None:
            out["until"] = self._wait_until(args.until, args.timeout_seconds)
            if not args.quiescence:
                return out  # a precondition: the checks held (or timed out), the connector may still be busy
        activity = self.world.activity if args.activity == "requests" else self.activity
        # with ``until`` its timeout bounds the polling; quiescence then has the connector's own timeout
        result = self.run.wait_quiescent(
            activity, args.settle_seconds, None if args.until is not None else args.timeout_seconds
        )
        if not result.ok:
            raise StepFailed(result.message, {"output_tail": result.output_tail}, result.output_file)
        return {**out, "seconds": round(result.seconds, 3)}

    def _wait_until(self, until: Any, timeout: float) -> str:
        """Poll ``until`` (every 0.25 s) until it holds or ``timeout`` passes; what happened, in words."""
        import time

        deadline = time.monotonic() + timeout
        began = time.perf_counter()
        while True:
            # the exception queue only when asked for: reading it runs a connector command (seconds)
            exceptions = self.run.exceptions() if until.exceptions or until.no_exceptions else None
            invariants, assertions = evaluate(
                until,
                self.world.state(),
                self.world.journals(),
                exceptions,
                self.resolver,
                list(self.scenario.flows),
            )
            if all(i.valid for i in invariants) and all(a.ok for a in assertions):
                return f"held after {time.perf_counter() - began:.2f} s"
            if time.monotonic() >= deadline:
                return f"did not hold within {timeout:g} s"
            time.sleep(0.25)

    def _connector(self, args: Any, record: StepRecord) -> Any:
        if self.mode != "daemon":
            raise StepFailed("connector steps (stop/kill/start/restart) need a daemon connector")
        out: dict[str, Any] = {}
        if args.do in ("stop", "kill", "restart"):
            out["exit"] = self.run.stop_daemon(kill=args.do == "kill")
        if args.do in ("start", "restart"):
            self.run.start_daemon(self.activity)
            out["started"] = True
        return out

    def _check(self, args: Any, record: StepRecord) -> Any:
        state = self.world.state()
        journals = self.world.journals()
        exceptions = self.run.exceptions() if needs_exceptions(args) else None
        invariants, assertions = evaluate(
            args, state, journals, exceptions, self.resolver, list(self.scenario.flows)
        )
        record.invariants, record.assertions = invariants, assertions
        bad = [i.name for i in invariants if not i.valid] + [a.description for a in assertions if not a.ok]
        if bad:
            raise StepFailed(f"check failed: {'; '.join(bad)}")
        return None


def needs_exceptions(expect: Any) -> bool:
    """True when evaluating ``expect`` reads the connector's exception queue (invariants may)."""
    return bool(expect.invariants or expect.exceptions or expect.no_exceptions)


def _json(resp: Any) -> Any:
    try:
        return resp.json()
    except ValueError:
        return resp.text[:2000]


__all__ = [
    "StepRunner",
    "StepRecord",
    "StepFailed",
    "describe",
    "ActStep",
    "ApiStep",
    "CheckStep",
    "ClockStep",
    "ConnectorStep",
    "FaultsStep",
    "SyncStep",
    "WaitStep",
    "WebhooksStep",
]
