"""Inventory transactions (adjustments, transfers), manufacturing (work orders, builds) and journals."""

from __future__ import annotations

import copy
from typing import Any

from ...errors import field_required, user_error
from .. import inventory
from ..records import Ctx, Rec
from ..values import num, ref_id
from .base import Rules, register
from .periods import assign_period, check_not_in_closed_period
from .references import rec_of
from .scope import check_scope
from .transactions import transaction_defaults

_EPS = 1e-9


def _locked_after_posting(rec: Rec, old: Rec | None, sublist: str) -> None:
    if old is not None and rec.lines(sublist) != old.lines(sublist):
        raise user_error(
            "Inventory lines of a posted transaction cannot be changed; delete it and enter a new one.",
            path=sublist,
        )


@register("inventoryAdjustment")
class InventoryAdjustmentRules(Rules):
    """Adjust quantity on hand by a signed amount per line (lots in and out, bins)."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Lines need an item, a location and a non-zero adjustment."""
        _locked_after_posting(rec, old, "inventory")
        transaction_defaults(ctx, rec, old)
        if not rec.lines("inventory"):
            raise user_error(
                "You must have at least one valid line item for this transaction.", path="inventory"
            )
        for i, ln in enumerate(rec.lines("inventory")):
            if not ln.get("location"):
                if not rec.body.get("adjLocation"):
                    raise field_required(["Location"], path=f"inventory.items[{i}].location")
                ln["location"] = rec.body["adjLocation"]
            if "adjustQtyBy" not in ln and "newQuantity" not in ln:
                raise field_required(["Adjust Qty. By"], path=f"inventory.items[{i}].adjustQtyBy")
        check_scope(ctx, rec, ("inventory",))
        assign_period(ctx, rec, old)

    def apply(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Post the adjustments (newQuantity becomes the difference to on hand)."""
        if old is not None:
            return
        # Lines of plain items (no lots, bins or detail) that adjust by a quantity are moved together, in one
        # statement; anything else first moves those before it, so every line sees (and fails on) exactly
        # the stock it would have one line at a time.
        plain: list[tuple[int, int, float, str]] = []
        for i, ln in enumerate(rec.lines("inventory")):
            item = ctx.engine.ref_view(
                ln.get("item"), "item"
            )  # read only: the adjustment never changes items
            loc = int(ref_id(ln.get("location")) or 0)
            if (
                item is not None
                and "adjustQtyBy" in ln
                and not (ln.get("inventoryDetail") or {}).get("inventoryAssignment")
                and inventory.is_plain(item)
            ):
                plain.append((item.id, loc, num(ln["adjustQtyBy"]), f"inventory.items[{i}].quantity"))
                continue
            inventory.move_many(ctx, plain)
            plain = []
            if item is None or not inventory.is_inventory_item(item):
                raise user_error("Only inventory items can be adjusted.", path=f"inventory.items[{i}].item")
            if "adjustQtyBy" not in ln:
                ln["adjustQtyBy"] = num(ln["newQuantity"]) - inventory.on_hand(ctx, item.id, loc)
            inventory.apply_detail(
                ctx, item, loc, num(ln["adjustQtyBy"]), ln.get("inventoryDetail"), f"inventory.items[{i}]"
            )
        inventory.move_many(ctx, plain)
        ctx.engine.store(ctx, rec)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Reverse the adjustment."""
        check_not_in_closed_period(ctx, rec)
        for i, ln in enumerate(rec.lines("inventory")):
            item = rec_of(ctx, ln.get("item"), "item")
            if item is not None:
                inventory.apply_detail(
                    ctx,
                    item,
                    int(ref_id(ln.get("location")) or 0),
                    -num(ln.get("adjustQtyBy")),
                    _reverse_detail(ln.get("inventoryDetail")),
                    f"inventory.items[{i}]",
                )


def _reverse_detail(detail: dict[str, Any] | None) -> dict[str, Any] | None:
    """A detail that issues back what a receipt-style detail received (and vice versa by lot id)."""
    if not detail:
        return detail
    out = copy.deepcopy(detail)
    for a in out.get("inventoryAssignment") or []:
        if a.pop("receiptInventoryNumber", None) is not None and a.get("_lotId"):
            a["issueInventoryNumber"] = a["_lotId"]
    return out


@register("inventoryTransfer")
class InventoryTransferRules(Rules):
    """Move stock between two locations of the same subsidiary (lots keep their numbers)."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Different from/to locations and positive quantities."""
        _locked_after_posting(rec, old, "inventory")
        transaction_defaults(ctx, rec, old)
        if ref_id(rec.body.get("location")) == ref_id(rec.body.get("transferLocation")):
            raise user_error("The from and to locations must be different.", path="transferLocation")
        if not rec.lines("inventory"):
            raise user_error(
                "You must have at least one valid line item for this transaction.", path="inventory"
            )
        for i, ln in enumerate(rec.lines("inventory")):
            if num(ln.get("adjustQtyBy")) <= 0:
                raise user_error(
                    "The quantity to transfer must be greater than zero.",
                    path=f"inventory.items[{i}].adjustQtyBy",
                )
        check_scope(ctx, rec, ("inventory",))
        assign_period(ctx, rec, old)

    def apply(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Out of the source location, into the destination."""
        if old is not None:
            return
        src = int(ref_id(rec.body.get("location")) or 0)
        dst = int(ref_id(rec.body.get("transferLocation")) or 0)
        for i, ln in enumerate(rec.lines("inventory")):
            item = rec_of(ctx, ln.get("item"), "item")
            if item is None or not inventory.is_inventory_item(item):
                raise user_error(
                    "Only inventory items can be transferred.", path=f"inventory.items[{i}].item"
                )
            inventory.apply_detail(
                ctx,
                item,
                src,
                -num(ln["adjustQtyBy"]),
                ln.get("inventoryDetail"),
                f"inventory.items[{i}]",
                to_location_id=dst,
            )

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Move the stock back."""
        check_not_in_closed_period(ctx, rec)
        src = int(ref_id(rec.body.get("location")) or 0)
        dst = int(ref_id(rec.body.get("transferLocation")) or 0)
        for i, ln in enumerate(rec.lines("inventory")):
            item = rec_of(ctx, ln.get("item"), "item")
            if item is not None:
                inventory.apply_detail(
                    ctx,
                    item,
                    dst,
                    -num(ln["adjustQtyBy"]),
                    _swap_bins(ln.get("inventoryDetail")),
                    f"inventory.items[{i}]",
                    to_location_id=src,
                )


def _swap_bins(detail: dict[str, Any] | None) -> dict[str, Any] | None:
    if not detail:
        return detail
    out = copy.deepcopy(detail)
    for a in out.get("inventoryAssignment") or []:
        a["binNumber"], a["toBinNumber"] = a.get("toBinNumber"), a.get("binNumber")
    return out


def bom_of(ctx: Ctx, assembly: Rec) -> list[tuple[Rec, float]]:
    """The components of an assembly item and their quantity per unit."""
    out = []
    for ln in assembly.lines("member"):
        comp = rec_of(ctx, ln.get("item"), "item")
        if comp is not None:
            out.append((comp, num(ln.get("quantity"))))
    return out


@register("workOrder")
class WorkOrderRules(Rules):
    """Work orders for assembly items: A Planned, B Released, D In Process, G Built, H Closed."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Components from the bill of materials; status from built quantity."""
        transaction_defaults(ctx, rec, old)
        body = rec.body
        assembly = rec_of(ctx, body.get("assemblyItem"), "item")
        if assembly is None or assembly.rtype.item_type != "Assembly":
            raise user_error("The item on a work order must be an assembly item.", path="assemblyItem")
        if num(body.get("quantity")) <= 0:
            raise user_error("The quantity must be greater than zero.", path="quantity")
        if old is None:
            body["orderStatus"] = body.get("orderStatus") or "B"
            body["built"] = 0
            if not rec.lines("item"):
                body["item"] = [
                    {
                        "line": i + 1,
                        "item": {"id": str(c.id)},
                        "bomQuantity": q,
                        "quantity": q * num(body["quantity"]),
                    }
                    for i, (c, q) in enumerate(bom_of(ctx, assembly))
                ]
        elif num(body.get("quantity")) + _EPS < num(old.body.get("built")):
            raise user_error("The quantity cannot be less than the quantity already built.", path="quantity")
        body["unbuilt"] = max(0.0, num(body["quantity"]) - num(body.get("built")))
        check_scope(ctx, rec, ())
        body["status"] = workorder_status(body)


def workorder_status(body: dict[str, Any]) -> str:
    """A Planned, B Released, D In Process (partly built), G Built."""
    built = num(body.get("built"))
    if built >= num(body.get("quantity")) - _EPS:
        return "G"
    if built > 0:
        return "D"
    return body.get("orderStatus") or "B"


@register("assemblyBuild")
class AssemblyBuildRules(Rules):
    """Builds consume components and produce the assembly (lot-numbered assemblies receive a lot)."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Components from the BOM when not given; build quantity within the work order."""
        if old is not None and (
            rec.lines("component") != old.lines("component")
            or rec.body.get("quantity") != old.body.get("quantity")
        ):
            raise user_error("A posted assembly build cannot be changed; delete it and build again.")
        transaction_defaults(ctx, rec, old)
        body = rec.body
        assembly = rec_of(ctx, body.get("item"), "item")
        if assembly is None or assembly.rtype.item_type != "Assembly":
            raise user_error("The item on an assembly build must be an assembly item.", path="item")
        qty = num(body.get("quantity"))
        if qty <= 0:
            raise user_error("The quantity must be greater than zero.", path="quantity")
        if not body.get("location"):
            raise field_required(["Location"], path="location")
        if old is None:
            given = {ref_id(c.get("item")): c for c in rec.lines("component")}
            comps = []
            for i, (comp, per) in enumerate(bom_of(ctx, assembly)):
                line = {"line": i + 1, "item": {"id": str(comp.id)}, "quantity": round(per * qty, 6)}
                extra = given.get(str(comp.id))
                if extra is not None:
                    line["quantity"] = num(extra.get("quantity", line["quantity"]))
                    if extra.get("componentInventoryDetail"):
                        line["componentInventoryDetail"] = extra["componentInventoryDetail"]
                comps.append(line)
            body["component"] = comps
        check_scope(ctx, rec, ())
        assign_period(ctx, rec, old)

    def apply(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Consume components and put the built assemblies into stock."""
        if old is not None:
            return
        loc = int(ref_id(rec.body.get("location")) or 0)
        for i, ln in enumerate(rec.lines("component")):
            comp = rec_of(ctx, ln.get("item"), "item")
            if comp is not None:
                inventory.apply_detail(
                    ctx,
                    comp,
                    loc,
                    -num(ln["quantity"]),
                    ln.get("componentInventoryDetail"),
                    f"component.items[{i}]",
                )
        assembly = rec_of(ctx, rec.body.get("item"), "item")
        assert assembly is not None
        inventory.apply_detail(
            ctx, assembly, loc, num(rec.body["quantity"]), rec.body.get("inventoryDetail"), ""
        )

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Unbuild: the assemblies leave stock and the components come back."""
        check_not_in_closed_period(ctx, rec)
        loc = int(ref_id(rec.body.get("location")) or 0)
        assembly = rec_of(ctx, rec.body.get("item"), "item")
        if assembly is not None:
            inventory.apply_detail(
                ctx,
                assembly,
                loc,
                -num(rec.body["quantity"]),
                _reverse_detail(rec.body.get("inventoryDetail")),
                "",
            )
        for i, ln in enumerate(rec.lines("component")):
            comp = rec_of(ctx, ln.get("item"), "item")
            if comp is not None:
                inventory.apply_detail(
                    ctx,
                    comp,
                    loc,
                    num(ln["quantity"]),
                    ln.get("componentInventoryDetail"),
                    f"component.items[{i}]",
                )
        wo = rec_of(ctx, rec.body.get("createdFrom"), "transaction")
        if wo is not None and wo.rtype.name == "workOrder":
            wo.body["built"] = max(0.0, num(wo.body.get("built")) - num(rec.body.get("quantity")))
            wo.body["unbuilt"] = num(wo.body.get("quantity")) - wo.body["built"]
            wo.body["status"] = workorder_status(wo.body)
            ctx.engine.store(ctx, wo, header_changed=False)


@register("journalEntry")
class JournalEntryRules(Rules):
    """Journal entries: at least two lines, each a debit or a credit, and debits equal credits."""

    def prepare(self, ctx: Ctx, rec: Rec, old: Rec | None) -> None:
        """Balance check and posting period."""
        transaction_defaults(ctx, rec, old)
        lines = rec.lines("line")
        if len(lines) < 2:
            raise user_error("A journal entry needs at least two lines.", path="line")
        debit = credit = 0.0
        for i, ln in enumerate(lines):
            d, c = num(ln.get("debit")), num(ln.get("credit"))
            if (d > 0) == (c > 0) or d < 0 or c < 0:
                raise user_error(
                    "Each journal line needs either a debit or a credit amount.", path=f"line.items[{i}]"
                )
            debit += d
            credit += c
        if abs(debit - credit) > 0.005:
            raise user_error(
                f"The transaction is out of balance: debits {debit:.2f}, credits {credit:.2f}.", path="line"
            )
        rec.body["total"] = round(debit, 2)
        check_scope(ctx, rec, ("line",))
        assign_period(ctx, rec, old)

    def before_delete(self, ctx: Ctx, rec: Rec) -> None:
        """Refused in a closed period."""
        check_not_in_closed_period(ctx, rec)
