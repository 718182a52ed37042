"""Store fixtures: each test on a fresh database of every backend (PostgreSQL: a real server this session starts)."""

from __future__ import annotations

import pytest

from bot.store import open_store


@pytest.fixture
async def store(store_url):
    """An open, migrated store on a fresh database; closed afterwards."""
    s = await open_store(store_url)
    yield s
    await s.close()
