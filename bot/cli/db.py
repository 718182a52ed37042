"""`firstmile db migrate|copy`: apply the schema migrations; move every row from one database to another."""

from __future__ import annotations

import asyncio
import sys

from bot.cli._options import actions, add_database_url

TABLES = {
    # table: (columns copied, conflict target); ids of overrides and retries are kept, so their order is too
    "deliveries": ("id, event, action, payload, received_at, status, attempts, last_error, updated_at", "id"),
    "overrides": ("id, repo, number, dimension, record, title, body, at", "id"),
    "issue_state": ("repo, number, comment_id, comment_body, bot_applied, human_added, human_removed, comments, "
                    "decision, updated_at", "repo, number"),
    "seen_comments": ("repo, comment_id, updated_at, at", "repo, comment_id, updated_at"),
    "retries": ("id, repo, number, delivery_id, event, error, at", "id"),
    # 0200_backfill: stored decisions for reports, list checkpoints, page ETags
    "backfill_issues": ("repo, number, state, title, html_url, created_at, updated_at, digest, symptom, root_cause, "
                        "stage, summary, decision, applied, triaged_at", "repo, number"),
    "backfill_checkpoints": ("repo, query, next_url, pages, finished_at, updated_at", "repo, query"),
    "backfill_pages": ("repo, url, etag, next_url, applied", "repo, url"),
    # 0100 (related issues): maintainers' verdicts; the FTS5 index itself is rebuilt from the issues, not copied
    "related_links": ("repo, number, other, verdict, by_login, at", "repo, number, other"),
}
"""What `db copy` moves, in this order. Feature tables (0100-0399) add themselves here with their migration."""

BATCH = 500


def register(subparsers) -> None:
    """Add the `db` subcommand and its actions."""
    db = actions(subparsers, "db", "the database: apply migrations, copy SQLite to PostgreSQL")
    migrate = db.add_parser("migrate", help="apply the schema migrations the database lacks (the server also does at "
                                            "start, under a lock)")
    add_database_url(migrate)
    migrate.set_defaults(func=run_migrate)
    copy = db.add_parser("copy", help="copy every row from one database into another, e.g. "
                                           "sqlite:///firstmile.sqlite3 postgresql://user:pass@host/db; stop the "
                                           "server first; rows already in the target are kept")
    copy.add_argument("source", metavar="FROM")
    copy.add_argument("target", metavar="TO")
    copy.set_defaults(func=run_copy)


def run_migrate(args) -> int:
    """Open (and so migrate) the store; list what was applied."""
    from bot.settings import load_settings
    from bot.store import open_store

    async def go() -> list[str]:
        """The migrations applied now."""
        store = await open_store(args.database_url or load_settings().database_url)
        await store.close()
        return store.migrated

    try:
        done = asyncio.run(go())
    except Exception as exc:  # noqa: BLE001 - a CLI: one line, not a traceback
        print(f"cannot migrate: {exc}", file=sys.stderr)
        return 1
    for name in done:
        print(f"applied {name}")
    print(f"{len(done)} migrations applied; the schema is up to date", file=sys.stderr)
    return 0


def run_copy(args) -> int:
    """Copy the rows table by table; say how many went into each."""
    try:
        copied = asyncio.run(copy(args.source, args.target))
    except Exception as exc:  # noqa: BLE001 - a CLI: one line, not a traceback
        print(f"cannot copy: {exc}", file=sys.stderr)
        return 1
    for table, (read, written) in copied.items():
        print(f"{table}\t{read} read\t{written} written")
    return 0


async def copy(source_url: str, target_url: str) -> dict[str, tuple[int, int]]:
    """Every row of TABLES from source to target (both migrated first); {table: (read, written)}."""
    from bot.store import open_existing, open_store

    source = await open_existing(source_url)
    target = await open_store(target_url)
    try:
        out = {}
        for table, (columns, key) in TABLES.items():
            rows = await _rows(source, table, columns)
            written = 0
            for i in range(0, len(rows), BATCH):
                written += await _insert(target, table, columns, key, rows[i:i + BATCH])
            out[table] = (len(rows), written)
        await _after_copy(target)
        return out
    finally:
        await source.close()
        await target.close()


async def _rows(store, table: str, columns: str) -> list[tuple]:
    """Every row of one table, oldest first."""
    if store.dialect == "sqlite":
        return [tuple(r) for r in store.conn.execute(f"SELECT {columns} FROM {table} ORDER BY rowid")]
    async with store.pool.connection() as conn:
        return await (await conn.execute(f"SELECT {columns} FROM {table}")).fetchall()


async def _insert(store, table: str, columns: str, key: str, rows: list[tuple]) -> int:
    """Insert rows, skipping those whose key the target already holds; how many were new."""
    if not rows:
        return 0
    width = len(columns.split(","))
    if store.dialect == "sqlite":
        cur = store.conn.executemany(f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({', '.join('?' * width)})",
                                     rows)
        return cur.rowcount
    async with store.pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
        await cur.executemany(f"INSERT INTO {table} ({columns}) OVERRIDING SYSTEM VALUE VALUES "
                              f"({', '.join(['%s'] * width)}) ON CONFLICT ({key}) DO NOTHING", rows)
        return max(cur.rowcount, 0)


async def _after_copy(store) -> None:
    """PostgreSQL: move the identity sequences past the copied ids, so new rows do not collide with them."""
    if store.dialect != "postgres":
        return
    async with store.pool.connection() as conn:
        for table in ("overrides", "retries"):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))")
