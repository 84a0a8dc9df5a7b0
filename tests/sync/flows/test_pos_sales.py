"""pos-sales end to end: Sitoo sales and refunds -> NetSuite cash sales / refunds or daily journals, Z reports."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

from sync.config import SyncConfig
from sync.engine import Engine
from tests.sync.conftest import World
from tests.sync.flows.stockworld import PosWorld, engine_at, engine_env, on_hand, records_of, seed_pos

# SKU-A: 2 x 10.00 net at 20% with 2.00 (gross) off -> net 20.00 - 1.67, VAT 4.00 - 0.33
# SKU-B: 1 x 0.30 net at 5% -> VAT 0.015, which the till rounds half up to 0.02 (floats would give 0.01)
SALE = [{"sku": "SKU-A", "quantity": 2, "discount": "2.00"}, {"sku": "SKU-B", "quantity": 1}]


def _engine(make_engine: Any, **settings: str) -> Engine:
    engine: Engine = make_engine(systems="netsuite,pos", flows="pos-sales", **settings)
    return engine


def _own(world: World, tmp_path: Path, mutant: str, **settings: str) -> Engine:
    """An engine with its own state (one per world in a loop over mutants)."""
    return engine_at(
        world,
        tmp_path / (mutant or "reference"),
        systems="netsuite,pos",
        flows="pos-sales",
        mutant=mutant,
        **settings,
    )


def _lines(record: dict[str, Any]) -> list[tuple[str, float, float, float, str | None]]:
    return [
        (
            ln["item"]["id"],
            ln.get("quantity"),
            ln.get("rate"),
            ln["amount"],
            (ln.get("location") or {}).get("id"),
        )
        for ln in record["item"]
    ]


def _tax_and_discount_ids(fresh: World) -> dict[str, str]:
    out = {r["itemId"]: str(r["id"]) for r in records_of(fresh, "salesTaxItem")}
    out.update({r["itemId"]: str(r["id"]) for r in records_of(fresh, "discountItem")})
    return out


def _exceptions(engine: Engine, category: str) -> list[dict[str, Any]]:
    return [e.as_dict() for e in engine.state.exceptions(category)]


def test_a_sale_becomes_one_exact_cash_sale_and_a_second_pass_changes_nothing(
    fresh: World, make_engine: Any
) -> None:
    w: PosWorld = seed_pos(fresh, netsuite_stock={"SKU-A": 10, "SKU-B": 10})
    order = fresh.act("pos", "ring_sale", {"registerid": w.register, "lines": SALE, "payment": "Card"})
    assert order["moneytotal_gross_all"] == "22.32"
    engine = _engine(make_engine)
    result = engine.run_pass()
    assert result.completed, result.failures
    ids = _tax_and_discount_ids(fresh)
    [sale] = records_of(fresh, "cashSale")
    assert sale["externalId"] == f"SITOO-{order['orderid']}"
    assert _lines(sale) == [
        (w.items["SKU-A"], 2, 10.0, 20.0, None),
        (ids["POS Discount"], 1, -1.67, -1.67, None),
        (w.items["SKU-B"], 1, 0.3, 0.3, None),
        (ids["VAT20"], 1, 3.67, 3.67, None),
        (ids["VAT5"], 1, 0.02, 0.02, None),
    ]
    assert (sale["subtotal"], sale["discountTotal"], sale["taxTotal"], sale["total"]) == (
        20.3,
        -1.67,
        3.69,
        22.32,
    )
    assert sale["location"]["id"] == w.store_location
    assert sale["tranDate"] == "2026-01-05"
    [card] = [r for r in records_of(fresh, "paymentMethod") if r["name"] == "Card"]
    assert sale["paymentMethod"]["id"] == str(card["id"])
    [walk_in] = records_of(fresh, "customer")
    assert (walk_in["externalId"], sale["entity"]["id"]) == ("POS-WALKIN", str(walk_in["id"]))
    # NetSuite moved the stock of the standalone cash sale
    assert on_hand(engine, w.store_location) == {"SKU-A": 8, "SKU-B": 9}
    assert result.stats.counts["pos-sales"] == {"sales_posted": 1}
    again = engine.run_pass()
    assert again.completed
    assert len(records_of(fresh, "cashSale")) == 1
    assert again.stats.counts == {}


def test_a_damaged_refund_is_a_cash_refund_restocking_quarantine_and_the_mutant_forgets_it(
    fresh: World, tmp_path: Path
) -> None:
    for mutant, back in (("", {"SKU-A": 2}), ("no-restock-on-refund", {})):
        fresh.reset()
        w = seed_pos(fresh, netsuite_stock={"SKU-A": 10})
        sale = fresh.act(
            "pos",
            "ring_sale",
            {"registerid": w.register, "lines": [{"sku": "SKU-A", "quantity": 2}], "payment": "Cash"},
        )
        refund = fresh.act(
            "pos", "refund", {"orderid": sale["orderid"], "reasoncode": "damaged", "payment": "Cash"}
        )
        with closing(_own(fresh, tmp_path, mutant)) as engine:
            assert engine.run_pass().completed
            [cash_refund] = records_of(fresh, "cashRefund")
            assert cash_refund["externalId"] == f"SITOO-{refund['orderid']}"
            assert cash_refund["otherRefNum"] == f"SITOO-{sale['orderid']}"
            assert cash_refund["total"] == 24.0
            quantity = 0 if mutant else 2
            assert _lines(cash_refund)[0] == (w.items["SKU-A"], quantity, 10.0, 20.0, w.quarantine_location)
            assert on_hand(engine, w.store_location) == {"SKU-A": 8}
            assert on_hand(engine, w.quarantine_location) == back, mutant


def test_the_z_report_reconciles_and_money_mutants_are_caught(fresh: World, tmp_path: Path) -> None:
    for mutant, ledger in (("", None), ("naive-rounding", "22.31"), ("no-discount-lines", "18.63")):
        fresh.reset()
        w = seed_pos(fresh, netsuite_stock={"SKU-A": 10, "SKU-B": 10})
        fresh.act("pos", "ring_sale", {"registerid": w.register, "lines": SALE, "payment": "Card"})
        z = fresh.act("pos", "close_day", {"registerid": w.register})
        with closing(_own(fresh, tmp_path, mutant)) as engine:
            result = engine.run_pass()
            assert result.completed, result.failures
            mismatches = _exceptions(engine, "money_mismatch")
            if ledger is None:
                assert mismatches == []
                assert result.stats.counts["pos-sales"]["zreports_reconciled"] == 1
                continue
            [mismatch] = mismatches
            assert mismatch["records"]["methods"] == {"Card": {"zreport": "22.32", "netsuite": ledger}}, (
                mutant
            )
            assert mismatch["records"]["zreports"] == [str(z["zreportid"])]
            assert mismatch["summary"] == (
                f"money of z:{z['zreportid']} does not reconcile: Card: Z report 22.32, NetSuite {ledger}"
            )


def test_customers_are_matched_by_email_and_the_mutant_duplicates_them(fresh: World, tmp_path: Path) -> None:
    # The mutant's second new customer has the same name, so NetSuite refuses it (UNIQUE_CUST_ID_REQD): one duplicate.
    for mutant, expected in (("", 1), ("no-email-match", 2)):
        fresh.reset()
        w = seed_pos(fresh, netsuite_stock={"SKU-A": 10})
        fresh.control(
            "netsuite",
            "POST",
            "seed",
            {
                "records": {
                    "baseline": False,
                    "customer": [
                        {
                            "isPerson": True,
                            "firstName": "Ada",
                            "lastName": "Lovelace",
                            "email": "Ada@Example.com",
                            "subsidiary": {"id": w.subsidiary},
                        }
                    ],
                }
            },
        )
        for _ in range(2):
            fresh.act(
                "pos",
                "ring_sale",
                {
                    "registerid": w.register,
                    "lines": [{"sku": "SKU-A", "quantity": 1}],
                    "payment": "Card",
                    "email": "ada@example.com",
                },
            )
        with closing(_own(fresh, tmp_path, mutant)) as engine:
            assert engine.run_pass().completed
            customers = [
                c
                for c in records_of(fresh, "customer")
                if str(c.get("email", "")).lower() == "ada@example.com"
            ]
            assert len(customers) == expected, mutant
            entities = {s["entity"]["id"] for s in records_of(fresh, "cashSale")}
            if not mutant:
                assert entities == {str(customers[0]["id"])}


def test_a_sale_in_a_closed_period_waits_or_is_redated(fresh: World, make_engine: Any) -> None:
    w = seed_pos(fresh, netsuite_stock={"SKU-A": 10})
    fresh.act(
        "pos",
        "ring_sale",
        {
            "registerid": w.register,
            "lines": [{"sku": "SKU-A", "quantity": 1}],
            "payment": "Card",
            "orderdate": 1764579600,
        },
    )  # 2025-12-01, a closed period
    fresh.act("netsuite", "close_period", {"periodName": "Dec 2025"})
    strict = _engine(make_engine)
    assert strict.run_pass().completed
    [parked] = _exceptions(strict, "closed_period")
    assert parked["records"]["day"] == "2025-12-01"
    assert records_of(fresh, "cashSale") == []
    fresh.act("netsuite", "reopen_period", {"periodName": "Dec 2025"})
    assert strict.run_pass().completed
    [sale] = records_of(fresh, "cashSale")
    assert sale["tranDate"] == "2025-12-01"
    assert _exceptions(strict, "closed_period") == []


def test_daily_summary_is_one_journal_per_store_and_day_updated_by_a_later_z_report(
    fresh: World, make_engine: Any
) -> None:
    w = seed_pos(fresh, netsuite_stock={"SKU-A": 10, "SKU-B": 10})
    fresh.act("pos", "ring_sale", {"registerid": w.register, "lines": SALE, "payment": "Card"})
    cash = fresh.act(
        "pos",
        "ring_sale",
        {"registerid": w.register, "lines": [{"sku": "SKU-A", "quantity": 1}], "payment": "Cash"},
    )
    fresh.act("pos", "refund", {"orderid": cash["orderid"], "payment": "Cash"})
    fresh.act("pos", "close_day", {"registerid": w.register})
    engine = _engine(make_engine, ledger_mode="daily-summary")
    result = engine.run_pass()
    assert result.completed, result.failures
    [journal] = records_of(fresh, "journalEntry")
    assert journal["externalId"] == "SITOO-DAY-1-20260105"
    acct = w.accounts
    lines = [(ln["account"]["id"], ln.get("debit"), ln.get("credit"), ln["memo"]) for ln in journal["line"]]
    assert lines == [
        (acct["Checking"], 22.32, None, "POS tenders: Card"),
        (acct["Sales"], None, 30.3, "POS sales (net, before discounts)"),
        (acct["Sales"], 1.67, None, "POS discounts given"),
        (acct["Sales Tax Payable"], None, 3.69, "POS VAT"),
        (acct["Sales"], 10.0, None, "POS refunds (net)"),
    ]
    assert records_of(fresh, "cashSale") == []
    assert result.stats.counts["pos-sales"] == {"zreports": 1, "days_posted": 1, "zreports_reconciled": 1}
    # a second till closing the same day: the journal is updated, not duplicated
    fresh.act(
        "pos",
        "ring_sale",
        {"registerid": w.register, "lines": [{"sku": "SKU-A", "quantity": 1}], "payment": "Card"},
    )
    fresh.act("pos", "close_day", {"registerid": w.register})
    assert engine.run_pass().completed
    [journal] = records_of(fresh, "journalEntry")
    assert [(ln.get("debit"), ln.get("credit")) for ln in journal["line"]][:2] == [
        (34.32, None),
        (None, 40.3),
    ]
    assert _exceptions(engine, "money_mismatch") == []


def test_daily_summary_mutants_fold_discounts_and_tax_or_unbalance_the_journal(
    fresh: World, tmp_path: Path
) -> None:
    for mutant in ("no-discount-lines", "naive-rounding"):
        fresh.reset()
        w = seed_pos(fresh, netsuite_stock={"SKU-A": 10, "SKU-B": 10})
        fresh.act("pos", "ring_sale", {"registerid": w.register, "lines": SALE, "payment": "Card"})
        fresh.act("pos", "close_day", {"registerid": w.register})
        with closing(_own(fresh, tmp_path, mutant, ledger_mode="daily-summary")) as engine:
            assert engine.run_pass().completed
            if mutant == "no-discount-lines":
                [journal] = records_of(fresh, "journalEntry")
                assert [(ln.get("debit"), ln.get("credit"), ln["memo"]) for ln in journal["line"]] == [
                    (22.32, None, "POS tenders: Card"),
                    (None, 22.32, "POS sales"),
                ]
            else:  # VAT recomputed with floats is a cent short: NetSuite refuses the unbalanced journal
                assert records_of(fresh, "journalEntry") == []
                [refused] = [e.as_dict() for e in engine.state.exceptions("rejected_posting")]
                assert refused["summary"] == (
                    "netsuite refused: Error while accessing a resource. The transaction "
                    "is out of balance: debits 23.99, credits 23.98."
                )


def test_a_daemon_reads_z_reports_once_per_interval_and_every_pass_with_once(
    fresh: World, tmp_path: Path
) -> None:
    w = seed_pos(fresh, netsuite_stock={"SKU-A": 10, "SKU-B": 10})

    def close_a_day() -> None:
        fresh.act("pos", "ring_sale", {"registerid": w.register, "lines": SALE, "payment": "Card"})
        fresh.act("pos", "close_day", {"registerid": w.register})

    settings = {"systems": "netsuite,pos", "flows": "pos-sales", "ledger_mode": "daily-summary"}
    env = engine_env(fresh, tmp_path / "daemon", zreport_seconds="3600", **settings)
    with closing(Engine(SyncConfig.from_env(env), daemon=True)) as daemon:
        close_a_day()
        assert daemon.run_pass().stats.counts["pos-sales"]["zreports"] == 1
        close_a_day()
        # the register closed again, but the daemon reads Z reports once an hour here: not on this pass
        assert "zreports" not in daemon.run_pass().stats.counts.get("pos-sales", {})
    env = engine_env(fresh, tmp_path / "daemon", zreport_seconds="0", **settings)
    with closing(Engine(SyncConfig.from_env(env), daemon=True)) as daemon:
        assert daemon.run_pass().stats.counts["pos-sales"]["zreports"] == 1
    with closing(engine_at(fresh, tmp_path / "once", zreport_seconds="3600", **settings)) as once:
        assert once.run_pass().stats.counts["pos-sales"]["zreports"] == 2  # --once: every pass reads them
