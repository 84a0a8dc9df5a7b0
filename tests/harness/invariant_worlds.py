"""Small hand-made worlds for the invariant tests: NetSuite records, a sales order, WMS orders, a Context."""

from __future__ import annotations

from typing import Any

from harness.invariants import Context, check
from harness.refs import RefMap

TENT, GUIDE, SO = 10, 11, 20


def _rec(rid: int, body: dict[str, Any], created: str = "2026-01-05T09:00:00+00:00") -> dict[str, Any]:
    return {"id": rid, "createdAt": created, "body": body}


def _so(status: str = "B", closed: bool = False, tran: str = "SO1") -> dict[str, Any]:
    return _rec(
        SO,
        {
            "tranId": tran,
            "externalId": tran,
            "status": status,
            "item": [
                {"line": 1, "item": {"id": str(TENT)}, "quantity": 2.0, "isClosed": closed},
                {"line": 2, "item": {"id": str(GUIDE)}, "quantity": 1.0, "isClosed": closed},
            ],
        },
    )


def _order(
    oid: int, status: str = "NEW", lines: list[tuple[str, int]] | None = None, tracking: str | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    order = {
        "id": oid,
        "client_reference": "SO1" if oid == 1 else f"SO1-{oid}",
        "external_id": str(SO),
        "status": status,
        "hold_reason": None,
        "tracking_number": tracking,
    }
    rows = [
        {
            "order_id": oid,
            "line_index": i,
            "sku": sku,
            "quantity": q,
            "quantity_picked": q,
            "quantity_shipped": q if status == "DESPATCHED" else 0,
        }
        for i, (sku, q) in enumerate(lines or [("TENT", 2)])
    ]
    return order, rows


def _ctx(
    records: dict[str, list[dict[str, Any]]] | None = None,
    orders: list[Any] | None = None,
    exceptions: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    refs: RefMap | None = None,
) -> Context:
    base = {
        "inventoryItem": [_rec(TENT, {"itemId": "TENT"})],
        "downloadItem": [_rec(GUIDE, {"itemId": "GUIDE"})],
    }
    base.update(records or {})
    wms = {
        "wms_orders": [o for o, _ in orders or []],
        "wms_order_lines": [ln for _, ls in orders or [] for ln in ls],
        "wms_products": [{"sku": "TENT", "external_id": str(TENT)}],
    }
    state = {"netsuite": {"records": base, "inventory": []}, "wms": wms, **(extra or {})}
    return Context(state=state, journals={}, exceptions=exceptions, refs=refs or RefMap())


def _messages(name: str, ctx: Context, **params: Any) -> list[str]:
    result = check(name, ctx, params)
    assert result.valid == (not result.findings)
    return [f.message for f in result.findings]
