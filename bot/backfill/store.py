"""The backfill's persistence behind a small async class: stored decisions, list checkpoints and page ETags.

SQLite in WAL mode on the server's own database file, so a running webhook server keeps serving while a backfill
writes (each page is one short transaction). Its tables are the store's migration 0200_backfill.sql, applied with
the others by bot.store's migrator; the statements below are SQLite's (PostgreSQL: not yet).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.backfill.summary import summarize
from bot.store import scheme
from bot.store.sqlite import connect, migrate, sqlite_path

LEVELS = ("none", "labels", "comments")
"""How far a backfill acted on an issue on GitHub, in order."""
T = TypeVar("T")


@dataclass(frozen=True)
class IssueRow:
    """One issue's stored triage: what a report reads (columns and `summary`) and the full decision JSON."""

    repo: str
    number: int
    state: str
    title: str
    html_url: str | None
    created_at: str | None
    updated_at: str | None
    digest: str
    symptom: str | None
    root_cause: str | None
    stage: str | None
    summary: dict
    decision: dict
    applied: str = "none"


@dataclass(frozen=True)
class Checkpoint:
    """Where a listing stands: the next page to fetch (None once it reached the end), and pages done so far."""

    next_url: str | None
    pages: int
    finished_at: float | None


class BackfillStore:
    """Async methods over one SQLite connection used by one worker thread at a time."""

    def __init__(self, database_url: str):
        if scheme(database_url) != "sqlite":
            raise ValueError("backfill and report keep their tables in SQLite so far (DATABASE_URL=sqlite:///...)")
        self._conn = connect(sqlite_path(database_url), wait_ms=10_000)
        migrate(self._conn)
        self._lock = threading.Lock()

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run fn(conn) in a worker thread, one at a time, so the event loop never waits on the database."""
        def locked() -> T:
            with self._lock:
                return fn(self._conn)
        return await asyncio.to_thread(locked)

    def _tx(self, fn: Callable[[sqlite3.Connection], T]) -> Callable[[sqlite3.Connection], T]:
        """fn inside BEGIN IMMEDIATE ... COMMIT (rolled back on error)."""
        def wrapped(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                out = fn(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return out
        return wrapped

    async def checkpoint(self, repo: str, query: str) -> Checkpoint | None:
        """The listing's checkpoint, or None if it never started."""
        def get(conn: sqlite3.Connection) -> Checkpoint | None:
            row = conn.execute("SELECT next_url, pages, finished_at FROM backfill_checkpoints WHERE repo = ? AND "
                               "query = ?", (repo, query)).fetchone()
            return Checkpoint(row["next_url"], row["pages"], row["finished_at"]) if row else None
        return await self._run(get)

    async def page(self, repo: str, url: str) -> tuple[str, str | None, str] | None:
        """The (ETag, next page URL, applied level) stored for a page URL, or None."""
        def get(conn: sqlite3.Connection) -> tuple[str, str | None, str] | None:
            row = conn.execute("SELECT etag, next_url, applied FROM backfill_pages WHERE repo = ? AND url = ?",
                               (repo, url)).fetchone()
            return (row["etag"], row["next_url"], row["applied"]) if row else None
        return await self._run(get)

    async def known(self, repo: str, numbers: list[int]) -> dict[int, tuple[str, str]]:
        """number -> (text digest, applied level) for the given issues already stored."""
        def get(conn: sqlite3.Connection) -> dict[int, tuple[str, str]]:
            out = {}
            for start in range(0, len(numbers), 500):
                chunk = numbers[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for r in conn.execute(f"SELECT number, digest, applied FROM backfill_issues WHERE repo = ? AND "
                                      f"number IN ({marks})", (repo, *chunk)):
                    out[r["number"]] = (r["digest"], r["applied"])
            return out
        return await self._run(get)

    async def save_issues(self, rows: list[IssueRow], now: float | None = None) -> None:
        """Insert or replace these issues' decisions in one transaction."""
        at = time.time() if now is None else now
        values = [(r.repo, r.number, r.state, r.title, r.html_url, r.created_at, r.updated_at, r.digest, r.symptom,
                   r.root_cause, r.stage, json.dumps(r.summary, separators=(",", ":")),
                   json.dumps(r.decision, separators=(",", ":")), r.applied, at) for r in rows]

        def put(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT OR REPLACE INTO backfill_issues (repo, number, state, title, html_url, created_at, updated_at,"
                " digest, symptom, root_cause, stage, summary, decision, applied, triaged_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
        if values:
            await self._run(self._tx(put))

    async def touch_issues(self, repo: str, changes: list[tuple[int, str, str | None]]) -> None:
        """Record (number, state, updated_at) for stored issues whose text did not change (closed, relabelled...)."""
        def put(conn: sqlite3.Connection) -> None:
            conn.executemany("UPDATE backfill_issues SET state = ?, updated_at = ? WHERE repo = ? AND number = ?",
                             [(state, updated, repo, number) for number, state, updated in changes])
        if changes:
            await self._run(self._tx(put))

    async def mark_applied(self, repo: str, number: int, level: str) -> None:
        """Remember how far the backfill acted on this issue on GitHub."""
        await self._run(lambda conn: conn.execute(
            "UPDATE backfill_issues SET applied = ? WHERE repo = ? AND number = ?", (level, repo, number)))

    async def finish_page(self, repo: str, query: str, url: str, etag: str | None, next_url: str | None,
                          applied: str = "none", now: float | None = None) -> None:
        """A page is fully handled (its issues acted on up to `applied`): keep its ETag and advance the checkpoint,
        in one transaction."""
        at = time.time() if now is None else now

        def put(conn: sqlite3.Connection) -> None:
            if etag:
                conn.execute("INSERT OR REPLACE INTO backfill_pages (repo, url, etag, next_url, applied) "
                             "VALUES (?, ?, ?, ?, ?)", (repo, url, etag, next_url, applied))
            conn.execute(
                "INSERT INTO backfill_checkpoints (repo, query, next_url, pages, finished_at, updated_at) "
                "VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (repo, query) DO UPDATE SET next_url = excluded.next_url, "
                "pages = backfill_checkpoints.pages + 1, finished_at = excluded.finished_at, "
                "updated_at = excluded.updated_at",
                (repo, query, next_url, at if next_url is None else None, at))
        await self._run(self._tx(put))

    async def restart(self, repo: str, query: str) -> None:
        """A finished listing starts again from its first page (a re-run: pages answer 304 when unchanged)."""
        await self._run(lambda conn: conn.execute(
            "UPDATE backfill_checkpoints SET pages = 0, finished_at = NULL WHERE repo = ? AND query = ?",
            (repo, query)))

    async def repos(self) -> list[str]:
        """The repositories with stored decisions."""
        return await self._run(lambda conn: [r[0] for r in conn.execute(
            "SELECT DISTINCT repo FROM backfill_issues ORDER BY repo")])

    async def count(self, repo: str) -> int:
        """How many issues of a repository are stored."""
        return await self._run(lambda conn: conn.execute(
            "SELECT COUNT(*) FROM backfill_issues WHERE repo = ?", (repo,)).fetchone()[0])

    async def report_rows(self, repo: str) -> list[dict[str, Any]]:
        """What a report needs per issue (number, url, created_at, the three paths and the summary): the backfilled
        issues, and those only the webhook path triaged since."""
        def get(conn: sqlite3.Connection) -> list[dict[str, Any]]:
            return list(_report_rows(conn, repo))
        return await self._run(get)

    async def close(self) -> None:
        """Close the connection."""
        await self._run(lambda conn: conn.close())


def _report_rows(conn: sqlite3.Connection, repo: str) -> Iterator[dict[str, Any]]:
    """Rows for the report, with the summary JSON decoded."""
    cur = conn.execute("SELECT number, html_url, created_at, symptom, root_cause, stage, summary "
                       "FROM backfill_issues WHERE repo = ? COLLATE NOCASE ORDER BY number", (repo,))
    loads = json.loads
    for number, url, created, symptom, cause, stage, summary in cur:
        row = loads(summary)
        row.update(number=number, url=url, created_at=created, symptom=symptom, root_cause=cause, stage=stage)
        yield row
    # issues only the webhook path triaged (new since the backfill): their latest decision, without a date
    cur = conn.execute("SELECT s.number, s.decision FROM issue_state s WHERE s.repo = ? COLLATE NOCASE AND "
                       "s.decision IS NOT NULL AND NOT EXISTS (SELECT 1 FROM backfill_issues b WHERE b.repo = ? "
                       "COLLATE NOCASE AND b.number = s.number) ORDER BY s.number", (repo, repo))
    for number, decision in cur:
        data = loads(decision)
        row = summarize(data)
        row.update(number=number, url=f"https://github.com/{repo}/issues/{number}", created_at=None,
                   symptom=data.get("symptom"), root_cause=data.get("root_cause"), stage=data.get("stage"))
        yield row
