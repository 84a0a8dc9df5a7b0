"""Lots: only released lots are in NetSuite stock, each received once, fulfilments ship released lots only, builds
trace their inputs, and a recalled lot is locked everywhere it went (held out of sale in NetSuite too)."""

from __future__ import annotations

from typing import Any

from . import Context, Finding, NotApplicable, invariant


def _assignments(line: dict[str, Any], detail: str = "inventoryDetail") -> list[dict[str, Any]]:
    """The lot assignments of one transaction line (a list, or a sublist with ``items``)."""
    assignment = (line.get(detail) or {}).get("inventoryAssignment") or []
    return list(assignment.get("items", []) if isinstance(assignment, dict) else assignment)


def _lines(body: dict[str, Any], sublist: str = "item") -> list[dict[str, Any]]:
    lines = body.get(sublist) or []
    return list(lines.get("items", []) if isinstance(lines, dict) else lines)


def _issued_number(entry: dict[str, Any], numbers: dict[int, str]) -> str | None:
    """The lot number an assignment issues (``issueInventoryNumber`` is a reference to an inventoryNumber)."""
    issued = entry.get("issueInventoryNumber")
    if isinstance(issued, dict):
        issued = issued.get("id")
    if issued is None:
        return None
    return numbers.get(int(issued)) if str(issued).isdigit() else str(issued)


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
            findings.append(
                Finding(
                    f"NetSuite holds lot {number or row['lot']} that the QMS does not know",
                    [{"system": "netsuite", **row, "lotNumber": number}],
                )
            )
        elif lot.get("inspection_result") != "PASS":
            findings.append(
                Finding(
                    f"NetSuite holds lot {number}, which the QMS has as {lot['status']} (never released)",
                    [
                        {"system": "netsuite", **row, "lotNumber": number},
                        {"system": "qms", "type": "lot", **lot},
                    ],
                )
            )
    if not checked:
        raise NotApplicable("NetSuite holds no lot-numbered stock")
    return findings


@invariant("recalled_lot_locked_everywhere", "lots")
def recalled_lot_locked_everywhere(ctx: Context) -> list[Finding]:
    """Every lot made from a locked (recalled) lot is locked too, no NetSuite stock of a locked lot is left at a
    location that makes inventory available (it is held out of sale), and NetSuite shipped nothing from a locked
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
    numbers = {
        int(r["id"]): str(r["body"].get("inventoryNumber")) for r in ctx.netsuite.all("inventoryNumber")
    }
    findings: list[Finding] = recall_holds(ctx, locked)
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
                    findings.append(
                        Finding(
                            f"lot {lots[child]['lot_number']} was made from recalled lot "
                            f"{lot['lot_number']} but is {lots[child]['status']}",
                            [
                                {"system": "qms", "type": "lot", **lots[child]},
                                {"system": "qms", "type": "lot", **lot},
                            ],
                        )
                    )
        for f in ctx.netsuite.all("itemFulfillment"):
            if lot["lot_number"] in _issued_lots(f["body"], numbers) and str(f.get("createdAt", "")) > str(
                lot.get("locked_at") or "~"
            ):
                findings.append(
                    Finding(
                        f"NetSuite fulfilment {f['id']} shipped recalled lot {lot['lot_number']} "
                        f"after it was locked",
                        [{"system": "netsuite", "type": "itemFulfillment", "id": f["id"], "body": f["body"]}],
                    )
                )
    return findings


@invariant("lots_received_once", "lots")
def lots_received_once(ctx: Context) -> list[Finding]:
    """Every lot the QMS received and QC released is received into NetSuite exactly once, for the quantity the QMS
    received (NetSuite item receipts, by ``receiptInventoryNumber``); a lot QC never released is not received."""
    qms_lots = [lot for lot in ctx.state.get("qms", {}).get("qms_lots", []) if lot.get("source") == "RECEIPT"]
    if not qms_lots:
        raise NotApplicable("the QMS received no lot")
    received: dict[str, list[tuple[Any, float]]] = {}
    for rec in ctx.netsuite.all("itemReceipt"):
        for line in _lines(rec["body"]):
            for entry in _assignments(line):
                number = entry.get("receiptInventoryNumber")
                if number:
                    received.setdefault(str(number), []).append(
                        (rec["id"], float(entry.get("quantity") or 0))
                    )
    findings: list[Finding] = []
    for lot in qms_lots:
        number, expected = lot["lot_number"], lot["initial_m"] / 1000
        got = received.get(number, [])
        total = round(sum(q for _, q in got), 6)
        evidence = [
            {
                "system": "qms",
                "type": "lot",
                "lotNumber": number,
                "status": lot["status"],
                "inspection": lot.get("inspection_result"),
                "received": expected,
            },
            *({"system": "netsuite", "type": "itemReceipt", "id": rid, "quantity": q} for rid, q in got),
        ]
        if lot.get("inspection_result") != "PASS":
            if got:
                findings.append(
                    Finding(
                        f"NetSuite received lot {number}, which QC never released ({lot['status']})", evidence
                    )
                )
        elif not got:
            if not ctx.flagged(number):
                findings.append(
                    Finding(
                        f"released lot {number} never reached NetSuite (nor the exception queue)", evidence
                    )
                )
        elif len(got) > 1 or abs(total - expected) > 1e-6:
            findings.append(
                Finding(
                    f"lot {number}: NetSuite received {total:g} in {len(got)} receipt(s), the QMS "
                    f"received {expected:g}",
                    evidence,
                )
            )
    return findings


@invariant("fulfilments_ship_released_lots", "lots")
def fulfilments_ship_released_lots(ctx: Context) -> list[Finding]:
    """Every lot a NetSuite item fulfilment issues passed QC in the QMS (released, or shipped, consumed or locked
    after its release): no fulfilment ever picks a quarantined or rejected lot."""
    qms_lots = {lot["lot_number"]: lot for lot in ctx.state.get("qms", {}).get("qms_lots", [])}
    numbers = {
        int(r["id"]): str(r["body"].get("inventoryNumber")) for r in ctx.netsuite.all("inventoryNumber")
    }
    findings: list[Finding] = []
    checked = 0
    for rec in ctx.netsuite.all("itemFulfillment"):
        for line in _lines(rec["body"]):
            for entry in _assignments(line):
                number = _issued_number(entry, numbers)
                if number is None:
                    continue
                checked += 1
                lot = qms_lots.get(number)
                if lot is None or lot.get("inspection_result") != "PASS":
                    status = lot["status"] if lot else "unknown to the QMS"
                    findings.append(
                        Finding(
                            f"NetSuite fulfilment {rec['body'].get('tranId') or rec['id']} ships lot {number}, which "
                            f"QC never released ({status})",
                            [
                                {
                                    "system": "netsuite",
                                    "type": "itemFulfillment",
                                    "id": rec["id"],
                                    "lotNumber": number,
                                    "quantity": entry.get("quantity"),
                                },
                                *([{"system": "qms", "type": "lot", **lot}] if lot else []),
                            ],
                        )
                    )
    if not checked:
        raise NotApplicable("no NetSuite fulfilment issues a lot")
    return findings


def _issued_lots(body: dict[str, Any], numbers: dict[int, str]) -> set[str]:
    """The lot numbers a fulfilment issues (``issueInventoryNumber`` references, or numbers given as text)."""
    return {
        n
        for line in _lines(body)
        for entry in _assignments(line)
        if (n := _issued_number(entry, numbers)) is not None
    }


def _available_locations(ctx: Context) -> set[int]:
    """Locations whose stock is available for sale (NetSuite's ``makeInventoryAvailable``, on by default)."""
    return {
        int(r["id"])
        for r in ctx.netsuite.all("location")
        if r["body"].get("makeInventoryAvailable") is not False
    }


def recall_holds(ctx: Context, locked: list[dict[str, Any]]) -> list[Finding]:
    """Findings for locked lots still on hand in NetSuite at a location that makes inventory available."""
    numbers = {
        str(r["body"].get("inventoryNumber")): int(r["id"]) for r in ctx.netsuite.all("inventoryNumber")
    }
    available = _available_locations(ctx)
    findings = []
    for lot in locked:
        ns_lot = numbers.get(lot["lot_number"])
        if ns_lot is None:
            continue
        for row in ctx.state.get("netsuite", {}).get("inventory", []):
            if row.get("lot") == ns_lot and int(row["location"]) in available and float(row["onHand"]) > 0:
                findings.append(
                    Finding(
                        f"recalled lot {lot['lot_number']} is still available for sale in NetSuite: "
                        f"{float(row['onHand']):g} on hand at location {row['location']}",
                        [
                            {"system": "netsuite", **row, "lotNumber": lot["lot_number"]},
                            {"system": "qms", "type": "lot", **lot},
                        ],
                    )
                )
    return findings


@invariant("builds_trace_their_lots", "lots")
def builds_trace_their_lots(ctx: Context) -> list[Finding]:
    """Every QMS production run whose finished lot QC released is one NetSuite assembly build that receives that
    lot and issues exactly the component lots (and quantities) the run consumed: the genealogy from raw
    materials to finished goods is the same in both systems."""
    qms = ctx.state.get("qms", {})
    lots = {int(lot["id"]): lot for lot in qms.get("qms_lots", [])}
    runs = [r for r in qms.get("qms_production_runs", []) if r.get("output_lot_id")]
    if not runs:
        raise NotApplicable("no QMS production run has an output lot")
    numbers = {
        int(r["id"]): str(r["body"].get("inventoryNumber")) for r in ctx.netsuite.all("inventoryNumber")
    }
    builds: dict[str, list[dict[str, Any]]] = {}
    for rec in ctx.netsuite.all("assemblyBuild"):
        for entry in _assignments(rec["body"]):
            if entry.get("receiptInventoryNumber"):
                builds.setdefault(str(entry["receiptInventoryNumber"]), []).append(rec)
    findings: list[Finding] = []
    for run in runs:
        output = lots.get(int(run["output_lot_id"]), {})
        number = output.get("lot_number")
        found = builds.get(str(number), [])
        evidence: list[dict[str, Any]] = [
            {
                "system": "qms",
                "type": "productionRun",
                "id": run["id"],
                "outputLot": number,
                "status": output.get("status"),
            }
        ]
        if output.get("inspection_result") != "PASS":
            continue  # a lot QC never released: netsuite_lots_released and lots_received_once cover it
        if len(found) != 1:
            if found or not ctx.flagged(number, run["id"]):
                findings.append(
                    Finding(
                        f"finished lot {number} of QMS run {run['id']} is received by "
                        f"{len(found)} NetSuite assembly builds",
                        evidence,
                    )
                )
            continue
        want: dict[str, float] = {}
        for c in qms.get("qms_consumptions", []):
            if c["run_id"] == run["id"]:
                lot_number = lots.get(int(c["lot_id"]), {}).get("lot_number", str(c["lot_id"]))
                want[lot_number] = round(want.get(lot_number, 0.0) + c["quantity_m"] / 1000, 6)
        got: dict[str, float] = {}
        for line in _lines(found[0]["body"], "component"):
            for entry in _assignments(line, "componentInventoryDetail"):
                issued = _issued_number(entry, numbers)
                if issued is not None:
                    got[issued] = round(got.get(issued, 0.0) + float(entry.get("quantity") or 0), 6)
        if got != want:
            findings.append(
                Finding(
                    f"NetSuite build {found[0]['body'].get('tranId') or found[0]['id']} of finished lot {number} issues "
                    f"{_lot_list(got)}; QMS run {run['id']} consumed {_lot_list(want)}",
                    [
                        *evidence,
                        {"system": "netsuite", "type": "assemblyBuild", "id": found[0]["id"], "issued": got},
                    ],
                )
            )
    return findings


def _lot_list(quantities: dict[str, float]) -> str:
    return ", ".join(f"{n} x {q:g}" for n, q in sorted(quantities.items())) or "no lot"
