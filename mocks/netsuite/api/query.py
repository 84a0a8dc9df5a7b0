"""SuiteQL: ``POST /services/rest/query/v1/suiteql`` (Prefer: transient, limit <= 1000, offset)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from mocks.core.app import current_emulator
from mocks.core.http import json_body

from ..domain.reads import DELETED_RECORDS_PERMISSION, role_permits
from ..errors import invalid_header, invalid_parameter

bp = Blueprint("ns_query", __name__, url_prefix="/services/rest/query/v1")


def _int_param(name: str, default: int, maximum: int | None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if (
        not (raw.isascii() and raw.isdigit())
        or len(raw) > 9
        or (maximum is not None and not 1 <= int(raw) <= maximum)
    ):
        bound = f" It must be between 1 and {maximum}." if maximum else ""
        raise invalid_parameter(f"Invalid value for query parameter '{name}'.{bound}", query_param=name)
    return int(raw)


@bp.post("/suiteql")
def suiteql() -> Response:
    """Run a SuiteQL SELECT and return one page of rows."""
    from ..domain.suiteql import run_suiteql  # sqlglot is imported at the first query, not at start-up

    if "transient" not in (request.headers.get("Prefer") or ""):
        raise invalid_header("SuiteQL requests require the header 'Prefer: transient'.", "Prefer")
    limit = _int_param("limit", 1000, 1000)
    offset = _int_param("offset", 0, None)
    body = json_body()
    q = body.get("q")
    if not isinstance(q, str) or not q.strip():
        raise invalid_parameter("The request body must contain the query in 'q'.", path="q")
    emu = current_emulator()
    with emu.store.read() as session:
        result = run_suiteql(
            session,
            q,
            limit=limit,
            offset=offset,
            base_url=request.url_root,
            today=emu.clock.today(session),
            deleted_records=role_permits(session, DELETED_RECORDS_PERMISSION),
        )
    return Response(json.dumps(result), content_type="application/vnd.oracle.resource+json; type=collection")
