"""The backfill's persistence: stored decisions, list checkpoints and page ETags, the repositories' installations and
the installations' sealed tokens, on SQLite or PostgreSQL.

Its tables are the store's migrations 0200_backfill.sql and 0201_backfill_credentials.sql, applied with the others
by bot.store's migrators. The statements are portable (upserts with ON CONFLICT, `?` placeholders rewritten for
psycopg); each page is one short transaction, so a webhook server on the same database keeps serving while a
backfill writes.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bot.backfill.summary import summarize
from bot.store import scheme

LEVELS = ("none", "labels", "comments")
"""How far a backfill acted on an issue on GitHub, in order."""

ISSUE_COLUMNS = ("repo", "number", "state", "title", "html_url", "created_at", "updated_at", "digest", "symptom",
                 "root_cause", "stage", "summary", "decision", "applied", "triaged_at")
UPSERT_ISSUE = (f"INSERT INTO backfill_issues ({', '.join(ISSUE_COLUMNS)}) VALUES ({', '.join('?' * 15)}) "
                "ON CONFLICT (repo, number) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in ISSUE_COLUMNS[2:]))
UPSERT_PAGE = ("INSERT INTO backfill_pages (repo, url, etag, next_url, applied) VALUES (?, ?, ?, ?, ?) "
               "ON CONFLICT (repo, url) DO UPDATE SET etag = excluded.etag, next_url = excluded.next_url, "
               "applied = excluded.applied")
ADVANCE = ("INSERT INTO backfill_checkpoints (repo, query, next_url, pages, finished_at, updated_at) "
           "VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (repo, query) DO UPDATE SET next_url = excluded.next_url, "
           "pages = backfill_checkpoints.pages + 1, finished_at = excluded.finished_at, "
           "updated_at = excluded.updated_at")
UPSERT_INSTALLATION = ("INSERT INTO app_installations (app_id, repo, installation_id, updated_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (app_id, repo) DO UPDATE SET installation_id = excluded.installation_id, "
                       "updated_at = excluded.updated_at")
UPSERT_TOKEN = ("INSERT INTO app_tokens (app_id, installation_id, sealed, expires_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (app_id, installation_id) DO UPDATE SET sealed = excluded.sealed, "
                "expires_at = excluded.expires_at")
REPORT = ("SELECT number, html_url, created_at, symptom, root_cause, stage, summary FROM backfill_issues "
          "WHERE lower(repo) = lower(?) ORDER BY number")
WEBHOOK_ONLY = ("SELECT s.number, s.decision FROM issue_state s WHERE lower(s.repo) = lower(?) AND s.decision IS NOT "
                "NULL AND NOT EXISTS (SELECT 1 FROM backfill_issues b WHERE lower(b.repo) = lower(?) AND b.number = "
                "s.number) ORDER BY s.number")


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
    """The backfill's async methods over a backend's four primitives (`_all`, `_exec`, `_many`, `_tx`)."""

    async def _all(self, sql: str, params: Sequence = ()) -> list[tuple]:
        """Every row of one statement."""
        raise NotImplementedError

    async def _exec(self, sql: str, params: Sequence = ()) -> None:
        """One statement."""
        raise NotImplementedError

    async def _many(self, sql: str, rows: Iterable[Sequence]) -> None:
        """One statement per parameter row, in one transaction."""
        raise NotImplementedError

    def _tx(self, statements: list[tuple[str, Sequence]]) -> Any:
        """Run these statements in one transaction (awaitable)."""
        raise NotImplementedError

    async def close(self) -> None:
        """Release the backend."""
        raise NotImplementedError

    async def checkpoint(self, repo: str, query: str) -> Checkpoint | None:
        """The listing's checkpoint, or None if it never started."""
        rows = await self._all("SELECT next_url, pages, finished_at FROM backfill_checkpoints WHERE repo = ? AND "
                               "query = ?", (repo, query))
        return Checkpoint(*rows[0]) if rows else None

    async def page(self, repo: str, url: str) -> tuple[str, str | None, str] | None:
        """The (ETag, next page URL, applied level) stored for a page URL, or None."""
        rows = await self._all("SELECT etag, next_url, applied FROM backfill_pages WHERE repo = ? AND url = ?",
                               (repo, url))
        return tuple(rows[0]) if rows else None

    async def known(self, repo: str, numbers: list[int]) -> dict[int, tuple[str, str]]:
        """number -> (text digest, applied level) for the given issues already stored."""
        out = {}
        for start in range(0, len(numbers), 500):
            chunk = numbers[start:start + 500]
            rows = await self._all(f"SELECT number, digest, applied FROM backfill_issues WHERE repo = ? AND number "
                                   f"IN ({','.join('?' * len(chunk))})", (repo, *chunk))
            out.update({number: (dig, applied) for number, dig, applied in rows})
        return out

    async def save_issues(self, rows: list[IssueRow], now: float | None = None) -> None:
        """Insert or replace these issues' decisions in one transaction."""
        at = time.time() if now is None else now
        if rows:
            await self._many(UPSERT_ISSUE, [
                (r.repo, r.number, r.state, r.title, r.html_url, r.created_at, r.updated_at, r.digest, r.symptom,
                 r.root_cause, r.stage, json.dumps(r.summary, separators=(",", ":")),
                 json.dumps(r.decision, separators=(",", ":")), r.applied, at) for r in rows])

    async def touch_issues(self, repo: str, changes: list[tuple[int, str, str | None]]) -> None:
        """Record (number, state, updated_at) for stored issues whose text did not change (closed, relabelled...)."""
        if changes:
            await self._many("UPDATE backfill_issues SET state = ?, updated_at = ? WHERE repo = ? AND number = ?",
                             [(state, updated, repo, number) for number, state, updated in changes])

    async def mark_applied(self, repo: str, number: int, level: str) -> None:
        """Remember how far the backfill acted on this issue on GitHub."""
        await self._exec("UPDATE backfill_issues SET applied = ? WHERE repo = ? AND number = ?", (level, repo, number))

    async def finish_page(self, repo: str, query: str, url: str, etag: str | None, next_url: str | None,
                          applied: str = "none", now: float | None = None) -> None:
        """A page is fully handled (its issues acted on up to `applied`): keep its ETag and advance the checkpoint,
        in one transaction."""
        at = time.time() if now is None else now
        statements = [(UPSERT_PAGE, (repo, url, etag, next_url, applied))] if etag else []
        statements.append((ADVANCE, (repo, query, next_url, at if next_url is None else None, at)))
        await self._tx(statements)

    async def restart(self, repo: str, query: str) -> None:
        """A finished listing starts again from its first page (a re-run: pages answer 304 when unchanged)."""
        await self._exec("UPDATE backfill_checkpoints SET pages = 0, finished_at = NULL WHERE repo = ? AND query = ?",
                         (repo, query))

    async def installation(self, app_id: str, repo: str) -> int | None:
        """The installation id last seen for a repository (owner/name, any case), or None."""
        rows = await self._all("SELECT installation_id FROM app_installations WHERE app_id = ? AND repo = ?",
                               (str(app_id), repo.lower()))
        return int(rows[0][0]) if rows else None

    async def remember_installation(self, app_id: str, repo: str, installation_id: int,
                                    now: float | None = None) -> None:
        """Keep the installation id GitHub gave for a repository."""
        at = time.time() if now is None else now
        await self._exec(UPSERT_INSTALLATION, (str(app_id), repo.lower(), int(installation_id), at))

    async def sealed_token(self, app_id: str, installation_id: int) -> tuple[str, float] | None:
        """(sealed token, expiry epoch) kept for an installation, or None."""
        rows = await self._all("SELECT sealed, expires_at FROM app_tokens WHERE app_id = ? AND installation_id = ?",
                               (str(app_id), int(installation_id)))
        return (rows[0][0], float(rows[0][1])) if rows else None

    async def keep_token(self, app_id: str, installation_id: int, sealed: str, expires: float) -> None:
        """Keep an installation's sealed token (replacing the one before)."""
        await self._exec(UPSERT_TOKEN, (str(app_id), int(installation_id), sealed, float(expires)))

    async def drop_token(self, app_id: str, installation_id: int) -> None:
        """Forget an installation's token."""
        await self._exec("DELETE FROM app_tokens WHERE app_id = ? AND installation_id = ?",
                         (str(app_id), int(installation_id)))

    async def count(self, repo: str) -> int:
        """How many issues of a repository are stored."""
        return (await self._all("SELECT COUNT(*) FROM backfill_issues WHERE lower(repo) = lower(?)", (repo,)))[0][0]

    async def report_rows(self, repo: str) -> list[dict[str, Any]]:
        """What a report needs per issue (number, url, created_at, the three paths and the summary): the backfilled
        issues, and those only the webhook path triaged since."""
        loads = json.loads
        out = []
        for number, url, created, symptom, cause, stage, summary in await self._all(REPORT, (repo,)):
            row = loads(summary)
            row.update(number=number, url=url, created_at=created, symptom=symptom, root_cause=cause, stage=stage)
            out.append(row)
        for number, decision in await self._all(WEBHOOK_ONLY, (repo, repo)):  # their latest decision, undated
            data = loads(decision)
            row = summarize(data)
            row.update(number=number, url=f"https://github.com/{repo}/issues/{number}", created_at=None,
                       symptom=data.get("symptom"), root_cause=data.get("root_cause"), stage=data.get("stage"))
            out.append(row)
        return out


class SQLiteBackfillStore(BackfillStore):
    """SQLite (WAL) on one connection, its statements run in a worker thread one at a time."""

    def __init__(self, database_url: str):
        from bot.store.sqlite import connect, migrate, sqlite_path

        self._conn = connect(sqlite_path(database_url), wait_ms=10_000)
        migrate(self._conn)
        self._lock = threading.Lock()

    async def _run(self, fn: Any) -> Any:
        """fn(conn) in a worker thread, one at a time, so the event loop never waits on the database."""
        def locked() -> Any:
            with self._lock:
                return fn(self._conn)
        return await asyncio.to_thread(locked)

    def _in_tx(self, conn: sqlite3.Connection, statements: list[tuple[str, Sequence]]) -> None:
        """BEGIN IMMEDIATE, the statements, COMMIT (rolled back on error)."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in statements:
                conn.execute(sql, params)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    async def _all(self, sql: str, params: Sequence = ()) -> list[tuple]:
        return await self._run(lambda conn: [tuple(r) for r in conn.execute(sql, params).fetchall()])

    async def _exec(self, sql: str, params: Sequence = ()) -> None:
        await self._run(lambda conn: conn.execute(sql, params))

    async def _many(self, sql: str, rows: Iterable[Sequence]) -> None:
        rows = list(rows)
        await self._run(lambda conn: self._in_tx(conn, [(sql, r) for r in rows]))

    async def _tx(self, statements: list[tuple[str, Sequence]]) -> None:
        await self._run(lambda conn: self._in_tx(conn, statements))

    async def close(self) -> None:
        await self._run(lambda conn: conn.close())


class PostgresBackfillStore(BackfillStore):
    """PostgreSQL through one psycopg async connection (autocommit; transactions where a page needs one)."""

    def __init__(self, conn: Any):
        self._conn = conn
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, database_url: str) -> PostgresBackfillStore:
        """Connect and migrate (under the store's advisory lock)."""
        from psycopg import AsyncConnection

        from bot.store.postgres import conninfo, migrate_schema

        conn = await AsyncConnection.connect(conninfo(database_url), autocommit=True)
        await migrate_schema(conn)
        return cls(conn)

    @staticmethod
    def _sql(sql: str) -> str:
        """psycopg's placeholders."""
        return sql.replace("?", "%s")

    async def _all(self, sql: str, params: Sequence = ()) -> list[tuple]:
        async with self._lock:
            return [tuple(r) for r in await (await self._conn.execute(self._sql(sql), params)).fetchall()]

    async def _exec(self, sql: str, params: Sequence = ()) -> None:
        async with self._lock:
            await self._conn.execute(self._sql(sql), params)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Any]:
        async with self._lock, self._conn.transaction():
            yield self._conn

    async def _many(self, sql: str, rows: Iterable[Sequence]) -> None:
        async with self._transaction() as conn, conn.cursor() as cur:
            await cur.executemany(self._sql(sql), list(rows))

    async def _tx(self, statements: list[tuple[str, Sequence]]) -> None:
        async with self._transaction() as conn:
            for sql, params in statements:
                await conn.execute(self._sql(sql), params)

    async def close(self) -> None:
        await self._conn.close()


async def open_backfill_store(database_url: str) -> BackfillStore:
    """The backfill store for DATABASE_URL (sqlite:///... or postgresql://...), its schema migrated."""
    if scheme(database_url) == "postgres":
        return await PostgresBackfillStore.open(database_url)
    return SQLiteBackfillStore(database_url)
