"""Lots: only released lots are in NetSuite stock, and a recalled lot is locked everywhere it went."""

from __future__ import annotations

from . import Context, Finding, NotApplicable, invariant


@invariant("netsuite_lots_released", "lots")
def netsuite_lots_released(ctx: Context) -> list[Finding]:
    """Every lot with stock on hand in NetSuite is a QMS lot that passed inspection (RELEASED, or consumed,
    shipped or locked after its release)."""
    qms_lots = {lot["lot_number"]: lot for lot in ctx.state.get("qms", {}).get("qms_lots", [])}
    numbers = {int(r["id"]): r["body"].get("inventoryNumber") for r in ctx.netsuite.all("inventoryNumber")}
    findings: list[Finding] = []
    checked = 0
    for row in ctx.state.get("netsuite", {}).get("inventory", []):
        if not row.get("lot") or float(row["onHand"]) <= 0:
            continue
        checked += 1
        number = numbers.get(int(row["lot"]))
        lot = qms_lots.get(number) if number else None
        if lot is None:
            findings.append(Finding(f"NetSuite holds lot {number or row['lot']} that the QMS does not know",
                                    [{"system": "netsuite", **row, "lotNumber": number}]))
        elif lot.get("inspection_result") != "PASS":
            findings.append(Finding(f"NetSuite holds lot {number}, which the QMS has as {lot['status']} "
                                    f"(never released)", [{"system": "netsuite", **row, "lotNumber": number},
                                                          {"system": "qms", "type": "lot", **lot}]))
    if not checked:
        raise NotApplicable("NetSuite holds no lot-numbered stock")
    return findings


@invariant("recalled_lot_locked_everywhere", "lots")
def recalled_lot_locked_everywhere(ctx: Context) -> list[Finding]:
    """Every lot made from a locked (recalled) lot is locked too, and NetSuite shipped nothing from a locked
    lot after it was locked."""
    qms = ctx.state.get("qms", {})
    lots = {lot["id"]: lot for lot in qms.get("qms_lots", [])}
    locked = [lot for lot in lots.values() if lot["status"] == "LOCKED"]
    if not locked:
        raise NotApplicable("no lot is locked")
    runs = {r["id"]: r for r in qms.get("qms_production_runs", [])}
    consumed_by: dict[int, list[int]] = {}
    for c in qms.get("qms_consumptions", []):
        run = runs.get(c["run_id"])
        if run and run.get("output_lot_id"):
            consumed_by.setdefault(int(c["lot_id"]), []).append(int(run["output_lot_id"]))
    findings: list[Finding] = []
    for lot in locked:
        stack, seen = [int(lot["id"])], set()
        while stack:
            current = stack.pop()
            for child in consumed_by.get(current, []):
                if child in seen:
                    continue
                seen.add(child)
                stack.append(child)
                if lots.get(child, {}).get("status") != "LOCKED":
                    findings.append(Finding(f"lot {lots[child]['lot_number']} was made from recalled lot "
                                            f"{lot['lot_number']} but is {lots[child]['status']}",
                                            [{"system": "qms", "type": "lot", **lots[child]},
                                             {"system": "qms", "type": "lot", **lot}]))
        for f in ctx.netsuite.all("itemFulfillment"):
            if lot["lot_number"] in str(f["body"]) and str(f.get("createdAt", "")) > str(lot.get("locked_at") or "~"):
                findings.append(Finding(f"NetSuite fulfilment {f['id']} shipped recalled lot {lot['lot_number']} "
                                        f"after it was locked", [{"system": "netsuite", "type": "itemFulfillment",
                                                                   "id": f["id"], "body": f["body"]}]))
    return findings
