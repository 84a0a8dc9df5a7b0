"""Clients (3PL customers) and their API keys; the default client and warehouse every world starts with."""

from __future__ import annotations

from sqlalchemy import select

from mocks.core.app import Emulator

from ..errors import no_such
from ..models import Client, Warehouse
from ..services import WmsServices
from .common import now_stamp

DEFAULT_CLIENT = "DEFAULT"


def ensure_defaults(emu: Emulator) -> None:
    """Make sure the default client (with the configured key) and one warehouse exist."""
    key = WmsServices.of(emu).settings.api_key
    with emu.store.write() as s:
        at = now_stamp(emu, s)
        client = s.execute(select(Client).where(Client.code == DEFAULT_CLIENT)).scalar_one_or_none()
        if client is None:
            s.add(Client(code=DEFAULT_CLIENT, name="Default client", api_key=key, created_at=at))
        elif client.api_key != key:
            client.api_key = key
        if s.execute(select(Warehouse.id).limit(1)).scalar() is None:
            s.add(Warehouse(code="MAIN", name="Main warehouse", created_at=at))


def client_for_key(emu: Emulator, api_key: str) -> int | None:
    """The id of the client owning ``api_key`` (known keys are cached per world generation and process).

    Keys only change with a reset or a seed, both of which start a new world generation in the store,
    so every worker process drops its cached keys on its next request.
    """
    gen = emu.generation()
    cache = WmsServices.of(emu).keys
    hit = cache.get(api_key)
    if hit is not None and hit[1] == gen:
        return hit[0]
    with emu.store.read() as s:
        found = s.execute(select(Client.id).where(Client.api_key == api_key)).scalar()
    if found is None:
        cache.pop(api_key, None)
        return None
    if len(cache) > 1000:
        cache.clear()
    cache[api_key] = (int(found), gen)
    return int(found)


def forget_keys(emu: Emulator) -> None:
    """Drop the API-key cache (after a reset every key must be looked up again)."""
    WmsServices.of(emu).keys.clear()


def client_id_by_code(emu: Emulator, code: str | None) -> int:
    """A client's id by code (the default client when ``code`` is None); ApiError 404 when unknown."""
    with emu.store.read() as s:
        found = s.execute(select(Client.id).where(Client.code == (code or DEFAULT_CLIENT))).scalar()
    if found is None:
        raise no_such("CLIENT_NOT_FOUND", f"Client {code!r} was not found.", "client")
    return int(found)
