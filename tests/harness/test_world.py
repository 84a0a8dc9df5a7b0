"""One world: a coherent seed mirrored across systems, one clock, fault plans per system, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.clients import pos_base_path
from harness.commands import main as harness_main
from harness.scenario import WorldSpec
from harness.seeding import seed_world
from harness.world import World, WorldServer, WorldStartError

from ..conftest import WebhookReceiver

SPEC = {
    "locations": [{"ref": "MAIN"}, {"ref": "SHOP", "kind": "store"}],
    "items": [
        {"ref": "TENT", "sku": "TENT-2P", "stock": {"MAIN": 10, "SHOP": 4}, "price": 149},
        {"ref": "GUIDE", "kind": "download"},
        {
            "ref": "FLOUR",
            "kind": "lot",
            "lots": [
                {"number": "L-1", "quantity": 5},
                {"number": "L-Q", "quantity": 3, "status": "QUARANTINE"},
            ],
        },
        {"ref": "ODD", "skus": {"wms": "ODD-WMS"}},
        {"ref": "GHOST", "mirror": []},
    ],
    "customers": [{"ref": "C1", "email": "ann@example.test"}],
    "vendors": 1,
    "sales_orders": [
        {"ref": "SO1", "lines": [{"item": "TENT", "quantity": 2}, {"item": "GUIDE", "quantity": 1}]}
    ],
}


def test_the_seed_is_coherent_across_systems(world: World) -> None:
    refs = seed_world(world, WorldSpec.model_validate(SPEC))
    state = world.state()
    ns = state["netsuite"]["records"]
    tent = refs.id("TENT")
    assert next(r for r in ns["inventoryItem"] if r["id"] == tent)["body"]["itemId"] == "TENT-2P"
    so = next(r for r in ns["salesOrder"] if r["id"] == refs.id("SO1"))["body"]
    assert [ln["item"]["id"] for ln in so["item"]] == [str(tent), str(refs.id("GUIDE"))]
    assert so["shippingAddress"]["country"] == "GB" and so["status"] == "B"
    # WMS: physical items only, keyed by NetSuite id; the same stock; a deliberately different SKU; a missing master
    products = {p["sku"]: p for p in state["wms"]["wms_products"]}
    assert set(products) == {"TENT-2P", "FLOUR", "ODD-WMS"}
    assert products["TENT-2P"]["external_id"] == str(tent)
    assert products["ODD-WMS"]["external_id"] == str(refs.id("ODD"))
    stock = {(s["sku"], s["warehouse_id"]): s["on_hand"] for s in state["wms"]["wms_stock"]}
    assert stock == {("TENT-2P", 1): 10, ("FLOUR", 1): 5}
    assert {(r["item"], r["location"]): r["onHand"] for r in state["netsuite"]["inventory"]} == {
        (tent, refs.id("MAIN")): 10.0,
        (tent, refs.id("SHOP")): 4.0,
        (refs.id("FLOUR"), refs.id("MAIN")): 5.0,
    }
    # POS: the store (externalid = NetSuite location id), its stock, the customer by email
    store = state["pos"]["pos_stores"][0]
    assert store["externalid"] == str(refs.id("SHOP"))
    items = {(w["sku"], w["warehouseid"]): w["total_milli"] for w in state["pos"]["pos_warehouse_items"]}
    assert items[("TENT-2P", refs.get("SHOP", "pos"))] == 4000
    user = state["pos"]["pos_users"][0]
    assert (user["email"], user["externalid"]) == ("ann@example.test", str(refs.id("C1")))
    # QMS: lot items with their NetSuite id and lots; AP: the vendor, synced with its NetSuite id
    qms_item = state["qms"]["qms_items"][0]
    assert (qms_item["sku"], qms_item["netsuite_id"]) == ("FLOUR", str(refs.id("FLOUR")))
    # a released lot passed the QMS's inspection; a quarantined one is in the QMS only (not NetSuite or WMS stock)
    assert [
        (lot["lot_number"], lot["status"], lot["inspection_result"], lot["inspected_by"])
        for lot in state["qms"]["qms_lots"]
    ] == [("L-1", "RELEASED", "PASS", "opening stock"), ("L-Q", "QUARANTINE", None, None)]
    assert [n["body"]["inventoryNumber"] for n in ns["inventoryNumber"]] == ["L-1"]
    vendor = next(p for p in state["ap"]["ap_parties"] if p["role"] == "vendor")
    assert (vendor["external_id"], vendor["synced"]) == (str(refs.id("V1")), True)
    assert refs.get("GHOST", "wms") is None and refs.get("GHOST", "pos") is None
    # a world with a store has what POS postings need: the tills' payment methods, a discount item, 20% VAT
    assert sorted(r["body"]["name"] for r in ns["paymentMethod"]) == ["Card", "Cash", "Gift card"]
    assert [r["body"]["itemId"] for r in ns["discountItem"]] == ["POS Discount"]
    assert [(r["body"]["itemId"], r["body"]["rate"]) for r in ns["salesTaxItem"]] == [("VAT20", "20%")]


def test_a_lot_assembly_has_its_bill_of_materials_and_is_a_qms_finished_good(world: World) -> None:
    spec = WorldSpec.model_validate(
        {
            "items": [
                {"ref": "COCOA", "kind": "lot", "lots": [{"number": "C-1", "quantity": 8}]},
                {"ref": "BAR", "kind": "lotAssembly", "components": {"COCOA": 0.5}},
            ]
        }
    )
    refs = seed_world(world, spec)
    state = world.state()
    [bar] = state["netsuite"]["records"]["lotNumberedAssemblyItem"]
    assert (bar["id"], [(m["item"]["id"], m["quantity"]) for m in bar["body"]["member"]]) == (
        refs.id("BAR"),
        [(str(refs.id("COCOA")), 0.5)],
    )
    assert [(i["sku"], i["type"]) for i in state["qms"]["qms_items"]] == [
        ("COCOA", "RAW_MATERIAL"),
        ("BAR", "FINISHED_GOOD"),
    ]
    with pytest.raises(ValueError, match="component 'BAR' must be an item declared before it"):
        WorldSpec.model_validate(
            {
                "items": [
                    {"ref": "KIT", "kind": "assembly", "components": {"BAR": 1}},
                    {"ref": "BAR", "kind": "lotAssembly"},
                ]
            }
        )


def test_one_clock_and_fault_plans_per_system(world: World) -> None:
    clocks = world.clock(set_to="2026-03-31T22:00:00Z")
    assert {c["now"] for c in clocks.values()} == {"2026-03-31T22:00:00+00:00"}
    clocks = world.clock(advance="PT3H")
    assert {c["today"] for c in clocks.values()} == {"2026-04-01"}
    world.faults("wms", {"seed": 3, "rules": [{"kind": "error", "status": 503, "path": "^/api/v1/orders"}]})
    assert world.client("wms").get("/api/v1/orders").status_code == 503
    assert world.client("qms").get("/api/v1/items").status_code == 200
    report = world.fault_report()
    assert report["wms"]["rules"][0]["fired"] == 1 and report["qms"]["rules"] == []
    world.reset()
    assert world.client("wms").get("/api/v1/orders").status_code == 200
    assert {c["now"] for c in world.clock().values()} == {"2026-01-05T09:00:00+00:00"}


def test_held_webhooks_wait_for_a_deliver_step_that_sends_them_in_one_round(
    world: World, webhook_receiver: WebhookReceiver
) -> None:
    seed_world(world, WorldSpec.model_validate({"items": [{"ref": "TENT", "stock": 10}]}))
    assert (
        world.client("wms")
        .post("/api/v1/webhooks", json={"url": webhook_receiver.url(), "events": ["stock.changed"]})
        .status_code
        == 201
    )
    assert world.hold_webhooks(True, ("wms",))["wms"] == {"running": True, "paused": True}
    for quantity in (-1, -2):
        world.control["wms"].call(
            "POST", "act/adjust_stock", {"sku": "TENT", "reasonCode": "DAMAGED", "quantity": quantity}
        )
    world.faults("wms", {"seed": 1, "rules": [{"kind": "reorder", "event": "stock.changed", "nth": 1}]})
    sent = world.deliver_webhooks(("wms",))["wms"]
    assert [s["result"] for s in sent["sent"]] == ["delivered", "delivered"] and sent["pending"] == 0
    # one round: the first event (reordered) reached the subscriber after the second
    assert [json.loads(body)["data"]["onHand"] for _h, body in webhook_receiver.received] == [7, 9]
    world.reset()  # a new world delivers in the background again
    assert world.hold_webhooks(False, ("wms",))["wms"]["paused"] is False
    world.hold_webhooks(True, ("wms",))
    world.reset()
    assert world.control["wms"].call("GET", "webhooks/dispatcher")["paused"] is False


def test_authenticated_clients_reach_every_vendor_api(world: World) -> None:
    refs = seed_world(world, WorldSpec.model_validate(SPEC))
    assert (
        world.client("netsuite")
        .get(f"/services/rest/record/v1/inventoryItem/{refs.id('TENT')}")
        .json()["itemId"]
        == "TENT-2P"
    )
    assert world.client("ap").get("/connect/v3/vendors").status_code == 200
    products = world.client("pos").get(f"{pos_base_path(world.env)}/products.json")
    assert products.status_code == 200 and "TENT-2P" in products.text


def test_world_cli_drives_a_running_world(
    world_server: WorldServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = tmp_path / "env"
    env_file.write_text("\n".join(f"export {k}={v}" for k, v in world_server.env().items()))
    spec = tmp_path / "world.yaml"
    spec.write_text("items: [{ref: TENT, stock: 3}]\ncustomers: 1\n")
    assert harness_main(["world", "reset", "--env-file", str(env_file)]) == 0
    assert harness_main(["world", "seed", str(spec), "--env-file", str(env_file)]) == 0
    assert '"TENT"' in capsys.readouterr().out
    assert harness_main(["world", "clock", "--advance", "P1D", "--env-file", str(env_file)]) == 0
    assert '"today": "2026-01-06"' in capsys.readouterr().out
    assert harness_main(["world", "state", "--system", "wms", "--env-file", str(env_file)]) == 0
    assert '"sku": "TENT"' in capsys.readouterr().out
    assert harness_main(["world", "seed", str(tmp_path / "missing.yaml"), "--env-file", str(env_file)]) == 2


def test_unreachable_world_and_bad_mode_get_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env_file = tmp_path / "env"
    env_file.write_text(
        "\n".join(
            f"export ERPSIM_{s.upper()}_URL=http://127.0.0.1:9"
            for s in ("netsuite", "qms", "wms", "pos", "ap")
        )
    )
    assert harness_main(["world", "reset", "--env-file", str(env_file)]) == 2
    assert "the world is not reachable" in capsys.readouterr().err
    with pytest.raises(WorldStartError, match="unknown world mode"):
        WorldServer(mode="boat").start()


def test_a_port_already_taken_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    import harness.world as world_module

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        monkeypatch.setattr(world_module, "_free_port", lambda: port)
        with pytest.raises(WorldStartError) as info:
            WorldServer(mode="process").start()
    # erpsim up's own busy-port message (with the port) is passed on, after its exit status
    assert "erpsim up exited with " in str(info.value) and str(port) in str(info.value)
