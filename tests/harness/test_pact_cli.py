"""``erpsim pact``: a vendor verifies its own consumer pacts against an emulator, no sandbox needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

from pact import Pact, generate, match  # noqa: E402
from pact.match.matcher import GenericMatcher  # noqa: E402

from harness.contracts.cli import states_markdown  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
REST = "/services/rest/record/v1"
SINGULAR = "application/vnd.oracle.resource+json; type=singular"


def erpsim(*args: str) -> subprocess.CompletedProcess[str]:
    """The ``erpsim`` command in its own process (as a vendor runs it)."""
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def vendor_pact(folder: Path, *, wrong: bool = False) -> None:
    """What a vendor's NetSuite client expects: a known state, and one set up through the escape hatch."""
    pact = Pact("acme-connector", "NetSuite").with_specification("V4")
    (
        pact.upon_receiving("a customer looked up by external id")
        .given("customer CUST-9 exists")
        .with_request("GET", f"{REST}/customer/eid:CUST-9")
        .will_respond_with(200)
        .with_body(
            {
                "id": match.regex("7", regex=r"^\d+$"),
                "externalId": "CUST-9",
                "companyName": match.str("Acme Stores"),
            },
            content_type=SINGULAR,
        )
    )
    path = GenericMatcher(
        "regex",
        f"{REST}/customer/7",
        regex=rf"^{REST}/customer/\d+$",
        generator=generate.provider_state(f"{REST}/customer/${{customer}}"),
    )
    seed = {
        "records": {
            "customer": [
                {
                    "companyName": "Held Co",
                    "externalId": "HOLD-1",
                    "subsidiary": {"id": "1"},
                    "email": "ap@held.example",
                }
            ]
        }
    }
    (
        pact.upon_receiving("a customer the vendor seeded itself")
        .given("a customer on credit hold", seed=seed)
        .with_request("GET", path)
        .will_respond_with(200)
        .with_body(
            {"companyName": "Held Co" if not wrong else "Someone Else", "email": "ap@held.example"},
            content_type=SINGULAR,
        )
    )
    with pact.serve() as srv:
        import requests

        assert requests.get(f"{srv.url}{REST}/customer/eid:CUST-9", timeout=10).status_code == 200
        assert requests.get(f"{srv.url}{REST}/customer/7", timeout=10).status_code == 200
    pact.write_file(folder, overwrite=True)


def test_a_vendor_pact_verifies_with_vocabulary_and_escape_hatch(tmp_path: Path) -> None:
    vendor_pact(tmp_path)
    result = erpsim("pact", "verify", "--system", "netsuite", "--pacts", str(tmp_path))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Given a customer on credit hold" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == (
        "erpsim pact: netsuite verified: 2/2 interactions of 1 pact file(s)"
    )


def test_an_expectation_the_emulator_does_not_meet_fails(tmp_path: Path) -> None:
    vendor_pact(tmp_path, wrong=True)
    result = erpsim("pact", "verify", "--system", "netsuite", "--pacts", str(tmp_path))
    assert result.returncode == 1
    assert (
        "$.companyName -> Expected 'Held Co' (String) to be equal to 'Someone Else' (String)" in result.stdout
    )
    assert result.stdout.strip().splitlines()[-1] == (
        "erpsim pact: netsuite FAILED: 1/2 interactions of 1 pact file(s); failed: a customer the vendor seeded itself"
    )


def test_pacts_for_another_provider_are_named(tmp_path: Path) -> None:
    vendor_pact(tmp_path)
    result = erpsim("pact", "verify", "--system", "wms", "--pacts", str(tmp_path))
    assert result.returncode == 2
    assert "no pact for provider 'wms'" in result.stderr and "providers found: NetSuite" in result.stderr


def test_an_unknown_state_without_parameters_fails_naming_the_vocabulary(tmp_path: Path) -> None:
    pact = Pact("acme-connector", "netsuite").with_specification("V4")
    (
        pact.upon_receiving("a customer")
        .given("the moon is full")
        .with_request("GET", f"{REST}/customer/eid:CUST-1")
        .will_respond_with(200)
        .with_body({"externalId": "CUST-1"}, content_type=SINGULAR)
    )
    with pact.serve() as srv:
        import requests

        requests.get(f"{srv.url}{REST}/customer/eid:CUST-1", timeout=10)
    pact.write_file(tmp_path, overwrite=True)
    result = erpsim("pact", "verify", "--system", "netsuite", "--pacts", str(tmp_path))
    assert result.returncode == 1
    assert "unknown netsuite provider state 'the moon is full'" in result.stdout


def test_states_are_listed_and_documented() -> None:
    result = erpsim("pact", "states", "--system", "netsuite")
    assert result.returncode == 0
    assert "sales order {eid} is pending fulfillment -> ${salesOrderId}" in result.stdout
    assert (ROOT / "contracts" / "PROVIDER_STATES.md").read_text() == states_markdown() + "\n", (
        "regenerate: erpsim pact states --markdown > contracts/PROVIDER_STATES.md"
    )
