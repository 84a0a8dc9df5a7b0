"""Fast and static: every mutant the reference engine declares is named by some scenario's ``catches``, every
scenario names at least one, and no scenario names a mutant the engine does not have.

The engine's mutants come from its connector file's ``mutants`` command (``python -m sync --list-mutants``): the
harness never imports ``sync``. Whether each named mutant is really caught is ``test_catalogue.py``.
"""

from __future__ import annotations

from pathlib import Path

from harness.catalogue import connector_mutants
from harness.commands import REFERENCE_CONNECTOR
from harness.connectors import load_connector
from harness.scenario_loader import discover, family_of, load_scenario

ROOT = Path(__file__).resolve().parents[2]
#: mutants no scenario names yet; the catalogue helpers shrink this set as their scenarios land (the test fails
#: when a listed mutant becomes named, so that it is removed here, and when an unlisted one is named by none)
KNOWN_UNCAUGHT: set[str] = set()


def _catalogue() -> dict[str, list[str]]:
    return {f"{family_of(p)}/{p.stem}": load_scenario(p).catches for p in discover([ROOT / "scenarios"])}


def test_every_scenario_names_at_least_one_mutant_the_engine_has() -> None:
    declared = set(connector_mutants(load_connector(REFERENCE_CONNECTOR)))
    assert len(declared) >= 20
    catalogue = _catalogue()
    assert [name for name, catches in catalogue.items() if not catches] == []
    assert {name: sorted(set(c) - declared) for name, c in catalogue.items() if set(c) - declared} == {}


def test_every_mutant_is_named_by_a_scenario_but_the_known_uncaught_ones() -> None:
    declared = connector_mutants(load_connector(REFERENCE_CONNECTOR))
    named = {m for catches in _catalogue().values() for m in catches}
    assert KNOWN_UNCAUGHT <= set(declared), "KNOWN_UNCAUGHT lists a mutant the engine no longer has"
    assert sorted(set(declared) - named) == sorted(KNOWN_UNCAUGHT)
