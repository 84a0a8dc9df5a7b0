"""Checks that an emulator's routes and its OpenAPI document describe the same API."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_METHODS = ("get", "post", "put", "patch", "delete")
#: Routes every emulator has that are not part of its vendor API.
INFRA_PREFIXES = ("/__erpsim", "/openapi.json", "/static")


def _normalise(path: str) -> str:
    """Replace every path parameter name with ``{}`` so Flask and OpenAPI templates compare equal."""
    return re.sub(r"\{[^{}]+\}", "{}", _CONVERTER.sub(r"{\1}", path))


def route_operations(app: Flask) -> set[tuple[str, str]]:
    """(METHOD, normalised path) for every vendor-API route of ``app``."""
    ops = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(INFRA_PREFIXES):
            continue
        for method in rule.methods or ():
            if method.lower() in _METHODS:
                ops.add((method.upper(), _normalise(rule.rule)))
    return ops


def spec_operations(spec: dict[str, Any]) -> set[tuple[str, str]]:
    """(METHOD, normalised path) for every operation in an OpenAPI document."""
    ops = set()
    for path, item in spec.get("paths", {}).items():
        for method in _METHODS:
            if method in item:
                ops.add((method.upper(), _normalise(path)))
    return ops


def parity_report(app: Flask, spec: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Operations only in the app (undocumented) and only in the spec (unimplemented)."""
    routes, documented = route_operations(app), spec_operations(spec)
    return {"undocumented": sorted(routes - documented), "unimplemented": sorted(documented - routes)}


def operation_ids(app: Flask, spec: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(Flask rule, METHOD) -> the OpenAPI operationId of that route, for every documented route."""
    by_path: dict[tuple[str, str], str] = {}
    for path, item in spec.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if isinstance(op, dict) and op.get("operationId"):
                by_path[(method.upper(), _normalise(path))] = str(op["operationId"])
    out: dict[tuple[str, str], str] = {}
    for rule in app.url_map.iter_rules():
        for method in rule.methods or ():
            found = by_path.get((method.upper(), _normalise(rule.rule)))
            if found:
                out[(rule.rule, method.upper())] = found
    return out
