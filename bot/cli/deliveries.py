"""`firstmile deliveries failed|replay`: see the deliveries whose handling failed, and run them again."""

from __future__ import annotations

import asyncio
import sys

from bot.cli._options import actions, add_database_url


def register(subparsers) -> None:
    """Add the `deliveries` subcommand and its actions."""
    deliveries = actions(subparsers, "deliveries", "the stored webhook deliveries whose handling failed")
    failed = deliveries.add_parser("failed", help="list failed deliveries, newest first: id, event, attempts, error")
    failed.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    replay = deliveries.add_parser("replay", help="put every failed delivery back in the queue with its attempts "
                                                  "reset; a running server picks them up (WORKER=thread|process at "
                                                  "once, inline at its next start)")
    for action in (failed, replay):
        add_database_url(action)
    failed.set_defaults(func=run_failed)
    replay.set_defaults(func=run_replay)


async def _with_store(args, action: str, *params):
    """Open the store of --database-url or the settings (ValueError if an SQLite file does not exist), run one
    method, close it."""
    from bot.settings import load_settings
    from bot.store import open_existing

    store = await open_existing(args.database_url or load_settings().database_url)
    try:
        return await getattr(store, action)(*params)
    finally:
        await store.close()


def run_failed(args) -> int:
    """Print one tab-separated line per failed delivery."""
    try:
        rows = asyncio.run(_with_store(args, "failed", args.limit))
    except Exception as exc:  # noqa: BLE001 - a CLI: one line, not a traceback
        print(f"cannot read deliveries: {exc}", file=sys.stderr)
        return 1
    for d in rows:
        error = " ".join((d.last_error or "").split())[:200]
        print(f"{d.id}\t{d.event}.{d.action or ''}\t{d.attempts}\t{error}")
    print(f"{len(rows)} failed", file=sys.stderr)
    return 0


def run_replay(args) -> int:
    """Requeue every failed delivery; say how many."""
    try:
        n = asyncio.run(_with_store(args, "replay_failed"))
    except Exception as exc:  # noqa: BLE001 - a CLI: one line, not a traceback
        print(f"cannot replay deliveries: {exc}", file=sys.stderr)
        return 1
    print(f"{n} failed deliveries queued again", file=sys.stderr)
    return 0
