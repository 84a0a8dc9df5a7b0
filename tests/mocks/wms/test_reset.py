"""A reset by one worker process makes every other worker forget the API keys it cached."""

from __future__ import annotations

from pathlib import Path

from .conftest import WmsDriver, make_app


def test_a_key_of_the_old_world_is_refused_by_another_worker_after_reset(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wms.db'}"
    worker_a, worker_b = WmsDriver(make_app(tmp_path, url)), WmsDriver(make_app(tmp_path, url))
    worker_a.seed({"records": {"clients": [{"code": "ACME", "name": "Acme", "apiKey": "acme-key"}]}})
    assert (
        worker_b.api("GET", "/products", headers={"X-API-Key": "acme-key"}).status_code == 200
    )  # cached in worker B
    worker_a.reset()
    r = worker_b.api("GET", "/products", headers={"X-API-Key": "acme-key"})
    assert r.status_code == 401
    assert worker_b.api("GET", "/products").status_code == 200  # the default client is back
