"""Clients (3PL customers) and their API keys; the default client and warehouse every world starts with."""

from __future__ import annotations

from sqlalchemy import select, text

from mocks.core.app import Emulator

from ..models import Client, Warehouse
from .common import now_stamp

DEFAULT_CLIENT = "DEFAULT"
DEFAULT_API_KEY = "wms-test-key"


def api_key_setting(emu: Emulator) -> str:
    """The default client's API key (setting ``api_key``, env ``ERPSIM_WMS_API_KEY``)."""
    return str(emu.config.setting("api_key", DEFAULT_API_KEY))


def ensure_defaults(emu: Emulator) -> None:
    """Make sure the default client (with the configured key) and one warehouse exist."""
    key = api_key_setting(emu)
    with emu.store.write() as s:
        at = now_stamp(emu, s)
        client = s.execute(select(Client).where(Client.code == DEFAULT_CLIENT)).scalar_one_or_none()
        if client is None:
            s.add(Client(code=DEFAULT_CLIENT, name="Default client", api_key=key, created_at=at))
        elif client.api_key != key:
            client.api_key = key
        if s.execute(select(Warehouse.id).limit(1)).scalar() is None:
            s.add(Warehouse(code="MAIN", name="Main warehouse", created_at=at))


def restart_sequences(emu: Emulator) -> None:
    """On PostgreSQL, restart every id sequence after a reset so ids are the same on every run."""
    if not emu.store.is_postgres:
        return
    with emu.store.write() as s:
        for table in emu.store.tables:
            if "id" in table.c:
                s.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), 1, false)"),
                          {"t": f'"{emu.system}"."{table.name}"'})


def client_for_key(emu: Emulator, api_key: str) -> int | None:
    """The id of the client owning ``api_key``."""
    with emu.store.read() as s:
        found = s.execute(select(Client.id).where(Client.api_key == api_key)).scalar()
        return int(found) if found is not None else None


def client_id_by_code(emu: Emulator, code: str | None) -> int:
    """A client's id by code (the default client when ``code`` is None); ApiError 404 when unknown."""
    from mocks.core.errors import ApiError

    with emu.store.read() as s:
        found = s.execute(select(Client.id).where(Client.code == (code or DEFAULT_CLIENT))).scalar()
    if found is None:
        raise ApiError(404, "CLIENT_NOT_FOUND", f"Client {code!r} was not found.", path="client")
    return int(found)
