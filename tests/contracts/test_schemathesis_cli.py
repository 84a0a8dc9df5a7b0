"""contracts/schemathesis.toml: ``st run`` against live emulators authenticates every generated request (TBA, BILL session).

A short run per system with the repository's configuration; the emulator's own journal shows the generated
requests got past authentication.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.systems import system_module
from mocks.core.config import EmulatorConfig
from tests.conftest import ADMIN, ThreadServer

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "contracts" / "schemathesis.toml"
ST = shutil.which("st", path=str(Path(sys.executable).parent)) or "st"
#: (system, operations to run, a path whose 2xx answers show authentication worked)
RUNS = [
    ("netsuite", ["--include-operation-id", "listRecords"], "/services/rest/record/v1/"),
    ("ap", ["--include-operation-id", "listVendors"], "/connect/v3/vendors"),
    ("pos", ["--include-operation-id", "listSites"], "sites.json"),
    ("qms", ["--include-operation-id", "listItems"], "/api/v1/items"),
    ("wms", ["--include-operation-id", "listProducts"], "/api/v1/products"),
]


@pytest.fixture
def emulator(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """One emulator on loopback and the ``ERPSIM_*`` variables ``erpsim up`` would print for it."""
    system = request.param
    config = EmulatorConfig(system=system, data_dir=tmp_path, db_url=f"sqlite:///{tmp_path / 'st.db'}")
    module = system_module(system)
    server = ThreadServer(module.create_app(config))
    prefix = f"ERPSIM_{system.upper()}_"
    env = {
        f"{prefix}URL": server.url,
        **{f"{prefix}{k.upper()}": v for k, v in module.credentials(config).items()},
    }
    yield server.url, env
    server.stop()


def _journal(url: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = requests.get(f"{url}/__erpsim/journal", headers=ADMIN, timeout=30).json()[
        "entries"
    ]
    return entries


@pytest.mark.parametrize(
    ("emulator", "ops", "marker"),
    [(s, o, m) for s, o, m in RUNS],
    indirect=["emulator"],
    ids=[r[0] for r in RUNS],
)
def test_st_run_with_the_repository_config(
    emulator: tuple[str, dict[str, str]], ops: list[str], marker: str
) -> None:
    url, env = emulator
    result = subprocess.run(
        [
            ST,
            "--config-file",
            str(CONFIG),
            "run",
            f"{url}/openapi.json",
            "--url",
            url,
            "--phases",
            "fuzzing",
            "-n",
            "5",
            "--no-color",
            *ops,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
    )
    assert "Configuration:    " in result.stdout and "schemathesis.toml" in result.stdout, result.stdout[
        -3000:
    ]
    assert result.returncode == 0, result.stdout[-5000:]
    statuses = [e["status"] for e in _journal(url) if marker in e["path"]]
    assert statuses and any(200 <= s < 300 for s in statuses), statuses
