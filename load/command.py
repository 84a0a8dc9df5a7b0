"""Registers ``erpsim load`` in the ``erpsim`` command (light: the run's modules load only when it runs)."""

from __future__ import annotations

from harness.cli import Command, register


def _run(argv: list[str]) -> int:
    from load.cli import main

    return main(argv)


register(
    Command("load", "load-test the inventory sync with Locust (erpsim load --help)", lambda _a: 2, raw=_run)
)
