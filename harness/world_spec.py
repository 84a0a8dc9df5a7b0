"""The world a scenario starts from: one coherent set of masters and transactions across the five systems.

NetSuite is the master of locations, items, customers and vendors; :mod:`harness.seeding` creates them there and
mirrors them into the satellites. Raw per-system control-plane seeds (``given.<system>``) come after.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Satellite = Literal["qms", "wms", "pos", "ap"]
SATELLITES: tuple[Satellite, ...] = ("qms", "wms", "pos", "ap")
REF_RE = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"
ItemKind = Literal["inventory", "lot", "assembly", "lotAssembly", "service", "download", "nonInventory"]
PHYSICAL_KINDS = ("inventory", "lot", "assembly", "lotAssembly")
LOT_KINDS = ("lot", "lotAssembly")  # every movement needs a lot number; the QMS holds them


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class LocationSpec(_Data):
    """A NetSuite location; a ``warehouse`` is mirrored as a WMS warehouse, a ``store`` as a POS store."""

    ref: str = Field(pattern=REF_RE)
    name: str | None = None
    kind: Literal["warehouse", "store"] = "warehouse"
    mirror: bool = Field(default=True, description="false: the satellite does not know this location")


class LotSpec(_Data):
    """Opening stock of a lot-numbered item in one lot."""

    number: str = Field(min_length=1, max_length=60)
    quantity: float = Field(gt=0)
    location: str | None = Field(default=None, description="location ref (default: the first location)")
    status: Literal["RELEASED", "QUARANTINE"] = "RELEASED"


class ItemSpec(_Data):
    """A NetSuite item, mirrored into the systems that hold it (with its NetSuite id as external id)."""

    ref: str = Field(pattern=REF_RE)
    sku: str | None = Field(default=None, description="NetSuite itemId (default: the ref)")
    kind: ItemKind = "inventory"
    name: str | None = None
    price: float = Field(default=10.0, ge=0)
    stock: float | dict[str, float] = Field(
        default=0, description="on hand at the first location, or by location ref"
    )
    lots: list[LotSpec] = Field(default_factory=list)
    mirror: list[Satellite] | None = Field(
        default=None,
        description="satellites that hold this item (default: WMS and POS for physical items, "
        "QMS for lot and assembly items); [] = a missing master",
    )
    skus: dict[Satellite, str] = Field(
        default_factory=dict, description="a deliberately different SKU per system"
    )
    components: dict[str, float] = Field(
        default_factory=dict,
        description="an assembly's bill of materials in NetSuite: item ref -> quantity per unit",
    )

    @property
    def physical(self) -> bool:
        """True for stock items the warehouse ships."""
        return self.kind in PHYSICAL_KINDS


class PartySpec(_Data):
    """A customer or vendor; mirrored into the POS (customers) and the AP system (both)."""

    ref: str = Field(pattern=REF_RE)
    name: str | None = None
    email: str | None = None
    mirror: list[Satellite] | None = None


class LineSpec(_Data):
    """One sales-order line."""

    item: str = Field(description="item ref")
    quantity: float = Field(gt=0)
    rate: float | None = None


class SalesOrderSpec(_Data):
    """A NetSuite sales order as the web store or a sales rep left it."""

    ref: str = Field(pattern=REF_RE)
    customer: str | None = Field(default=None, description="customer ref (default: the first customer)")
    status: Literal["A", "B"] = Field(default="B", description="A Pending Approval, B Pending Fulfillment")
    lines: list[LineSpec] = Field(min_length=1)
    location: str | None = None
    date: str | None = Field(default=None, description="tranDate (default: today on the virtual clock)")
    external_id: str | None = Field(default=None, description="externalId (default: the ref)")


class WorldSpec(_Data):
    """One coherent world across the five systems (NetSuite is the master of items, parties, locations)."""

    clock: str | None = Field(default=None, description="ISO instant every clock is set to before seeding")
    locations: list[LocationSpec] = Field(
        default_factory=lambda: [LocationSpec(ref="MAIN", name="Main Warehouse")]
    )
    items: list[ItemSpec] = Field(default_factory=list)
    customers: list[PartySpec] | int = 0
    vendors: list[PartySpec] | int = 0
    sales_orders: list[SalesOrderSpec] = Field(default_factory=list)
    mirror: list[Satellite] = Field(
        default_factory=lambda: list(SATELLITES), description="satellites that get mirrored masters at all"
    )

    @model_validator(mode="after")
    def _refs(self) -> WorldSpec:
        names: dict[str, str] = {}
        for kind, refs in (
            ("location", [x.ref for x in self.locations]),
            ("item", [x.ref for x in self.items]),
            ("customer", [x.ref for x in self.customer_specs()]),
            ("vendor", [x.ref for x in self.vendor_specs()]),
            ("sales order", [x.ref for x in self.sales_orders]),
        ):
            for ref in refs:
                if ref in names:
                    raise ValueError(f"ref {ref!r} is used twice ({names[ref]} and {kind})")
                names[ref] = kind
        for so in self.sales_orders:
            for ln in so.lines:
                if names.get(ln.item) != "item":
                    raise ValueError(f"sales order {so.ref}: line item {ln.item!r} is not an item ref")
            if so.customer is not None and names.get(so.customer) != "customer":
                raise ValueError(f"sales order {so.ref}: customer {so.customer!r} is not a customer ref")
            if so.customer is None and not self.customer_specs():
                raise ValueError(f"sales order {so.ref} needs a customer: add customers to the world")
            if so.location is not None and names.get(so.location) != "location":
                raise ValueError(f"sales order {so.ref}: location {so.location!r} is not a location ref")
        for item in self.items:
            for loc in item.stock if isinstance(item.stock, dict) else {}:
                if names.get(loc) != "location":
                    raise ValueError(f"item {item.ref}: stock location {loc!r} is not a location ref")
            for lot in item.lots:
                if lot.location is not None and names.get(lot.location) != "location":
                    raise ValueError(
                        f"item {item.ref}: lot {lot.number} location {lot.location!r} is unknown"
                    )
            if item.components and item.kind not in ("assembly", "lotAssembly"):
                raise ValueError(f"item {item.ref}: only assemblies have components")
            declared = [x.ref for x in self.items]
            for comp, per in item.components.items():
                if comp not in declared or declared.index(comp) > declared.index(item.ref) or per <= 0:
                    raise ValueError(
                        f"item {item.ref}: component {comp!r} must be an item declared before it, with "
                        "a quantity per unit above 0"
                    )
            if item.lots and item.kind not in LOT_KINDS:
                raise ValueError(f"item {item.ref}: only kinds {' and '.join(LOT_KINDS)} have lots")
        return self

    def customer_specs(self) -> list[PartySpec]:
        """The customers, generated ``C1..Cn`` when given as a count."""
        if isinstance(self.customers, int):
            return [PartySpec(ref=f"C{i + 1}") for i in range(self.customers)]
        return self.customers

    def vendor_specs(self) -> list[PartySpec]:
        """The vendors, generated ``V1..Vn`` when given as a count."""
        if isinstance(self.vendors, int):
            return [PartySpec(ref=f"V{i + 1}") for i in range(self.vendors)]
        return self.vendors

    def ref_names(self) -> set[str]:
        """Every ref the world defines."""
        return (
            {x.ref for x in self.locations}
            | {x.ref for x in self.items}
            | {x.ref for x in self.customer_specs()}
            | {x.ref for x in self.vendor_specs()}
            | {x.ref for x in self.sales_orders}
        )


class Given(_Data):
    """The world before the first step: the coherent world, then raw control-plane seeds per system."""

    world: WorldSpec = Field(default_factory=WorldSpec)
    netsuite: dict[str, Any] | None = Field(default=None, description="body of POST /__erpsim/seed")
    qms: dict[str, Any] | None = None
    wms: dict[str, Any] | None = None
    pos: dict[str, Any] | None = None
    ap: dict[str, Any] | None = None
