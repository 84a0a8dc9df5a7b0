"""AP automation emulator (BILL v3 / Cashflow360): vendors, bills, approvals, vendor credits, payments,
AR invoices, classifications, signed webhooks; BILL's sessions, limits and error bodies."""

from __future__ import annotations

from flask import Flask

from mocks.core.app import SystemHooks, WebhookOptions, build_app
from mocks.core.config import EmulatorConfig
from mocks.core.limiter import SlotLimiter

from .actions import ACTIONS
from .api import blueprints
from .domain.subscriptions import signer
from .errors import invalid, render_error, throttle_error
from .models import Base
from .seed import seed
from .services import ApServices, ApSettings


def create_app(config: EmulatorConfig | None = None) -> Flask:
    """Build the AP emulator app."""
    if config is None:
        config = EmulatorConfig.from_env("ap")
    settings = ApSettings.from_config(config)
    hooks = SystemHooks(
        render_error=render_error,
        throttle_error=throttle_error,
        invalid=invalid,
        seed=seed,
        actions=ACTIONS,
        webhooks=WebhookOptions(
            signer=signer,
            batch_size=1,
            max_attempts=settings.webhook_max_attempts,
            disable_after=settings.webhook_disable_after,
        ),
    )
    app, emu = build_app(config, [Base.metadata], hooks, import_name=__name__, blueprints=blueprints())
    emu.set_services(
        ApServices(
            settings,
            SlotLimiter(
                "ap", data_dir=config.data_dir, engine=emu.store.engine if emu.store.is_postgres else None
            ),
        )
    )
    return app


def credentials(config: EmulatorConfig) -> dict[str, str]:
    """What a connector needs (as ERPSIM_AP_<KEY> variables)."""
    st = ApSettings.from_config(config)
    return {
        "DEV_KEY": st.dev_key,
        "USERNAME": st.username,
        "PASSWORD": st.password,
        "ORG_ID": st.org_id,
        "REMEMBER_ME_ID": st.remember_me_id,
        "DEVICE": st.device,
        "BANK_ACCOUNT_ID": st.bank_account_id,
    }
