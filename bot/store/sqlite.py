"""The embedded backend: one SQLite file in WAL mode. Statements run on the event loop (a few tens of microseconds);
one that would wait for another connection's write lock is handed to a thread that may wait, so the loop never does."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.store import base, schema
from bot.store.base import (BUSY_CTE, CLAIMABLE, DELIVERY_COLUMNS, ISSUE_COLUMNS, STATS_SQL, Delivery, IssueState,
                            QueueStats, apply_label_event, issue_from_row, issue_row, queue_stats)

WAIT_MS = 5000
"""How long a statement may wait for another connection's write lock: on the side thread, and while migrating."""


def sqlite_path(database_url: str) -> str:
    """The file path in `sqlite:///path` (`:memory:` allowed)."""
    if not database_url.startswith("sqlite:///"):
        raise ValueError(f"unsupported DATABASE_URL scheme: {database_url.split(':', 1)[0]}")
    return database_url.removeprefix("sqlite:///")


WAL_TRIES = 100
"""How often opening a connection tries to switch the file to WAL while another connection holds it (50 ms apart)."""


def connect(path: str, wait_ms: int = WAIT_MS) -> sqlite3.Connection:
    """An autocommit connection in WAL mode that waits up to wait_ms for a lock."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout={WAIT_MS}")
    for attempt in range(WAL_TRIES):  # switching a new file to WAL needs it alone; the busy handler does not cover it
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == WAL_TRIES - 1:
                raise
            time.sleep(0.05)
    # NORMAL in WAL mode: a commit survives a process kill (kill -9); only an OS crash may lose the last ones.
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA busy_timeout={wait_ms}")
    return conn


def statements(script: str) -> list[str]:
    """The complete SQL statements of a script, in order (semicolons inside strings or triggers are kept)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip() and not all(x.strip().startswith("--") for x in buf.strip().splitlines()):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {buf.strip()[:80]!r}")
    return out


def migrate(conn: sqlite3.Connection, directory: Path | None = None) -> list[str]:
    """Apply the migrations not in schema_migrations, in one write transaction (another process waits); their names.

    A file from before schema_migrations (PRAGMA user_version 1-3) is recorded as holding the first migrations."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
        applied = {r[0] for r in conn.execute("SELECT name FROM schema_migrations")}
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if not applied and version:
            for name in schema.LEGACY[:version]:
                conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, 0.0))
            applied = set(schema.LEGACY[:version])
        done = []
        for name, script in schema.migrations("sqlite", directory or schema.DIR):
            if name in applied:
                continue
            for statement in statements(script):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, time.time()))
            done.append(name)
        if set(schema.LEGACY) <= applied | set(done) and version < len(schema.LEGACY):
            conn.execute(f"PRAGMA user_version = {len(schema.LEGACY)}")  # an older release then sees its schema
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return done


def applied(conn: sqlite3.Connection) -> list[str]:
    """The names of the migrations this database holds, in order."""
    return [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY name")]


class SQLiteOps:
    """The store's statements on one connection, synchronous: each is a single statement or one short transaction."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def add_delivery(self, delivery_id: str, event: str, action: str | None, payload: str, received_at: float,
                     issue_key: str | None = None, installation_id: int | None = None) -> bool:
        """Record a new pending delivery; False if this delivery id was seen before."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO deliveries (id, event, action, payload, received_at, issue_key, installation_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (delivery_id, event, action, payload, received_at, issue_key, installation_id),
        )
        return cur.rowcount == 1

    def claim_next(self, owner: str, now: float, lease_seconds: float, per_installation: int) -> Delivery | None:
        """The oldest claimable delivery, claimed in one statement (SQLite has one writer at a time)."""
        row = self.conn.execute(
            BUSY_CTE.format(now=":now") + " UPDATE deliveries SET status = 'running', attempts = attempts + 1, "
            "updated_at = :now, lease_owner = :owner, lease_until = :until WHERE id = (SELECT d.id FROM deliveries d "
            f"WHERE {CLAIMABLE.format(now=':now', cap=':cap')} ORDER BY d.received_at, d.rowid LIMIT 1) "
            f"RETURNING {', '.join(DELIVERY_COLUMNS)}",
            {"now": now, "owner": owner, "until": now + lease_seconds, "cap": per_installation},
        ).fetchone()
        return Delivery(*row) if row else None

    def renew(self, owner: str, ids: list[str], until: float) -> list[str]:
        """Extend owner's leases; the ids still held."""
        if not ids:
            return []
        rows = self.conn.execute(
            f"UPDATE deliveries SET lease_until = ? WHERE status = 'running' AND lease_owner = ? AND id IN "
            f"({', '.join('?' * len(ids))}) RETURNING id", (until, owner, *ids))
        return [r[0] for r in rows]

    def queue_stats(self, now: float) -> QueueStats:
        """Pending and running counts, the oldest pending delivery's and oldest claim's ages."""
        return queue_stats(self.conn.execute(STATS_SQL).fetchone(), now)

    def claim(self, delivery_id: str, now: float) -> Delivery | None:
        """Move a pending delivery to running and return it; None if it is not pending."""
        row = self.conn.execute(
            f"UPDATE deliveries SET status = 'running', attempts = attempts + 1, updated_at = ? "
            f"WHERE id = ? AND status = 'pending' RETURNING {', '.join(DELIVERY_COLUMNS)}",
            (now, delivery_id),
        ).fetchone()
        return Delivery(*row) if row else None

    def finish(self, delivery_id: str, now: float, error: str | None = None, owner: str | None = None) -> bool:
        """Mark a running delivery done, or failed with the error (with an owner: only its own claim)."""
        return self.conn.execute(
            "UPDATE deliveries SET status = ?, last_error = ?, updated_at = ?, lease_until = NULL WHERE id = ? "
            "AND (? IS NULL OR (status = 'running' AND lease_owner = ?))",
            ("failed" if error is not None else "done", error, now, delivery_id, owner, owner),
        ).rowcount == 1

    def release(self, delivery_id: str, owner: str | None = None) -> None:
        """Put a running delivery back to pending (with an owner: only its own claim)."""
        self.conn.execute("UPDATE deliveries SET status = 'pending', lease_until = NULL WHERE id = ? AND "
                          "status = 'running' AND (? IS NULL OR lease_owner = ?)", (delivery_id, owner, owner))

    def open_ids(self, limit: int) -> list[str]:
        """The oldest pending or running delivery ids."""
        rows = self.conn.execute(
            "SELECT id FROM deliveries WHERE status IN ('pending', 'running') ORDER BY received_at, rowid LIMIT ?",
            (limit,),
        )
        return [r[0] for r in rows]

    def open_count(self) -> int:
        """How many deliveries are pending or running (read through a partial index)."""
        return self.conn.execute("SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'running')").fetchone()[0]

    def reset_running(self) -> int:
        """Turn every running delivery back to pending; how many."""
        return self.conn.execute("UPDATE deliveries SET status = 'pending' WHERE status = 'running'").rowcount

    def requeue_failed(self, max_attempts: int, failed_before: float) -> int:
        """Failed deliveries with attempts left that failed before the given time go back to pending; how many."""
        return self.conn.execute(
            "UPDATE deliveries SET status = 'pending' WHERE status = 'failed' AND attempts < ? AND updated_at <= ?",
            (max_attempts, failed_before),
        ).rowcount

    def failed(self, limit: int) -> list[Delivery]:
        """The newest failed deliveries."""
        rows = self.conn.execute(f"SELECT {', '.join(DELIVERY_COLUMNS)} FROM deliveries WHERE status = 'failed' "
                                 "ORDER BY updated_at DESC, rowid DESC LIMIT ?", (limit,))
        return [Delivery(*r) for r in rows]

    def replay_failed(self) -> int:
        """Every failed delivery back to pending with its attempts reset; how many."""
        return self.conn.execute("UPDATE deliveries SET status = 'pending', attempts = 0 WHERE status = 'failed'"
                                 ).rowcount

    def get(self, delivery_id: str) -> Delivery | None:
        """One delivery, or None."""
        row = self.conn.execute(f"SELECT {', '.join(DELIVERY_COLUMNS)} FROM deliveries WHERE id = ?",
                                (delivery_id,)).fetchone()
        return Delivery(*row) if row else None

    def counts(self) -> dict[str, int]:
        """How many deliveries are in each status."""
        return dict(self.conn.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status").fetchall())

    def add_override(self, repo: str, number: int, dimension: str, record: dict, title: str, body: str,
                     at: float) -> None:
        """Record a human override of one dimension of an issue."""
        self.conn.execute(
            "INSERT INTO overrides (repo, number, dimension, record, title, body, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (repo, number, dimension, json.dumps(record, sort_keys=True), title, body, at),
        )

    def overrides(self, repo: str, number: int) -> list[dict]:
        """An issue's override records, oldest first."""
        rows = self.conn.execute(
            "SELECT dimension, record FROM overrides WHERE repo = ? AND number = ? ORDER BY id", (repo, number)
        )
        return [{**json.loads(r["record"]), "dimension": r["dimension"]} for r in rows]

    def export_overrides(self) -> list[dict]:
        """Every override, oldest first."""
        rows = self.conn.execute("SELECT * FROM overrides ORDER BY id").fetchall()
        return [{"repo": r["repo"], "number": r["number"], "dimension": r["dimension"],
                 "record": json.loads(r["record"]), "title": r["title"], "body": r["body"], "at": r["at"]}
                for r in rows]

    def repo_overrides(self, repo: str) -> list[dict]:
        """A repository's overrides, oldest first."""
        rows = self.conn.execute("SELECT number, dimension, record FROM overrides WHERE repo = ? ORDER BY id", (repo,))
        return [{"repo": repo, "number": r["number"], "dimension": r["dimension"], "record": json.loads(r["record"])}
                for r in rows]

    def issue_state(self, repo: str, number: int) -> IssueState | None:
        """The remembered state of an issue, or None."""
        row = self.conn.execute(f"SELECT {ISSUE_COLUMNS} FROM issue_state WHERE repo = ? AND number = ?",
                                (repo, number)).fetchone()
        return issue_from_row(row) if row is not None else None

    def save_issue_state(self, state: IssueState, now: float) -> None:
        """Write an issue's state (insert or replace)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO issue_state (repo, number, comment_id, comment_body, bot_applied, human_added, "
            "human_removed, comments, decision, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*issue_row(state), now),
        )

    def label_event(self, repo: str, number: int, name: str, *, added: bool, by_bot: bool) -> None:
        """Record who added or removed a label, in one write transaction."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            row = self.conn.execute(f"SELECT {ISSUE_COLUMNS} FROM issue_state WHERE repo = ? AND number = ?",
                                    (repo, number)).fetchone()
            state = issue_from_row(row) if row is not None else IssueState(repo, number)
            apply_label_event(state, name, added=added, by_bot=by_bot)
            self.save_issue_state(state, row[-1] if row and row[-1] is not None else 0.0)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def comment_seen(self, repo: str, comment_id: int, updated_at: str) -> bool:
        """Whether this version of a comment was already handled."""
        return self.conn.execute("SELECT 1 FROM seen_comments WHERE repo = ? AND comment_id = ? AND updated_at = ?",
                                 (repo, comment_id, updated_at)).fetchone() is not None

    def mark_comment(self, repo: str, comment_id: int, updated_at: str, now: float) -> bool:
        """Remember this version of a comment; False if it was seen before."""
        return self.conn.execute(
            "INSERT OR IGNORE INTO seen_comments (repo, comment_id, updated_at, at) VALUES (?, ?, ?, ?)",
            (repo, comment_id, updated_at, now),
        ).rowcount == 1

    def add_retry(self, repo: str, number: int | None, delivery_id: str | None, event: str, error: str,
                  now: float) -> None:
        """Record work given up after the client's retry budget."""
        self.conn.execute("INSERT INTO retries (repo, number, delivery_id, event, error, at) VALUES (?, ?, ?, ?, ?, ?)",
                          (repo, number, delivery_id, event, error[:2000], now))

    def retries(self) -> list[dict]:
        """Every retry record, oldest first."""
        return [dict(r) for r in self.conn.execute("SELECT * FROM retries ORDER BY id")]

    def healthy(self) -> bool:
        """Whether the database answers."""
        return self.conn.execute("SELECT 1").fetchone()[0] == 1


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Whether the statement failed only because another connection held the lock."""
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or \
        "locked" in str(exc)


class SQLiteStore:
    """The async Store on SQLite: statements run inline without waiting for locks; a locked one goes to a thread.

    Ordering holds per caller: one coroutine's statements run one after another whichever path each takes.
    """

    dialect = "sqlite"

    def __init__(self, database_url: str):
        self.path = sqlite_path(database_url)
        self.conn = connect(self.path)
        self.migrated = migrate(self.conn)
        if self.path != ":memory:":  # one connection to a private database never waits
            self.conn.execute("PRAGMA busy_timeout=0")
        self.fast = SQLiteOps(self.conn)
        self._slow: SQLiteOps | None = None
        self._thread: ThreadPoolExecutor | None = None

    async def _do(self, name: str, *args, **kwargs):
        """Run one operation on the loop's connection; if the database is locked, on the side thread, which waits."""
        try:
            return getattr(self.fast, name)(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if self.path == ":memory:" or not _busy(exc):
                raise
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-wait")
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._waiting, name, args, kwargs)

    def _waiting(self, name: str, args: tuple, kwargs: dict):
        """On the side thread: the operation on its own connection, which waits up to WAIT_MS for the lock."""
        if self._slow is None:
            self._slow = SQLiteOps(connect(self.path))
        return getattr(self._slow, name)(*args, **kwargs)

    async def add_delivery(self, delivery_id: str, event: str, action: str | None, payload: str,
                           received_at: float, *, issue_key: str | None = None,
                           installation_id: int | None = None) -> bool:
        """Record a new pending delivery; False if this delivery id was seen before."""
        return await self._do("add_delivery", delivery_id, event, action, payload, received_at, issue_key,
                              installation_id)

    async def claim_next(self, owner: str, now: float, lease_seconds: float, per_installation: int = 0
                         ) -> Delivery | None:
        """Claim the oldest delivery that may run now (see Store.claim_next)."""
        return await self._do("claim_next", owner, now, lease_seconds, per_installation)

    async def renew(self, owner: str, ids: list[str], until: float) -> list[str]:
        """Extend owner's leases on these running deliveries; the ids still held."""
        return await self._do("renew", owner, ids, until)

    async def recover(self) -> int:
        """One server per SQLite file: at its start nothing can be running, so every running delivery is pending."""
        return await self._do("reset_running")

    async def queue_stats(self, now: float) -> QueueStats:
        """Pending and running counts, the oldest pending delivery's and oldest claim's ages."""
        return await self._do("queue_stats", now)

    async def claim(self, delivery_id: str, now: float) -> Delivery | None:
        """Move a pending delivery to running and return it; None if it is not pending."""
        return await self._do("claim", delivery_id, now)

    async def finish(self, delivery_id: str, now: float, error: str | None = None, owner: str | None = None) -> bool:
        """Mark a running delivery done, or failed with the error; with an owner, only while it holds the claim."""
        return await self._do("finish", delivery_id, now, error, owner)

    async def release(self, delivery_id: str, owner: str | None = None) -> None:
        """Put a running delivery back to pending (shutdown interrupted it); with an owner, only its own claim."""
        await self._do("release", delivery_id, owner)

    async def open_ids(self, limit: int) -> list[str]:
        """The oldest pending or running delivery ids."""
        return await self._do("open_ids", limit)

    async def open_count(self) -> int:
        """How many deliveries are pending or running: the durable queue's depth."""
        return await self._do("open_count")

    async def reset_running(self) -> int:
        """At start-up nothing runs yet: turn every running delivery back to pending; returns how many."""
        return await self._do("reset_running")

    async def requeue_failed(self, max_attempts: int, failed_before: float) -> int:
        """Failed deliveries with attempts left that failed before the given time go back to pending; how many."""
        return await self._do("requeue_failed", max_attempts, failed_before)

    async def failed(self, limit: int) -> list[Delivery]:
        """The newest deliveries that failed for good or are waiting for their next attempt."""
        return await self._do("failed", limit)

    async def replay_failed(self) -> int:
        """Every failed delivery back to pending with its attempts reset (an operator's replay); how many."""
        return await self._do("replay_failed")

    async def get(self, delivery_id: str) -> Delivery | None:
        """One delivery, or None."""
        return await self._do("get", delivery_id)

    async def counts(self) -> dict[str, int]:
        """How many deliveries are in each status."""
        return await self._do("counts")

    async def add_override(self, repo: str, number: int, dimension: str, record: dict, title: str, body: str,
                           at: float) -> None:
        """Record a human override of one dimension of an issue, with the issue's title and body at that time."""
        await self._do("add_override", repo, number, dimension, record, title, body, at)

    async def overrides(self, repo: str, number: int) -> list[dict]:
        """An issue's override records (dicts with at least `dimension`), oldest first."""
        return await self._do("overrides", repo, number)

    async def export_overrides(self) -> list[dict]:
        """Every override as {repo, number, dimension, record, title, body, at}, oldest first."""
        return await self._do("export_overrides")

    async def repo_overrides(self, repo: str) -> list[dict]:
        """A repository's overrides as {repo, number, dimension, record}, oldest first."""
        return await self._do("repo_overrides", repo)

    async def issue_state(self, repo: str, number: int) -> IssueState | None:
        """The remembered state of an issue, or None if the bot never handled it."""
        return await self._do("issue_state", repo, number)

    async def save_issue_state(self, state: IssueState, now: float) -> None:
        """Write an issue's state (insert or replace)."""
        await self._do("save_issue_state", state, now)

    async def label_event(self, repo: str, number: int, name: str, *, added: bool, by_bot: bool) -> None:
        """Record who added or removed a label, so the bot never fights a human and removes only its own."""
        await self._do("label_event", repo, number, name, added=added, by_bot=by_bot)

    async def record_human_labels(self, repo: str, number: int, *, added: list[str], removed: list[str]) -> None:
        """Labels a human changed (e.g. through a command): the bot will neither remove nor re-add them."""
        await base.record_human_labels(self, repo, number, added=added, removed=removed)

    async def comment_seen(self, repo: str, comment_id: int, updated_at: str) -> bool:
        """Whether this version of a comment (id, updated_at) was already handled, under any delivery id."""
        return await self._do("comment_seen", repo, comment_id, updated_at)

    async def mark_comment(self, repo: str, comment_id: int, updated_at: str, now: float) -> bool:
        """Remember this version of a comment; False if it was seen before (same comment under a new delivery)."""
        return await self._do("mark_comment", repo, comment_id, updated_at, now)

    async def add_retry(self, repo: str, number: int | None, delivery_id: str | None, event: str, error: str,
                        now: float) -> None:
        """Record work given up after the client's retry budget, to be retried later."""
        await self._do("add_retry", repo, number, delivery_id, event, error, now)

    async def retries(self) -> list[dict]:
        """Every retry record, oldest first."""
        return await self._do("retries")

    async def healthy(self) -> bool:
        """Whether the store answers."""
        try:
            return await self._do("healthy")
        except sqlite3.Error:
            return False

    async def close(self) -> None:
        """Close the connections (the side thread's on its own thread)."""
        if self._thread is not None:
            if self._slow is not None:
                await asyncio.get_running_loop().run_in_executor(self._thread, self._slow.conn.close)
            self._thread.shutdown(wait=False)
        self.conn.close()
