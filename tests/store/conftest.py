"""Store fixtures: each test on a fresh database of every backend (PostgreSQL: a real server this session starts)."""

from __future__ import annotations

import itertools

import pytest

from bot.store import open_store

BACKENDS = ["sqlite", "postgres"]
_names = itertools.count()


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path) -> str:
    """A DATABASE_URL for an empty database of each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.sqlite3"
    cluster = request.getfixturevalue("pg_cluster")
    name = f"t{next(_names)}"
    cluster.psql(f"CREATE DATABASE {name}")
    return cluster.url(name)


@pytest.fixture
async def store(store_url):
    """An open, migrated store on a fresh database; closed afterwards."""
    s = await open_store(store_url)
    yield s
    await s.close()
