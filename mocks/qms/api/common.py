"""What every route shares: the blueprint with its auth check, contexts, paging and query parsing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, Response, request
from flask.blueprints import BlueprintSetupState
from sqlalchemy.exc import IntegrityError

from mocks.core.app import AsciiIntConverter, Emulator, current_emulator
from mocks.core.http import json_body, json_response, query_int

from ..domain.common import Ctx, read_ctx, write_ctx
from ..domain.values import MAX_ID
from ..errors import conflict, validation_error
from ..services import QmsServices

bp = Blueprint("qms", __name__, url_prefix="/api/v1")


class IdConverter(AsciiIntConverter):
    """A positive 64-bit id in ASCII digits in a path (anything else simply matches nothing: 404)."""

    def __init__(self, map: object) -> None:  # noqa: A002 - werkzeug's signature
        super().__init__(map, min=1, max=MAX_ID)  # type: ignore[arg-type]


@bp.record_once
def _install_id_converter(state: BlueprintSetupState) -> None:
    # Recorded before any route (route modules import ``bp`` from here): ``<id:...>`` exists when they are added.
    state.app.url_map.converters["id"] = IdConverter


@bp.before_request
def _authenticate() -> None:
    from ..auth import require_api_key

    require_api_key(QmsServices.of(current_emulator()).api_key_bytes)


def emu() -> Emulator:
    """The emulator serving this request."""
    return current_emulator()


@contextmanager
def writing() -> Iterator[Ctx]:
    """A business write transaction for this request (a lost unique race is a 409, never a 500)."""
    try:
        with write_ctx(current_emulator()) as ctx:
            yield ctx
    except IntegrityError:
        # Only reachable on PostgreSQL, where two transactions can pass the same uniqueness check.
        raise conflict(
            "DUPLICATE", "A concurrent request created the same resource; retry to get its id."
        ) from None


@contextmanager
def reading() -> Iterator[Ctx]:
    """A read session for this request."""
    with read_ctx(current_emulator()) as ctx:
        yield ctx


def body(required: bool = True) -> dict[str, Any]:
    """The JSON object body (400/415 in the QMS error shape otherwise)."""
    data: dict[str, Any] = json_body(required=required)
    return data


def ok(data: Any, status: int = 200) -> Response:
    """A JSON response."""
    return json_response(data, status=status)


def paging() -> tuple[int, int]:
    """``limit`` (1..250, default 50) and ``page`` (from 1)."""
    return (
        query_int("limit", 50, minimum=1, maximum=250, code="VALIDATION_ERROR"),
        query_int("page", 1, minimum=1, maximum=1_000_000, code="VALIDATION_ERROR"),
    )


def q_str(name: str, max_len: int = 80) -> str | None:
    """An optional string query parameter."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if "\x00" in raw or not 0 < len(raw) <= max_len:
        raise validation_error(name, f"Query parameter '{name}' must be 1 to {max_len} characters.")
    return raw


def q_enum(name: str, options: tuple[str, ...]) -> str | None:
    """An optional enumerated query parameter."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if raw not in options:
        raise validation_error(name, f"Query parameter '{name}' must be one of {', '.join(options)}.")
    return raw


def q_id(name: str) -> int | None:
    """An optional id query parameter."""
    if request.args.get(name) is None:
        return None
    return query_int(name, 0, minimum=1, maximum=2**63 - 1, code="VALIDATION_ERROR")


def listing(rows: list[Any], total: int, limit: int, page_no: int, render: Callable[[Any], Any]) -> Response:
    """A page of resources: ``{"data", "page", "limit", "total"}``."""
    return json_response({"data": [render(r) for r in rows], "page": page_no, "limit": limit, "total": total})
