"""The POS emulator's tables (Sitoo-like): catalogue, stores and stock, orders, customers, registers.

Money is kept in integer cents and quantities in integer thousandths ("milli"), so that every sum
is exact; the API renders them as Sitoo's 2- and 3-decimal strings.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the POS tables."""


class Store(Base):
    """A physical shop (Sitoo store); its warehouses hold its stock."""

    __tablename__ = "pos_stores"
    storeid: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    externalid: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    storetype: Mapped[int] = mapped_column(Integer, default=10)
    city: Mapped[str] = mapped_column(String(100), default="")
    countryid: Mapped[str] = mapped_column(String(2), default="GB")
    currencycode: Mapped[str] = mapped_column(String(3), default="GBP")


class Warehouse(Base):
    """A stock location: a store's sellable stock, its quarantine, or a virtual warehouse."""

    __tablename__ = "pos_warehouses"
    warehouseid: Mapped[int] = mapped_column(Integer, primary_key=True)
    storeid: Mapped[int | None] = mapped_column(ForeignKey("pos_stores.storeid"), nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    warehousetype: Mapped[int] = mapped_column(Integer, default=10)  # 10 FIFO, 20 Virtual
    usetype: Mapped[int] = mapped_column(Integer, default=10)  # 10 store stock, 20 quarantine
    sellable: Mapped[bool] = mapped_column(Boolean, default=True)
    currencycode: Mapped[str] = mapped_column(String(3), default="GBP")
    externalid: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)


class Register(Base):
    """A cash register (till) of a store, selling from one warehouse."""

    __tablename__ = "pos_registers"
    registerid: Mapped[str] = mapped_column(String(40), primary_key=True)
    registerkey: Mapped[str] = mapped_column(String(40))
    registernumber: Mapped[int] = mapped_column(Integer)
    storeid: Mapped[int] = mapped_column(ForeignKey("pos_stores.storeid"))
    warehouseid: Mapped[int] = mapped_column(ForeignKey("pos_warehouses.warehouseid"))
    currencycode: Mapped[str] = mapped_column(String(3), default="GBP")
    cash_in: Mapped[int] = mapped_column(BigInteger, default=0)
    dateopened: Mapped[int] = mapped_column(BigInteger, default=0)


class Product(Base):
    """An item of the catalogue (pushed from the NetSuite item master); ``sku`` is unique."""

    __tablename__ = "pos_products"
    productid: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    moneyprice: Mapped[int] = mapped_column(BigInteger, default=0)
    moneypricein: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    vat_bp: Mapped[int] = mapped_column(Integer, default=2000)
    activepos: Mapped[bool] = mapped_column(Boolean, default=True)
    stockcountenable: Mapped[bool] = mapped_column(Boolean, default=True)
    barcode: Mapped[str | None] = mapped_column(String(100), nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    datecreated: Mapped[int] = mapped_column(BigInteger, default=0)
    datemodified: Mapped[int] = mapped_column(BigInteger, default=0)


class WarehouseItem(Base):
    """Stock of one sku in one warehouse (may go negative: tills never refuse a sale)."""

    __tablename__ = "pos_warehouse_items"
    warehouseid: Mapped[int] = mapped_column(ForeignKey("pos_warehouses.warehouseid"), primary_key=True)
    sku: Mapped[str] = mapped_column(String(100), primary_key=True)
    total_milli: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved_milli: Mapped[int] = mapped_column(BigInteger, default=0)
    binlocation: Mapped[str] = mapped_column(String(100), default="")
    datemodified: Mapped[int] = mapped_column(BigInteger, default=0)


class WarehouseTransaction(Base):
    """A stock movement: manual in/out, stock taking, or the read-only Sales/Refund of an order."""

    __tablename__ = "pos_warehouse_transactions"
    warehousetransactionid: Mapped[int] = mapped_column(Integer, primary_key=True)
    warehouseid: Mapped[int] = mapped_column(ForeignKey("pos_warehouses.warehouseid"), index=True)
    datecreated: Mapped[int] = mapped_column(BigInteger)
    transactiontype: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(200), default="")
    externalid: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    reasoncode: Mapped[str | None] = mapped_column(String(100), nullable=True)
    orderid: Mapped[int | None] = mapped_column(Integer, nullable=True)


class WarehouseTransactionItem(Base):
    """One sku line of a warehouse transaction, with the stock after it."""

    __tablename__ = "pos_warehouse_transaction_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warehousetransactionid: Mapped[int] = mapped_column(
        ForeignKey("pos_warehouse_transactions.warehousetransactionid"), index=True
    )
    sku: Mapped[str] = mapped_column(String(100))
    quantity_milli: Mapped[int] = mapped_column(BigInteger)
    moneypricein: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    total_after_milli: Mapped[int] = mapped_column(BigInteger)


class User(Base):
    """A customer; the (case-insensitive) email is unique."""

    __tablename__ = "pos_users"
    userid: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email_key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    namefirst: Mapped[str] = mapped_column(String(100), default="")
    namelast: Mapped[str] = mapped_column(String(100), default="")
    customernumber: Mapped[str | None] = mapped_column(String(100), nullable=True)
    personalid: Mapped[str | None] = mapped_column(String(100), nullable=True)
    mobile: Mapped[str | None] = mapped_column(String(50), nullable=True)
    company: Mapped[str | None] = mapped_column(String(200), nullable=True)
    externalid: Mapped[str | None] = mapped_column(String(100), nullable=True)
    datecreated: Mapped[int] = mapped_column(BigInteger, default=0)
    datemodified: Mapped[int] = mapped_column(BigInteger, default=0)


class Order(Base):
    """A sale or (with ``creditorderid``) a refund; amounts in cents, refunds negative."""

    __tablename__ = "pos_orders"
    orderid: Mapped[int] = mapped_column(Integer, primary_key=True)
    eshopid: Mapped[int] = mapped_column(Integer)
    externalid: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    creditorderid: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    orderdate: Mapped[int] = mapped_column(BigInteger)
    datecreated: Mapped[int] = mapped_column(BigInteger)
    orderstateid: Mapped[int] = mapped_column(Integer)
    paymentstateid: Mapped[int] = mapped_column(Integer)
    ordertypeid: Mapped[int] = mapped_column(Integer, default=10)
    registerid: Mapped[str | None] = mapped_column(String(40), nullable=True)
    warehouseid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    currencycode: Mapped[str] = mapped_column(String(3))
    moneyfinal_net: Mapped[int] = mapped_column(BigInteger)
    moneyfinal_vat: Mapped[int] = mapped_column(BigInteger)
    moneytotal_gross_all: Mapped[int] = mapped_column(BigInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    zreportid: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (Index("ix_pos_orders_register_z", "registerid", "zreportid"),)


class OrderItem(Base):
    """One row of an order: a product, its discount (the row right after it) or shipping."""

    __tablename__ = "pos_order_items"
    orderitemid: Mapped[int] = mapped_column(Integer, primary_key=True)
    orderid: Mapped[int] = mapped_column(ForeignKey("pos_orders.orderid"), index=True)
    orderitemtype: Mapped[int] = mapped_column(Integer)
    productid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sku: Mapped[str | None] = mapped_column(String(100), nullable=True)
    productname: Mapped[str] = mapped_column(String(300), default="")
    quantity: Mapped[int] = mapped_column(Integer)
    moneynetpriceperunit: Mapped[int] = mapped_column(BigInteger)
    vat_bp: Mapped[int] = mapped_column(Integer)
    moneyitemtotal_net: Mapped[int] = mapped_column(BigInteger)
    moneyitemtotal_vat: Mapped[int] = mapped_column(BigInteger)
    moneyrowdiscount: Mapped[int] = mapped_column(BigInteger, default=0)
    reasoncode: Mapped[str | None] = mapped_column(String(100), nullable=True)
    warehouseid: Mapped[int | None] = mapped_column(Integer, nullable=True)


class OrderPayment(Base):
    """A payment of an order by one method (Card, Cash, Gift card)."""

    __tablename__ = "pos_order_payments"
    paymentid: Mapped[int] = mapped_column(Integer, primary_key=True)
    orderid: Mapped[int] = mapped_column(ForeignKey("pos_orders.orderid"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    moneyamount: Mapped[int] = mapped_column(BigInteger)
    externalid: Mapped[str | None] = mapped_column(String(100), nullable=True)
    refid: Mapped[str | None] = mapped_column(String(100), nullable=True)
    cardissuer: Mapped[str | None] = mapped_column(String(50), nullable=True)


class ZReport(Base):
    """A register's end-of-day report; ``body`` is the full Sitoo-shaped report as JSON."""

    __tablename__ = "pos_zreports"
    zreportid: Mapped[int] = mapped_column(Integer, primary_key=True)
    registerid: Mapped[str] = mapped_column(ForeignKey("pos_registers.registerid"), index=True)
    datecreated: Mapped[int] = mapped_column(BigInteger)
    dateopened: Mapped[int] = mapped_column(BigInteger)
    moneysalestotal: Mapped[int] = mapped_column(BigInteger)
    moneyrefundtotal: Mapped[int] = mapped_column(BigInteger)
    numsales: Mapped[int] = mapped_column(Integer)
    numrefund: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


# Core handles on the tables (the hot paths use Core statements, not ORM objects).
STORES = _table(Store)
WAREHOUSES = _table(Warehouse)
REGISTERS = _table(Register)
PRODUCTS = _table(Product)
WAREHOUSE_ITEMS = _table(WarehouseItem)
WH_TRANSACTIONS = _table(WarehouseTransaction)
WH_TRANSACTION_ITEMS = _table(WarehouseTransactionItem)
USERS = _table(User)
ORDERS = _table(Order)
ORDER_ITEMS = _table(OrderItem)
ORDER_PAYMENTS = _table(OrderPayment)
ZREPORTS = _table(ZReport)
