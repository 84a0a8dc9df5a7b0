"""Scenario selection: pytest-style ``-k`` expressions."""

from __future__ import annotations

import pytest

from harness.selection import matches_expression


def test_selection_expressions() -> None:
    assert matches_expression("cancel and not daemon", "cancellations/cancel_after_pick")
    assert not matches_expression("mixed or (duplicate and wms)", "cancel_after_pick")
    with pytest.raises(ValueError, match="not a valid expression"):
        matches_expression("and (", "x")
