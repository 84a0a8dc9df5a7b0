"""The test fixtures themselves: PostgreSQL tests never touch shared data and leave nothing behind."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from mocks.core.config import EmulatorConfig
from mocks.wms import create_app
from tests.conftest import PG_SERVER_URL, PG_TEST_PREFIX, pg_available, pg_test_database

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not pg_available(), reason="PostgreSQL not reachable")]


def _databases() -> set[str]:
    with psycopg.connect(PG_SERVER_URL, autocommit=True) as conn:
        return {row[0] for row in conn.execute("SELECT datname FROM pg_database")}


def test_pg_url_is_an_empty_database_of_its_own(pg_url: str) -> None:
    name = make_url(pg_url).database
    assert name is not None and name.startswith(PG_TEST_PREFIX)
    assert name != make_url(PG_SERVER_URL).database
    with psycopg.connect(pg_url) as conn:
        schemas = {
            r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_%'")
        }
    assert schemas == {"public", "information_schema"}


def test_the_test_database_is_dropped_with_its_open_connections(tmp_path: Path) -> None:
    with pg_test_database() as url:
        name = make_url(url).database
        app = create_app(EmulatorConfig(system="wms", db_url=url, data_dir=tmp_path))
        assert app.test_client().get("/__erpsim/health").status_code == 200
        assert name in _databases()
    assert name not in _databases()
    app.extensions["erpsim"].store.dispose()  # closes this side of the connections the drop cut
