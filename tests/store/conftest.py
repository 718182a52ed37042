"""Store fixtures: every backend the machine can run, each test on a fresh database."""

from __future__ import annotations

import pytest

from bot.store import open_store

BACKENDS = ["sqlite"]


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path) -> str:
    """A DATABASE_URL for an empty database of each backend."""
    return f"sqlite:///{tmp_path}/store.sqlite3"


@pytest.fixture
async def store(store_url):
    """An open, migrated store on a fresh database; closed afterwards."""
    s = await open_store(store_url)
    yield s
    await s.close()
