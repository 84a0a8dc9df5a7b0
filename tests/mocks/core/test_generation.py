"""The world generation: kept in the store, moved by reset and seed, clearing every registered cache."""

from __future__ import annotations

from pathlib import Path

from mocks.core.config import EmulatorConfig
from tests.conftest import ADMIN

from .fake_system import create_app


def test_reset_and_seed_move_the_generation_and_clear_caches_of_every_app_on_the_store(
    tmp_path: Path,
) -> None:
    cfg = EmulatorConfig(system="fake", db_url=f"sqlite:///{tmp_path / 'fake.db'}", data_dir=tmp_path)
    app_a, app_b = create_app(cfg), create_app(cfg)  # two worker processes sharing one store
    emu_a, emu_b = app_a.extensions["erpsim"], app_b.extensions["erpsim"]
    cleared: list[str] = []
    emu_b.register_cache(lambda: cleared.append("b"))
    start = emu_b.generation()
    assert cleared == ["b"]  # the first look at the store counts as a new generation
    assert emu_b.generation() == start and cleared == ["b"]

    assert (
        app_a.test_client().post("/__erpsim/seed", json={"records": {"A": 1}}, headers=ADMIN).status_code
        == 200
    )
    assert emu_b.generation() == start + 1 and cleared == ["b", "b"]
    assert app_a.test_client().post("/__erpsim/reset", headers=ADMIN).status_code == 200
    assert emu_a.store.generation() == emu_b.generation() == start + 2 and cleared == ["b", "b", "b"]
    # Machinery, not world state: the generation is not part of a dump unless named.
    assert "erpsim_generation" not in emu_a.store.dump()
    assert emu_a.store.dump(["erpsim_generation"]) == {"erpsim_generation": [{"id": 1, "value": start + 2}]}
