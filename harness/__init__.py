"""Scenario model, runner, invariant checkers and connector adapters."""
