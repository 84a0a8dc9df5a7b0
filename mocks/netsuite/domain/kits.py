"""Kits on fulfilments: a kit line ships as its member components.

NetSuite shows the kit line itself (keyed to the order line by ``orderLine``) followed by one line per
member, each pointing back at the kit line through ``kitMemberOf``. Member lines carry no ``orderLine``:
they are not lines of the order (mikebian.co, split-shipment fulfilment, in netsuite-failures.md), which is
why a client that sends them as order lines is refused. Stock moves on the member lines only: a kit holds
no stock of its own.
"""

from __future__ import annotations

from typing import Any

from .records import Ctx
from .rules.references import rec_of
from .values import num

KIT = "Kit"


def expand_kits(ctx: Ctx, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fulfilment lines with every kit line followed by its member lines, numbered from 1."""
    out: list[dict[str, Any]] = []
    for ln in lines:
        kit_line = {**ln, "line": len(out) + 1}
        out.append(kit_line)
        item = rec_of(ctx, ln.get("item"), "item")
        if item is None or item.rtype.item_type != KIT:
            continue
        for member in item.lines("member"):
            component = rec_of(ctx, member.get("item"), "item")
            part: dict[str, Any] = {
                "line": len(out) + 1,
                "item": member["item"],
                "itemReceive": True,
                "quantity": round(num(member.get("quantity")) * num(ln.get("quantity")), 6),
                "kitMemberOf": kit_line["line"],
            }
            if component is not None:
                part["itemType"] = component.rtype.item_type
            if ln.get("location"):
                part["location"] = ln["location"]
            out.append(part)
    return out
