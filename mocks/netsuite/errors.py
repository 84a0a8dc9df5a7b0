"""NetSuite's REST error body (RFC 7807-like with o:errorDetails) and the errors the emulator raises."""

from __future__ import annotations

import json

from flask import Response

from mocks.core import errors as core
from mocks.core.errors import ApiError

ERROR_CONTENT_TYPE = "application/vnd.oracle.resource+json; type=error"
_RFC2616 = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
_TYPES = {
    400: (f"{_RFC2616}#sec10.4.1", "Bad Request"),
    401: (_RFC2616, "Unauthorized"),  # no fragment, as in Oracle's documented 401 (contracts/fidelity)
    403: (f"{_RFC2616}#sec10.4.4", "Forbidden"),
    404: ("https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.5", "Not Found"),
    405: (f"{_RFC2616}#sec10.4.6", "Method Not Allowed"),
    413: (f"{_RFC2616}#sec10.4.14", "Request Entity Too Large"),
    415: (f"{_RFC2616}#sec10.4.16", "Unsupported Media Type"),
    429: (_RFC2616, "Too Many Requests"),
    500: (f"{_RFC2616}#sec10.5.1", "Internal Server Error"),
    503: (f"{_RFC2616}#sec10.5.4", "Service Unavailable"),
}
_CORE_CODES = {
    core.BAD_JSON: "INVALID_CONTENT",
    core.BAD_CONTENT_TYPE: "INVALID_CONTENT_TYPE",
    core.NOT_FOUND: "INVALID_URL",
    core.METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
    core.TOO_LARGE: "REQUEST_TOO_LARGE",
    core.INTERNAL: "UNEXPECTED_ERROR",
    core.INJECTED: "UNEXPECTED_ERROR",
}
_CORE_DETAILS = {
    core.BAD_JSON: "Invalid content in the request body.",
    core.NOT_FOUND: "The request could not be processed: the URL does not match any resource.",
}


def error_body(err: ApiError) -> dict[str, object]:
    """The body NetSuite sends for ``err`` (one detail; ``extra['details']`` adds more)."""
    type_url, title = _TYPES.get(err.status, (_RFC2616, "Error"))
    code = _CORE_CODES.get(err.code, err.code)
    detail: dict[str, object] = {"detail": _CORE_DETAILS.get(err.code, err.message), "o:errorCode": code}
    if err.path:
        detail["o:errorPath"] = err.path
    if "query_param" in err.extra:
        detail["o:errorQueryParam"] = err.extra["query_param"]
    if "header" in err.extra:
        detail["o:errorHeader"] = err.extra["header"]
    if "url" in err.extra:
        detail["o:errorUrl"] = err.extra["url"]
    details = [detail, *err.extra.get("details", [])]
    title = err.extra.get("title", title)
    return {"type": type_url, "title": title, "status": err.status, "o:errorDetails": details}


def render_error(err: ApiError) -> Response:
    """Render an ApiError as NetSuite does."""
    return Response(json.dumps(error_body(err)), status=err.status, content_type=ERROR_CONTENT_TYPE)


#: The detail NetSuite puts in every authentication refusal, whatever the cause.
INVALID_LOGIN_DETAIL = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI "
    "at Setup > Users/Roles > User Management > View Login Audit Trail."
)


def invalid_login(headers: dict[str, str], *, audit: str, failure: str) -> ApiError:
    """401 INVALID_LOGIN, the same body whatever the cause; the cause goes to the journal (``failure``)."""
    return ApiError(
        401,
        "INVALID_LOGIN",
        INVALID_LOGIN_DETAIL,
        headers=headers,
        extra={"audit": audit, "auth_failure": failure},
    )


def throttle_error() -> ApiError:
    """The 429 NetSuite answers when the account's concurrency limit is exceeded (no Retry-After)."""
    return ApiError(429, "CONCURRENCY_LIMIT_EXCEEDED", "Concurrent request limit exceeded. Request blocked.")


# ---- the errors the record API raises --------------------------------------------------------------


def nonexistent_id() -> ApiError:
    """404 for a record id that does not exist (or was deleted)."""
    return ApiError(
        404, "NONEXISTENT_ID", "The record instance does not exist. Provide a valid record instance ID."
    )


def nonexistent_eid(eid: str) -> ApiError:
    """404 for an external id that does not exist."""
    return ApiError(
        404,
        "NONEXISTENT_ID",
        f"The record instance for external ID '{eid}' does not exist. Provide a valid record instance ID.",
    )


def unknown_record_type(name: str) -> ApiError:
    """404 for a record type the account does not have."""
    return ApiError(404, "INVALID_RCRD_TYPE", f"Record type '{name}' does not exist.")


def invalid_id(raw: str) -> ApiError:
    """400 for an id that is not a valid internal id."""
    return ApiError(
        400, "INVALID_ID", f"Invalid record instance identifier '{raw}'. Provide a valid record instance ID."
    )


def user_error(detail: str, path: str | None = None) -> ApiError:
    """400 USER_ERROR, NetSuite's catch-all for business-rule refusals."""
    return ApiError(400, "USER_ERROR", f"Error while accessing a resource. {detail}", path=path)


def field_required(labels: list[str], path: str | None = None) -> ApiError:
    """400 for missing mandatory fields."""
    return ApiError(
        400,
        "USER_ERROR",
        f"Error while accessing a resource. Please enter value(s) for: {', '.join(labels)}.",
        path=path,
    )


def invalid_value(value: object, field: str, path: str) -> ApiError:
    """400 for a reference or value that is not valid for the field."""
    return ApiError(
        400,
        "INVALID_KEY_OR_REF",
        f"Error while accessing a resource. You have entered an Invalid "
        f"Field Value {value} for the following field: {field}",
        path=path,
    )


def invalid_reference(field: str, key: object, path: str | None, *, within: str | None = None) -> ApiError:
    """400 INVALID_KEY_OR_REF for a reference the field cannot take (inactive, out of scope, wrong kind)."""
    where = f" for {within}" if within else ""
    return ApiError(400, "INVALID_KEY_OR_REF", f"Invalid {field} reference key {key}{where}.", path=path)


def invalid_content(detail: str, path: str | None = None) -> ApiError:
    """400 for a body that does not fit the record (wrong types, unknown fields, bad sublist)."""
    return ApiError(400, "INVALID_CONTENT", detail, path=path)


def record_changed() -> ApiError:
    """400 when the record was saved by someone else since it was loaded."""
    return ApiError(400, "RCRD_HAS_BEEN_CHANGED", "Record has been changed.")


def locked_by_workflow() -> ApiError:
    """400 when a user-defined workflow has locked the record."""
    return ApiError(400, "RCRD_LOCKED_BY_WF", "This record has been locked by a user defined workflow.")


def duplicate_entity_id(kind: str) -> ApiError:
    """400 UNIQUE_CUST_ID_REQD: an entity of ``kind`` already has this entity id."""
    return ApiError(
        400,
        "UNIQUE_CUST_ID_REQD",
        f"A {kind} record with this ID already exists. You must enter a unique {kind} ID for "
        "each record you create. To have system-generated "
        f"{kind} IDs, go to Setup > Company > Auto-Generated Numbers.",
        path="entityId",
    )


def no_valid_line_item() -> ApiError:
    """400 VALID_LINE_ITEM_REQD: nothing on the source can be fulfilled, received or billed."""
    return ApiError(
        400,
        "VALID_LINE_ITEM_REQD",
        "You must have at least one valid line item for this transaction.",
        path="item",
    )


def not_voidable(rtype_name: str, reversal: bool) -> ApiError:
    """400 INVALID_RECORD_TYPE: the account's void preference does not void this type."""
    how = "by reversing journal" if reversal else "directly"
    other = "off" if reversal else "on"
    return ApiError(
        400,
        "INVALID_RECORD_TYPE",
        f"The record type {rtype_name} is not voidable {how}. The account voids transactions "
        f"{'using reversing journals' if reversal else 'directly'}; turn Void Transactions Using "
        f"Reversing Journals {other} to void this type.",
    )


# ---- request parameters, headers and URLs ------------------------------------------------------------


def invalid_parameter(detail: str, *, query_param: str | None = None, path: str | None = None) -> ApiError:
    """400 INVALID_PARAMETER, naming the query parameter (``o:errorQueryParam``) or body field at fault."""
    return ApiError(
        400,
        "INVALID_PARAMETER",
        detail,
        path=path,
        extra={"query_param": query_param} if query_param else None,
    )


def invalid_replace(sublist: str) -> ApiError:
    """400 for a ``replace`` parameter naming a sublist the record does not have."""
    return invalid_parameter(
        f"Invalid sublist name '{sublist}' in the replace parameter.", query_param="replace"
    )


def nonexistent_field(detail: str, *, query_param: str) -> ApiError:
    """400 NONEXISTENT_FIELD: a query names a field the record type does not have (or cannot filter on)."""
    return ApiError(400, "NONEXISTENT_FIELD", detail, extra={"query_param": query_param})


def invalid_header(detail: str, header: str) -> ApiError:
    """400 INVALID_HEADER, naming the header (``o:errorHeader``)."""
    return ApiError(400, "INVALID_HEADER", detail, extra={"header": header})


def unknown_sublist(sublist: str, rtype_name: str) -> ApiError:
    """404 INVALID_URL for a sublist path the record type does not have."""
    return ApiError(404, "INVALID_URL", f"Sublist '{sublist}' does not exist on record type '{rtype_name}'.")


# ---- asynchronous requests ---------------------------------------------------------------------------


def idempotency_conflict(location: str) -> ApiError:
    """400 IDEMPOTENCY_ERROR: the idempotency key was used; ``location`` is the original job's URL."""
    return ApiError(
        400,
        "IDEMPOTENCY_ERROR",
        "A request with the same idempotency key is already "
        'submitted. See the "Location" header for the original request.',
        headers={"Location": location},
        extra={"title": "Conflict"},
    )


def task_not_completed() -> ApiError:
    """404 for the result of a task that has not run yet."""
    return ApiError(404, "NONEXISTENT_ID", "The task has not completed yet; its result does not exist.")
