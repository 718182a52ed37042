"""Tests for `firstmile deliveries failed|replay` against a real SQLite store."""

from __future__ import annotations

import asyncio

from bot.__main__ import main
from bot.store import open_store


async def _fill(url: str) -> None:
    """One done, one pending and two failed deliveries (one out of attempts)."""
    store = await open_store(url)
    for i, name in enumerate(["ok", "waiting", "flaky", "dead"]):
        await store.add_delivery(name, "issues", "opened", "{}", float(i))
    await store.claim("ok", 10.0)
    await store.finish("ok", 11.0)
    for t in (20.0, 30.0, 40.0):  # three runs, as the retrier gives them
        await store.requeue_failed(3, t)
        await store.claim("dead", t)
        await store.finish("dead", t + 1, error="GitHubUnavailable:\n  timeout @someone <b>")
    await store.claim("flaky", 10.0)
    await store.finish("flaky", 12.0, error="GitHubUnavailable: POST /labels: 502 after 5 attempts")
    await store.close()


def _store_with_failures(tmp_path):
    """The URL of a store filled by _fill."""
    url = f"sqlite:///{tmp_path}/bot.db"
    asyncio.run(_fill(url))
    return url, None


async def _read(url: str):
    """(status, attempts) per delivery, the open count and the failed list."""
    store = await open_store(url)
    try:
        got = {d: ((g := await store.get(d)).status, g.attempts) for d in ("ok", "waiting", "flaky", "dead")}
        return got, await store.open_count(), await store.failed(10)
    finally:
        await store.close()


def test_failed_lists_newest_first_on_one_line_each(tmp_path, capsys):
    url, _ = _store_with_failures(tmp_path)
    assert main(["deliveries", "failed", "--database-url", url]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "dead\tissues.opened\t3\tGitHubUnavailable: timeout @someone <b>",
        "flaky\tissues.opened\t1\tGitHubUnavailable: POST /labels: 502 after 5 attempts",
    ]
    assert err.strip() == "2 failed"


def test_replay_requeues_every_failed_delivery_with_fresh_attempts(tmp_path, capsys):
    url, _ = _store_with_failures(tmp_path)
    assert main(["deliveries", "replay", "--database-url", url]) == 0
    assert capsys.readouterr().err.strip() == "2 failed deliveries queued again"
    got, open_count, failed = asyncio.run(_read(url))
    assert got == {"ok": ("done", 1), "waiting": ("pending", 0), "flaky": ("pending", 0), "dead": ("pending", 0)}
    assert open_count == 3 and failed == []


def test_a_missing_database_is_one_line_and_exit_1(tmp_path, capsys):
    assert main(["deliveries", "replay", "--database-url", f"sqlite:///{tmp_path}/none.db"]) == 1
    assert capsys.readouterr().err.strip() == f"cannot replay deliveries: no database at {tmp_path}/none.db"


def test_failed_and_replay_on_postgresql_reach_every_replica(pg_cluster, capsys):
    pg_cluster.psql("CREATE DATABASE cli_deliveries")
    url = pg_cluster.url("cli_deliveries")
    asyncio.run(_fill(url))  # as replica A left them
    assert main(["deliveries", "failed", "--database-url", url]) == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == ["dead", "flaky"]
    assert main(["deliveries", "replay", "--database-url", url]) == 0

    async def replica_b_claims() -> list[str]:
        store = await open_store(url)
        try:
            got = []
            while (d := await store.claim_next("replica-b", 100.0, 30.0)) is not None:
                got.append(d.id)
            return got
        finally:
            await store.close()

    assert sorted(asyncio.run(replica_b_claims())) == ["dead", "flaky", "waiting"]
