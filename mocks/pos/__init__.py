"""POS emulator (like Sitoo): REST API v2 shapes, Basic auth, stores/stock, sales, refunds, Z reports, events."""

from __future__ import annotations

import base64
import json

from flask import Flask

from mocks.core.app import SystemHooks, WebhookOptions, build_app
from mocks.core.clock import parse_instant
from mocks.core.config import EmulatorConfig
from mocks.core.webhooks import WebhookSubscription

from .actions import ACTIONS
from .api import PosServices, bp
from .auth import BasicAuth
from .domain.context import PosContext
from .domain.events import sign
from .errors import invalid, render_error, throttle_error
from .models import Base
from .seed import seed

DEFAULT_PORT = 8704
EVENT_BATCH = 10  # Sitoo posts arrays of at most 10 events


def credentials(config: EmulatorConfig) -> dict[str, str]:
    """What a connector needs: account, site, API ID and password (deterministic defaults)."""
    account = str(config.setting("account", "10020"))
    return {"ACCOUNT": account, "SITE": str(config.setting("site", "1")),
            "API_ID": str(config.setting("api_id", f"{account}-140")),
            "API_PASSWORD": str(config.setting("api_password", f"erpsim-pos-{account}"))}


def event_signer(sub: WebhookSubscription, body: bytes, events: list[str]) -> dict[str, str]:
    """Headers of one events POST: HMAC-SHA256 of the raw body, plus Basic auth when configured."""


    headers = {"Content-Type": "application/json", "X-Sitoo-Signature": sign(sub.secret, body),
               "X-Sitoo-Event-Count": str(len(events))}
    extra = json.loads(sub.extra or "{}")
    if extra.get("username"):
        token = f"{extra['username']}:{extra.get('password') or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
    return headers


def create_app(config: EmulatorConfig | None = None) -> Flask:
    """The POS emulator's Flask app."""
    if config is None:
        config = EmulatorConfig.from_env("pos")
    creds = credentials(config)
    try:
        site = int(creds["SITE"])
    except ValueError:
        raise ValueError(f"ERPSIM_POS_SITE must be an integer (Sitoo eshopid), got {creds['SITE']!r}") from None
    hooks = SystemHooks(render_error=render_error, throttle_error=throttle_error, invalid=invalid, seed=seed,
                        actions=ACTIONS,
                        webhooks=WebhookOptions(signer=event_signer, batch_size=EVENT_BATCH, max_attempts=10,
                                                retry_on=frozenset({429, 503, 504})))
    app, emu = build_app(config, [Base.metadata], hooks, import_name=__name__)
    ctx = PosContext(account=creds["ACCOUNT"], site=site, currency=str(config.setting("currency", "GBP")),
                     clock_start=parse_instant(config.clock_start))
    emu.services["pos"] = PosServices(emu, ctx, BasicAuth(creds["API_ID"], creds["API_PASSWORD"]))
    app.register_blueprint(bp)
    return app


