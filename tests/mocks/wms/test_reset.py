"""A reset by one worker process makes every other worker forget the API keys it cached."""

from __future__ import annotations

from pathlib import Path

from .conftest import Wms, make_app


def test_a_key_of_the_old_world_is_refused_by_another_worker_after_reset(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wms.db'}"
    worker_a, worker_b = Wms(make_app(url, tmp_path)), Wms(make_app(url, tmp_path))
    worker_a.seed({"records": {"clients": [{"code": "ACME", "name": "Acme", "apiKey": "acme-key"}]}})
    assert worker_b.api("GET", "/products", key="acme-key").status_code == 200  # cached in worker B
    r = worker_a.c.post("/__erpsim/reset", headers={"X-Erpsim-Admin-Token": "erpsim-admin"})
    assert r.status_code == 200
    r = worker_b.api("GET", "/products", key="acme-key")
    assert r.status_code == 401
    assert worker_b.api("GET", "/products").status_code == 200  # the default client is back
