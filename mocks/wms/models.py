"""The WMS tables: clients (3PL customers), warehouses, item master, stock, orders, ASNs and events.

Timestamps are fixed-width ISO-8601 UTC strings (``2026-01-05T09:00:00.000Z``) taken from the virtual
clock, so ``updatedSince`` filters are plain string comparisons on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the WMS tables."""


class Client(Base):
    """A 3PL customer; its API key scopes everything the key can see."""

    __tablename__ = "wms_clients"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    api_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[str] = mapped_column(String(24))


class Warehouse(Base):
    """A physical site of the 3PL (shared by its clients)."""

    __tablename__ = "wms_warehouses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(24))


class Product(Base):
    """One SKU of the item master, mapped to a NetSuite item by ``external_id``."""

    __tablename__ = "wms_products"
    __table_args__ = (
        UniqueConstraint("client_id", "sku"),
        UniqueConstraint("client_id", "external_id"),
        Index("ix_wms_products_updated", "client_id", "updated_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("wms_clients.id"))
    sku: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    item_type: Mapped[str] = mapped_column(String(12), default="PHYSICAL")
    barcode: Mapped[str | None] = mapped_column(String(64), nullable=True)
    weight_kg: Mapped[float | None] = mapped_column(Float, nullable=True)
    length_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    width_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    height_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[str] = mapped_column(String(24))
    updated_at: Mapped[str] = mapped_column(String(24))


class ProductSkuHistory(Base):
    """A SKU code a product had before a correction (despatches, movements and booked-in ASNs keep that code)."""

    __tablename__ = "wms_product_sku_history"
    __table_args__ = (Index("ix_wms_product_sku_history_sku", "client_id", "sku"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("wms_clients.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("wms_products.id"))
    sku: Mapped[str] = mapped_column(String(64))  # the former code
    replaced_by: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(24))


class Stock(Base):
    """Stock of one SKU of one client in one warehouse."""

    __tablename__ = "wms_stock"
    __table_args__ = (
        UniqueConstraint("client_id", "sku", "warehouse_id"),
        Index("ix_wms_stock_updated", "client_id", "updated_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("wms_clients.id"))
    sku: Mapped[str] = mapped_column(String(64))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("wms_warehouses.id"))
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    allocated: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[str] = mapped_column(String(24))


class StockMovement(Base):
    """Why stock changed: goods in, despatch, adjustment (with reason code), allocation."""

    __tablename__ = "wms_stock_movements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("wms_clients.id"))
    sku: Mapped[str] = mapped_column(String(64))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("wms_warehouses.id"))
    kind: Mapped[str] = mapped_column(String(20))
    reason_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    on_hand_delta: Mapped[int] = mapped_column(Integer, default=0)
    allocated_delta: Mapped[int] = mapped_column(Integer, default=0)
    on_hand_after: Mapped[int] = mapped_column(Integer)
    allocated_after: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    at: Mapped[str] = mapped_column(String(24))


class Order(Base):
    """A fulfilment order, unique per client by ``client_reference``."""

    __tablename__ = "wms_orders"
    __table_args__ = (
        UniqueConstraint("client_id", "client_reference"),
        Index("ix_wms_orders_updated", "client_id", "updated_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("wms_clients.id"))
    client_reference: Mapped[str] = mapped_column(String(50))
    external_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    order_number: Mapped[str | None] = mapped_column(String(50), nullable=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("wms_warehouses.id"))
    status: Mapped[str] = mapped_column(String(12))
    hold_code: Mapped[str | None] = mapped_column(String(20), nullable=True)
    hold_reason: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    courier_service: Mapped[str] = mapped_column(String(60))
    carrier: Mapped[str | None] = mapped_column(String(60), nullable=True)
    tracking_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    ship_to: Mapped[str] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[str] = mapped_column(String(24))
    updated_at: Mapped[str] = mapped_column(String(24))
    despatched_at: Mapped[str | None] = mapped_column(String(24), nullable=True)
    cancelled_at: Mapped[str | None] = mapped_column(String(24), nullable=True)


class OrderLine(Base):
    """One line of an order: ordered, allocated, picked and shipped quantities."""

    __tablename__ = "wms_order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_index"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("wms_orders.id"))
    line_index: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64))
    external_line_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    quantity: Mapped[int] = mapped_column(Integer)
    quantity_allocated: Mapped[int] = mapped_column(Integer, default=0)
    quantity_picked: Mapped[int] = mapped_column(Integer, default=0)
    quantity_shipped: Mapped[int] = mapped_column(Integer, default=0)


class Asn(Base):
    """A goods-in notice for a purchase order, unique per client by ``po_reference``."""

    __tablename__ = "wms_asns"
    __table_args__ = (
        UniqueConstraint("client_id", "po_reference"),
        Index("ix_wms_asns_updated", "client_id", "updated_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("wms_clients.id"))
    po_reference: Mapped[str] = mapped_column(String(50))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("wms_warehouses.id"))
    supplier: Mapped[str | None] = mapped_column(String(200), nullable=True)
    expected_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    status: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[str] = mapped_column(String(24))
    updated_at: Mapped[str] = mapped_column(String(24))
    booked_in_at: Mapped[str | None] = mapped_column(String(24), nullable=True)


class AsnLine(Base):
    """One expected line of an ASN and, once booked in, what was received."""

    __tablename__ = "wms_asn_lines"
    __table_args__ = (UniqueConstraint("asn_id", "line_index"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asn_id: Mapped[int] = mapped_column(ForeignKey("wms_asns.id"))
    line_index: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64))
    quantity_expected: Mapped[int] = mapped_column(Integer)
    quantity_received: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Event(Base):
    """Every business event the WMS raised (the webhook payloads come from here; ids are sequential)."""

    __tablename__ = "wms_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("wms_clients.id"))
    type: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[str] = mapped_column(String(24))
    payload: Mapped[str] = mapped_column(Text)
