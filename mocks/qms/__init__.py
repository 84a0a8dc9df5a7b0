"""QMS emulator (DataNinja-like): lot traceability, incoming inspection, production genealogy, shipping.

NetSuite is master for purchase and sales orders; the QMS owns receiving, quality status, recipes,
production records and shipping, and tells a connector what to post back (item receipts of released
lots, work orders, assembly builds with lot numbers, item fulfillments) through signed webhooks.
"""

from __future__ import annotations

from flask import Flask

from mocks.core.app import SystemHooks, WebhookOptions, build_app
from mocks.core.config import EmulatorConfig

from .actions import ACTIONS
from .api import blueprints
from .domain.common import ensure_counters, on_reset
from .domain.webhooks import sign
from .errors import invalid, render_error, throttle_error
from .models import Base
from .seed import seed, state
from .services import QmsServices, QmsSettings


def create_app(config: EmulatorConfig | None = None) -> Flask:
    """Build the QMS emulator app (config from ERPSIM_QMS_* variables when not given)."""
    if config is None:
        config = EmulatorConfig.from_env("qms")
    hooks = SystemHooks(
        render_error=render_error,
        throttle_error=throttle_error,
        invalid=invalid,
        seed=seed,
        actions=ACTIONS,
        state=state,
        on_reset=on_reset,
        webhooks=WebhookOptions(signer=sign, batch_size=1, max_attempts=8),
    )
    app, emu = build_app(config, [Base.metadata], hooks, import_name=__name__, blueprints=blueprints())
    emu.set_services(QmsServices(QmsSettings.from_config(config)))
    ensure_counters(emu)
    return app


def credentials(config: EmulatorConfig) -> dict[str, str]:
    """What a connector needs: ERPSIM_QMS_API_KEY (sent as 'Authorization: Bearer <key>')."""
    return {"API_KEY": QmsSettings.from_config(config).api_key}
