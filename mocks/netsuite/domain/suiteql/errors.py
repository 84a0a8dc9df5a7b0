"""The 400s SuiteQL answers, worded as NetSuite words them (INVALID_PARAMETER on the ``q`` parameter).

Observed wording (public client tests and fixtures):
``Invalid search query. Detailed unprocessed description follows. Invalid search type: <table>.``
``... Search error occurred: Unknown identifier '<col>'. Available identifiers are: {t=transaction}.``
``... Search error occurred: Invalid or unsupported search.`` (used here for syntax errors and anything
outside the supported grammar; NetSuite's own parser messages were not found in public sources).
"""

from __future__ import annotations

from mocks.core.errors import ApiError

from ...errors import invalid_parameter

PREFIX = "Invalid search query. Detailed unprocessed description follows. "
MAX_REACH = 100_000


def invalid_query(detail: str) -> ApiError:
    """A 400 INVALID_PARAMETER on ``q`` with NetSuite's prefix."""
    return invalid_parameter(PREFIX + detail, query_param="q")


def unknown_table(name: str) -> ApiError:
    """A FROM/JOIN names a table the account does not have."""
    return invalid_query(f"Invalid search type: {name}.")


def unknown_identifier(name: str, available: dict[str, str]) -> ApiError:
    """A column (or alias) that no table in scope has."""
    listed = ", ".join(f"{alias}={table}" for alias, table in available.items())
    return invalid_query(
        f"Search error occurred: Unknown identifier '{name}'. Available identifiers are: {{{listed}}}."
    )


def unsupported() -> ApiError:
    """Syntax errors, non-SELECT statements and constructs outside the emulated grammar."""
    return invalid_query("Search error occurred: Invalid or unsupported search.")


def bad_date(value: str, java_format: str, tz: str) -> ApiError:
    """A string compared with a date column that does not parse in the account's date format."""
    return invalid_query(
        f'Search error occurred: Parse of date/time "{value[:60]}" failed with date format '
        f'"{java_format}" in time zone {tz}'
    )


def reach_exceeded() -> ApiError:
    """offset + limit beyond the 100,000 rows SuiteQL serves without SuiteAnalytics Connect (wording unconfirmed)."""
    return invalid_parameter(
        f"Invalid value for query parameter offset: a SuiteQL query can return at most "
        f"{MAX_REACH} results (offset + limit). Use SuiteAnalytics Connect to retrieve more.",
        query_param="offset",
    )
