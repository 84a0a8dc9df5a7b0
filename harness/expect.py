"""Evaluating ``expect`` (and ``check`` steps): invariants, record, exception-queue and journal assertions."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from .invariants import Context, InvariantResult, check
from .refs import RefMap, Resolver
from .scenario import ExceptionAssertion, Expect, JournalAssertion, RecordAssertion
from .views import ITEM_TYPES, WmsView


@dataclass
class AssertionResult:
    """The verdict of one record, exception or journal assertion."""

    kind: str
    description: str
    ok: bool
    message: str = ""
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def collection(state: dict[str, Any], system: str, name: str) -> list[dict[str, Any]] | None:
    """Rows of a collection of one system's state (NetSuite: a record type, flattened; else a table)."""
    if system == "netsuite":
        if name in ("inventory", "commitments", "deleted"):
            return list(state.get(name, []))
        rows = state.get("records", {}).get(name)
        if rows is None:
            return [] if _is_record_type(name) else None
        return [{"id": r["id"], "createdAt": r.get("createdAt"), **r["body"]} for r in rows]
    for candidate in (name, f"{system}_{name}"):
        if candidate in state:
            return list(state[candidate])
    return None


def _is_record_type(name: str) -> bool:
    """True for a NetSuite record type the emulator knows (a type with no record yet is an empty collection)."""
    from mocks.netsuite.domain.recordtypes import lookup

    found = lookup(name)
    return found is not None and found.name == name


def _get(row: Any, dotted: str) -> Any:
    value = row
    for part in dotted.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _same(actual: Any, expected: Any) -> bool:
    if actual == expected:
        return True
    if isinstance(expected, bool) or isinstance(actual, bool):
        return False
    try:
        return float(actual) == float(expected)
    except (TypeError, ValueError):
        return str(actual) == str(expected) if isinstance(expected, str) else False


def _linked(state: dict[str, Any], system: str, ref: str, refs: RefMap) -> list[dict[str, Any]]:
    kind = refs.kind(ref)
    attrs = refs.refs[ref]
    if system == "netsuite":
        rid = attrs.get("netsuite")
        types = ITEM_TYPES if kind == "item" else (kind,)
        for rtype in types:
            for r in state.get("records", {}).get(rtype, []):
                if r["id"] == rid:
                    return [{"id": r["id"], "type": rtype, **r["body"]}]
        return []
    if system == "wms" and kind == "salesOrder":
        so = next(
            (
                r
                for r in state.get("__netsuite__", {}).get("records", {}).get("salesOrder", [])
                if r["id"] == attrs.get("netsuite")
            ),
            None,
        )
        return WmsView(state).orders_for_sales_order(so) if so else []
    tables = {
        ("wms", "item"): ("wms_products", "id"),
        ("wms", "location"): ("wms_warehouses", "id"),
        ("pos", "item"): ("pos_products", "productid"),
        ("pos", "customer"): ("pos_users", "userid"),
        ("pos", "location"): ("pos_warehouses", "warehouseid"),
        ("qms", "item"): ("qms_items", "id"),
    }
    table, key = tables.get((system, kind), (None, None))
    if table is None or attrs.get(system) is None:
        return []
    return [r for r in state.get(table, []) if r.get(key) == attrs.get(system)]


def check_record(a: RecordAssertion, state: dict[str, Any], resolver: Resolver) -> AssertionResult:
    """One record assertion on the state of its system."""
    sys_state = state.get(a.system, {})
    where = resolver.resolve(a.where)
    fields = resolver.resolve(a.fields)
    if a.ref is not None:
        view = dict(sys_state)
        view["__netsuite__"] = state.get("netsuite", {})
        rows = _linked(view, a.system, a.ref, resolver.refs)
        target = f"{a.system} record of {a.ref}"
    else:
        assert a.collection is not None
        found = collection(sys_state, a.system, a.collection)
        if found is None:
            return AssertionResult(
                "record",
                f"{a.system}.{a.collection}",
                False,
                f"{a.system} has no collection {a.collection!r}",
            )
        rows = found
        target = f"{a.system}.{a.collection}"
    selected = [r for r in rows if all(_same(_get(r, k), v) for k, v in where.items())]
    desc = (
        target
        + (f" where {where}" if where else "")
        + (f" count={a.count}" if a.count is not None else "")
        + (f" with {fields}" if fields else "")
    )
    problems = []
    if a.count is not None and len(selected) != a.count:
        problems.append(f"expected {a.count} row(s), found {len(selected)}")
    if a.count is None and not selected:
        problems.append("no row matches")
    for row in selected:
        wrong = {k: _get(row, k) for k, v in fields.items() if not _same(_get(row, k), v)}
        if wrong:
            problems.append(f"row {row.get('id', row.get('pk', '?'))} has {wrong}, expected {fields}")
    return AssertionResult("record", desc, not problems, "; ".join(problems), selected[:10])


def check_exceptions(
    a: ExceptionAssertion, exceptions: list[dict[str, Any]] | None, resolver: Resolver
) -> AssertionResult:
    """One assertion on the connector's exception queue."""
    desc = (
        f"exception queue: category={a.category}"
        + (f" flow={a.flow}" if a.flow else "")
        + (f" count={a.count}" if a.count is not None else f" at least {a.min}")
    )
    if exceptions is None:
        return AssertionResult(
            "exceptions", desc, False, "the connector declares no exception queue ([connector] exceptions)"
        )
    mentions = resolver.resolve(a.mentions) if a.mentions else None
    selected = [
        e
        for e in exceptions
        if e.get("category") == a.category
        and (a.flow is None or e.get("flow") == a.flow)
        and (mentions is None or str(mentions) in str(e))
    ]
    problems = []
    if a.count is not None and len(selected) != a.count:
        problems.append(f"expected {a.count}, found {len(selected)}")
    if a.min is not None and len(selected) < a.min:
        problems.append(f"expected at least {a.min}, found {len(selected)}")
    others = sorted({str(e.get("category")) for e in exceptions})
    if problems and others:
        problems.append(f"categories in the queue: {', '.join(others)}")
    return AssertionResult(
        "exceptions", desc, not problems, "; ".join(problems), selected[:10] or exceptions[:10]
    )


def check_journal(
    a: JournalAssertion, journals: dict[str, list[dict[str, Any]]], resolver: Resolver
) -> AssertionResult:
    """One assertion on a system's request journal."""
    path = resolver.resolve(a.path) if a.path else None
    selected = [
        e
        for e in journals.get(a.system, [])
        if (a.method is None or e.get("method") == a.method.upper())
        and (path is None or re.search(str(path), e.get("path", "")))
        and (a.status is None or e.get("status") == a.status)
    ]
    desc = f"{a.system} journal: {a.method or '*'} {path or '*'}" + (f" -> {a.status}" if a.status else "")
    n = len(selected)
    problems = []
    if a.count is not None and n != a.count:
        problems.append(f"expected {a.count} request(s), found {n}")
    if a.min is not None and n < a.min:
        problems.append(f"expected at least {a.min}, found {n}")
    if a.max is not None and n > a.max:
        problems.append(f"expected at most {a.max}, found {n}")
    if a.count is None and a.min is None and a.max is None and n == 0:
        problems.append("no such request")
    return AssertionResult(
        "journal",
        desc,
        not problems,
        "; ".join(problems),
        [{k: e.get(k) for k in ("seq", "method", "path", "status", "fault")} for e in selected[:20]],
    )


def evaluate(
    expect: Expect,
    state: dict[str, Any],
    journals: dict[str, list[dict[str, Any]]],
    exceptions: list[dict[str, Any]] | None,
    resolver: Resolver,
    flows: list[str] | None = None,
) -> tuple[list[InvariantResult], list[AssertionResult]]:
    """Every invariant and assertion of ``expect`` against one snapshot of the world.

    ``no_exceptions`` looks at the entries of the scenario's ``flows`` (and entries that name no flow): a
    connector's other flows may park things the scenario is not about.
    """
    ctx = Context(state=state, journals=journals, exceptions=exceptions, refs=resolver.refs)
    invariants = [check(ref.name, ctx, ref.params) for ref in expect.invariant_refs()]
    assertions = [check_record(a, state, resolver) for a in expect.records]
    assertions += [check_exceptions(a, exceptions, resolver) for a in expect.exceptions]
    if expect.no_exceptions:
        mine = [e for e in exceptions or [] if flows is None or not e.get("flow") or e.get("flow") in flows]
        ok = exceptions is not None and not mine
        message = (
            ""
            if ok
            else "the connector declares no exception queue"
            if exceptions is None
            else f"{len(mine)} entr{'y' if len(mine) == 1 else 'ies'}: "
            + "; ".join(f"[{e.get('category')}] {e.get('summary')}" for e in mine[:5])
        )
        assertions.append(
            AssertionResult("exceptions", "no exception from the scenario's flows", ok, message, mine[:10])
        )
    assertions += [check_journal(a, journals, resolver) for a in expect.journal]
    return invariants, assertions
