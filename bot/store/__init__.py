"""The store: deliveries and the durable queue, and what the bot remembers about issues, on SQLite or PostgreSQL.

`await open_store(DATABASE_URL)` picks the backend from the URL's scheme: `sqlite:///path` (the embedded default) or
`postgresql://user:pass@host:5432/db` (several replicas on one database).
"""

from __future__ import annotations

import os

from bot.store.base import Delivery, IssueState, Store
from bot.store.sqlite import SQLiteStore, sqlite_path

__all__ = ["Delivery", "IssueState", "Store", "SQLiteStore", "open_store", "open_existing", "scheme", "sqlite_path"]

POSTGRES_SCHEMES = ("postgresql", "postgres")


def scheme(database_url: str) -> str:
    """"sqlite" or "postgres" for a DATABASE_URL; ValueError for anything else."""
    name = database_url.split(":", 1)[0].lower() if ":" in database_url else ""
    if name == "sqlite" and database_url.startswith("sqlite:///"):
        return "sqlite"
    if name in POSTGRES_SCHEMES or name.startswith("postgresql+"):
        return "postgres"
    raise ValueError(f"unsupported DATABASE_URL scheme: {name or database_url!r} (sqlite:///path or postgresql://...)")


async def open_store(database_url: str, *, migrate: bool = True) -> Store:
    """The store for DATABASE_URL, its schema migrated (PostgreSQL: under a lock, so replicas may start together)."""
    if scheme(database_url) == "postgres":
        try:
            from bot.store.postgres import PostgresStore  # psycopg only when PostgreSQL is asked for
        except ImportError as exc:
            raise ValueError(f"DATABASE_URL is PostgreSQL but {exc.name} is missing: "
                             "pip install 'firstmile[postgres]'") from None

        return await PostgresStore.open(database_url, migrate=migrate)
    return SQLiteStore(database_url)


async def open_existing(database_url: str) -> Store:
    """The store for DATABASE_URL, which must already exist (for commands that read a server's store)."""
    if scheme(database_url) == "sqlite" and not os.path.exists(sqlite_path(database_url)):
        raise ValueError(f"no database at {sqlite_path(database_url)}")
    return await open_store(database_url)
