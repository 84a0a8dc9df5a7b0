"""Every safeguard of the engine, declared in one place; each can be switched off as a named mutant.

A mutant is the engine with exactly one safeguard off. Mutants exist only so the harness can prove that its
scenarios catch each defect: a scenario names the mutants it catches, and the mutant matrix checks it.
Flows ask ``safeguards.on("name")`` at the point where the safeguard acts, so grepping for a mutant's name
finds the code it disables.
"""

from __future__ import annotations

from dataclasses import dataclass

# name -> what switching it off does (printed by `erpsim sync --list-mutants`)
MUTANTS: dict[str, str] = {
    "no-idempotency": "creates without natural keys: no external id / client reference, no look-up before re-creating "
    "after an ambiguous failure",
    "no-retry": "no retry of retryable failures (429, 5xx, timeouts, dropped connections): the work is dropped",
    "no-concurrency-cap": "NetSuite calls are not bounded by the shared concurrency cap, and 429s are not retried",
    "no-webhook-dedupe": "webhook events and their effects are processed again when delivered twice",
    "no-reorder-tolerance": "events are applied in arrival order: an older status overwrites a newer one",
    "no-cancel-check": "NetSuite cancels and line closes are applied without checking the WMS status first; a "
    "cancel after release is not raised",
    "no-hold-alerts": "orders the warehouse puts on hold (short stock, unknown SKU) are not reported: they wait "
    "silently",
    "no-physical-filter": "every order line goes to the WMS, digital and service lines included (and every approved "
    "order, also one with nothing to fulfil)",
    "no-period-check": "postings keep their date even in a closed period (no re-dating, no closed_period exception)",
    "no-sku-check": "lines with a SKU the other system does not know are silently skipped",
    "no-sku-correction": "a SKU renamed in NetSuite is not corrected in the WMS item master (only parked as "
    "sku_mismatch): the item's orders wait until someone aligns the masters by hand (seeds/003)",
    "no-email-match": "POS customers are created in NetSuite without looking for an existing one by email",
    "no-batching": "one NetSuite request per stock event: no coalescing per item and location, no multi-line batches",
    "no-restock-on-refund": "POS refunds do not put the returned stock back in NetSuite",
    "no-discount-lines": "discounts are folded into the item price and tax is not posted as its own amount",
    "naive-rounding": "money is rounded with binary floats (round-half-even on float), not each system's decimal rule",
    "no-durable-outbox": "work is kept in memory until the end of a pass: a crash loses what was read but not written",
    "push-quarantined-lots": "QMS lots reach NetSuite stock as soon as they are received, quarantined or rejected ones "
    "included (no wait for the QC release)",
    "repost-receipts": "item receipts of QMS lots carry no external id and are re-sent after an ambiguous failure "
    "without looking for the one that may have committed",
    "no-recall-hold": "NetSuite stock of lots locked by a QMS recall stays available for sale (only the report is "
    "made)",
    "sync-partly-paid-bills": "NetSuite bills with payments applied (partly paid) are synced to AP as open bills",
    "sync-non-usd-bills": "NetSuite bills in currencies other than USD are synced to AP (as USD amounts)",
    "no-session-renewal": "an expired AP session (BDC_1109) is not renewed by logging in again: the call fails",
    "vendors-as-companies": "AP vendors reach NetSuite as companies named by their display name: an individual's "
    "first and last names are lost (no person vendor, no name split)",
    "no-credit-applications": "AP vendor credits reach NetSuite unapplied: their applications to bills (applying, "
    "unapplying, reapplying) are not synced",
    "no-void-sync": "a payment voided in AP stays in NetSuite (the void is not synced; the bills stay paid there)",
}


class UnknownMutant(ValueError):
    """A mutant name that is not declared in MUTANTS."""


@dataclass(frozen=True)
class Safeguards:
    """Which safeguards are on: all of them, or all but one mutant."""

    mutant: str = ""

    def __post_init__(self) -> None:
        if self.mutant and self.mutant not in MUTANTS:
            raise UnknownMutant(f"unknown mutant {self.mutant!r}; `erpsim sync --list-mutants` lists them")

    def on(self, name: str) -> bool:
        """True when the safeguard whose mutant is ``name`` is active."""
        if name not in MUTANTS:
            raise UnknownMutant(f"undeclared safeguard {name!r}")
        return self.mutant != name

    def off(self, name: str) -> bool:
        """True when the safeguard whose mutant is ``name`` is switched off."""
        return not self.on(name)


def mutant_lines() -> list[str]:
    """``name description`` per mutant, as `--list-mutants` prints them."""
    return [f"{name} {what}" for name, what in MUTANTS.items()]
