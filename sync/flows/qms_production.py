"""qms-production: QMS production runs -> NetSuite work orders and assembly builds with the finished lot number.

The QMS holds the recipes (MMR/BOM) and the production records; NetSuite gets the plan and the result:
- a run scheduled in the QMS becomes a work order (external id ``qms-run-<run id>``) for the run's planned
  quantity, its component lines taken from the QMS recipe; the QMS run is then linked to it (``workOrderRef``
  = the work order's number);
- a completed run whose output lot QC has released becomes an assembly build of that work order (external id
  ``qms-build-<run id>``) with the produced quantity, the finished lot as ``receiptInventoryNumber`` and each
  component lot the run actually consumed as ``issueInventoryNumber``. A quarantined output waits (it never
  reaches NetSuite stock before release); a rejected output or a cancelled run is parked for a person.
"""

from __future__ import annotations

from typing import Any

from ..clients.netsuite import ref
from .base import Context, Flow
from .nsrefs import NetSuiteRefs, require
from .qms_purchasing import qms, qms_location
from .work import Outcome, Park, WorkQueue, done, keyed, mappings_with_data, noop, skipped

KIND_WO = "work-order"
KIND_BUILD = "assembly-build"


class QmsProductionFlow(Flow):
    """QMS production runs -> NetSuite work orders and assembly builds."""

    name = "qms-production"
    systems = ("netsuite", "qms")
    description = (
        "QMS production runs -> NetSuite work orders (recipe components) and assembly builds with lots"
    )

    def __init__(self) -> None:
        self.work = WorkQueue(self.name)
        self.refs = NetSuiteRefs()
        self._items: dict[int, str | None] = {}

    def run(self, ctx: Context) -> None:
        """Stage new runs and completed ones, then write work orders and builds."""
        self.refs.for_pass(ctx)
        self._items = {}
        new = [
            r for r in qms(ctx).paged("/production-runs", unlinked="true") if r.get("status") != "CANCELLED"
        ]
        with ctx.state.tx() as session:
            for run in new:
                self.work.stage(ctx, session, f"qms-wo:{run['id']}", {"run": run["id"]}, reopen=())
        for run_id, (wo_id, data) in sorted(
            mappings_with_data(ctx, "netsuite", KIND_WO).items(), key=_numeric
        ):
            if data.get("open"):
                self._check_run(ctx, run_id, wo_id, data)
        self.work.process(
            ctx,
            lambda key, payload: self._write(ctx, key, payload),
            lambda key, payload: {"productionRun": payload["run"]},
        )

    def _check_run(self, ctx: Context, run_id: str, wo_id: str, data: dict[str, Any]) -> None:
        run = qms(ctx).get(f"/production-runs/{run_id}")
        status = run.get("status")
        if status == "CANCELLED":
            ctx.park(
                self.name,
                "cancelled_run",
                f"qms-run-cancelled:{run_id}",
                f"QMS production run {run.get('number')} was cancelled; NetSuite work order "
                f"{data.get('tranId')} is still open",
                records={"productionRun": run_id, "workOrder": wo_id},
            )
            ctx.state.set_mapping("netsuite", KIND_WO, run_id, wo_id, {**data, "open": False})
            return
        if status != "COMPLETED" or not run.get("outputLotId"):
            return
        lot = qms(ctx).get(f"/lots/{run['outputLotId']}")
        if lot.get("status") == "REJECTED":
            ctx.park(
                self.name,
                "quarantined_lot",
                f"qms-build:{run_id}",
                f"QMS production run {run.get('number')}: output lot {lot['lotNumber']} was rejected by QC; "
                "its components were consumed but nothing reaches NetSuite stock",
                records={
                    "productionRun": run_id,
                    "workOrder": wo_id,
                    "lot": lot["lotNumber"],
                    "consumptions": run.get("consumptions"),
                },
            )
            ctx.state.set_mapping("netsuite", KIND_WO, run_id, wo_id, {**data, "open": False})
            return
        if lot.get("status") == "RELEASED" or ctx.safeguards.off("push-quarantined-lots"):
            self.work.stage_now(ctx, f"qms-build:{run_id}", {"run": int(run_id), "wo": wo_id})

    # --- writing -------------------------------------------------------------------------------------------
    def _write(self, ctx: Context, key: str, payload: dict[str, Any]) -> Outcome:
        if key.startswith("qms-wo:"):
            return self._work_order(ctx, str(payload["run"]))
        return self._build(ctx, str(payload["run"]), str(payload["wo"]))

    def _ns_item(self, ctx: Context, qms_item: int) -> str:
        if qms_item not in self._items:
            self._items[qms_item] = qms(ctx).get(f"/items/{qms_item}").get("netsuiteId")
        return require(
            self._items[qms_item],
            "unknown_sku",
            f"QMS item {qms_item} is not mapped to a NetSuite item",
            qmsItem=qms_item,
        )

    def _work_order(self, ctx: Context, run_id: str) -> Outcome:
        mapped = ctx.state.mapped("netsuite", KIND_WO, run_id)
        if mapped is not None:
            return noop(workOrder=mapped)
        run = qms(ctx).get(f"/production-runs/{run_id}")
        if run.get("status") == "CANCELLED":
            return skipped("run cancelled before it reached NetSuite")
        recipe = qms(ctx).get(f"/recipes/{run['recipeId']}")
        planned = float(run["plannedQuantity"])
        location = require(
            qms_location(ctx),
            "unknown_location",
            "ERPSIM_SYNC_LOCATION_MAP has no 'qms' location to produce at",
        )
        body: dict[str, Any] = {
            "assemblyItem": {"id": self._ns_item(ctx, run["itemId"])},
            "quantity": planned,
            "location": {"id": location},
            "startDate": run.get("scheduledDate"),
            "memo": f"QMS run {run['number']}",
            "item": {
                "items": [
                    {
                        "item": {"id": self._ns_item(ctx, c["itemId"])},
                        "quantity": round(float(c["quantityPerUnit"]) * planned, 6),
                    }
                    for c in recipe.get("components", [])
                ]
            },
        }
        subsidiary = self.refs.location(ctx.netsuite, location).get("subsidiary")
        if subsidiary:
            body["subsidiary"] = {"id": str(subsidiary)}
        wo_id = ctx.netsuite.create_keyed("workOrder", keyed(ctx, body, f"qms-run-{run_id}"))
        tran_id = str(ctx.netsuite.get("workOrder", wo_id, expand=False).get("tranId") or wo_id)
        linked = qms(ctx).post(f"/production-runs/{run_id}/work-order", {"workOrderRef": tran_id})
        ctx.state.set_mapping("netsuite", KIND_WO, run_id, wo_id, {"open": True, "tranId": tran_id})
        return done(workOrder=wo_id, workOrderRef=linked.get("workOrderRef"))

    def _build(self, ctx: Context, run_id: str, wo_id: str) -> Outcome:
        posted = ctx.state.mapped("netsuite", KIND_BUILD, run_id)
        if posted is not None:
            return noop(assemblyBuild=posted)
        run = qms(ctx).get(f"/production-runs/{run_id}")
        lot = qms(ctx).get(f"/lots/{run['outputLotId']}")
        if lot.get("status") != "RELEASED" and ctx.safeguards.on("push-quarantined-lots"):
            return skipped(f"output lot is {lot.get('status')}")
        order = ctx.netsuite.get("workOrder", wo_id)
        location = require(
            ref(order.get("location")) or qms_location(ctx),
            "unknown_location",
            f"work order {order.get('tranId')} has no location",
        )
        produced = float(run["producedQuantity"])
        built = float(order.get("built") or 0)
        if produced > float(order.get("quantity") or 0) - built + 1e-9:
            ctx.netsuite.patch("workOrder", wo_id, {"quantity": built + produced})  # made more than planned
        components = []
        for item_id, lots in _consumed(run).items():
            ns_item = self._ns_item(ctx, item_id)
            line: dict[str, Any] = {"item": {"id": ns_item}, "quantity": round(sum(q for _, q in lots), 6)}
            if self.refs.is_lot_item(ctx.netsuite, ns_item):
                line["componentInventoryDetail"] = {
                    "inventoryAssignment": {
                        "items": [
                            {"issueInventoryNumber": {"id": self._lot(ctx, ns_item, number)}, "quantity": q}
                            for number, q in lots
                        ]
                    }
                }
            components.append(line)
        assembly = self._ns_item(ctx, run["itemId"])
        body: dict[str, Any] = {
            "quantity": produced,
            "location": {"id": location},
            "tranDate": ctx.period_policy.date_for(str(run.get("completedAt") or "")[:10], "inventory"),
            "memo": f"QMS run {run['number']} lot {lot['lotNumber']}",
            "component": {"items": components},
        }
        if self.refs.is_lot_item(ctx.netsuite, assembly):
            assignment: dict[str, Any] = {"receiptInventoryNumber": lot["lotNumber"], "quantity": produced}
            if lot.get("expiryDate"):
                assignment["expirationDate"] = lot["expiryDate"]
            body["inventoryDetail"] = {"quantity": produced, "inventoryAssignment": {"items": [assignment]}}
        build_id = ctx.netsuite.transform_keyed(
            "workOrder", wo_id, "assemblyBuild", keyed(ctx, body, f"qms-build-{run_id}")
        )
        ctx.state.set_mapping(
            "netsuite",
            KIND_BUILD,
            run_id,
            build_id,
            {"lot": lot["lotNumber"], "item": assembly, "location": location},
        )
        data = ctx.state.mapping_data("netsuite", KIND_WO, run_id) or {}
        ctx.state.set_mapping("netsuite", KIND_WO, run_id, wo_id, {**data, "open": False})
        return done(assemblyBuild=build_id, lot=lot["lotNumber"])

    def _lot(self, ctx: Context, ns_item: str, number: str) -> str:
        lot_id = self.refs.lot_id(ctx.netsuite, ns_item, number)
        if lot_id is None:
            raise Park(
                "unknown_lot",
                f"component lot {number} is not in NetSuite (its receipt has not posted)",
                {"lot": number, "item": ns_item},
            )
        return lot_id


def _consumed(run: dict[str, Any]) -> dict[int, list[tuple[str, float]]]:
    """The lots a run consumed, per component item: (lot number, quantity), merged per lot."""
    out: dict[int, dict[str, float]] = {}
    for c in run.get("consumptions", []):
        per_lot = out.setdefault(int(c["itemId"]), {})
        per_lot[c["lotNumber"]] = per_lot.get(c["lotNumber"], 0.0) + float(c["quantity"])
    return {item: list(lots.items()) for item, lots in out.items()}


def _numeric(entry: tuple[str, Any]) -> int:
    return int(entry[0]) if entry[0].isdigit() else 0
