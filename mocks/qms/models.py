"""QMS tables: items, purchase orders and receipts, lots, recipes, production runs, sales orders, shipments.

Quantities are stored as integer thousandths (``*_m`` columns): the API speaks decimals with up to
three places, and integer arithmetic keeps lot balances exact (a lot never drifts to -0.0000001).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the QMS tables."""


class Counter(Base):
    """Named sequences (lot numbers, run numbers, event ids) advanced inside the business transaction."""

    __tablename__ = "qms_counters"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Item(Base):
    """A raw material, packaging, intermediate or finished good, mapped to a NetSuite item."""

    __tablename__ = "qms_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))
    uom: Mapped[str] = mapped_column(String(20), default="ea")
    netsuite_id: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    created_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))


class PurchaseOrder(Base):
    """A purchase order sent from NetSuite (NetSuite is its master)."""

    __tablename__ = "qms_purchase_orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    netsuite_id: Mapped[str] = mapped_column(String(80), unique=True)
    number: Mapped[str] = mapped_column(String(80))
    vendor: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))


class PurchaseOrderLine(Base):
    """One ordered item on a purchase order, with how much has been received."""

    __tablename__ = "qms_po_lines"
    __table_args__ = (UniqueConstraint("po_id", "line_no"), CheckConstraint("received_m >= 0"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("qms_purchase_orders.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("qms_items.id"))
    ordered_m: Mapped[int] = mapped_column(BigInteger)
    received_m: Mapped[int] = mapped_column(BigInteger, default=0)


class Receipt(Base):
    """One receiving event against a purchase order; its lots are the received lines."""

    __tablename__ = "qms_receipts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    po_id: Mapped[int] = mapped_column(ForeignKey("qms_purchase_orders.id"))
    reference: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    received_by: Mapped[str] = mapped_column(String(120), default="")
    received_at: Mapped[str] = mapped_column(String(40))


class Lot(Base):
    """A uniquely numbered quantity of one item, with its quality status."""

    __tablename__ = "qms_lots"
    __table_args__ = (
        CheckConstraint("quantity_m >= 0"),
        Index("ix_qms_lots_item_status", "item_id", "status"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lot_number: Mapped[str] = mapped_column(String(80), unique=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("qms_items.id"))
    status: Mapped[str] = mapped_column(String(20))
    quantity_m: Mapped[int] = mapped_column(BigInteger)
    initial_m: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(20))
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("qms_receipts.id"), nullable=True, index=True)
    po_id: Mapped[int | None] = mapped_column(ForeignKey("qms_purchase_orders.id"), nullable=True)
    po_line_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    run_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    supplier_lot: Mapped[str | None] = mapped_column(String(80), nullable=True)
    expiry_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    inspection_result: Mapped[str | None] = mapped_column(String(10), nullable=True)
    inspected_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    inspection_notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    inspected_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status_before_lock: Mapped[str | None] = mapped_column(String(20), nullable=True)
    lock_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    locked_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[str] = mapped_column(String(40))


class Recipe(Base):
    """A master manufacturing record (BOM): one output item and its components per unit."""

    __tablename__ = "qms_recipes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    item_id: Mapped[int] = mapped_column(ForeignKey("qms_items.id"))
    netsuite_id: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    created_at: Mapped[str] = mapped_column(String(40))


class RecipeComponent(Base):
    """One component of a recipe and how much of it one output unit needs."""

    __tablename__ = "qms_recipe_components"
    __table_args__ = (UniqueConstraint("recipe_id", "item_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipe_id: Mapped[int] = mapped_column(ForeignKey("qms_recipes.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("qms_items.id"))
    per_unit_m: Mapped[int] = mapped_column(BigInteger)


class ProductionRun(Base):
    """A scheduled batch of a recipe; maps to a NetSuite work order, completes into an assembly build."""

    __tablename__ = "qms_production_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipe_id: Mapped[int] = mapped_column(ForeignKey("qms_recipes.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("qms_items.id"))
    planned_m: Mapped[int] = mapped_column(BigInteger)
    produced_m: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    scheduled_date: Mapped[str] = mapped_column(String(10))
    work_order_ref: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    output_lot_id: Mapped[int | None] = mapped_column(ForeignKey("qms_lots.id"), nullable=True)
    created_at: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    completed_at: Mapped[str | None] = mapped_column(String(40), nullable=True)


class Consumption(Base):
    """Genealogy: a quantity of one lot consumed by one production run."""

    __tablename__ = "qms_consumptions"
    __table_args__ = (CheckConstraint("quantity_m > 0"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("qms_production_runs.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("qms_lots.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("qms_items.id"))
    quantity_m: Mapped[int] = mapped_column(BigInteger)
    consumed_at: Mapped[str] = mapped_column(String(40))


class SalesOrder(Base):
    """A sales order sent from NetSuite, fulfilled by scanning released lots."""

    __tablename__ = "qms_sales_orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    netsuite_id: Mapped[str] = mapped_column(String(80), unique=True)
    number: Mapped[str] = mapped_column(String(80))
    customer: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[str] = mapped_column(String(40))


class SalesOrderLine(Base):
    """One ordered item on a sales order, with how much has shipped."""

    __tablename__ = "qms_so_lines"
    __table_args__ = (UniqueConstraint("so_id", "line_no"), CheckConstraint("shipped_m >= 0"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    so_id: Mapped[int] = mapped_column(ForeignKey("qms_sales_orders.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("qms_items.id"))
    ordered_m: Mapped[int] = mapped_column(BigInteger)
    shipped_m: Mapped[int] = mapped_column(BigInteger, default=0)


class Shipment(Base):
    """A shipment being scanned for one sales order; completing it is the item fulfillment."""

    __tablename__ = "qms_shipments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    so_id: Mapped[int] = mapped_column(ForeignKey("qms_sales_orders.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    carrier: Mapped[str | None] = mapped_column(String(80), nullable=True)
    tracking_number: Mapped[str | None] = mapped_column(String(120), nullable=True)
    created_at: Mapped[str] = mapped_column(String(40))
    shipped_at: Mapped[str | None] = mapped_column(String(40), nullable=True)


class ShipmentScan(Base):
    """A lot scanned onto a shipment for one order line (the quantity leaves the lot at scan time)."""

    __tablename__ = "qms_shipment_scans"
    __table_args__ = (CheckConstraint("quantity_m > 0"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("qms_shipments.id"), index=True)
    so_line_id: Mapped[int] = mapped_column(ForeignKey("qms_so_lines.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("qms_lots.id"), index=True)
    quantity_m: Mapped[int] = mapped_column(BigInteger)
    scanned_at: Mapped[str] = mapped_column(String(40))
