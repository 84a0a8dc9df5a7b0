"""AP (BILL-like) tables. Money is integer cents; times are ISO strings from the virtual clock."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the AP emulator's own tables."""


class ApSession(Base):
    """A login session; it expires after an idle period of virtual time."""

    __tablename__ = "ap_sessions"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    dev_key: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(20))
    org_id: Mapped[str] = mapped_column(String(20))
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    last_used: Mapped[float] = mapped_column(Float)  # virtual epoch seconds
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class ApRateWindow(Base):
    """Requests counted per devKey per virtual-clock hour (BILL's hourly cap)."""

    __tablename__ = "ap_rate_windows"
    dev_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(20), primary_key=True)  # "api:2026-01-05T09" / "login:..."
    count: Mapped[int] = mapped_column(Integer, default=0)


class ApClassification(Base):
    """Chart of accounts, departments, accounting classes and locations (one table, ``kind`` apart)."""

    __tablename__ = "ap_classifications"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    account_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    account_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    parent_pk: Mapped[int | None] = mapped_column(Integer, nullable=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_time: Mapped[str] = mapped_column(String(40))
    updated_time: Mapped[str] = mapped_column(String(40))


class ApParty(Base):
    """A vendor (``role`` vendor) or a customer (``role`` customer)."""

    __tablename__ = "ap_parties"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(40), nullable=True)
    account_type: Mapped[str] = mapped_column(String(10))
    first_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    last_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    company_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    account_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    address: Mapped[str] = mapped_column(Text, default="{}")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    synced: Mapped[bool] = mapped_column(Boolean, default=False)
    external_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_time: Mapped[str] = mapped_column(String(40))
    updated_time: Mapped[str] = mapped_column(String(40), index=True)


class ApDocument(Base):
    """A bill, a vendor credit or an invoice (``doc_type``), with its running balances in cents."""

    __tablename__ = "ap_documents"
    __table_args__ = (
        Index("ix_ap_documents_type_updated", "doc_type", "updated_time"),
        Index("ix_ap_documents_number", "doc_type", "party_pk", "number"),
    )
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(14))  # bill / vendor_credit / invoice
    party_pk: Mapped[int] = mapped_column(ForeignKey("ap_parties.pk"))
    number: Mapped[str] = mapped_column(String(100))  # invoiceNumber / referenceNumber
    doc_date: Mapped[str] = mapped_column(String(10))  # invoiceDate / creditDate
    due_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    description: Mapped[str | None] = mapped_column(String(4000), nullable=True)
    po_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    amount: Mapped[int] = mapped_column(Integer, default=0)
    paid: Mapped[int] = mapped_column(Integer, default=0)  # settled payments
    credited: Mapped[int] = mapped_column(
        Integer, default=0
    )  # vendor credits applied (bill) / applied (credit)
    scheduled: Mapped[int] = mapped_column(Integer, default=0)  # scheduled, not yet settled payments
    approval_status: Mapped[str] = mapped_column(String(12), default="UNASSIGNED")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    synced: Mapped[bool] = mapped_column(Boolean, default=False)
    external_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_time: Mapped[str] = mapped_column(String(40))
    updated_time: Mapped[str] = mapped_column(String(40))


class ApLine(Base):
    """One line of a document, with its classifications."""

    __tablename__ = "ap_lines"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    doc_pk: Mapped[int] = mapped_column(ForeignKey("ap_documents.pk"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[str | None] = mapped_column(String(30), nullable=True)
    price: Mapped[str | None] = mapped_column(String(30), nullable=True)
    description: Mapped[str | None] = mapped_column(String(4000), nullable=True)
    chart_of_account_pk: Mapped[int | None] = mapped_column(Integer, nullable=True)
    department_pk: Mapped[int | None] = mapped_column(Integer, nullable=True)
    accounting_class_pk: Mapped[int | None] = mapped_column(Integer, nullable=True)
    location_pk: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ApPayment(Base):
    """A payment: AP (paid to a vendor, online or recorded) or AR (received from a customer)."""

    __tablename__ = "ap_payments"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    side: Mapped[str] = mapped_column(String(2))  # AP / AR
    party_pk: Mapped[int] = mapped_column(ForeignKey("ap_parties.pk"))
    amount: Mapped[int] = mapped_column(Integer)  # cash part (credits are extra)
    process_date: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))  # SCHEDULED / PAID / CANCELLED / VOIDED / FAILED
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    method: Mapped[str | None] = mapped_column(String(20), nullable=True)
    funding_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    funding_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    description: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    to_print_check: Mapped[bool] = mapped_column(Boolean, default=False)
    synced: Mapped[bool] = mapped_column(Boolean, default=False)
    external_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_time: Mapped[str] = mapped_column(String(40))
    updated_time: Mapped[str] = mapped_column(String(40))


class ApAllocation(Base):
    """Money moved onto a document: a payment's cash on a bill/invoice, or a vendor credit on a bill."""

    __tablename__ = "ap_allocations"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_pk: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    doc_pk: Mapped[int] = mapped_column(Integer, index=True)  # the bill or invoice
    credit_pk: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # vendor credit used
    amount: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_time: Mapped[str] = mapped_column(String(40))


class ApIdempotency(Base):
    """X-Idempotent-Key of a subscription create: the key, a hash of the body, the subscription."""

    __tablename__ = "ap_idempotency"
    __table_args__ = (UniqueConstraint("key"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    body_hash: Mapped[str] = mapped_column(String(64))
    subscription_id: Mapped[int] = mapped_column(Integer)
