"""The PostgreSQL backend (psycopg 3 + psycopg-pool, async): the same tables and semantics as SQLite, shared by any
number of replicas. `DATABASE_URL=postgresql://user:pass@host:5432/db` selects it (`pip install 'firstmile[postgres]'`).
"""

from __future__ import annotations

import json
import time

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from bot.store import base, schema
from bot.store.base import (DELIVERY_COLUMNS, ISSUE_COLUMNS, STATS_SQL, Delivery, IssueState,
                            QueueStats, apply_label_event, issue_from_row, issue_row, queue_stats)

MIGRATION_LOCK = 0x6669_7273_746D_6C  # "firstml": one advisory lock id for schema changes, per database
COLUMNS = ", ".join(DELIVERY_COLUMNS)

CLAIM = f"SELECT {COLUMNS} FROM firstmile_claim(%s, %s, %s, %s)"
"""claim_next's one statement (migration 0006): no row when nothing may run now, a row of NULLs when its candidate was
lost to a concurrent claim, else the claimed delivery."""


LAZY = "set_config('synchronous_commit', 'off', true) IS NOT NULL"
"""A condition that a write's statement holds (in its WHERE) when it records what was already done on GitHub (finish,
an issue's state, a label event): a row it wrote passed it, so its transaction commits without waiting for the WAL
flush, in one statement (no BEGIN, SET LOCAL and COMMIT of their own). Acknowledgements and claims, which come before
anything is done, still wait. A crash of the PostgreSQL server (not of a replica) can lose such trailing writes until
the next flushed commit of any session (or the WAL writer's next round, within 3 x wal_writer_delay); WAL order means
an acknowledgement or claim that committed after them kept them. A lost tail leaves its delivery claimed by a lease
that expires, so it runs again with attempts > 1 and finds its comment on GitHub, as after a replica killed mid-task."""


def conninfo(database_url: str) -> str:
    """The libpq connection string for a DATABASE_URL (`postgres://` and `postgresql+driver://` accepted)."""
    rest = database_url.split("://", 1)[1]
    return f"postgresql://{rest}"


async def migrate_schema(conn: AsyncConnection, directory=None) -> list[str]:
    """Apply the migrations not in schema_migrations, each in its own transaction, under an advisory lock so that
    replicas starting together wait for each other; their names."""
    await conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                           "(name TEXT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)")
        applied = {r[0] for r in await (await conn.execute("SELECT name FROM schema_migrations")).fetchall()}
        done = []
        for name, script in schema.migrations("postgres", directory or schema.DIR):
            if name in applied:
                continue
            async with conn.transaction():
                await conn.execute(script.encode())  # no parameters: several statements are allowed
                await conn.execute("INSERT INTO schema_migrations VALUES (%s, %s)", (name, time.time()))
            done.append(name)
        return done
    finally:
        await conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


class PostgresStore:
    """The async Store on a psycopg connection pool; every method is one round trip or one short transaction."""

    dialect = "postgres"

    def __init__(self, pool: AsyncConnectionPool):
        self.pool = pool
        self.migrated: list[str] = []

    @classmethod
    async def open(cls, database_url: str, *, migrate: bool = True, min_size: int = 2,
                   max_size: int = 20) -> PostgresStore:
        """Connect once (a wrong URL or password fails here, at once, with the server's reason), migrate the schema on
        that connection, then open the pool."""
        info = conninfo(database_url)
        async with await AsyncConnection.connect(info, autocommit=True) as conn:
            migrated = await migrate_schema(conn) if migrate else []
        pool = AsyncConnectionPool(info, min_size=min_size, max_size=max_size, open=False,
                                   kwargs={"autocommit": True}, name="firstmile", timeout=30.0)
        await pool.open(wait=True, timeout=30.0)
        store = cls(pool)
        store.migrated = migrated
        return store

    async def _one(self, sql: str, params: tuple = ()):
        """The first row of one statement, or None."""
        async with self.pool.connection() as conn:
            return await (await conn.execute(sql, params)).fetchone()

    async def _all(self, sql: str, params: tuple = ()) -> list:
        """Every row of one statement."""
        async with self.pool.connection() as conn:
            return await (await conn.execute(sql, params)).fetchall()

    async def _count(self, sql: str, params: tuple = ()) -> int:
        """How many rows one statement changed."""
        async with self.pool.connection() as conn:
            return (await conn.execute(sql, params)).rowcount

    async def add_delivery(self, delivery_id: str, event: str, action: str | None, payload: str,
                           received_at: float, *, issue_key: str | None = None,
                           installation_id: int | None = None) -> bool:
        """Record a new pending delivery; False if this delivery id was seen before."""
        return await self._count(
            "INSERT INTO deliveries (id, event, action, payload, received_at, issue_key, installation_id) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
            (delivery_id, event, action, payload, received_at, issue_key, installation_id)) == 1

    async def claim_next(self, owner: str, now: float, lease_seconds: float, per_installation: int = 0
                         ) -> Delivery | None:
        """Claim the oldest delivery that may run now (see Store.claim_next), one statement per try.

        The row is picked with FOR UPDATE SKIP LOCKED, so replicas never wait on each other's candidates; then an
        advisory lock (its installation's when a cap counts it, else its issue's) orders claims that could conflict,
        and the UPDATE checks again, seeing every claim committed meanwhile, that its issue is free and the
        installation under its cap (firstmile_claim, migration 0006)."""
        async with self.pool.connection() as conn:
            for _ in range(3):  # a candidate that lost the race: the next one, in a new transaction
                row = await (await conn.execute(CLAIM, (owner, now, now + lease_seconds, per_installation))).fetchone()
                if row is None:
                    return None
                if row[0] is not None:
                    return Delivery(*row)
        return None

    async def renew(self, owner: str, ids: list[str], until: float) -> list[str]:
        """Extend owner's leases on these running deliveries; the ids still held (the others were taken over)."""
        if not ids:
            return []
        rows = await self._all("UPDATE deliveries SET lease_until = %s WHERE status = 'running' AND lease_owner = %s "
                               "AND id = ANY(%s) RETURNING id", (until, owner, list(ids)))
        return [r[0] for r in rows]

    async def recover(self) -> int:
        """Nothing: other replicas may be running; the claims of a dead one expire and are taken over."""
        return 0

    async def queue_stats(self, now: float) -> QueueStats:
        """Pending and running counts, the oldest pending delivery's and oldest claim's ages."""
        return queue_stats(await self._one(STATS_SQL), now)

    async def claim(self, delivery_id: str, now: float) -> Delivery | None:
        """Move a pending delivery to running and return it; None if it is not pending."""
        row = await self._one(
            f"UPDATE deliveries SET status = 'running', attempts = attempts + 1, updated_at = %s "
            f"WHERE id = %s AND status = 'pending' RETURNING {COLUMNS}", (now, delivery_id))
        return Delivery(*row) if row else None

    async def finish(self, delivery_id: str, now: float, error: str | None = None, owner: str | None = None) -> bool:
        """Mark a running delivery done, or failed with the error; with an owner, only while it holds the claim."""
        return await self._count(
            "UPDATE deliveries SET status = %(status)s, last_error = %(error)s, updated_at = %(now)s, "
            "lease_until = NULL WHERE id = %(id)s AND (%(owner)s::text IS NULL OR (status = 'running' AND "
            f"lease_owner = %(owner)s)) AND {LAZY}",
            {"status": "failed" if error is not None else "done", "error": error, "now": now, "id": delivery_id,
             "owner": owner}) == 1


    async def release(self, delivery_id: str, owner: str | None = None) -> None:
        """Put a running delivery back to pending (shutdown interrupted it); with an owner, only its own claim."""
        await self._count("UPDATE deliveries SET status = 'pending', lease_until = NULL WHERE id = %(id)s AND "
                          "status = 'running' AND (%(owner)s::text IS NULL OR lease_owner = %(owner)s)",
                          {"id": delivery_id, "owner": owner})

    async def open_ids(self, limit: int) -> list[str]:
        """The oldest pending or running delivery ids."""
        rows = await self._all("SELECT id FROM deliveries WHERE status IN ('pending', 'running') "
                               "ORDER BY received_at, seq LIMIT %s", (limit,))
        return [r[0] for r in rows]

    async def open_count(self) -> int:
        """How many deliveries are pending or running: the durable queue's depth."""
        return (await self._one("SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'running')"))[0]

    async def reset_running(self) -> int:
        """Turn every running delivery back to pending; returns how many."""
        return await self._count("UPDATE deliveries SET status = 'pending' WHERE status = 'running'")

    async def requeue_failed(self, max_attempts: int, failed_before: float) -> int:
        """Failed deliveries with attempts left that failed before the given time go back to pending; how many."""
        return await self._count("UPDATE deliveries SET status = 'pending' WHERE status = 'failed' AND attempts < %s "
                                 "AND updated_at <= %s", (max_attempts, failed_before))

    async def failed(self, limit: int) -> list[Delivery]:
        """The newest deliveries that failed for good or are waiting for their next attempt."""
        rows = await self._all(f"SELECT {COLUMNS} FROM deliveries WHERE status = 'failed' "
                               "ORDER BY updated_at DESC, seq DESC LIMIT %s", (limit,))
        return [Delivery(*r) for r in rows]

    async def replay_failed(self) -> int:
        """Every failed delivery back to pending with its attempts reset (an operator's replay); how many."""
        return await self._count("UPDATE deliveries SET status = 'pending', attempts = 0 WHERE status = 'failed'")

    async def get(self, delivery_id: str) -> Delivery | None:
        """One delivery, or None."""
        row = await self._one(f"SELECT {COLUMNS} FROM deliveries WHERE id = %s", (delivery_id,))
        return Delivery(*row) if row else None

    async def counts(self) -> dict[str, int]:
        """How many deliveries are in each status."""
        return dict(await self._all("SELECT status, COUNT(*) FROM deliveries GROUP BY status"))

    async def add_override(self, repo: str, number: int, dimension: str, record: dict, title: str, body: str,
                           at: float) -> None:
        """Record a human override of one dimension of an issue, with the issue's title and body at that time."""
        await self._count("INSERT INTO overrides (repo, number, dimension, record, title, body, at) "
                          "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                          (repo, number, dimension, json.dumps(record, sort_keys=True), title, body, at))

    async def overrides(self, repo: str, number: int) -> list[dict]:
        """An issue's override records (dicts with at least `dimension`), oldest first."""
        rows = await self._all("SELECT dimension, record FROM overrides WHERE repo = %s AND number = %s ORDER BY id",
                               (repo, number))
        return [{**json.loads(record), "dimension": dimension} for dimension, record in rows]

    async def export_overrides(self) -> list[dict]:
        """Every override as {repo, number, dimension, record, title, body, at}, oldest first."""
        rows = await self._all("SELECT repo, number, dimension, record, title, body, at FROM overrides ORDER BY id")
        return [{"repo": r[0], "number": r[1], "dimension": r[2], "record": json.loads(r[3]), "title": r[4],
                 "body": r[5], "at": r[6]} for r in rows]

    async def repo_overrides(self, repo: str) -> list[dict]:
        """A repository's overrides as {repo, number, dimension, record}, oldest first."""
        rows = await self._all("SELECT number, dimension, record FROM overrides WHERE repo = %s ORDER BY id", (repo,))
        return [{"repo": repo, "number": r[0], "dimension": r[1], "record": json.loads(r[2])} for r in rows]

    async def issue_state(self, repo: str, number: int) -> IssueState | None:
        """The remembered state of an issue, or None if the bot never handled it."""
        row = await self._one(f"SELECT {ISSUE_COLUMNS} FROM issue_state WHERE repo = %s AND number = %s",
                              (repo, number))
        return issue_from_row(row) if row else None

    async def save_issue_state(self, state: IssueState, now: float) -> None:
        """Write an issue's state (insert or replace), committed lazily (see LAZY); one statement."""
        async with self.pool.connection() as conn:
            await _save(conn, state, now)

    async def label_event(self, repo: str, number: int, name: str, *, added: bool, by_bot: bool) -> None:
        """Record who added or removed a label (the issue's row locked while it changes; committed lazily)."""
        async with self.pool.connection() as conn, conn.pipeline() as pipe:  # two round trips
            await conn.execute("BEGIN")
            await conn.execute(f"INSERT INTO issue_state (repo, number, updated_at) SELECT %s, %s, 0 WHERE {LAZY} "
                               "ON CONFLICT DO NOTHING", (repo, number))
            locked = await conn.execute(f"SELECT {ISSUE_COLUMNS} FROM issue_state WHERE repo = %s AND number = %s "
                                        "FOR UPDATE", (repo, number))
            await pipe.sync()
            row = await locked.fetchone()
            state = apply_label_event(issue_from_row(row), name, added=added, by_bot=by_bot)
            await _save(conn, state, row[-1] if row[-1] is not None else 0.0)
            await conn.execute("COMMIT")

    async def record_human_labels(self, repo: str, number: int, *, added: list[str], removed: list[str]) -> None:
        """Labels a human changed (e.g. through a command): the bot will neither remove nor re-add them."""
        await base.record_human_labels(self, repo, number, added=added, removed=removed)

    async def comment_seen(self, repo: str, comment_id: int, updated_at: str) -> bool:
        """Whether this version of a comment (id, updated_at) was already handled, under any delivery id."""
        return await self._one("SELECT 1 FROM seen_comments WHERE repo = %s AND comment_id = %s AND updated_at = %s",
                               (repo, comment_id, updated_at)) is not None

    async def mark_comment(self, repo: str, comment_id: int, updated_at: str, now: float) -> bool:
        """Remember this version of a comment; False if it was seen before (same comment under a new delivery)."""
        return await self._count("INSERT INTO seen_comments (repo, comment_id, updated_at, at) "
                                 "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                                 (repo, comment_id, updated_at, now)) == 1

    async def add_retry(self, repo: str, number: int | None, delivery_id: str | None, event: str, error: str,
                        now: float) -> None:
        """Record work given up after the client's retry budget, to be retried later."""
        await self._count("INSERT INTO retries (repo, number, delivery_id, event, error, at) "
                          "VALUES (%s, %s, %s, %s, %s, %s)", (repo, number, delivery_id, event, error[:2000], now))

    async def retries(self) -> list[dict]:
        """Every retry record, oldest first."""
        async with self.pool.connection() as conn:
            cur = conn.cursor(row_factory=dict_row)
            await cur.execute("SELECT id, repo, number, delivery_id, event, error, at FROM retries ORDER BY id")
            return await cur.fetchall()

    async def healthy(self) -> bool:
        """Whether the database answers within 2 s."""
        try:
            async with self.pool.connection(timeout=2.0) as conn:
                return (await (await conn.execute("SELECT 1")).fetchone())[0] == 1
        except Exception:  # noqa: BLE001 - any failure is "not healthy"
            return False

    async def close(self) -> None:
        """Close the pool."""
        await self.pool.close()


async def _save(conn: AsyncConnection, state: IssueState, now: float) -> None:
    """Insert or replace an issue's row on this connection, committed lazily (see LAZY)."""
    await conn.execute(
        f"INSERT INTO issue_state ({ISSUE_COLUMNS}) SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s WHERE {LAZY} "
        "ON CONFLICT (repo, number) DO UPDATE SET comment_id = EXCLUDED.comment_id, "
        "comment_body = EXCLUDED.comment_body, bot_applied = EXCLUDED.bot_applied, "
        "human_added = EXCLUDED.human_added, human_removed = EXCLUDED.human_removed, comments = EXCLUDED.comments, "
        "decision = EXCLUDED.decision, updated_at = EXCLUDED.updated_at",
        (*issue_row(state), now))

