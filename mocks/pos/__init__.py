"""POS emulator (like Sitoo): REST API v2 shapes, Basic auth, stores/stock, sales, refunds, Z reports, events."""

from __future__ import annotations

from flask import Flask

from mocks.core.app import SystemHooks, WebhookOptions, build_app
from mocks.core.clock import parse_instant
from mocks.core.config import EmulatorConfig

from .actions import ACTIONS
from .api import blueprints
from .domain.context import PosContext
from .domain.events import signer
from .errors import invalid, render_error, throttle_error
from .models import Base
from .seed import seed
from .services import PosServices, PosSettings

EVENT_BATCH = 10  # Sitoo posts arrays of at most 10 events


def credentials(config: EmulatorConfig) -> dict[str, str]:
    """What a connector needs: account, site, API ID and password (deterministic defaults)."""
    st = PosSettings.from_config(config)
    return {"ACCOUNT": st.account, "SITE": st.site, "API_ID": st.api_id, "API_PASSWORD": st.api_password}


def create_app(config: EmulatorConfig | None = None) -> Flask:
    """The POS emulator's Flask app."""
    if config is None:
        config = EmulatorConfig.from_env("pos")
    settings = PosSettings.from_config(config)
    site = settings.site_id()
    hooks = SystemHooks(
        render_error=render_error,
        throttle_error=throttle_error,
        invalid=invalid,
        seed=seed,
        actions=ACTIONS,
        webhooks=WebhookOptions(
            signer=signer, batch_size=EVENT_BATCH, max_attempts=10, retry_on=frozenset({429, 503, 504})
        ),
    )
    app, emu = build_app(config, [Base.metadata], hooks, import_name=__name__, blueprints=blueprints())
    ctx = PosContext(
        account=settings.account,
        site=site,
        currency=settings.currency,
        clock_start=parse_instant(config.clock_start),
    )
    emu.set_services(PosServices(emu, settings, ctx))
    return app
