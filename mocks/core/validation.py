"""The one request-validation toolkit: parse JSON values into typed input, or raise ``Invalid``.

Every emulator's ``api/`` layer (and the act/ actions and seeders, which take the same bodies) parses with
these functions. Nothing here knows a system's wording: ``Invalid`` names the field, the rule it broke
(``reason``) and the rule's parameters; the app hands it to the system's ``SystemHooks.invalid`` (its
``errors.invalid``), which answers in the system's own error body and status. The rules are the ones every
system shares (a string's type, NUL bytes, length and pattern; an integer's range; an object's known fields;
an array's size); what only one system knows (Sitoo money strings, QMS thousandths, BILL ids) stays in that
system and builds on these.

Body accessors: ``req(body, name, parse, **opts)`` refuses a field that is absent or null (``REQUIRED``),
``opt(...)`` gives None for it; both name nested fields ``where.name`` (``lines[0].sku``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, TypeVar, overload

T = TypeVar("T")

#: Largest signed 64-bit integer: the default bounds of ``integer`` and the largest id a path may name.
MAX_INT64 = 2**63 - 1

# Reasons (the rule a value broke); each system words every one of them.
REQUIRED = "required"  # absent or null
UNKNOWN_FIELD = "unknown_field"  # params: key (the unknown name alone), what (the resource, if given)
NOT_STRING = "not_string"
NUL = "nul"  # a NUL character in a string
NOT_TEXT = "not_text"  # a string that is not valid Unicode (a lone surrogate)
BLANK = "blank"  # only white space, where a value is needed
LENGTH = "length"  # params: min_len, max_len
PATTERN = "pattern"  # params: pattern (the regular expression's source)
NOT_INTEGER = "not_integer"
NOT_NUMBER = "not_number"
RANGE = "range"  # params: minimum, maximum
NOT_BOOLEAN = "not_boolean"
CHOICE = "choice"  # params: options (comma-separated)
NOT_OBJECT = "not_object"
NOT_ARRAY = "not_array"
NOT_OBJECTS = "not_objects"  # an array holding something other than objects
TOO_FEW = "too_few"  # params: min_items, max_items, count
TOO_MANY = "too_many"  # params: min_items, max_items, count
DATE = "date"  # not a YYYY-MM-DD string
DATE_VALUE = "date_value"  # YYYY-MM-DD, but no such day (2026-02-30)

#: The house wording of every reason; a system passes its own templates to ``Invalid.message`` where it words
#: them otherwise (``{field}`` is the full field name, the other names are the reason's params).
MESSAGES: dict[str, str] = {
    REQUIRED: "'{field}' is required.",
    UNKNOWN_FIELD: "Unknown field '{field}'.",
    NOT_STRING: "'{field}' must be a string.",
    NUL: "'{field}' must not contain NUL characters.",
    NOT_TEXT: "'{field}' is not valid Unicode text.",
    BLANK: "'{field}' must not be blank.",
    LENGTH: "'{field}' must be {min_len} to {max_len} characters.",
    PATTERN: "'{field}' has an invalid format (expected {pattern}).",
    NOT_INTEGER: "'{field}' must be an integer.",
    NOT_NUMBER: "'{field}' must be a number.",
    RANGE: "'{field}' must be between {minimum} and {maximum}.",
    NOT_BOOLEAN: "'{field}' must be true or false.",
    CHOICE: "'{field}' must be one of {options}.",
    NOT_OBJECT: "'{field}' must be an object.",
    NOT_ARRAY: "'{field}' must be an array.",
    NOT_OBJECTS: "'{field}' must be an array of objects.",
    TOO_FEW: "'{field}' must have between {min_items} and {max_items} items.",
    TOO_MANY: "'{field}' must have between {min_items} and {max_items} items.",
    DATE: "'{field}' must be a date (YYYY-MM-DD).",
    DATE_VALUE: "'{field}' must be a date (YYYY-MM-DD).",
}
_YMD = re.compile(r"\d{4}-\d{2}-\d{2}")


class Invalid(ValueError):
    """A value the request may not carry: which field, which rule (``reason``) and the rule's parameters."""

    def __init__(self, field: str, reason: str, **params: Any) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.params = params

    def message(self, templates: Mapping[str, str] | None = None) -> str:
        """The refusal worded by ``templates`` (reason -> ``str.format`` template), else in the house wording."""
        template = (templates or MESSAGES).get(self.reason) or MESSAGES[self.reason]
        return template.format(field=self.field, **self.params)

    def __repr__(self) -> str:
        return f"Invalid({self.field!r}, {self.reason!r}, {self.params!r})"


def name(where: str, key: str) -> str:
    """The full name of field ``key`` inside ``where`` (``lines[0]`` + ``sku`` -> ``lines[0].sku``)."""
    return f"{where}.{key}" if where else key


# ---- body accessors -----------------------------------------------------------------------------
def present(body: Mapping[str, Any], key: str) -> bool:
    """True when ``key`` is in the body, even as null (a PATCH that clears an attribute)."""
    return key in body


def given(body: Mapping[str, Any], key: str) -> bool:
    """True when ``key`` is in the body with a value other than null."""
    return body.get(key) is not None


@overload
def req(body: Mapping[str, Any], key: str, *, where: str = "") -> Any: ...


@overload
def req(body: Mapping[str, Any], key: str, parse: Callable[..., T], *, where: str = "", **opts: Any) -> T: ...


def req(
    body: Mapping[str, Any],
    key: str,
    parse: Callable[..., Any] | None = None,
    *,
    where: str = "",
    **opts: Any,
) -> Any:
    """Field ``key`` parsed by ``parse(value, field, **opts)`` (without ``parse``: the JSON value as sent);
    absent or null is ``REQUIRED``."""
    value = body.get(key)
    field = f"{where}.{key}" if where else key  # name(), inlined: every parsed field passes here
    if value is None:
        raise Invalid(field, REQUIRED)
    return value if parse is None else parse(value, field, **opts)


def opt(
    body: Mapping[str, Any], key: str, parse: Callable[..., T], *, where: str = "", **opts: Any
) -> T | None:
    """Field ``key`` parsed by ``parse(value, field, **opts)``, or None when absent or null."""
    value = body.get(key)
    return None if value is None else parse(value, name(where, key), **opts)


def known_fields(body: Iterable[str], allowed: Iterable[str], where: str = "", what: str = "") -> None:
    """Refuse the first field of ``body`` (an object, or its keys in the order to check them) that is not in
    ``allowed``: a typo must not be ignored."""
    allowed_set = allowed if isinstance(allowed, (frozenset, set)) else frozenset(allowed)  # noqa: UP038
    for key in body:
        if key not in allowed_set:
            raise Invalid(name(where, key), UNKNOWN_FIELD, key=key, what=what)


# ---- values -------------------------------------------------------------------------------------
def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text(
    value: Any,
    field: str,
    *,
    max_len: int,
    min_len: int = 0,
    pattern: re.Pattern[str] | None = None,
    strip: bool = False,
    blank: bool = True,
) -> str:
    """A string: no NUL, valid Unicode, ``min_len``..``max_len`` characters, matching ``pattern``.

    ``strip`` returns it without surrounding white space (lengths count the stripped value); ``blank=False``
    refuses a string of only white space (``BLANK``) before its length is checked.
    """
    if not isinstance(value, str):
        raise Invalid(field, NOT_STRING)
    if "\x00" in value:
        raise Invalid(field, NUL)
    if not value.isascii() and not _is_text(value):
        raise Invalid(field, NOT_TEXT)
    if strip:
        value = value.strip()
    if not blank and not value.strip():
        raise Invalid(field, BLANK)
    if not min_len <= len(value) <= max_len:
        raise Invalid(field, LENGTH, min_len=min_len, max_len=max_len)
    if pattern is not None and not pattern.match(value):
        raise Invalid(field, PATTERN, pattern=pattern.pattern)
    return value


def integer(value: Any, field: str, *, minimum: int = -MAX_INT64, maximum: int = MAX_INT64) -> int:
    """A JSON integer (an integral float such as 5.0 is accepted, a boolean is not) within bounds."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(field, NOT_INTEGER)
    if isinstance(value, float):
        if not value.is_integer():  # also refuses inf and nan
            raise Invalid(field, NOT_INTEGER)
        value = int(value)
    if value < minimum or value > maximum:
        raise Invalid(field, RANGE, minimum=minimum, maximum=maximum)
    return value


def number(value: Any, field: str, *, minimum: float, maximum: float) -> float:
    """A finite JSON number (not a boolean) within bounds, as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid(field, NOT_NUMBER)
    if value < minimum or value > maximum:
        raise Invalid(field, RANGE, minimum=minimum, maximum=maximum)
    return float(value)


def boolean(value: Any, field: str) -> bool:
    """A JSON true or false."""
    if not isinstance(value, bool):
        raise Invalid(field, NOT_BOOLEAN)
    return value


def choice(value: Any, field: str, options: tuple[str, ...]) -> str:
    """One of ``options`` (exactly: case matters)."""
    if not isinstance(value, str) or value not in options:
        raise Invalid(field, CHOICE, options=", ".join(options))
    return value


def obj(value: Any, field: str) -> dict[str, Any]:
    """A JSON object."""
    if not isinstance(value, dict):
        raise Invalid(field, NOT_OBJECT)
    return value


def array(value: Any, field: str, *, max_items: int, min_items: int = 0, objects: bool = False) -> list[Any]:
    """A JSON array of ``min_items``..``max_items`` entries (with ``objects``, every entry an object)."""
    if not isinstance(value, list):
        raise Invalid(field, NOT_ARRAY)
    if objects and not all(isinstance(item, dict) for item in value):
        raise Invalid(field, NOT_OBJECTS)
    if len(value) > max_items:
        raise Invalid(field, TOO_MANY, min_items=min_items, max_items=max_items, count=len(value))
    if len(value) < min_items:
        raise Invalid(field, TOO_FEW, min_items=min_items, max_items=max_items, count=len(value))
    return value


def iso_date(value: Any, field: str) -> str:
    """A calendar date written YYYY-MM-DD (``DATE`` for another shape, ``DATE_VALUE`` for no such day)."""
    if not isinstance(value, str) or not _YMD.fullmatch(value):
        raise Invalid(field, DATE)
    try:
        date.fromisoformat(value)
    except ValueError:
        raise Invalid(field, DATE_VALUE) from None
    return value
