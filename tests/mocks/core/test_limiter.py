"""Concurrency slots hold across threads and processes (file locks) and on PostgreSQL."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from mocks.core.limiter import SlotLimiter
from mocks.core.store import make_engine


def _hold(data_dir: str, limit: int, results: multiprocessing.Queue[bool], barrier: object) -> None:
    lim = SlotLimiter("t", data_dir=Path(data_dir))
    with lim.slot("acct", limit) as ok:
        results.put(ok)
        barrier.wait()  # type: ignore[attr-defined]


def test_threads_over_the_limit_are_refused(tmp_path: Path) -> None:
    lim = SlotLimiter("ns", data_dir=tmp_path)
    got: list[bool] = []
    barrier = threading.Barrier(6)

    def worker() -> None:
        with lim.slot("acct", 5) as ok:
            got.append(ok)
            barrier.wait(5)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == [False, True, True, True, True, True]
    with lim.slot("acct", 5) as ok:
        assert ok  # released afterwards


def test_processes_share_the_limit(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    results: multiprocessing.Queue[bool] = ctx.Queue()
    barrier = ctx.Barrier(4)
    procs = [ctx.Process(target=_hold, args=(str(tmp_path), 3, results, barrier)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(10)
    assert sorted(results.get(timeout=5) for _ in range(4)) == [False, True, True, True]


@pytest.mark.postgres
def test_postgres_advisory_slots(pg_url: str) -> None:
    engine = make_engine(pg_url)
    a, b = SlotLimiter("pg", engine=engine), SlotLimiter("pg", engine=engine)
    with a.slot("acct-pg-test", 1) as first:
        with b.slot("acct-pg-test", 1) as second:
            assert (first, second) == (True, False)
    with b.slot("acct-pg-test", 1) as again:
        assert again
    engine.dispose()
