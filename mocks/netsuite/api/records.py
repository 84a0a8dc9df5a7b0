"""The record API, ``/services/rest/record/v1``: thin routes over the record engine and its rules."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mocks.core.app import Emulator, current_emulator
from mocks.core.http import json_body, query_bool

from ..domain.locks import start_edit
from ..domain.prefs import get_prefs
from ..domain.qfilter import compile_filter
from ..domain.quantities import computed_fields
from ..domain.reads import read_record, sublist_lines
from ..domain.records import NAMES_GENERATION, Ctx, Rec, Records
from ..domain.recordtypes import RecordType, lookup
from ..domain.render import REST_PATH, Renderer, record_href
from ..domain.service import create_record, delete_record, transform_record, update_record, upsert_record
from ..domain.voiding import void_transaction
from ..errors import invalid_parameter, nonexistent_id, unknown_record_type, user_error
from ..models import NsRecord
from ..services import NetSuiteServices

bp = Blueprint("ns_records", __name__, url_prefix=f"/{REST_PATH}")
SINGULAR = "application/vnd.oracle.resource+json; type=singular"
COLLECTION = "application/vnd.oracle.resource+json; type=collection"
MAX_LIMIT = 1000
MAX_REACH = 100_000


def rtype_or_404(name: str) -> RecordType:
    """The record type of a path segment (case-insensitive), or 404."""
    rtype = lookup(name)
    if rtype is None or not rtype.rest:
        raise unknown_record_type(name)
    return rtype


def make_ctx(session: Session) -> Ctx:
    """The per-request rule context: business time from the virtual clock, preferences, strictness."""
    emu = current_emulator()
    strict = request.headers.get("X-NetSuite-PropertyNameValidation", "").strip().lower() == "error"
    return Ctx(
        session=session,
        now=emu.clock.now(session),
        prefs=get_prefs(session),
        engine=Records(session),
        strict_names=strict,
    )


def _render(session: Session, rec: Rec, *, expand: bool) -> dict[str, Any]:
    fields_arg = request.args.get("fields")
    fields = {f.strip() for f in fields_arg.split(",") if f.strip()} if fields_arg else None
    renderer = Renderer(session, request.url_root, simple_enum=query_bool("simpleEnumFormat"))
    computed = computed_fields(session, rec)
    renderer.prefetch(rec.rtype, [{**rec.body, **computed}])
    return renderer.record(
        rec.rtype,
        rec.id,
        rec.body,
        rec.created,
        rec.modified,
        expand=expand,
        fields=fields,
        computed=computed,
    )


def _json(body: Any, content_type: str = SINGULAR, status: int = 200) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status=status, content_type=content_type)


def _created(rtype: RecordType, rid: int) -> Response:
    return Response(status=204, headers={"Location": record_href(request.url_root, rtype, rid)})


def _paging() -> tuple[int, int]:
    def _int(name: str, default: int) -> int:
        raw = request.args.get(name)
        if raw is None or raw == "":
            return default
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            raise invalid_parameter(
                f"Invalid value for query parameter '{name}': '{raw[:20]}'.", query_param=name
            )
        return int(raw)

    limit, offset = _int("limit", MAX_LIMIT), _int("offset", 0)
    if limit < 1 or limit > MAX_LIMIT:
        raise invalid_parameter(
            f"Invalid value for query parameter 'limit': it must be between 1 and {MAX_LIMIT}.",
            query_param="limit",
        )
    if offset % limit:
        raise invalid_parameter(
            "Invalid value for query parameter 'offset': the offset must be a multiple of the limit.",
            query_param="offset",
        )
    if offset >= MAX_REACH:
        raise invalid_parameter(
            f"Invalid value for query parameter 'offset': results are limited to the first {MAX_REACH} rows.",
            query_param="offset",
        )
    return limit, offset


def page_links(url: str, limit: int, offset: int, total: int, extra: str = "") -> list[dict[str, str]]:
    """next / previous / first / last / self links of a paged collection."""

    def href(off: int) -> str:
        return f"{url}?{extra}limit={limit}&offset={off}"

    last = max(0, (total - 1) // limit * limit)
    links = []
    if offset > 0:
        links.append({"rel": "previous", "href": href(max(0, offset - limit))})
        links.append({"rel": "first", "href": href(0)})
    if offset + limit < total:
        links.append({"rel": "next", "href": href(offset + limit)})
        links.append({"rel": "last", "href": href(last)})
    links.append({"rel": "self", "href": href(offset)})
    return links


@bp.get("/<rtype_name>")
def list_records(rtype_name: str) -> Response:
    """List ids of a record type (deleted records excluded), filtered by ``q``, paged."""
    rtype = rtype_or_404(rtype_name)
    limit, offset = _paging()
    q = request.args.get("q")
    emu = current_emulator()
    with emu.store.read() as session:
        base = select(NsRecord).where(NsRecord.rtype == rtype.name, NsRecord.deleted_at.is_(None))
        if q:
            pred = compile_filter(q, rtype, get_prefs(session))
            rows = session.execute(base.order_by(NsRecord.id)).scalars().all()
            ids = [r.id for r in rows if pred((r.id, json.loads(r.body), r.created_at, r.last_modified))]
            total = len(ids)
            page = ids[offset : offset + limit]
        else:
            total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
            page = list(
                session.execute(
                    select(NsRecord.id)
                    .where(NsRecord.rtype == rtype.name, NsRecord.deleted_at.is_(None))
                    .order_by(NsRecord.id)
                    .limit(limit)
                    .offset(offset)
                ).scalars()
            )
    url = f"{request.url_root}{REST_PATH}/{rtype.lower}"
    if query_bool("expandRecords"):  # full records instead of bare ids, as the real list can return
        with emu.store.read() as session:
            engine = Records(session)
            items = [
                _render(session, engine.load(rtype, rid), expand=query_bool("expandSubResources"))
                for rid in page
            ]
    else:
        items = [{"links": [{"rel": "self", "href": f"{url}/{rid}"}], "id": str(rid)} for rid in page]
    extra = f"q={quote(q, safe='')}&" if q else ""  # the links are URLs: the filter travels encoded
    body = {
        "links": page_links(url, limit, offset, total, extra),
        "count": len(items),
        "hasMore": offset + len(items) < total,
        "items": items,
        "offset": offset,
        "totalResults": total,
    }
    return _json(body, COLLECTION)


@bp.post("/<rtype_name>")
def create(rtype_name: str) -> Response:
    """Create a record: 204 and its Location."""
    rtype = rtype_or_404(rtype_name)
    payload = json_body()
    with current_emulator().store.write() as session:
        rec = create_record(make_ctx(session), rtype, payload)
    return _created(rtype, rec.id)


_PROBE_SQL = (
    "SELECT r.rtype, r.version, r.deleted_at, r.locked_by_wf, "
    "(SELECT s.value FROM {seq} s WHERE s.code = '"
    + NAMES_GENERATION
    + "') FROM {rec} r WHERE r.space = ? AND r.id = ?"
)


def _cache_key(emu: Emulator, rtype: RecordType, ref: str) -> tuple[Any, ...] | None:
    if (
        rtype.family == "item"
        or rtype.name == "inventoryNumber"
        or not ref.isascii()
        or not ref.isdigit()
        or len(ref) > 15
    ):
        return None
    store = emu.store
    sql = _PROBE_SQL.format(seq=store.table_name("ns_sequences"), rec=store.table_name("ns_records"))
    generation = emu.generation()  # before the probe: a reset in between can only make the key stale
    rows = store.fast_query(sql, (rtype.id_space, int(ref)))
    if not rows:
        return None
    rtype_name, version, deleted_at, locked, names_gen = rows[0]
    if rtype_name != rtype.name or deleted_at is not None or locked:
        return None
    args = request.args
    return (
        generation,
        rtype.name,
        int(ref),
        version,
        names_gen,
        request.url_root,
        args.get("expandSubResources"),
        args.get("fields"),
        args.get("simpleEnumFormat"),
    )


@bp.get("/<rtype_name>/<ref>")
def get_record(rtype_name: str, ref: str) -> Response:
    """One record; sublists as links unless ``expandSubResources=true``."""
    rtype = rtype_or_404(rtype_name)
    emu = current_emulator()
    cache = NetSuiteServices.of(emu).render_cache
    key = _cache_key(emu, rtype, ref)
    if key is not None and (hit := cache.get(key)) is not None:
        return Response(hit, content_type=SINGULAR)
    with emu.store.read() as session:
        rec = read_record(session, rtype, ref)
        data = json.dumps(
            _render(session, rec, expand=query_bool("expandSubResources")), separators=(",", ":")
        ).encode()
    if key is not None:
        cache.put(key, data)
    return Response(data, content_type=SINGULAR)


def _replace_param() -> set[str]:
    raw = request.args.get("replace", "")
    return {s.strip() for s in raw.split(",") if s.strip()}


@bp.patch("/<rtype_name>/<ref>")
def patch_record(rtype_name: str, ref: str) -> Response:
    """Partial update with NetSuite's sublist line rules; 204."""
    rtype = rtype_or_404(rtype_name)
    payload = json_body()
    emu = current_emulator()
    version = start_edit(emu.store, emu.clock, rtype, ref)
    with emu.store.write() as session:
        ctx = make_ctx(session)
        rec = ctx.engine.load_ref(rtype, ref)
        update_record(ctx, rec, payload, replace=_replace_param(), expected_version=version)
    return Response(status=204)


@bp.put("/<rtype_name>/<ref>")
def put_record(rtype_name: str, ref: str) -> Response:
    """Upsert by external id (PUT is only valid with ``eid:``); 204 and Location."""
    rtype = rtype_or_404(rtype_name)
    if not ref.lower().startswith("eid:") or len(ref) <= 4:
        raise user_error(
            "The PUT method is only supported for upsert operations with an external ID "
            "(/<record type>/eid:<externalId>)."
        )
    payload = json_body()
    with current_emulator().store.write() as session:
        rec, _created_now = upsert_record(
            make_ctx(session), rtype, ref[4:], payload, replace=_replace_param()
        )
    return _created(rtype, rec.id)


@bp.delete("/<rtype_name>/<ref>")
def delete(rtype_name: str, ref: str) -> Response:
    """Delete a record; it leaves reads and lists and appears in the deleted-records feed."""
    rtype = rtype_or_404(rtype_name)
    with current_emulator().store.write() as session:
        ctx = make_ctx(session)
        delete_record(ctx, ctx.engine.load_ref(rtype, ref))
    return Response(status=204)


@bp.post("/<rtype_name>/<ref>/!transform/<target_name>")
def transform(rtype_name: str, ref: str, target_name: str) -> Response:
    """Create a record from another (fulfil, bill, receive, credit, build): 204 and Location."""
    rtype = rtype_or_404(rtype_name)
    target = rtype_or_404(target_name)
    payload = json_body(required=False)
    with current_emulator().store.write() as session:
        ctx = make_ctx(session)
        rec = transform_record(
            ctx, ctx.engine.load_ref(rtype, ref), target, payload, replace=_replace_param()
        )
    return _created(target, rec.id)


@bp.post("/<rtype_name>/<ref>/@void")
def void(rtype_name: str, ref: str) -> Response:
    """Void a transaction (record action): 200 with the id of the voided record or of its voiding journal."""
    rtype = rtype_or_404(rtype_name)
    json_body(required=False)  # a record action may carry parameters; void takes none
    with current_emulator().store.write() as session:
        ctx = make_ctx(session)
        result = void_transaction(ctx, ctx.engine.load_ref(rtype, ref))
    return _json({"id": str(result.id), "notifications": []}, "application/json")


@bp.get("/<rtype_name>/<ref>/<sublist>")
def get_sublist(rtype_name: str, ref: str, sublist: str) -> Response:
    """A sublist's lines, each as a link; or a body subrecord (an address, inventory detail) in full."""
    rtype = rtype_or_404(rtype_name)
    with current_emulator().store.read() as session:
        rec = read_record(session, rtype, ref)
        fld = rtype.fields.get(sublist)
        if fld is not None and fld.kind in ("a", "v") and sublist not in rtype.sublists:
            renderer = Renderer(session, request.url_root, simple_enum=query_bool("simpleEnumFormat"))
            value = rec.body.get(sublist) or {}
            renderer.prefetch(rtype, [{sublist: value}])
            return _json(
                renderer.value(rtype, fld, value, record_href(request.url_root, rtype, rec.id), True)
            )
        lines = sublist_lines(session, rec, sublist)
    href = f"{record_href(request.url_root, rtype, rec.id)}/{sublist}"
    items = [{"links": [{"rel": "self", "href": f"{href}/{ln['line']}"}]} for ln in lines]
    return _json(
        {"links": [{"rel": "self", "href": href}], "items": items, "totalResults": len(items)}, COLLECTION
    )


@bp.get("/<rtype_name>/<ref>/<sublist>/<int:line>")
def get_line(rtype_name: str, ref: str, sublist: str, line: int) -> Response:
    """One sublist line."""
    rtype = rtype_or_404(rtype_name)
    with current_emulator().store.read() as session:
        rec = read_record(session, rtype, ref)
        lines = [ln for ln in sublist_lines(session, rec, sublist) if ln.get("line") == line]
        if not lines:
            raise nonexistent_id()
        renderer = Renderer(session, request.url_root, simple_enum=query_bool("simpleEnumFormat"))
        renderer.prefetch(rtype, lines, rtype.sublist_fields(sublist))
        body = renderer.line(rtype, sublist, lines[0], record_href(request.url_root, rtype, rec.id), True)
    return _json(body)
