"""The scenario format: valid files load, bad ones fail naming the file, the line and the problem."""

from __future__ import annotations

import json
from pathlib import Path

import pydantic
import pytest
import yaml

from harness.commands import main as harness_main
from harness.scenario import ActStep, SyncStep, json_schema
from harness.scenario_loader import ScenarioError, discover, load_scenario, load_scenario_text

HERE = Path(__file__).parent
GOOD = """\
name: demo
flows: [orders-to-wms]
catches: [no-physical-filter]
given:
  world:
    items:
      - {ref: TENT, stock: 5}
    customers: 1
    sales_orders:
      - ref: SO1
        lines: [{item: TENT, quantity: 2}]
steps:
  - sync
  - act: {system: wms, action: release, order: "${SO1.wms}"}
expect:
  invariants: [one_wms_order_per_sales_order]
"""


def _error(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "s.yaml")
    return info.value


def test_a_valid_scenario_loads_with_bare_sync_steps_and_action_bodies() -> None:
    scenario = load_scenario_text(GOOD, "s.yaml")
    assert scenario.name == "demo" and scenario.flows == ["orders-to-wms"]
    assert isinstance(scenario.steps[0], SyncStep) and scenario.steps[0].sync.times == 1
    act = scenario.steps[1]
    assert isinstance(act, ActStep) and act.act.body() == {"order": "${SO1.wms}"}
    assert scenario.given.world.customer_specs()[0].ref == "C1"


@pytest.mark.parametrize(
    ("change", "line", "problem"),
    [
        (
            ("  - sync\n", "  - bogus: {}\n"),
            13,
            "steps.0: a step is a mapping with exactly one of: sync, act",
        ),
        (
            ("quantity: 2", "quantity: -2"),
            11,
            "given.world.sales_orders.0.lines.0.quantity: Input should be greater than 0",
        ),
        (
            ("${SO1.wms}", "${SO9.wms}"),
            14,
            "steps.1: unknown ref ${SO9}; the world defines: C1, MAIN, SO1, TENT",
        ),
        (
            ("system: wms", "system: wmz"),
            14,
            "steps.1.act.system: Input should be 'netsuite', 'qms', 'wms', 'pos' or 'ap'",
        ),
        (("[orders-to-wms]", "[orders]"), 2, "flows.0: Input should be 'items'"),
        (("{ref: TENT, stock: 5}", "{ref: TENT, stok: 5}"), 7, "given.world.items.0: unknown key 'stok'"),
        (
            ("  - sync\n", "  - sync: {expect: maybe}\n"),
            13,
            "steps.0.sync.expect: Input should be 'ok', 'fail' or 'any'",
        ),
        (
            ("  - sync\n", "  - faults: {system: netsuite, rules: [{kind: boom}]}\n"),
            13,
            "steps.0.faults.rules: rule 0: kind: Input should be",
        ),
        (("  - sync\n", "  - clock: {}\n"), 13, "steps.0.clock: give exactly one of 'set'"),
        (
            ("[one_wms_order_per_sales_order]", "[x]\n  records: [{system: wms, ref: NOPE}]"),
            17,
            "expect.records.0.ref: unknown ref 'NOPE'",
        ),
    ],
)
def test_bad_files_name_the_line_and_the_problem(change: tuple[str, str], line: int, problem: str) -> None:
    err = _error(GOOD.replace(*change))
    assert err.path == "s.yaml"
    assert err.line == line, str(err)
    assert err.problem.startswith(problem), err.problem
    assert str(err).startswith(f"s.yaml:{line}: ")


def test_not_yaml_and_not_a_mapping_and_missing_files() -> None:
    assert str(_error("name: x\nflows: [1\n")).startswith("s.yaml:3: not valid YAML")
    assert _error("- just\n- a list\n").problem.startswith("a scenario is a mapping")
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(HERE / "no-such-file.yaml")
    with pytest.raises(ScenarioError, match="no such file or folder"):
        discover([HERE / "nowhere"])


def test_connector_settings_and_held_webhooks() -> None:
    text = GOOD.replace(
        "steps:\n",
        "connector_env: {ERPSIM_SYNC_LEDGER_MODE: daily-summary}\nsteps:\n"
        "  - webhooks: {system: wms, hold: true}\n"
        "  - wait: {until: {journal: [{system: netsuite, method: POST, min: 1}]}}\n",
    )
    scenario = load_scenario_text(text)
    assert scenario.connector_env == {"ERPSIM_SYNC_LEDGER_MODE": "daily-summary"}
    assert scenario.steps[0].webhooks.hold is True and scenario.steps[0].webhooks.deliver is True  # type: ignore[union-attr]
    until = scenario.steps[1].wait.until  # type: ignore[union-attr]
    assert until is not None and until.journal[0].min == 1
    for bad in ("ERPSIM_SYNC_MUTANT", "ERPSIM_NETSUITE_URL", "ERPSIM_SYNC_FLOWS", "PATH"):
        err = _error(GOOD.replace("steps:\n", f"connector_env: {{{bad}: x}}\nsteps:\n"))
        assert err.line == 12 and err.problem.startswith(
            f"connector_env: {bad!r} is not a connector setting"
        ), err


def test_world_refs_must_be_unique_and_known() -> None:
    err = _error(GOOD.replace("customers: 1", "customers: [{ref: TENT}]"))
    assert "ref 'TENT' is used twice" in err.problem and err.line == 5
    assert "line item 'GHOST' is not an item ref" in _error(GOOD.replace("item: TENT", "item: GHOST")).problem


def test_json_schema_describes_every_step_kind(capsys: pytest.CaptureFixture[str]) -> None:
    schema = json_schema()
    assert schema["title"] == "erpsim scenario"
    assert {
        "SyncStep",
        "ActStep",
        "ApiStep",
        "FaultsStep",
        "ClockStep",
        "WebhooksStep",
        "WaitStep",
        "ConnectorStep",
        "CheckStep",
    } <= set(schema["$defs"])
    assert harness_main(["scenarios", "schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["required"] == ["name", "flows"]


def test_scenarios_check_reports_each_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "bad.yaml").write_text(GOOD.replace("system: wms", "system: wmz"))
    assert harness_main(["scenarios", "check", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert f"{tmp_path / 'bad.yaml'}:14: steps.1.act.system" in captured.err.replace("\n", "")
    assert "1 of 2 scenario files are valid" in captured.out


def test_a_wait_can_be_broken_by_any_request_instead_of_the_connector_rule() -> None:
    from types import SimpleNamespace
    from typing import Any

    from harness.connector_run import PassResult
    from harness.scenario import WaitStep
    from harness.steps import StepRunner

    seen: list[Any] = []

    def wait_quiescent(
        activity: Any, settle: float | None = None, timeout: float | None = None
    ) -> PassResult:
        seen.append((activity, settle, timeout))
        return PassResult(True, None, 0.0)

    world = SimpleNamespace(activity=lambda: ((1,), 0))
    writes = lambda: ((0,), 0)  # noqa: E731 - the connector's own (writes-only) fingerprint
    runner = StepRunner(
        None,
        world,
        SimpleNamespace(wait_quiescent=wait_quiescent),
        None,
        "daemon",  # type: ignore[arg-type]
        writes,
    )
    for text in ("{settle_seconds: 3, activity: requests}", "{settle_seconds: 2}"):
        step = WaitStep.model_validate({"wait": yaml.safe_load(text)})
        assert runner.execute(0, step).ok
    assert seen == [(world.activity, 3.0, 30.0), (writes, 2.0, 30.0)]


def test_a_precondition_wait_goes_on_without_the_settle_window() -> None:
    from types import SimpleNamespace
    from typing import Any

    from harness.connector_run import PassResult
    from harness.refs import RefMap, Resolver
    from harness.scenario import WaitStep
    from harness.steps import StepRunner

    quiet: list[Any] = []

    def wait_quiescent(*args: Any, **kwargs: Any) -> PassResult:
        quiet.append(args)
        return PassResult(True, None, 0.0)

    world = SimpleNamespace(
        state=lambda: {"wms": {"orders": [{"id": 1}]}},
        journals=lambda: {"wms": []},
        activity=lambda: ((1,), 0),
    )
    runner = StepRunner(
        SimpleNamespace(flows=["orders-to-wms"]),
        world,  # type: ignore[arg-type]
        SimpleNamespace(wait_quiescent=wait_quiescent),  # type: ignore[arg-type]
        Resolver(RefMap(), lambda system: {}),
        "daemon",
        world.activity,
    )
    until = "{until: {records: [{system: wms, collection: orders, count: 1}]}"
    record = runner.execute(
        0, WaitStep.model_validate({"wait": yaml.safe_load(until + ", quiescence: false}")})
    )
    assert record.ok and record.detail["until"].startswith("held after ") and quiet == []
    assert (
        runner.execute(1, WaitStep.model_validate({"wait": yaml.safe_load(until + "}")})).ok
        and len(quiet) == 1
    )
    with pytest.raises(pydantic.ValidationError, match="quiescence: false waits for nothing without until"):
        WaitStep.model_validate({"wait": {"quiescence": False}})
