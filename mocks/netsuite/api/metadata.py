"""The metadata catalog generic clients read to discover record types and their fields."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from ..domain.reads import filterable_fields
from ..domain.recordtypes import REST_TYPES, Field, RecordType
from ..domain.render import REST_PATH
from .records import _json, rtype_or_404

bp = Blueprint("ns_metadata", __name__, url_prefix=f"/{REST_PATH}/metadata-catalog")

_REF = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "refName": {"type": "string"},
        "externalId": {"type": "string"},
        "links": {"type": "array", "items": {"$ref": "#/definitions/nsLink"}},
    },
}
_LINK = {"type": "object", "properties": {"rel": {"type": "string"}, "href": {"type": "string"}}}


def field_schema(fld: Field) -> dict[str, Any]:
    """JSON Schema of one field (x-ns-* extensions as the real catalog carries them)."""
    kind = fld.kind
    schema: dict[str, Any]
    if kind == "s":
        schema = {"type": "string"}
    elif kind == "n":
        schema = {"type": "number", "format": "double"}
    elif kind == "i":
        schema = {"type": "integer", "format": "int64"}
    elif kind == "b":
        schema = {"type": "boolean"}
    elif kind == "d":
        schema = {"type": "string", "format": "date"}
    elif kind == "t":
        schema = {"type": "string", "format": "date-time"}
    elif kind == "r":
        schema = {"$ref": "#/definitions/nsResource"}
    elif kind == "e":
        schema = {
            "type": "object",
            "properties": {
                "id": {"type": "string", **({"enum": list(fld.enum_values)} if fld.enum_values else {})},
                "refName": {"type": "string"},
            },
        }
    elif kind == "c":
        schema = {
            "type": "object",
            "properties": {"items": {"type": "array", "items": {"$ref": "#/definitions/nsResource"}}},
        }
    else:
        schema = {"type": "object"}
    if fld.read_only:
        schema["readOnly"] = True
    if fld.mandatory:
        schema["nullable"] = False
    return schema


def record_schema(rtype: RecordType) -> dict[str, Any]:
    """JSON Schema of a record type, with its filterable fields and sublists."""
    props: dict[str, Any] = {
        "id": {"type": "string", "readOnly": True},
        "links": {"type": "array", "items": {"$ref": "#/definitions/nsLink"}, "readOnly": True},
    }
    if rtype.external_id:
        props["externalId"] = {"type": "string"}
    for name, fld in rtype.fields.items():
        props[name] = field_schema(fld)
    for name, fields in rtype.sublists.items():
        props[name] = {
            "type": "object",
            "properties": {
                "items": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {k: field_schema(f) for k, f in fields.items()},
                    },
                },
                "links": {"type": "array", "items": {"$ref": "#/definitions/nsLink"}},
                "totalResults": {"type": "integer"},
            },
        }
    filterable = filterable_fields(rtype)
    return {
        "type": "object",
        "title": rtype.name,
        "properties": props,
        "required": sorted(n for n, f in rtype.fields.items() if f.mandatory),
        "x-ns-filterable": filterable,
        "definitions": {"nsResource": _REF, "nsLink": _LINK},
    }


def record_openapi(types: list[RecordType]) -> dict[str, Any]:
    """An OpenAPI 3.0 document for the selected record types (what swagger+json returns)."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for rt in types:
        schema = record_schema(rt)
        defs = schema.pop("definitions")
        schemas.update(defs)
        schemas[rt.name] = schema
        ref = {"$ref": f"#/components/schemas/{rt.name}"}
        paths[f"/{rt.name}"] = {
            "get": {
                "summary": f"List {rt.name} records",
                "parameters": [
                    {"name": n, "in": "query", "schema": {"type": "string"}} for n in ("q", "limit", "offset")
                ],
                "responses": {"200": {"description": "the list"}},
            },
            "post": {
                "summary": f"Insert a {rt.name}",
                "requestBody": {"content": {"application/json": {"schema": ref}}},
                "responses": {"204": {"description": "created"}},
            },
        }
        paths[f"/{rt.name}/{{id}}"] = {
            "get": {
                "responses": {
                    "200": {"description": "the record", "content": {"application/json": {"schema": ref}}}
                }
            },
            "patch": {"responses": {"204": {"description": "updated"}}},
            "delete": {"responses": {"204": {"description": "deleted"}}},
            "put": {"responses": {"204": {"description": "upserted"}}},
        }
    return {
        "openapi": "3.0.1",
        "info": {"title": "NetSuite REST Record API (erpsim)", "version": "v1"},
        "servers": [{"url": f"{request.url_root}{REST_PATH}"}],
        "paths": paths,
        "components": {"schemas": _rewrite_refs(schemas)},
    }


def _rewrite_refs(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (
                v.replace("#/definitions/", "#/components/schemas/")
                if k == "$ref" and isinstance(v, str)
                else _rewrite_refs(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_rewrite_refs(v) for v in value]
    return value


def _wants(media: str) -> bool:
    return media in (request.headers.get("Accept") or "")


@bp.get("")
def catalog() -> Response:
    """The list of record types, each with links to its schema and the records."""
    if _wants("application/swagger+json"):
        selected = request.args.get("select")
        names = [s for s in selected.split(",") if s] if selected else list(REST_TYPES)
        return _json(record_openapi([rtype_or_404(n) for n in names]), "application/swagger+json")
    base = f"{request.url_root}{REST_PATH}"
    items = [
        {
            "name": rt.name,
            "links": [
                {
                    "rel": "canonical",
                    "href": f"{base}/metadata-catalog/{rt.lower}",
                    "mediaType": "application/json",
                },
                {
                    "rel": "alternate",
                    "href": f"{base}/metadata-catalog/{rt.lower}",
                    "mediaType": "application/swagger+json",
                },
                {
                    "rel": "alternate",
                    "href": f"{base}/metadata-catalog/{rt.lower}",
                    "mediaType": "application/schema+json",
                },
                {"rel": "describes", "href": f"{base}/{rt.lower}"},
            ],
        }
        for rt in REST_TYPES.values()
    ]
    return _json(
        {"items": items, "links": [{"rel": "self", "href": f"{base}/metadata-catalog"}]},
        "application/vnd.oracle.resource+json; type=collection",
    )


@bp.get("/<rtype_name>")
def type_metadata(rtype_name: str) -> Response:
    """One record type: JSON Schema (schema+json) or an OpenAPI document (swagger+json)."""
    rtype = rtype_or_404(rtype_name)
    if _wants("application/swagger+json"):
        return _json(record_openapi([rtype]), "application/swagger+json")
    return _json(record_schema(rtype), "application/schema+json")
