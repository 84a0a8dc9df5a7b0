"""The shared request-validation toolkit: each rule's reason and params, and how an app answers a refusal."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from mocks.core import validation as v
from mocks.core.config import EmulatorConfig

from .fake_system import create_app


def refusal(fn: Any, *args: Any, **kwargs: Any) -> tuple[str, str, dict[str, Any]]:
    """(field, reason, params) of the Invalid that ``fn`` raises."""
    with pytest.raises(v.Invalid) as caught:
        fn(*args, **kwargs)
    return caught.value.field, caught.value.reason, caught.value.params


def test_body_accessors_name_nested_fields_and_tell_absent_from_null() -> None:
    line = {"sku": "A-1", "note": None}
    assert v.req(line, "sku", v.text, max_len=5, where="lines[0]") == "A-1"
    assert v.opt(line, "note", v.text, max_len=5) is None
    assert refusal(v.req, line, "note", v.text, max_len=5, where="lines[0]") == (
        "lines[0].note",
        v.REQUIRED,
        {},
    )
    assert v.present(line, "note") and not v.given(line, "note") and not v.present(line, "qty")
    assert refusal(v.known_fields, {"sku": 1, "colour": 2, "size": 3}, {"sku"}, "lines[0]", "a line") == (
        "lines[0].colour",
        v.UNKNOWN_FIELD,
        {"key": "colour", "what": "a line"},
    )


def test_text_rules_in_order() -> None:
    assert refusal(v.text, 5, "f", max_len=3)[1] == v.NOT_STRING
    assert refusal(v.text, "a\x00", "f", max_len=3)[1] == v.NUL
    assert refusal(v.text, "\ud800", "f", max_len=3)[1] == v.NOT_TEXT
    assert refusal(v.text, "   ", "f", max_len=3, blank=False)[1] == v.BLANK
    assert v.text("   ", "f", max_len=3) == "   "
    assert refusal(v.text, "abcd", "f", max_len=3) == ("f", v.LENGTH, {"min_len": 0, "max_len": 3})
    assert v.text("  ab ", "f", max_len=2, strip=True) == "ab"
    assert refusal(v.text, "  ", "f", max_len=2, min_len=1, strip=True)[1] == v.LENGTH
    assert refusal(v.text, "a b", "f", max_len=3, pattern=re.compile(r"^\w+$")) == (
        "f",
        v.PATTERN,
        {"pattern": r"^\w+$"},
    )


def test_numbers_choices_arrays_and_dates() -> None:
    assert v.integer(5.0, "n", minimum=1, maximum=9) == 5
    for bad in (True, 5.5, "5", float("inf")):
        assert refusal(v.integer, bad, "n")[1] == v.NOT_INTEGER
    assert refusal(v.integer, 10, "n", minimum=1, maximum=9)[2] == {"minimum": 1, "maximum": 9}
    assert v.number(2, "w", minimum=0, maximum=3.5) == 2.0
    assert refusal(v.number, float("nan"), "w", minimum=0, maximum=1)[1] == v.NOT_NUMBER
    assert refusal(v.boolean, 1, "b")[1] == v.NOT_BOOLEAN
    assert refusal(v.choice, "c", "x", ("a", "b"))[2] == {"options": "a, b"}
    assert refusal(v.obj, [], "o")[1] == v.NOT_OBJECT
    assert refusal(v.array, {}, "l", max_items=2)[1] == v.NOT_ARRAY
    assert refusal(v.array, [1], "l", max_items=2, objects=True)[1] == v.NOT_OBJECTS
    assert refusal(v.array, [], "l", min_items=1, max_items=2)[1] == v.TOO_FEW
    assert refusal(v.array, [1, 2, 3], "l", max_items=2)[2] == {"min_items": 0, "max_items": 2, "count": 3}
    assert v.iso_date("2026-02-28", "d") == "2026-02-28"
    for shape in ("2026-W09-6", "20260228xx", "2026-02-28\n", 20260228):
        assert refusal(v.iso_date, shape, "d")[1] == v.DATE
    assert refusal(v.iso_date, "2026-02-30", "d")[1] == v.DATE_VALUE


def test_messages_use_the_house_wording_unless_a_system_words_them() -> None:
    exc = v.Invalid("lines[0].qty", v.RANGE, minimum=1, maximum=9)
    assert exc.message() == "'lines[0].qty' must be between 1 and 9."
    assert exc.message({v.RANGE: "{field} out of {minimum}..{maximum}"}) == "lines[0].qty out of 1..9"
    assert v.Invalid("f", v.NUL).message({v.RANGE: "unused"}) == "'f' must not contain NUL characters."


def test_an_app_without_its_own_wording_answers_a_400_naming_the_field(tmp_path: Path) -> None:
    app = create_app(
        EmulatorConfig(system="fake", db_url=f"sqlite:///{tmp_path / 'fake.db'}", data_dir=tmp_path)
    )
    client = app.test_client()
    assert client.post("/stock/A/label", json={"text": "hi"}).get_json() == {
        "sku": "A",
        "text": "hi",
        "copies": 1,
    }
    r = client.post("/stock/A/label", json={"text": "hi", "copies": 10})
    assert r.status_code == 400
    assert r.get_json() == {"fault": "ERPSIM_INVALID_INPUT", "why": "'copies' must be between 1 and 9."}
    r = client.post("/stock/A/label", json={"text": " ", "colour": "red"})
    assert r.get_json() == {"fault": "ERPSIM_INVALID_INPUT", "why": "Unknown field 'colour'."}
