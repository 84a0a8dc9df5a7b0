"""The load world's catalogue: stores and SKUs from faker with a seed, demand skewed like real retail.

A few SKUs sell most (Zipf with exponent ``skew``); opening stock per store is the SKU's expected demand over
the run times a seeded cover, so popular SKUs run out during a peak and a lagging NetSuite oversells them.
Tracer SKUs are kept apart: only the lag probes sell them, so each probe sale is unambiguous in NetSuite.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

from faker import Faker


@dataclass(frozen=True)
class Sku:
    """One sellable SKU: code, title, net price in cents (a multiple of 20: VAT is exact), VAT rate, demand share."""

    sku: str
    title: str
    price_cents: int
    vat: int
    demand_share: float


@dataclass(frozen=True)
class Store:
    """One shop: its index, name and city."""

    index: int
    name: str
    city: str


@dataclass
class Catalogue:
    """SKUs (with cumulative demand weights for fast skewed picks), tracer SKUs and stores."""

    skus: list[Sku]
    tracers: list[Sku]
    stores: list[Store]
    cumulative: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.cumulative = list(itertools.accumulate(s.demand_share for s in self.skus))

    def pick(self, rng: random.Random, k: int = 1) -> list[Sku]:
        """``k`` SKUs drawn by demand (with replacement: a basket may hold two of a bestseller)."""
        return rng.choices(self.skus, cum_weights=self.cumulative, k=k)

    def top_share(self, fraction: float) -> float:
        """Share of demand taken by the top ``fraction`` of SKUs (0.01 = the top 1 %)."""
        n = max(1, int(len(self.skus) * fraction))
        return sum(s.demand_share for s in self.skus[:n])


def zipf_shares(n: int, exponent: float) -> list[float]:
    """Demand shares of ranks 1..n under Zipf's law, summing to 1."""
    raw = [1.0 / (rank**exponent) for rank in range(1, n + 1)]
    total = sum(raw)
    return [r / total for r in raw]


def build_catalogue(seed: int, skus: int, stores: int, skew: float, tracers: int = 0) -> Catalogue:
    """A reproducible catalogue: same seed, same SKUs, prices, shares and stores."""
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    shares = zipf_shares(skus, skew)
    items = [
        Sku(
            sku=f"LD-{k + 1:05d}",
            title=fake.catch_phrase()[:60],
            price_cents=20 * fake.random_int(10, 500),
            vat=fake.random_element((20, 20, 20, 5, 0)),
            demand_share=shares[k],
        )
        for k in range(skus)
    ]
    tracer_items = [
        Sku(sku=f"TRACE-{k + 1:03d}", title=f"Lag probe {k + 1}", price_cents=100, vat=20, demand_share=0.0)
        for k in range(tracers)
    ]
    cities = [fake.unique.city() for _ in range(stores)]
    return Catalogue(
        skus=items,
        tracers=tracer_items,
        stores=[Store(index=i, name=f"{city} store", city=city) for i, city in enumerate(cities)],
    )


def opening_stock(
    catalogue: Catalogue, seed: int, units_per_store: float, cover: tuple[float, float], minimum: int = 2
) -> dict[tuple[str, int], int]:
    """Units on hand per (SKU, store index): expected demand in the run times a seeded cover factor."""
    rng = random.Random(seed)
    out: dict[tuple[str, int], int] = {}
    for store in catalogue.stores:
        for item in catalogue.skus:
            expected = units_per_store * item.demand_share
            out[(item.sku, store.index)] = max(minimum, round(expected * rng.uniform(*cover)))
    return out
