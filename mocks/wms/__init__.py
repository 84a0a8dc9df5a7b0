"""The WMS / 3PL emulator (a Scend-like warehouse): item master, orders, stock, goods-in, webhooks."""

from __future__ import annotations

from flask import Flask

from mocks.core.app import Emulator, SystemHooks, WebhookOptions, build_app
from mocks.core.config import EmulatorConfig

from .actions import ACTIONS
from .api import blueprints
from .domain.clients import ensure_defaults, forget_keys
from .domain.events import signer
from .errors import invalid, render_error, throttle_error
from .models import Base
from .seed import seed
from .services import WmsServices, WmsSettings


def _on_reset(emu: Emulator) -> None:
    forget_keys(emu)
    ensure_defaults(emu)


def create_app(config: EmulatorConfig | None = None) -> Flask:
    """The WMS Flask app: vendor API under /api/v1, control plane under /__erpsim."""
    config = config or EmulatorConfig.from_env("wms")
    hooks = SystemHooks(
        render_error=render_error,
        throttle_error=throttle_error,
        invalid=invalid,
        seed=seed,
        actions=ACTIONS,
        on_reset=_on_reset,
        webhooks=WebhookOptions(signer=signer, max_attempts=8),
    )
    app, emu = build_app(config, [Base.metadata], hooks, import_name=__name__, blueprints=blueprints())
    emu.set_services(WmsServices(WmsSettings.from_config(config)))
    ensure_defaults(emu)
    emu.register_cache(lambda: forget_keys(emu))
    return app


def credentials(config: EmulatorConfig) -> dict[str, str]:
    """What a connector needs: the default client's API key (``ERPSIM_WMS_API_KEY``)."""
    return {"API_KEY": WmsSettings.from_config(config).api_key}


__all__ = ["create_app", "credentials"]
