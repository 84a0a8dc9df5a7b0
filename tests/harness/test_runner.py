"""The runner and the commands: a connector that is not the reference engine, certified in both modes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.commands import main as harness_main
from harness.runner import RunConfig, run_scenario
from harness.world import World

from .conftest import CONNECTORS, SCENARIOS

ONCE = CONNECTORS / "fake-once.toml"
DAEMON = CONNECTORS / "fake-daemon.toml"


@pytest.mark.parametrize("toml", [ONCE, DAEMON], ids=["once", "daemon"])
def test_a_correct_connector_passes_in_both_modes(world: World, tmp_path: Path, toml: Path) -> None:
    for name in ("mixed_order.yaml", "cancel_after_pick.yaml"):
        result = run_scenario(
            world, SCENARIOS / name, RunConfig(connector_path=str(toml), output_dir=str(tmp_path))
        )
        assert result.status == "passed", result.failures()
        assert all(i.valid for i in result.invariants) and all(a.ok for a in result.assertions)
        evidence = Path(result.evidence_dir)
        assert {"state.json", "journals.json", "faults.json", "exceptions.json", "result.json"} <= {
            p.name for p in evidence.iterdir()
        }
        journals = json.loads((evidence / "journals.json").read_text())
        assert any(e["method"] == "POST" and e["path"] == "/api/v1/orders" for e in journals["wms"])


@pytest.mark.parametrize("toml", [ONCE, DAEMON], ids=["once", "daemon"])
def test_each_defect_fails_the_scenario_that_names_it_for_its_reason(
    world: World, tmp_path: Path, toml: Path
) -> None:
    mixed = run_scenario(
        world,
        SCENARIOS / "mixed_order.yaml",
        RunConfig(connector_path=str(toml), output_dir=str(tmp_path), mutant="no-physical-filter"),
    )
    assert mixed.status == "failed" and mixed.catches == ["no-physical-filter"]
    failed = {i.name: i for i in mixed.invariants if not i.valid}
    assert failed["physical_lines_only_in_wms"].findings[0].message == (
        "WMS order SO1 of sales order SO1 carries non-physical lines: GUIDE (downloadItem)"
    )
    cancel = run_scenario(
        world,
        SCENARIOS / "cancel_after_pick.yaml",
        RunConfig(connector_path=str(toml), output_dir=str(tmp_path), mutant="no-cancel-check"),
    )
    assert cancel.status == "failed"
    assert [i.name for i in cancel.invariants if not i.valid] == [
        "no_unflagged_refund_after_pick",
        "every_failure_surfaced",
    ]
    assert [a.message for a in cancel.assertions if not a.ok] == ["expected 1, found 0"]
    assert cancel.replay == (
        f"erpsim run {SCENARIOS / 'cancel_after_pick.yaml'} --connector {toml} --mutant no-cancel-check"
    )
    # the mutant leaves the other scenario alone
    other = run_scenario(
        world,
        SCENARIOS / "mixed_order.yaml",
        RunConfig(connector_path=str(toml), output_dir=str(tmp_path), mutant="no-cancel-check"),
    )
    assert other.status == "passed"


def test_a_wait_step_waits_until_its_checks_hold_and_never_fails_on_them(
    world: World, tmp_path: Path
) -> None:
    text = (
        (SCENARIOS / "mixed_order.yaml")
        .read_text()
        .replace(
            "steps:\n  - sync\n",
            (
                "modes: [daemon]\nsteps:\n"
                "  - wait: {until: {records: [{system: wms, collection: orders, count: 1}]}, timeout_seconds: 20}\n"
                "  - wait: {until: {records: [{system: wms, collection: orders, count: 5}]}, timeout_seconds: 0.5}\n"
            ),
        )
    )
    (tmp_path / "wait.yaml").write_text(text)
    result = run_scenario(
        world, tmp_path / "wait.yaml", RunConfig(connector_path=str(DAEMON), output_dir=str(tmp_path / "out"))
    )
    assert result.status == "passed", result.failures()
    held, never = (step.detail["until"] for step in result.steps)
    assert held.startswith("held after ") and never == "did not hold within 0.5 s"


def test_the_same_scenario_and_seed_give_the_same_run(world: World, tmp_path: Path) -> None:
    def run() -> tuple[object, ...]:
        res = run_scenario(
            world,
            SCENARIOS / "cancel_after_pick.yaml",
            RunConfig(connector_path=str(ONCE), output_dir=str(tmp_path), seed=11),
        )
        state = json.loads((Path(res.evidence_dir) / "state.json").read_text())
        journals = json.loads((Path(res.evidence_dir) / "journals.json").read_text())
        requests = [(s, e["method"], e["path"], e["status"]) for s, es in journals.items() for e in es]
        return (
            res.status,
            res.seed,
            state["wms"]["wms_orders"],
            state["netsuite"]["records"]["salesOrder"],
            requests,
        )

    assert run() == run()


def test_run_command_exit_codes_summary_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = harness_main(
        [
            "run",
            str(SCENARIOS),
            "--connector",
            str(ONCE),
            "--output",
            str(out),
            "--mutant",
            "no-cancel-check",
            "-k",
            "cancel",
        ]
    )
    assert code == 1
    printed = capsys.readouterr().out
    assert "FAIL" in printed and "0 passed, 1 failed, 0 errors, 0 skipped" in printed
    assert (
        f"replay: erpsim run {SCENARIOS / 'cancel_after_pick.yaml'} --connector {ONCE} --mutant no-cancel-check"
        in printed
    )
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1" and suite.get("tests") == "1"
    case = suite.find("testcase")
    assert case is not None and case.get("classname") == "scenarios.scenario_files"
    assert json.loads((out / "report.json").read_text())["counts"]["failed"] == 1
    assert harness_main(["run", str(SCENARIOS), "--connector", str(ONCE), "--output", str(out)]) == 0
    assert harness_main(["run", str(SCENARIOS), "--connector", str(tmp_path / "none.toml")]) == 2
    assert "cannot read the connector file" in capsys.readouterr().err


def test_certify_writes_html_json_and_junit_and_fails_on_a_mutant(tmp_path: Path) -> None:
    out = tmp_path / "cert"
    assert harness_main(["certify", str(SCENARIOS), "--connector", str(DAEMON), "--output", str(out)]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["ok"] is True and report["grade"] == "A" and report["mode"] == "daemon"
    assert [f["flow"] for f in report["flows"]] == ["orders-to-wms", "cancellations"]
    assert (out / "report.html").read_text().count('data-status="passed"') == 2
    bad = tmp_path / "bad"
    assert (
        harness_main(
            [
                "certify",
                str(SCENARIOS),
                "--connector",
                str(ONCE),
                "--mutant",
                "no-physical-filter",
                "--output",
                str(bad),
            ]
        )
        == 1
    )
    report = json.loads((bad / "report.json").read_text())
    assert {f["flow"]: f["grade"] for f in report["flows"]} == {"orders-to-wms": "D", "cancellations": "A"}


def test_the_mutant_matrix_proves_each_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        harness_main(["run", str(SCENARIOS), "--matrix", "--connector", str(ONCE), "--output", str(tmp_path)])
        == 0
    )
    printed = capsys.readouterr().out
    assert "2 of 2 scenarios proven; " in printed
    grid = (tmp_path / "matrix.md").read_text()
    assert "| scenario | engine | `no-cancel-check` | `no-physical-filter` |" in grid
    assert "2 of 2 scenarios proven; every one of the 2 mutants is caught" in grid
    assert (
        tmp_path / "evidence" / "scenario_files__mixed_order__no-physical-filter" / "result.json"
    ).exists()
    # a scenario that names a mutant it does not catch is not proven
    lying = tmp_path / "lying"
    lying.mkdir()
    text = (
        (SCENARIOS / "mixed_order.yaml")
        .read_text()
        .replace("catches: [no-physical-filter]", "catches: [no-cancel-check]")
    )
    (lying / "claims_too_much.yaml").write_text(text)
    assert (
        harness_main(["run", str(lying), "--matrix", "--connector", str(ONCE), "--output", str(tmp_path)])
        == 1
    )
    printed = capsys.readouterr().out
    assert (
        "lying/claims_too_much [no-cancel-check]: passed: the scenario passed against the mutant" in printed
    )
    assert "0 of 1 scenarios proven" in printed


def test_writes_quiescence_ignores_reads_queries_and_logins() -> None:
    from harness.runner import is_write

    assert not is_write({"method": "GET", "path": "/api/v1/orders"})
    assert not is_write({"method": "POST", "path": "/services/rest/query/v1/suiteql"})
    assert not is_write({"method": "POST", "path": "/connect/v3/login"})
    assert is_write({"method": "POST", "path": "/api/v1/orders"})
    assert is_write({"method": "PATCH", "path": "/services/rest/record/v1/salesOrder/5"})
