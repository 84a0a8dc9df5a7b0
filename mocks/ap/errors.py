"""BILL v3 error bodies: an array of {timestamp, code, severity, category, message} with BDC_ codes.

Codes marked (doc) come from BILL's public documentation; the others are chosen by the emulator
(BILL has 500+ codes, published only through its sandbox ``/v2/Errors.json``) and are stable here.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask import Response

from mocks.core import errors as E
from mocks.core import validation as v
from mocks.core.errors import ApiError

# ---- documented codes ----------------------------------------------------------------------
SYSTEM_ERROR = "BDC_1001"  # (doc) System error occurred.
UNKNOWN_ERROR = "BDC_1002"  # (doc) Unknown error: unknown/misspelt parameter or wrong request format
BAD_CREDENTIALS = "BDC_1101"  # (doc) User name and/or password do not match our records.
BAD_DEV_KEY = "BDC_1102"  # (doc) Developer key is invalid.
SESSION_INVALID = "BDC_1109"  # (doc) Session is invalid. Please log in.
API_NOT_SUPPORTED = "BDC_1121"  # (doc) API not supported (404 path).
HOURLY_LIMIT = "BDC_1144"  # (doc) Max number of allowed requests per hour reached.
CONCURRENCY_LIMIT = "BDC_1322"  # (doc) Max number of concurrent requests per organization reached.
UNTRUSTED_SESSION = "BDC_1361"  # (3p integrator code) session not MFA-trusted, payments refused
# ---- emulator-chosen codes -----------------------------------------------------------------
BAD_ORGANIZATION = "BDC_1103"  # organizationId does not match the user
REQUIRED = "BDC_1106"  # a required field is missing or empty
INVALID_VALUE = "BDC_1107"  # a field has the wrong type, format or range
NOT_FOUND = "BDC_1152"  # the object id does not exist (or is of another type)
CURRENCY = "BDC_1206"  # only USD is supported
ARCHIVED = "BDC_1211"  # the object (or one it references) is archived / inactive
DUPLICATE = "BDC_1171"  # duplicate invoice number / subscription / idempotency mismatch
SYNCED_LOCKED = "BDC_1260"  # synced with the accounting system: the change is not allowed
OVER_BALANCE = "BDC_1281"  # amount exceeds the open balance / credit remaining
STATE = "BDC_1290"  # not allowed in the object's current status (approval, payment state)
LIMIT = "BDC_1300"  # an organization limit (e.g. 10 webhook subscriptions)

_CATEGORY = {
    SYSTEM_ERROR: "SERVER",
    HOURLY_LIMIT: "DOWNSTREAM",
    CONCURRENCY_LIMIT: "DOWNSTREAM",
    SESSION_INVALID: "DOWNSTREAM",
    BAD_CREDENTIALS: "DOWNSTREAM",
    BAD_DEV_KEY: "DOWNSTREAM",
    BAD_ORGANIZATION: "DOWNSTREAM",
    UNTRUSTED_SESSION: "DOWNSTREAM",
}
_APPLICATION = {SYNCED_LOCKED, OVER_BALANCE, STATE, DUPLICATE, ARCHIVED, CURRENCY, LIMIT}

#: The core's generic conditions, as BILL answers them: (code, message or None to keep).
_CORE = {
    E.BAD_JSON: (UNKNOWN_ERROR, None),
    E.BAD_CONTENT_TYPE: (UNKNOWN_ERROR, None),
    E.NOT_FOUND: (API_NOT_SUPPORTED, "API not supported."),
    E.METHOD_NOT_ALLOWED: (API_NOT_SUPPORTED, "API not supported for this HTTP method."),
    E.TOO_LARGE: (UNKNOWN_ERROR, None),
    E.INTERNAL: (SYSTEM_ERROR, "System error occurred."),
    E.INJECTED: (SYSTEM_ERROR, None),
    E.THROTTLED: (CONCURRENCY_LIMIT, None),
}


def api_error(status: int, code: str, message: str, path: str | None = None) -> ApiError:
    """An ApiError carrying a BDC code."""
    return ApiError(status, code, message, path=path)


def bad(code: str, message: str, path: str | None = None) -> ApiError:
    """A 400 refusal."""
    return ApiError(400, code, message, path=path)


#: BILL's wording of validation refusals: (code, template); ``{field}`` is the full field name.
_INVALID: dict[str, tuple[str, str]] = {
    v.REQUIRED: (REQUIRED, "{field} is required."),
    v.BLANK: (REQUIRED, "{field} is required."),
    v.UNKNOWN_FIELD: (UNKNOWN_ERROR, "Unrecognized field '{field}'."),
    v.NOT_STRING: (INVALID_VALUE, "{field} must be a string."),
    v.NUL: (INVALID_VALUE, "{field} must not contain NUL characters."),
    v.NOT_TEXT: (INVALID_VALUE, "{field} is not valid Unicode text."),
    v.LENGTH: (INVALID_VALUE, "{field} must be at most {max_len} characters."),
    v.NOT_INTEGER: (INVALID_VALUE, "{field} must be an integer."),
    v.NOT_NUMBER: (INVALID_VALUE, "{field} must be a number."),
    v.RANGE: (INVALID_VALUE, "{field} must be between {minimum} and {maximum}."),
    v.NOT_BOOLEAN: (INVALID_VALUE, "{field} must be a boolean."),
    v.CHOICE: (INVALID_VALUE, "{field} must be one of {options}."),
    v.NOT_OBJECT: (INVALID_VALUE, "{field} must be an object."),
    v.NOT_ARRAY: (INVALID_VALUE, "{field} must be an array."),
    v.NOT_OBJECTS: (INVALID_VALUE, "{field} must be an array of objects."),
    v.TOO_FEW: (REQUIRED, "{field} must contain at least one item."),
    v.TOO_MANY: (INVALID_VALUE, "{field} must have at most {max_items} items."),
    v.DATE: (INVALID_VALUE, "{field} must be a date in the yyyy-MM-dd format."),
    v.DATE_VALUE: (INVALID_VALUE, "{field} must be a date in the yyyy-MM-dd format."),
}


def invalid(exc: v.Invalid) -> ApiError:
    """A validation refusal as BILL's 400 with its BDC code (an unknown field is named by its key alone)."""
    code, template = _INVALID.get(exc.reason, (INVALID_VALUE, v.MESSAGES[exc.reason]))
    path = exc.params["key"] if exc.reason == v.UNKNOWN_FIELD else exc.field
    return bad(code, exc.message({exc.reason: template}), path)


def untrusted_session() -> ApiError:
    """BILL's 403 for paying from a session that is not MFA-trusted."""
    return ApiError(
        403,
        UNTRUSTED_SESSION,
        "Session is not trusted. Sign in with rememberMeId and device of an MFA-trusted device to pay bills.",
    )


def invalid_seed(message: str, path: str | None = None) -> ApiError:
    """A control-plane seed the AP cannot build (400 INVALID_SEED)."""
    return ApiError(400, "INVALID_SEED", message, path=path)


def render_error(err: ApiError) -> Response:
    """The BILL v3 error array for ``err`` (core codes mapped onto BDC codes)."""
    code, message = err.code, err.message
    if code in _CORE:
        mapped, text = _CORE[code]
        code, message = mapped, text or message
    elif not code.startswith("BDC_"):
        code = SYSTEM_ERROR if err.status >= 500 else UNKNOWN_ERROR
    category = _CATEGORY.get(code) or ("APPLICATION" if code in _APPLICATION else "REQUEST")
    # Error timestamps are wall time like BILL's gateway; business data uses the virtual clock.
    stamp = (
        datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{datetime.now(UTC).microsecond // 1000:03d}+0000"
    )
    body = [{"timestamp": stamp, "code": code, "severity": "ERROR", "category": category, "message": message}]
    return Response(json.dumps(body), status=err.status, content_type="application/json")


def throttle_error() -> ApiError:
    """BILL's concurrency refusal (what the fault plan's "throttle" answers)."""
    return ApiError(429, CONCURRENCY_LIMIT, "Max number of concurrent requests per organization reached.")
