"""What every aggregate shares: the transaction context, counters, lookups and event publishing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from mocks.core.app import Emulator
from mocks.core.webhooks import WebhookHub

from ..errors import no_match, not_found, unknown_ref, validation_error
from ..models import Counter, Item, Lot
from ..services import QmsServices

T = TypeVar("T")

#: Every event type the QMS publishes (subscriptions may also use "*" or fnmatch patterns).
EVENT_TYPES = (
    "lot.released",
    "lot.rejected",
    "lot.locked",
    "lot.unlocked",
    "production.scheduled",
    "production.completed",
    "shipment.completed",
)


@dataclass
class Ctx:
    """One business transaction: the session, the virtual time it happens at, and where events go."""

    session: Session
    now: str
    today: str
    hub: WebhookHub | None
    over_receipt_pct: int = 0

    def publish(self, event_type: str, data: dict[str, Any]) -> str:
        """Queue an event in the outbox inside this transaction; returns its id."""
        seq = next_value(self.session, "event")
        event_id = f"evt_{seq:08d}"
        if self.hub is not None:
            envelope = {"id": event_id, "type": event_type, "createdAt": self.now, "data": data}
            self.hub.publish(self.session, event_type, envelope, event_id)
        return event_id


@contextmanager
def write_ctx(emu: Emulator) -> Iterator[Ctx]:
    """A write transaction of the emulator's store wrapped in a Ctx."""
    with emu.store.write() as session:
        now = emu.clock.now(session)
        yield Ctx(
            session=session,
            now=now.isoformat(),
            today=now.date().isoformat(),
            hub=emu.webhooks,
            over_receipt_pct=QmsServices.of(emu).settings.over_receipt_pct,
        )


@contextmanager
def read_ctx(emu: Emulator) -> Iterator[Ctx]:
    """A read-only session wrapped in a Ctx (no events may be published from it)."""
    with emu.store.read() as session:
        now = emu.clock.now(session)
        yield Ctx(session=session, now=now.isoformat(), today=now.date().isoformat(), hub=None)


def on_reset(emu: Emulator) -> None:
    """After the core emptied the tables (and restarted their id sequences): the counters exist again."""
    ensure_counters(emu)


def ensure_counters(emu: Emulator) -> None:
    """Create the counter rows up front so concurrent first uses never race on the INSERT."""
    with emu.store.write() as session:
        for name in ("event", "lot"):
            if session.get(Counter, name) is None:
                session.add(Counter(name=name, value=0))


def next_value(session: Session, name: str, step: int = 1) -> int:
    """Advance a named counter by ``step`` inside the current transaction; returns the new value."""
    row = session.execute(select(Counter).where(Counter.name == name).with_for_update()).scalar_one_or_none()
    if row is None:
        row = Counter(name=name, value=0)
        session.add(row)
    row.value += step
    session.flush()
    return row.value


def find_by_ref(session: Session, model: type[T], ref: Any, field: str, *natural_keys: Any) -> T:
    """A row an act/ body names by id (int) or by one of its natural keys (str), or a 404 naming the field."""
    if isinstance(ref, bool) or ref is None or not isinstance(ref, int | str):
        raise validation_error(field, f"'{field}' must be an id or a reference string.")
    table: Any = model
    cond = table.id == ref if isinstance(ref, int) else or_(*(c == ref for c in natural_keys))
    row = session.execute(select(model).where(cond).order_by(table.id)).scalars().first()
    if row is None:
        raise no_match(table.__tablename__[4:], field, ref)
    return row


def get_or_404(session: Session, model: type[T], key: int, kind: str, *, lock: bool = False) -> T:
    """A row by primary key (row-locked on PostgreSQL when ``lock``), or a 404."""
    stmt = select(model).where(model.id == key)  # type: ignore[attr-defined]
    if lock:
        stmt = stmt.with_for_update()
    row = session.execute(stmt).scalar_one_or_none()
    if row is None:
        raise not_found(kind, key)
    return row


def resolve_item(session: Session, ref: tuple[str, int | str], field: str) -> Item:
    """The item a body names (by id, NetSuite external id or SKU), or a 422."""
    kind, key = ref
    col = {"id": Item.id, "netsuiteId": Item.netsuite_id, "sku": Item.sku}[kind]
    item = session.execute(select(Item).where(col == key)).scalar_one_or_none()
    if item is None:
        raise unknown_ref("Item", field, key)
    return item


def resolve_lot(session: Session, ref: tuple[str, int | str], field: str, *, lock: bool = True) -> Lot:
    """The lot a body names (by id or lot number), row-locked for update, or a 422."""
    kind, key = ref
    stmt = select(Lot).where((Lot.id if kind == "id" else Lot.lot_number) == key)
    if lock:
        stmt = stmt.with_for_update()
    lot = session.execute(stmt).scalar_one_or_none()
    if lot is None:
        raise unknown_ref("Lot", field, key)
    return lot


def page(session: Session, stmt: Any, count_stmt: Any, limit: int, page_no: int) -> tuple[list[Any], int]:
    """One page of ``stmt`` and the total row count."""
    total = int(session.execute(count_stmt).scalar_one())
    rows = list(session.execute(stmt.limit(limit).offset((page_no - 1) * limit)).scalars())
    return rows, total
