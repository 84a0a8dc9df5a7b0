"""The NetSuite emulator: SuiteTalk REST (records, transforms, SuiteQL, async), TBA/OAuth 2.0, governance."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import inspect, select, tuple_

from mocks.core.app import Emulator, SystemHooks, build_app
from mocks.core.config import EmulatorConfig

from . import api
from .account import after_reset, ensure_account
from .actions import ACTIONS
from .api import async_jobs, pipeline
from .auth.oauth2 import default_oauth2_client
from .errors import render_error, throttle_error
from .models import Base, NsCommitment, NsInventory, NsRecord
from .seed import seed
from .services import NetSuiteServices, NetSuiteSettings


def state(emu: Emulator) -> dict[str, Any]:
    """The whole account for assertions: records by type (parsed), deleted records, stock, commitments.

    Query parameters narrow it, for probes that poll it during load runs: ``types=a,b`` (only those record
    types), ``since=<id>`` (only records with a greater id), ``records=none``, and ``inventory=all|none|
    <item>:<location>,...`` (the stock and commitment rows; ``none`` by default once anything is narrowed).
    """
    args = request.args if has_request_context() else {}
    types = [t for t in args.get("types", "").split(",") if t]
    since = int(args["since"]) if args.get("since", "").isdigit() else 0
    narrowed = bool(types or since or "records" in args)
    stock_arg = args.get("inventory", "none" if narrowed else "all")
    out: dict[str, Any] = {"records": {}, "deleted": [], "inventory": [], "commitments": []}
    with emu.store.read() as session:
        if args.get("records") != "none":
            query = select(NsRecord).where(NsRecord.id > since).order_by(NsRecord.id, NsRecord.space)
            if types:
                query = query.where(NsRecord.rtype.in_(types))
            for row in session.execute(query).scalars():
                entry = {
                    "id": row.id,
                    "name": row.name,
                    "version": row.version,
                    "createdAt": row.created_at,
                    "lastModified": row.last_modified,
                    "lockedByWorkflow": row.locked_by_wf,
                    "body": json.loads(row.body),
                }
                if row.deleted_at is not None:
                    out["deleted"].append({"type": row.rtype, "deletedAt": row.deleted_at, **entry})
                else:
                    out["records"].setdefault(row.rtype, []).append(entry)
        if stock_arg == "none":
            return out
        stock = select(NsInventory).order_by(
            NsInventory.item_id, NsInventory.location_id, NsInventory.lot_id, NsInventory.bin_id
        )
        commitments = select(NsCommitment).order_by(NsCommitment.item_id, NsCommitment.location_id)
        if stock_arg != "all":
            pairs = [
                (int(a), int(b))
                for a, _, b in (p.partition(":") for p in stock_arg.split(","))
                if a.isdigit() and b.isdigit()
            ]
            stock = stock.where(tuple_(NsInventory.item_id, NsInventory.location_id).in_(pairs))
            commitments = commitments.where(tuple_(NsCommitment.item_id, NsCommitment.location_id).in_(pairs))
        out["inventory"] = [
            {
                "item": r.item_id,
                "location": r.location_id,
                "lot": r.lot_id,
                "bin": r.bin_id,
                "onHand": r.on_hand,
            }
            for r in session.execute(stock).scalars()
        ]
        out["commitments"] = [
            {"item": r.item_id, "location": r.location_id, "committed": r.committed}
            for r in session.execute(commitments).scalars()
        ]
    return out


def _on_reset(emu: Emulator) -> None:
    auth = NetSuiteServices.of(emu).auth
    with emu.store.write() as session:
        auth.ensure_defaults(session)
    auth.invalidate(nonces=True)


def _refuse_old_schema(emu: Emulator) -> None:
    """A store written before ids were numbered per family cannot be read: say so instead of failing later."""
    schema = emu.store.system if emu.store.is_postgres else None
    columns = {c["name"] for c in inspect(emu.store.engine).get_columns("ns_records", schema=schema)}
    if "space" not in columns:
        raise RuntimeError(
            f"The NetSuite store at {emu.store.url} was written by an older erpsim (internal ids "
            "were global then): delete it, or use another --data-dir / --db."
        )


def create_app(config: EmulatorConfig | None = None) -> Flask:
    """Build the NetSuite emulator app (one per process; state in the store)."""
    config = config or EmulatorConfig.from_env("netsuite")
    hooks = SystemHooks(
        render_error=render_error,
        throttle_error=throttle_error,
        seed=seed,
        actions=ACTIONS,
        state=state,
        on_reset=_on_reset,
        after_reset=after_reset,
    )
    # Record, list and metadata paths answer with a trailing slash as without one (record/v1/customer/), as
    # NetSuite does: the documented examples of popular clients use that form.
    app, emu = build_app(
        config,
        [Base.metadata],
        hooks,
        import_name=__name__,
        blueprints=api.blueprints(),
        strict_slashes=False,
    )
    _refuse_old_schema(emu)
    app.extensions["erpsim_inner_wsgi"] = app.wsgi_app.app  # type: ignore[attr-defined]
    services = NetSuiteServices.build(emu, async_jobs.replay_through(app))
    emu.set_services(services)
    emu.register_cache(services.render_cache.clear)
    emu.register_cache(services.auth.invalidate)
    with emu.store.write() as session:
        services.auth.ensure_defaults(session)
    ensure_account(emu)
    pipeline.install(app, emu)
    emu.background_tasks.append(services.async_jobs.start)
    return app


def credentials(config: EmulatorConfig) -> dict[str, str]:
    """What a connector needs: account, the TBA consumer/token pairs and the OAuth 2.0 M2M client
    (ERPSIM_NETSUITE_*; the client's private key is a file the app generates under the data directory at
    its first start). Writes nothing."""
    settings = NetSuiteSettings.from_config(config)
    client_id, certificate_id, _public, key_file = default_oauth2_client(
        settings, config.data_dir, create=False
    )
    oauth2 = {"OAUTH2_CLIENT_ID": client_id, "OAUTH2_CERTIFICATE_ID": certificate_id}
    if key_file is not None:
        oauth2["OAUTH2_PRIVATE_KEY_FILE"] = str(key_file)
    return {
        "ACCOUNT": settings.account,
        "CONSUMER_KEY": settings.consumer_key,
        "CONSUMER_SECRET": settings.consumer_secret,
        "TOKEN_ID": settings.token_id,
        "TOKEN_SECRET": settings.token_secret,
        **oauth2,
    }
