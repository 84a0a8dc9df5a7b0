"""The store's URLs: both spellings of an in-memory SQLite database work, with no lock file."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from mocks.core.store import Store


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_store_writes_and_reads_back(url: str) -> None:
    metadata = MetaData()
    table = Table("things", metadata, Column("id", Integer, primary_key=True), Column("name", String(20)))
    store = Store(url, "fake", [metadata])
    store.create_all()
    with store.write() as session:
        session.execute(insert(table).values(name="widget"))
    with store.read() as session:
        assert session.execute(select(table.c.name)).scalars().all() == ["widget"]
