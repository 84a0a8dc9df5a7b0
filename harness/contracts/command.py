"""Registers ``erpsim pact`` (its own parser; imported by ``harness.cli``, so kept light)."""

from __future__ import annotations

from harness.cli import Command, register


def _pact(argv: list[str]) -> int:
    from .cli import main

    return main(argv)


register(
    Command(
        "pact",
        "verify consumer pacts against an emulator; list provider states (erpsim pact --help)",
        lambda _args: 2,
        raw=_pact,
    )
)
