"""SQLite-only behaviour: the upgrade of files from before schema_migrations, WAL, the locked-database path."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.store import SQLiteStore, open_existing, open_store, schema, scheme, sqlite_path
from bot.store.sqlite import migrate


def _legacy_file(path) -> None:
    """A database as the release before this one left it: three migrations, PRAGMA user_version 3, some rows."""
    conn = sqlite3.connect(path, isolation_level=None)
    for name, script in schema.migrations("sqlite")[:3]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO deliveries (id, event, action, payload, received_at) VALUES ('old', 'issues', "
                 "'opened', '{}', 1.0)")
    conn.execute("INSERT INTO issue_state (repo, number, comment_id) VALUES ('o/r', 1, 42)")
    conn.close()


async def test_a_file_at_user_version_3_upgrades_without_rerunning_old_migrations(tmp_path, monkeypatch):
    db = tmp_path / "legacy.db"
    _legacy_file(db)
    extra = tmp_path / "migrations"
    extra.mkdir()
    for path in schema.DIR.glob("*.sql"):
        (extra / path.name).write_text(path.read_text())
    (extra / "0099_later.sql").write_text("CREATE TABLE later (x BIGINT);\nINSERT INTO later VALUES (1);\n")
    monkeypatch.setattr(schema, "DIR", extra)
    store = SQLiteStore(f"sqlite:///{db}")
    try:
        later = [n for n, _ in schema.migrations("sqlite", extra) if n not in schema.LEGACY]  # 0004.., 0099, features'
        assert store.migrated == later and "0099_later" in later
        assert (await store.get("old")).status == "pending"
        assert (await store.claim_next("me", 5.0, 30.0)).id == "old"  # a delivery from before claims runs
        assert (await store.issue_state("o/r", 1)).comment_id == 42
        names = [r[0] for r in store.conn.execute("SELECT name FROM schema_migrations ORDER BY name")]
        assert names == [*schema.LEGACY, *later]
        assert [tuple(r) for r in store.conn.execute("SELECT x FROM later")] == [(1,)]
    finally:
        await store.close()
    again = SQLiteStore(f"sqlite:///{db}")
    assert again.migrated == []
    await again.close()


def test_a_new_file_keeps_user_version_3_for_older_releases(tmp_path):
    conn = sqlite3.connect(tmp_path / "n.db", isolation_level=None)
    assert migrate(conn) == [name for name, _ in schema.migrations("sqlite")]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    assert migrate(conn) == []


def test_a_failing_migration_leaves_nothing_half_done(tmp_path):
    extra = tmp_path / "m"
    extra.mkdir()
    (extra / "0001_a.sql").write_text("CREATE TABLE a (x INTEGER);\n")
    (extra / "0002_b.sql").write_text("CREATE TABLE b (x INTEGER);\nINSERT INTO nowhere VALUES (1);\n")
    conn = sqlite3.connect(tmp_path / "f.db", isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="nowhere"):
        migrate(conn, extra)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "a" not in tables and "b" not in tables


def test_dialect_variants_and_portable_files(tmp_path):
    (tmp_path / "0001_x.sqlite.sql").write_text("-- s\n")
    (tmp_path / "0001_x.postgres.sql").write_text("-- p\n")
    (tmp_path / "0002_y.sql").write_text("-- both\n")
    assert schema.migrations("sqlite", tmp_path) == [("0001_x", "-- s\n"), ("0002_y", "-- both\n")]
    assert schema.migrations("postgres", tmp_path) == [("0001_x", "-- p\n"), ("0002_y", "-- both\n")]
    (tmp_path / "0004_w.sql").write_text("-- shared\n")
    (tmp_path / "0004_w.postgres.sql").write_text("-- p\n")
    (tmp_path / "0004_w.sqlite.sql").write_text("-- s\n")
    assert schema.migrations("sqlite", tmp_path)[-1] == ("0004_w", "-- shared\n-- s\n")  # portable part first
    assert schema.migrations("postgres", tmp_path)[-1] == ("0004_w", "-- shared\n-- p\n")
    (tmp_path / "0003_z.sqlite.sql").write_text("-- only one side\n")
    with pytest.raises(ValueError, match="0003_z"):
        schema.migrations("postgres", tmp_path)
    (tmp_path / "0003_z.sql").write_text("-- shared\n")
    with pytest.raises(ValueError, match="0003_z"):  # a portable part does not stand in for a dialect's own
        schema.migrations("postgres", tmp_path)


def test_the_split_migrations_keep_the_tables_their_versions_created():
    conn = sqlite3.connect(":memory:")
    for name, script in schema.migrations("sqlite"):
        conn.executescript(script)
    sql = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
    assert "AUTOINCREMENT" in sql["retries"] and "WITHOUT ROWID" in sql["related_df"]
    conn.execute("INSERT INTO retries (repo, event, error, at) VALUES ('o/r', 'issues', 'x', 1)")
    assert conn.execute("SELECT id FROM retries").fetchall() == [(1,)]
    conn.execute("INSERT INTO issue_state (repo, number, updated_at) VALUES ('o/r', '7', 1)")
    conn.execute("INSERT INTO related_links (repo, number, other, verdict, at) VALUES ('o/r', 1, 2, 'duplicate', 3)")
    assert conn.execute("SELECT typeof(number), typeof(updated_at) FROM issue_state").fetchone() == ("integer", "real")
    assert conn.execute("SELECT typeof(at) FROM related_links").fetchone() == ("real",)


async def test_wal_mode_on_files(tmp_path):
    store = await open_store(f"sqlite:///{tmp_path}/w.db")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    await store.close()


async def test_a_write_locked_elsewhere_waits_on_a_thread_not_on_the_event_loop(tmp_path):
    url = f"sqlite:///{tmp_path}/l.db"
    store = await open_store(url)
    other = sqlite3.connect(tmp_path / "l.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    tick = asyncio.create_task(ticker())
    write = asyncio.create_task(store.add_delivery("d", "issues", "opened", "{}", 1.0))
    await asyncio.sleep(0.3)
    assert not write.done() and ticks >= 5  # the loop kept turning while the write waited
    other.execute("COMMIT")
    assert await write is True
    tick.cancel()
    assert (await store.get("d")).status == "pending"
    await store.close()
    other.close()


@pytest.mark.parametrize(("url", "path"), [("sqlite:///firstmile.sqlite3", "firstmile.sqlite3"),
                                           ("sqlite:////var/lib/f.db", "/var/lib/f.db"),
                                           ("sqlite:///:memory:", ":memory:")])
def test_sqlite_path(url, path):
    assert sqlite_path(url) == path


def test_schemes():
    assert scheme("sqlite:///x.db") == "sqlite"
    assert scheme("postgresql://u:p@h:5432/db") == scheme("postgres://h/db") == "postgres"
    for bad in ("mysql://h/db", "redis://h", "x.db", "sqlite://x.db"):
        with pytest.raises(ValueError, match="unsupported"):
            scheme(bad)


async def test_open_existing_refuses_a_missing_file(tmp_path):
    with pytest.raises(ValueError, match="no database"):
        await open_existing(f"sqlite:///{tmp_path}/none.db")


async def test_two_stores_opening_one_new_file_together_migrate_it_once(tmp_path):
    url = f"sqlite:///{tmp_path}/race.db"
    first, second = await asyncio.gather(asyncio.to_thread(SQLiteStore, url), asyncio.to_thread(SQLiteStore, url))
    assert sorted([first.migrated, second.migrated], key=len) == [[], [n for n, _ in schema.migrations("sqlite")]]
    await first.close()
    await second.close()
