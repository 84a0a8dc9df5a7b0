"""Pact bookkeeping: each consumer module writes its system's pact into contracts/pacts/ once all its tests pass."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .pactkit import CONSUMER, new_pact

PACTS_DIR = Path(__file__).resolve().parents[2] / "contracts" / "pacts"
_PASSED: dict[str, set[str]] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    """Remember which tests of each module passed (a pact is written only from a complete, green run)."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.passed:
        _PASSED.setdefault(str(item.fspath), set()).add(item.name)


class PactBook:
    """The interactions of one system, collected test by test into one pact file."""

    def __init__(self, system: str, folder: Path) -> None:
        self.system = system
        self.folder = folder

    def new(self) -> Any:
        """A fresh pact for one test's interactions."""
        return new_pact(self.system)

    def keep(self, pact: Any) -> None:
        """Merge a test's verified interactions into the system's pact."""
        pact.write_file(self.folder)

    @property
    def filename(self) -> str:
        """The pact file's name (consumer-provider.json)."""
        return f"{CONSUMER}-{self.system}.json"


@pytest.fixture(scope="module")
def pact_book(request: pytest.FixtureRequest) -> Iterator[PactBook]:
    """The module's system (``SYSTEM``) pact; copied to contracts/pacts/ when every test of the module passed."""
    system = request.module.SYSTEM
    with tempfile.TemporaryDirectory(prefix=f"pact-{system}-") as tmp:
        book = PactBook(system, Path(tmp))
        yield book
        # every test the module defines, not only those selected (-k would leave a partial pact)
        defined = {
            name for name, fn in vars(request.module).items() if name.startswith("test_") and callable(fn)
        }
        written = Path(tmp) / book.filename
        if written.exists() and defined and defined <= _PASSED.get(str(request.node.fspath), set()):
            PACTS_DIR.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(written, PACTS_DIR / book.filename)
