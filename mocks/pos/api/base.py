"""The Sitoo v2 blueprint, its auth / account / site guard and the envelope helpers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from mocks.core import validation as v
from mocks.core.app import current_emulator
from mocks.core.errors import ApiError
from mocks.core.http import json_response, query_int

from ..domain.common import MAX_INT64
from ..errors import bad, invalid, not_found
from ..services import PosServices

PREFIX = "/v2/accounts/<account>"  # Sitoo's own base (api.mysitoo.com/v2/accounts/{accountid})
bp = Blueprint("pos", __name__, url_prefix=PREFIX)
MAX_NUM = 1000


def services() -> PosServices:
    """The POS services of the emulator serving this request."""
    return PosServices.of(current_emulator())


@bp.before_request
def _guard() -> None:
    """Basic auth first, then the account and site in the path, then oversized path ids."""
    svc = services()
    svc.auth.check(request.headers.get("Authorization"))
    args = request.view_args or {}
    if args.get("account") != svc.ctx.account:
        raise not_found(f"Account {args.get('account')}")
    for key, value in args.items():
        if isinstance(value, int) and value > MAX_INT64:
            raise not_found(key)
    if "siteid" in args and args["siteid"] != svc.ctx.site:
        raise not_found(f"Site {args['siteid']}")


def paging() -> tuple[int, int]:
    """Sitoo's ``start`` (default 0) and ``num`` (default 10)."""
    return (
        query_int("start", 0, minimum=0, maximum=MAX_INT64),
        query_int("num", 10, minimum=0, maximum=MAX_NUM),
    )


def descending(default_field: str) -> bool:
    """Sitoo's ``sort`` parameter on the id field: ``id`` ascending, ``-id`` descending."""
    raw = request.args.get("sort")
    if raw in (None, "", default_field):
        return False
    if raw == f"-{default_field}":
        return True
    raise bad(f"Invalid sort '{raw}'; use {default_field} or -{default_field}.", "sort")


def int_arg(name: str) -> int | None:
    """An optional integer query parameter (64-bit)."""
    if request.args.get(name) in (None, ""):
        return None
    return query_int(name, 0, minimum=-MAX_INT64, maximum=MAX_INT64)


def str_list(name: str) -> list[str] | None:
    """An optional comma-separated query parameter."""
    raw = request.args.get(name)
    if not raw:
        return None
    if "\x00" in raw:
        raise bad(f"Query parameter '{name}' must not contain NUL characters.", name)
    return [v for v in (p.strip() for p in raw.split(",")) if v]


def int_list(name: str) -> list[int] | None:
    """An optional comma-separated list of integers."""
    values = str_list(name)
    if values is None:
        return None
    try:
        out = [int(v) for v in values]
    except ValueError:
        raise bad(f"Query parameter '{name}' must be a comma-separated list of integers.", name) from None
    if any(abs(v) > MAX_INT64 for v in out):
        raise bad(f"Query parameter '{name}' is out of range.", name)
    return out


def envelope(total: int, items: list[dict[str, Any]]) -> Response:
    """Sitoo's list envelope, honouring ``fields`` (a comma-separated field list)."""
    fields = str_list("fields")
    if fields:
        wanted = set(fields)
        items = [{k: v for k, v in item.items() if k in wanted} for item in items]
    return json_response({"totalcount": total, "items": items})


def batch(items: list[Any], one: Any) -> list[dict[str, Any]]:
    """Apply ``one(item)`` to each batch entry; each gets ``{statuscode, return}`` or an error."""
    out: list[dict[str, Any]] = []
    for item in items:
        try:
            out.append({"statuscode": 200, "return": one(item)})
        except (ApiError, v.Invalid) as exc:
            err = invalid(exc) if isinstance(exc, v.Invalid) else exc
            out.append({"statuscode": err.status, "errortext": err.message})
    return out
