"""The embedded store: SQLite (WAL) holding deliveries seen and pending work, behind a small replaceable interface."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

MIGRATIONS: list[str] = [
    # 1: every delivery acknowledged; the row is the durable queue entry until it is done or failed.
    """
    CREATE TABLE deliveries (
        id TEXT PRIMARY KEY,
        event TEXT NOT NULL,
        action TEXT,
        payload TEXT NOT NULL,
        received_at REAL NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        updated_at REAL
    );
    CREATE INDEX deliveries_open ON deliveries (status, received_at) WHERE status IN ('pending', 'running');
    """,
    # 2 (issue 6): human overrides of the bot's labels, one row per override, with the issue text for training.
    """
    CREATE TABLE overrides (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        repo TEXT NOT NULL,
        number INTEGER NOT NULL,
        dimension TEXT NOT NULL,
        record TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX overrides_issue ON overrides (repo, number, id);
    CREATE TABLE command_runs (
        repo TEXT NOT NULL,
        comment_id INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (repo, comment_id, updated_at)
    );
    """,
    # 3 (issue 5): per-issue triage state (sticky comment, label provenance, human comments), comment dedupe, retries.
    """
    CREATE TABLE issue_state (
        repo TEXT NOT NULL,
        number INTEGER NOT NULL,
        comment_id INTEGER,
        comment_body TEXT,
        bot_applied TEXT NOT NULL DEFAULT '[]',
        human_added TEXT NOT NULL DEFAULT '[]',
        human_removed TEXT NOT NULL DEFAULT '[]',
        comments TEXT NOT NULL DEFAULT '[]',
        decision TEXT,
        updated_at REAL,
        PRIMARY KEY (repo, number)
    );
    CREATE TABLE seen_comments (
        repo TEXT NOT NULL,
        comment_id INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (repo, comment_id, updated_at)
    );
    CREATE TABLE retries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        repo TEXT NOT NULL,
        number INTEGER,
        delivery_id TEXT,
        event TEXT NOT NULL,
        error TEXT NOT NULL,
        at REAL NOT NULL
    );
    """,
    # Later issues: append one SQL script per schema change (never edit a shipped one); PRAGMA user_version tracks it.
]


@dataclass(frozen=True)
class Delivery:
    """One stored webhook delivery."""

    id: str
    event: str
    action: str | None
    payload: str
    received_at: float
    status: str
    attempts: int
    last_error: str | None = None


@dataclass
class IssueState:
    """What the bot remembers about one issue: its sticky comment, who put which label, the human comments seen."""

    repo: str
    number: int
    comment_id: int | None = None
    """The sticky comment's id; 0 when a maintainer deleted it (never posted again)."""
    comment_body: str | None = None
    bot_applied: list[str] = field(default_factory=list)
    human_added: list[str] = field(default_factory=list)
    human_removed: list[str] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)
    """Human comments as {"id", "body"}, oldest first, re-read on every re-triage."""
    decision: dict | None = None
    """The latest triage, as `Decision.to_json()` without the comment: the bot's own until a human overrides a
    dimension; then that dimension is the human's and the others were re-decided given it (the bot's original
    decision is kept in every override record)."""


class Store(Protocol):
    """What the server needs from a store; a PostgreSQL or Redis backend implements the same methods."""

    def add_delivery(self, delivery_id: str, event: str, action: str | None, payload: str, received_at: float) -> bool:
        """Record a new pending delivery; False if this delivery id was seen before."""

    def claim(self, delivery_id: str, now: float) -> Delivery | None:
        """Move a pending delivery to running and return it; None if it is not pending."""

    def finish(self, delivery_id: str, now: float, error: str | None = None) -> None:
        """Mark a running delivery done, or failed with the error."""

    def release(self, delivery_id: str) -> None:
        """Put a running delivery back to pending (shutdown interrupted it)."""

    def open_ids(self, limit: int) -> list[str]:
        """The oldest pending or running delivery ids."""

    def open_count(self) -> int:
        """How many deliveries are pending or running: the durable queue's depth."""

    def reset_running(self) -> int:
        """At start-up nothing runs yet: turn every running delivery back to pending; returns how many."""

    def requeue_failed(self, max_attempts: int, failed_before: float) -> int:
        """Failed deliveries with attempts left that failed before the given time go back to pending; how many."""

    def failed(self, limit: int) -> list[Delivery]:
        """The newest deliveries that failed for good or are waiting for their next attempt."""

    def replay_failed(self) -> int:
        """Every failed delivery back to pending with its attempts reset (an operator's replay); how many."""

    def get(self, delivery_id: str) -> Delivery | None:
        """One delivery, or None."""

    def counts(self) -> dict[str, int]:
        """How many deliveries are in each status."""

    def add_override(self, repo: str, number: int, dimension: str, record: dict, title: str, body: str,
                     at: float) -> None:
        """Record a human override of one dimension of an issue, with the issue's title and body at that time."""

    def overrides(self, repo: str, number: int) -> list[dict]:
        """An issue's override records (dicts with at least `dimension`), oldest first."""

    def export_overrides(self) -> Iterator[dict]:
        """Every override as {repo, number, dimension, record, title, body, at}, oldest first."""

    def command_seen(self, repo: str, comment_id: int, updated_at: str) -> bool:
        """Whether the commands of this version of a comment were already run."""

    def mark_command(self, repo: str, comment_id: int, updated_at: str, at: float) -> None:
        """Remember that the commands of this version of a comment were run."""

    def issue_state(self, repo: str, number: int) -> IssueState | None:
        """The remembered state of an issue, or None if the bot never handled it."""

    def save_issue_state(self, state: IssueState, now: float) -> None:
        """Write an issue's state (insert or replace)."""

    def label_event(self, repo: str, number: int, name: str, *, added: bool, by_bot: bool) -> None:
        """Record who added or removed a label, so the bot never fights a human and removes only its own."""

    def comment_seen(self, repo: str, comment_id: int, updated_at: str) -> bool:
        """Whether this version of a comment (id, updated_at) was already handled, under any delivery id."""

    def record_human_labels(self, repo: str, number: int, *, added: list[str], removed: list[str]) -> None:
        """Labels a human changed (e.g. through a command): the bot will neither remove nor re-add them."""

    def mark_comment(self, repo: str, comment_id: int, updated_at: str, now: float) -> bool:
        """Remember this version of a comment; False if it was seen before (same comment under a new delivery)."""

    def add_retry(self, repo: str, number: int | None, delivery_id: str | None, event: str, error: str,
                  now: float) -> None:
        """Record work given up after the client's retry budget, to be retried later."""

    def retries(self) -> list[dict]:
        """Every retry record, oldest first."""

    def healthy(self) -> bool:
        """Whether the store answers."""

    def close(self) -> None:
        """Release the backend."""


def migrate(conn: sqlite3.Connection, migrations: list[str] = MIGRATIONS) -> int:
    """Apply the migrations newer than PRAGMA user_version, each in one transaction; returns the new version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(migrations[version:], start=version + 1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    return max(version, len(migrations))


def sqlite_path(database_url: str) -> str:
    """The file path in `sqlite:///path` (`:memory:` allowed)."""
    if not database_url.startswith("sqlite:///"):
        raise ValueError(f"unsupported DATABASE_URL scheme: {database_url.split(':', 1)[0]}")
    return database_url.removeprefix("sqlite:///")


class SQLiteStore:
    """The Store on one SQLite connection in WAL mode; used from the event loop's thread only."""

    def __init__(self, database_url: str):
        self.conn = sqlite3.connect(sqlite_path(database_url), isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a commit survives a process kill (kill -9); only an OS crash may lose the last ones.
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA busy_timeout=5000")
        self.version = migrate(self.conn)

    def add_delivery(self, delivery_id: str, event: str, action: str | None, payload: str, received_at: float) -> bool:
        """Record a new pending delivery; False if this delivery id was seen before."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO deliveries (id, event, action, payload, received_at) VALUES (?, ?, ?, ?, ?)",
            (delivery_id, event, action, payload, received_at),
        )
        return cur.rowcount == 1

    def claim(self, delivery_id: str, now: float) -> Delivery | None:
        """Move a pending delivery to running and return it; None if it is not pending."""
        row = self.conn.execute(
            "UPDATE deliveries SET status = 'running', attempts = attempts + 1, updated_at = ? "
            "WHERE id = ? AND status = 'pending' RETURNING *",
            (now, delivery_id),
        ).fetchone()
        return _delivery(row) if row else None

    def finish(self, delivery_id: str, now: float, error: str | None = None) -> None:
        """Mark a running delivery done, or failed with the error."""
        self.conn.execute(
            "UPDATE deliveries SET status = ?, last_error = ?, updated_at = ? WHERE id = ?",
            ("failed" if error is not None else "done", error, now, delivery_id),
        )

    def release(self, delivery_id: str) -> None:
        """Put a running delivery back to pending (shutdown interrupted it)."""
        self.conn.execute("UPDATE deliveries SET status = 'pending' WHERE id = ? AND status = 'running'",
                          (delivery_id,))

    def open_ids(self, limit: int) -> list[str]:
        """The oldest pending or running delivery ids."""
        rows = self.conn.execute(
            "SELECT id FROM deliveries WHERE status IN ('pending', 'running') ORDER BY received_at, rowid LIMIT ?",
            (limit,),
        )
        return [r[0] for r in rows]

    def open_count(self) -> int:
        """How many deliveries are pending or running: the durable queue's depth (read through a partial index)."""
        return self.conn.execute("SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'running')").fetchone()[0]

    def reset_running(self) -> int:
        """At start-up nothing runs yet: turn every running delivery back to pending; returns how many."""
        return self.conn.execute("UPDATE deliveries SET status = 'pending' WHERE status = 'running'").rowcount

    def requeue_failed(self, max_attempts: int, failed_before: float) -> int:
        """Failed deliveries with attempts left that failed before the given time go back to pending; how many."""
        return self.conn.execute(
            "UPDATE deliveries SET status = 'pending' WHERE status = 'failed' AND attempts < ? AND updated_at <= ?",
            (max_attempts, failed_before),
        ).rowcount

    def failed(self, limit: int) -> list[Delivery]:
        """The newest deliveries that failed for good or are waiting for their next attempt."""
        rows = self.conn.execute("SELECT * FROM deliveries WHERE status = 'failed' ORDER BY updated_at DESC, rowid "
                                 "DESC LIMIT ?", (limit,))
        return [_delivery(r) for r in rows]

    def replay_failed(self) -> int:
        """Every failed delivery back to pending with its attempts reset (an operator's replay); how many."""
        return self.conn.execute("UPDATE deliveries SET status = 'pending', attempts = 0 WHERE status = 'failed'"
                                 ).rowcount

    def get(self, delivery_id: str) -> Delivery | None:
        """One delivery, or None."""
        row = self.conn.execute("SELECT * FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
        return _delivery(row) if row else None

    def counts(self) -> dict[str, int]:
        """How many deliveries are in each status."""
        return dict(self.conn.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status").fetchall())

    def add_override(self, repo: str, number: int, dimension: str, record: dict, title: str, body: str,
                     at: float) -> None:
        """Record a human override of one dimension of an issue, with the issue's title and body at that time."""
        self.conn.execute(
            "INSERT INTO overrides (repo, number, dimension, record, title, body, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (repo, number, dimension, json.dumps(record, sort_keys=True), title, body, at),
        )

    def overrides(self, repo: str, number: int) -> list[dict]:
        """An issue's override records (dicts with at least `dimension`), oldest first."""
        rows = self.conn.execute(
            "SELECT dimension, record FROM overrides WHERE repo = ? AND number = ? ORDER BY id", (repo, number)
        )
        return [{**json.loads(r["record"]), "dimension": r["dimension"]} for r in rows]

    def export_overrides(self) -> Iterator[dict]:
        """Every override as {repo, number, dimension, record, title, body, at}, oldest first."""
        rows = self.conn.execute("SELECT * FROM overrides ORDER BY id").fetchall()
        for r in rows:
            yield {"repo": r["repo"], "number": r["number"], "dimension": r["dimension"],
                   "record": json.loads(r["record"]), "title": r["title"], "body": r["body"], "at": r["at"]}

    def command_seen(self, repo: str, comment_id: int, updated_at: str) -> bool:
        """Whether the commands of this version of a comment were already run."""
        return self.conn.execute("SELECT 1 FROM command_runs WHERE repo = ? AND comment_id = ? AND updated_at = ?",
                                 (repo, comment_id, updated_at)).fetchone() is not None

    def mark_command(self, repo: str, comment_id: int, updated_at: str, at: float) -> None:
        """Remember that the commands of this version of a comment were run."""
        self.conn.execute("INSERT OR IGNORE INTO command_runs (repo, comment_id, updated_at, at) VALUES (?, ?, ?, ?)",
                          (repo, comment_id, updated_at, at))

    def issue_state(self, repo: str, number: int) -> IssueState | None:
        """The remembered state of an issue, or None if the bot never handled it."""
        row = self.conn.execute("SELECT * FROM issue_state WHERE repo = ? AND number = ?", (repo, number)).fetchone()
        if row is None:
            return None
        lists = {k: json.loads(row[k]) for k in ("bot_applied", "human_added", "human_removed", "comments")}
        return IssueState(repo, number, row["comment_id"], row["comment_body"], **lists,
                          decision=json.loads(row["decision"]) if row["decision"] else None)

    def save_issue_state(self, state: IssueState, now: float) -> None:
        """Write an issue's state (insert or replace)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO issue_state (repo, number, comment_id, comment_body, bot_applied, human_added, "
            "human_removed, comments, decision, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (state.repo, state.number, state.comment_id, state.comment_body, json.dumps(state.bot_applied),
             json.dumps(state.human_added), json.dumps(state.human_removed), json.dumps(state.comments),
             json.dumps(state.decision) if state.decision is not None else None, now),
        )

    def label_event(self, repo: str, number: int, name: str, *, added: bool, by_bot: bool) -> None:
        """Record who added or removed a label, so the bot never fights a human and removes only its own."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            state = self.issue_state(repo, number) or IssueState(repo, number)
            drop = lambda names: _without(names, name)  # noqa: E731
            if by_bot:
                state.bot_applied = drop(state.bot_applied) + ([name] if added else [])
            elif added:
                state.human_added, state.human_removed = drop(state.human_added) + [name], drop(state.human_removed)
            else:
                state.human_removed, state.human_added = drop(state.human_removed) + [name], drop(state.human_added)
                state.bot_applied = drop(state.bot_applied)
            row = self.conn.execute("SELECT updated_at FROM issue_state WHERE repo = ? AND number = ?",
                                    (repo, number)).fetchone()
            self.save_issue_state(state, row[0] if row and row[0] is not None else 0.0)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def record_human_labels(self, repo: str, number: int, *, added: list[str], removed: list[str]) -> None:
        """Labels a human changed (e.g. through a command): the bot will neither remove nor re-add them."""
        for name in added:
            self.label_event(repo, number, name, added=True, by_bot=False)
        for name in removed:
            self.label_event(repo, number, name, added=False, by_bot=False)

    def comment_seen(self, repo: str, comment_id: int, updated_at: str) -> bool:
        """Whether this version of a comment (id, updated_at) was already handled, under any delivery id."""
        return self.conn.execute("SELECT 1 FROM seen_comments WHERE repo = ? AND comment_id = ? AND updated_at = ?",
                                 (repo, comment_id, updated_at)).fetchone() is not None

    def mark_comment(self, repo: str, comment_id: int, updated_at: str, now: float) -> bool:
        """Remember this version of a comment; False if it was seen before (same comment under a new delivery)."""
        return self.conn.execute(
            "INSERT OR IGNORE INTO seen_comments (repo, comment_id, updated_at, at) VALUES (?, ?, ?, ?)",
            (repo, comment_id, updated_at, now),
        ).rowcount == 1

    def add_retry(self, repo: str, number: int | None, delivery_id: str | None, event: str, error: str,
                  now: float) -> None:
        """Record work given up after the client's retry budget, to be retried later."""
        self.conn.execute("INSERT INTO retries (repo, number, delivery_id, event, error, at) VALUES (?, ?, ?, ?, ?, ?)",
                          (repo, number, delivery_id, event, error[:2000], now))

    def retries(self) -> list[dict]:
        """Every retry record, oldest first."""
        return [dict(r) for r in self.conn.execute("SELECT * FROM retries ORDER BY id")]

    def healthy(self) -> bool:
        """Whether the store answers."""
        try:
            return self.conn.execute("SELECT 1").fetchone()[0] == 1
        except sqlite3.Error:
            return False

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def _without(names: list[str], name: str) -> list[str]:
    """The label names other than `name` (GitHub compares them case-insensitively)."""
    return [n for n in names if n.casefold() != name.casefold()]


def _delivery(row: sqlite3.Row) -> Delivery:
    """A Delivery from a deliveries row."""
    return Delivery(**{k: row[k] for k in Delivery.__dataclass_fields__})


def open_store(database_url: str) -> Store:
    """The store for DATABASE_URL; other schemes (postgresql://, redis://) would be dispatched here."""
    return SQLiteStore(database_url)


def open_existing(database_url: str) -> Store:
    """The store for DATABASE_URL, which must already exist (for commands that read a server's store)."""
    if database_url.startswith("sqlite:///") and not os.path.exists(sqlite_path(database_url)):
        raise ValueError(f"no database at {sqlite_path(database_url)}")
    return open_store(database_url)
