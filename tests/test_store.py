"""Tests for bot.store: migrations, dedupe on insert, status transitions, persistence across connections."""

from __future__ import annotations

import sqlite3

import pytest

from bot.store import MIGRATIONS, SQLiteStore, migrate, open_store, sqlite_path


def test_migrations_apply_once_and_track_user_version(tmp_path):
    url = f"sqlite:///{tmp_path}/s.db"
    assert SQLiteStore(url).version == len(MIGRATIONS)
    conn = sqlite3.connect(tmp_path / "s.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert migrate(conn) == len(MIGRATIONS)  # nothing new to apply


def test_adding_a_migration_is_appending_a_script():
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrate(conn)
    assert migrate(conn, [*MIGRATIONS, "CREATE TABLE later (x INTEGER);"]) == len(MIGRATIONS) + 1
    assert conn.execute("SELECT COUNT(*) FROM later").fetchone()[0] == 0


def test_wal_mode_on_files(tmp_path):
    store = SQLiteStore(f"sqlite:///{tmp_path}/w.db")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_duplicate_delivery_ids_are_refused():
    store = open_store("sqlite:///:memory:")
    assert store.add_delivery("d", "issues", "opened", "{}", 1.0) is True
    assert store.add_delivery("d", "issues", "edited", "{}", 2.0) is False
    assert store.get("d").action == "opened"


def test_claim_finish_and_release():
    store = open_store("sqlite:///:memory:")
    store.add_delivery("d", "issues", "opened", "{}", 1.0)
    claimed = store.claim("d", 2.0)
    assert (claimed.status, claimed.attempts) == ("running", 1)
    assert store.claim("d", 2.0) is None
    store.release("d")
    assert store.get("d").status == "pending"
    store.claim("d", 3.0)
    store.finish("d", 4.0, error="boom")
    assert (store.get("d").status, store.get("d").attempts, store.get("d").last_error) == ("failed", 2, "boom")
    assert store.claim("d", 5.0) is None


def test_open_ids_are_oldest_first_and_reset_running():
    store = open_store("sqlite:///:memory:")
    for i, t in enumerate([3.0, 1.0, 2.0]):
        store.add_delivery(f"d{i}", "issues", None, "{}", t)
    store.claim("d0", 4.0)
    store.claim("d2", 4.0)
    store.finish("d2", 5.0)
    assert store.open_ids(10) == ["d1", "d0"]
    assert store.open_ids(1) == ["d1"]
    assert store.reset_running() == 1
    assert store.counts() == {"pending": 2, "done": 1}


def test_rows_survive_reopening_the_file(tmp_path):
    url = f"sqlite:///{tmp_path}/p.db"
    first = SQLiteStore(url)
    first.add_delivery("d", "issues", "opened", '{"a": 1}', 1.0)
    first.close()
    second = SQLiteStore(url)
    assert second.get("d").payload == '{"a": 1}'
    assert second.add_delivery("d", "issues", "opened", "{}", 2.0) is False
    assert second.healthy()


def test_closed_store_is_unhealthy():
    store = SQLiteStore("sqlite:///:memory:")
    store.close()
    assert store.healthy() is False


@pytest.mark.parametrize(("url", "path"), [("sqlite:///firstmile.sqlite3", "firstmile.sqlite3"),
                                           ("sqlite:////var/lib/f.db", "/var/lib/f.db"),
                                           ("sqlite:///:memory:", ":memory:")])
def test_sqlite_path(url, path):
    assert sqlite_path(url) == path


def test_other_schemes_are_refused():
    with pytest.raises(ValueError, match="unsupported"):
        sqlite_path("postgresql://localhost/firstmile")


def test_requeue_failed_only_with_attempts_left_and_after_the_wait():
    store = open_store("sqlite:///:memory:")
    store.add_delivery("twice", "issues", "opened", "{}", 1.0)
    for at in (10.0, 11.0):
        assert store.claim("twice", at) is not None
        store.finish("twice", at, error="boom")
        if at == 10.0:
            assert store.requeue_failed(2, at) == 1
    assert store.get("twice").attempts == 2
    assert store.requeue_failed(2, 20.0) == 0  # both attempts used: it stays failed
    store.add_delivery("once", "issues", "opened", "{}", 1.0)
    store.claim("once", 30.0)
    store.finish("once", 30.0, error="boom")
    assert store.requeue_failed(2, 25.0) == 0  # failed too recently
    assert store.requeue_failed(2, 30.0) == 1
    assert store.get("once").status == "pending" and store.get("twice").status == "failed"


def test_open_count_is_the_pending_and_running_deliveries(tmp_path):
    from bot.store import open_store

    store = open_store(f"sqlite:///{tmp_path}/q.db")
    for i in range(3):
        store.add_delivery(f"d{i}", "issues", "opened", "{}", float(i))
    store.claim("d0", 10.0)
    store.claim("d1", 10.0)
    store.finish("d1", 11.0)
    assert store.open_count() == 2  # d0 running, d2 pending; d1 done
