"""NetSuite's typed wiring: settings read once from the config, reached through ``NetSuiteServices.of(emu)``."""

from __future__ import annotations

from pathlib import Path

import pytest

from mocks.core.config import SettingError
from mocks.netsuite.services import NetSuiteServices

from .conftest import make_app


def test_settings_reflect_the_config(tmp_path: Path) -> None:
    app = make_app(
        tmp_path, account="7654321-sb2", concurrency_limit="9", realm_strict="false", tba_window="60"
    )
    services = NetSuiteServices.of(app.extensions["erpsim"])
    st = services.settings
    assert (st.account, st.concurrency_limit, st.realm_strict, st.tba_window) == ("7654321_SB2", 9, False, 60)
    assert (st.service_tier, st.nonce_store, st.auth_cache_ttl) == ("standard", "memory", 0.0)
    assert services.governance.limit == 9 and services.auth.account == "7654321_SB2"


def test_a_bad_number_stops_the_start_naming_the_variable(tmp_path: Path) -> None:
    with pytest.raises(SettingError, match="ERPSIM_NETSUITE_CONCURRENCY_LIMIT='x' is not a whole number"):
        make_app(tmp_path, concurrency_limit="x")
