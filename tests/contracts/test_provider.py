"""Provider side: every emulator verified against the engine's pacts in contracts/pacts/.

Runs after the consumer modules (which rewrite the pacts), each system through ``erpsim pact verify`` in its
own process: the Pact FFI must never share a process with gevent's monkey-patching (the load tests').
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.systems import SYSTEMS

ROOT = Path(__file__).resolve().parents[2]
PACTS = ROOT / "contracts" / "pacts"


def run_verify(system: str, pacts: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``erpsim pact verify`` as a vendor runs it; output captured."""
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "pact",
            "verify",
            "--system",
            system,
            "--pacts",
            str(pacts),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.mark.parametrize("system", [s for s in SYSTEMS if (PACTS / f"erpsim-sync-{s}.json").exists()])
def test_emulator_honours_the_engine_pact(system: str) -> None:
    result = run_verify(system, PACTS)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith(f"erpsim pact: {system} verified: ") and " 0/" not in last, last


def test_every_system_has_an_engine_pact() -> None:
    assert sorted(p.name for p in PACTS.glob("erpsim-sync-*.json")) == sorted(
        f"erpsim-sync-{s}.json" for s in SYSTEMS
    )
