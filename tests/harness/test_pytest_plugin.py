"""The pytest plugin: world fixtures and clients in a team's own tests, scenario files collected as items."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import CONNECTORS, SCENARIOS

ROOT = Path(__file__).resolve().parents[2]

TEST_FILE = """
def test_fixtures_give_a_seeded_world_and_signed_clients(erpsim_world, erpsim_seed, netsuite_client, wms_client,
                                                         erpsim_env):
    refs = erpsim_seed({"items": [{"ref": "TENT", "stock": 4}], "customers": 1})
    item = netsuite_client.get(f"/services/rest/record/v1/inventoryItem/{refs.id('TENT')}")
    assert item.status_code == 200 and item.json()["itemId"] == "TENT"
    assert wms_client.get("/api/v1/products").json()["items"][0]["externalId"] == str(refs.id("TENT"))
    assert erpsim_env["ERPSIM_WMS_URL"].startswith("http://127.0.0.1:")


def test_each_test_starts_from_an_empty_world(erpsim_world, wms_client):
    assert wms_client.get("/api/v1/products").json()["items"] == []
"""


def _installed() -> bool:
    """True when the installed distribution registers the plugin (``pip install -e .`` did it)."""
    from importlib.metadata import entry_points

    return any(ep.value == "harness.pytest_plugin" for ep in entry_points(group="pytest11"))


def _pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest in a team's folder: the plugin comes from the entry point (or -p when the package is not installed)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    plugin = [] if _installed() else ["-p", "harness.pytest_plugin"]
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *plugin,
            "-p",
            "no:cacheprovider",
            "-q",
            "-o",
            "addopts=",
            str(folder),
            *args,
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_fixtures_in_a_teams_own_suite(tmp_path: Path) -> None:
    (tmp_path / "test_with_erpsim.py").write_text(TEST_FILE)
    proc = _pytest(tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "2 passed" in proc.stdout


def test_scenario_files_are_collected_and_fail_with_their_reason(tmp_path: Path) -> None:
    scenarios = tmp_path / "scenarios" / "orders"
    scenarios.mkdir(parents=True)
    for name in ("mixed_order.yaml", "cancel_after_pick.yaml"):
        shutil.copy(SCENARIOS / name, scenarios / name)
    connector = str(CONNECTORS / "fake-once.toml")
    proc = _pytest(tmp_path, "--erpsim-connector", connector, "--collect-only")
    assert "scenarios/orders/mixed_order.yaml::mixed_order" in proc.stdout
    assert "scenarios/orders/cancel_after_pick.yaml::cancel_after_pick" in proc.stdout
    proc = _pytest(tmp_path, "--erpsim-connector", connector)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "2 passed" in proc.stdout
    proc = _pytest(tmp_path, "--erpsim-connector", connector, "--erpsim-mutant", "no-physical-filter")
    assert proc.returncode == 1
    assert (
        "invariant physical_lines_only_in_wms: WMS order SO1 of sales order SO1 carries non-physical lines"
        in proc.stdout
    )
    assert "replay: erpsim run" in proc.stdout and "1 failed, 1 passed" in proc.stdout


def test_the_plugin_is_declared_as_a_pytest11_entry_point() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["pytest11"] == {"erpsim": "harness.pytest_plugin"}
