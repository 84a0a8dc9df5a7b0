"""NetSuite emulator tables: records as JSON documents, plus inventory, jobs, auth and preferences."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the NetSuite emulator's tables."""


class NsRecord(Base):
    """Every record of every type, keyed by id space and internal id.

    Internal ids are numbered per family as NetSuite numbers them (``RecordType.id_space``: entities,
    transactions and items share a sequence each, every list has its own), so an id alone is ambiguous:
    a reference is always read with the space its field points into.
    """

    __tablename__ = "ns_records"
    __table_args__ = (
        UniqueConstraint("rtype", "external_key", name="uq_ns_records_external"),
        Index("ix_ns_records_rtype_id", "rtype", "id"),
    )
    space: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    rtype: Mapped[str] = mapped_column(String(40))
    #: Lower-cased externalId: external ids are case-insensitive and unique per record type.
    external_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    name: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(40))
    last_modified: Mapped[str] = mapped_column(String(40))
    deleted_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    locked_by_wf: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Set by act/concurrent_edit: the next save fails as if a script saved the record in between.
    pending_conflict: Mapped[bool] = mapped_column(Boolean, default=False)


class NsInventory(Base):
    """Quantity on hand and committed per item, location, lot (0 = none) and bin (0 = none)."""

    __tablename__ = "ns_inventory"
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lot_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    bin_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    on_hand: Mapped[float] = mapped_column(Float, default=0.0)
    last_modified: Mapped[str] = mapped_column(String(40), default="")


class NsCommitment(Base):
    """Quantity committed to open sales-order lines per item and location."""

    __tablename__ = "ns_commitments"
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    committed: Mapped[float] = mapped_column(Float, default=0.0)


class NsPreference(Base):
    """Account preferences (JSON values): negative inventory, closed-period posting, date format..."""

    __tablename__ = "ns_preferences"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class NsSequence(Base):
    """Counters incremented atomically by an upsert: document numbers per transaction type, internal ids
    per id space (``id:<space>``) and the refName generation."""

    __tablename__ = "ns_sequences"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class NsAsyncJob(Base):
    """A ``Prefer: respond-async`` request and its outcome."""

    __tablename__ = "ns_async_jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(2000))
    query: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    headers: Mapped[str] = mapped_column(Text, default="{}")
    progress: Mapped[str] = mapped_column(String(20), default="pending")
    result_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    result_headers: Mapped[str] = mapped_column(Text, default="{}")
    result_body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    finished_at: Mapped[str | None] = mapped_column(String(40), nullable=True)


class NsToken(Base):
    """TBA consumer/token pairs (the integration record and access token), revocable."""

    __tablename__ = "ns_tokens"
    token_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    token_secret: Mapped[str] = mapped_column(String(200))
    consumer_key: Mapped[str] = mapped_column(String(200))
    consumer_secret: Mapped[str] = mapped_column(String(200))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class NsNonce(Base):
    """Nonces seen within the timestamp window (a replay is refused)."""

    __tablename__ = "ns_nonces"
    consumer_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    token_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(100), primary_key=True)
    timestamp: Mapped[int] = mapped_column(Integer)


class NsOAuthClient(Base):
    """An OAuth 2.0 client-credentials integration: client id, certificate id and public key."""

    __tablename__ = "ns_oauth_clients"
    client_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    certificate_id: Mapped[str] = mapped_column(String(200))
    public_key_pem: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(String(200), default="rest_webservices")
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
