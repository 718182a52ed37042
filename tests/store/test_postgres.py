"""PostgreSQL-only behaviour against a real server: migrations under a lock, `firstmile db migrate|copy`."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from bot.__main__ import main
from bot.store import IssueState, open_store, schema

_names = itertools.count()


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """A fresh, empty PostgreSQL database."""
    name = f"p{next(_names)}"
    pg_cluster.psql(f"CREATE DATABASE {name}")
    return pg_cluster.url(name)


async def test_replicas_starting_together_apply_each_migration_once(pg_url, pg_cluster):
    stores = await asyncio.gather(*(open_store(pg_url) for _ in range(4)))
    applied = [s.migrated for s in stores]
    everything = [name for name, _ in schema.migrations("postgres")]
    assert sorted(applied, key=len) == [[], [], [], everything]
    for s in stores:
        await s.close()
    rows = pg_cluster.psql("SELECT name FROM schema_migrations ORDER BY name", pg_url.rsplit("/", 1)[1])
    assert rows.split() == everything


def test_db_migrate_cli_says_what_it_applied(pg_url, capsys):
    assert main(["db", "migrate", "--database-url", pg_url]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == "applied 0001_deliveries" and "schema is up to date" in err
    assert main(["db", "migrate", "--database-url", pg_url]) == 0
    assert capsys.readouterr().out == ""


def test_db_migrate_cli_reports_an_unreachable_server_in_one_line(capsys, pg_cluster):
    url = f"postgresql://firstmile@127.0.0.1:{pg_cluster.port}/no_such_database?connect_timeout=2"
    assert main(["db", "migrate", "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cannot migrate:") and len(err.strip().splitlines()) == 1


async def _fill_sqlite(url: str) -> None:
    """A server's SQLite file: deliveries in every state, issue memory, overrides, dedupe rows, retries."""
    s = await open_store(url)
    for i in range(3):
        await s.add_delivery(f"d{i}", "issues", "opened", f'{{"n": {i}}}', float(i))
    await s.claim("d0", 5.0)
    await s.finish("d0", 6.0)
    await s.claim("d1", 5.0)
    await s.finish("d1", 7.0, error="GitHubUnavailable: 502")
    await s.save_issue_state(IssueState("o/r", 1, comment_id=2**35, comment_body="x", bot_applied=["a"],
                                        decision={"symptom": "Hang"}), 3.0)
    await s.add_override("o/r", 1, "symptom", {"after": ["Hang"]}, "t", "b 中文", 4.0)
    await s.add_override("o/r", 2, "stage", {"after": ["Inference"]}, "t2", "b2", 5.0)
    await s.mark_comment("o/r", 9, "v1", 1.0)
    await s.add_retry("o/r", 1, "d1", "issues.opened", "GitHubUnavailable", 7.0)
    await s.close()


async def _snapshot(url: str) -> dict:
    """Everything the Store API shows of the filled database."""
    s = await open_store(url)
    try:
        return {"deliveries": [await s.get(f"d{i}") for i in range(3)], "open": await s.open_ids(10),
                "failed": await s.failed(10), "state": await s.issue_state("o/r", 1),
                "overrides": await s.export_overrides(),
                "comment": await s.comment_seen("o/r", 9, "v1"),
                "retries": [{k: v for k, v in r.items()} for r in await s.retries()]}
    finally:
        await s.close()


def test_db_copy_moves_every_row_from_sqlite_to_postgres_and_is_safe_to_repeat(tmp_path, pg_url, capsys):
    source = f"sqlite:///{tmp_path}/bot.sqlite3"
    asyncio.run(_fill_sqlite(source))
    assert main(["db", "copy", source, pg_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "deliveries\t3 read\t3 written" in lines and "overrides\t2 read\t2 written" in lines
    assert asyncio.run(_snapshot(pg_url)) == asyncio.run(_snapshot(source))
    assert main(["db", "copy", source, pg_url]) == 0  # again: nothing doubled
    assert "deliveries\t3 read\t0 written" in capsys.readouterr().out.splitlines()

    async def new_rows_after_the_copy() -> list[int]:
        s = await open_store(pg_url)
        await s.add_override("o/r", 3, "symptom", {"after": ["Crash"]}, "t3", "b3", 9.0)
        await s.add_retry("o/r", 3, None, "issues.opened", "later", 9.0)
        got = [o["number"] for o in await s.export_overrides()], [r["id"] for r in await s.retries()]
        await s.close()
        return got

    numbers, retry_ids = asyncio.run(new_rows_after_the_copy())
    assert numbers == [1, 2, 3] and retry_ids == [1, 2]  # the identity sequences moved past the copied ids


async def test_sigterm_on_postgresql_finishes_what_runs_and_leaves_the_rest_for_other_replicas(pg_url):
    from bot.github.workqueue import WorkQueue

    store = await open_store(pg_url)
    for i in range(4):
        await store.add_delivery(f"d{i}", "issues", "opened", "{}", float(i), issue_key=f"o/r#{i}")
    started, release = [], asyncio.Event()

    async def process(d) -> None:
        started.append(d.id)
        await release.wait()

    queue = WorkQueue(store, process, size=10, workers=1, poll_seconds=0.01)
    await queue.start()
    while not started:
        await asyncio.sleep(0.01)
    stopping = asyncio.create_task(queue.stop(drain_seconds=5))
    await asyncio.sleep(0.05)
    release.set()
    await stopping
    assert started == ["d0"] and await store.counts() == {"done": 1, "pending": 3}
    await store.close()


@pytest.mark.parametrize("cap", [0, 2])
async def test_claims_racing_from_many_replicas_never_run_two_deliveries_of_one_issue(pg_url, cap):
    stores = [await open_store(pg_url) for _ in range(4)]
    for i in range(12):  # three issues of one installation, four deliveries each
        await stores[0].add_delivery(f"d{i}", "issues", "opened", "{}", float(i), issue_key=f"o/r#{i % 3}",
                                     installation_id=7)
    rounds = []
    for _ in range(20):  # 16 claims racing from 4 replicas; what a round took is then finished
        got = await asyncio.gather(*(s.claim_next(f"r{k}", 100.0, 30.0, cap) for k, s in enumerate(stores)
                                     for _ in range(4)))
        taken = [d.id for d in got if d is not None]
        if not taken:
            break
        rounds.append(taken)
        for d in taken:
            assert await stores[0].finish(d, 101.0) is True
    counts = await stores[0].counts()
    for s in stores:
        await s.close()
    for taken in rounds:
        assert len({int(d[1:]) % 3 for d in taken}) == len(taken) <= (cap or 3)  # one per issue; the cap holds
    assert sorted(d for taken in rounds for d in taken) == sorted(f"d{i}" for i in range(12))  # each once
    assert counts == {"done": 12}


@pytest.fixture(scope="module")
def durable_cluster():
    """A PostgreSQL server with fsync and synchronous commit on, as in production (the session's has them off)."""
    from tests import pgcluster

    cluster = pgcluster.start(durable=True)
    yield cluster
    cluster.stop()


def _wal_syncs(cluster) -> int:
    """How many times the server has synced its WAL to disk, once the closed sessions' figures stopped changing."""
    seen = -1
    for _ in range(30):
        now = int(cluster.psql("SELECT wal_sync FROM pg_stat_wal"))
        if now == seen:
            return now
        seen = now
        time.sleep(0.2)
    return seen


async def test_acks_and_claims_wait_for_the_wal_flush_and_records_of_done_work_do_not(durable_cluster):
    n, db = 30, f"d{next(_names)}"
    durable_cluster.psql(f"CREATE DATABASE {db}")
    store = await open_store(durable_cluster.url(db))
    before = _wal_syncs(durable_cluster)
    for i in range(n):
        assert await store.add_delivery(f"d{i}", "issues", "opened", "{}", 1.0 + i, issue_key=f"o/r#{i}")
        assert (await store.claim_next("me", 100.0, 30.0)).id == f"d{i}"
    await store.close()
    flushed = _wal_syncs(durable_cluster) - before
    store = await open_store(durable_cluster.url(db))
    before = _wal_syncs(durable_cluster)
    for i in range(n):
        await store.save_issue_state(IssueState("o/r", i, comment_id=i), 101.0)
        await store.label_event("o/r", i, "bug", added=True, by_bot=True)
        assert await store.finish(f"d{i}", 102.0, owner="me")
    await store.close()
    lazy = _wal_syncs(durable_cluster) - before
    assert flushed >= 2 * n and lazy <= n // 3, (flushed, lazy)
    store = await open_store(durable_cluster.url(db))  # and what was written lazily is there for every session
    assert (await store.counts()) == {"done": n}
    state = await store.issue_state("o/r", n - 1)
    assert (state.comment_id, state.bot_applied) == (n - 1, ["bug"])
    await store.close()


def _nodes(plan: dict) -> list[dict]:
    """Every node of an EXPLAIN (FORMAT JSON) plan, depth first."""
    return [plan, *(n for child in plan.get("Plans", []) for n in _nodes(child))]


async def test_a_claim_walks_the_queue_in_order_and_sorts_nothing(pg_url):
    import json

    from bot.store.postgres import CLAIM

    store = await open_store(pg_url)
    for i in range(1000):
        await store.add_delivery(f"d{i}", "issues", "opened", "{}", 1.0 + i, issue_key=f"o/r#{i}")
    for i in range(950):  # done rows leave entries behind in the open deliveries' index until vacuum
        assert await store.finish((await store.claim_next("me", 1000.0, 30.0)).id, 1001.0, owner="me")
    plans: list[dict] = []
    async with store.pool.connection() as conn:  # the plans the claim function runs, as auto_explain reports them
        conn.add_notice_handler(lambda d: plans.append(json.loads(d.message_primary.split("\n", 1)[1])))
        for setting in ("client_min_messages = log", "auto_explain.log_min_duration = 0",
                        "auto_explain.log_nested_statements = on", "auto_explain.log_format = json",
                        "auto_explain.log_level = log"):
            await conn.execute(f"SET {setting}" if setting.startswith("client") else f"LOAD 'auto_explain'; SET {setting}")
        assert (await (await conn.execute(CLAIM, ("me", 1000.0, 1030.0, 0))).fetchone())[0] == "d950"
        await conn.execute("RESET client_min_messages")
    picks = [_nodes(p["Plan"]) for p in plans if "SKIP LOCKED" in p["Query Text"]]
    assert len(picks) == 1
    nodes = picks[0]
    assert not [n for n in nodes if n["Node Type"] == "Sort" or n["Node Type"].startswith("Bitmap")]
    queue = [n for n in nodes if n.get("Alias") == "d"]
    assert [(n["Node Type"], n.get("Index Name")) for n in queue] == [("Index Scan", "deliveries_queue")]
    assert (await store.claim_next("me", 1000.0, 30.0)).id == "d951"  # the oldest open one
    await store.close()


async def test_a_claim_that_waited_for_its_issues_lock_sees_the_claim_committed_meanwhile_and_takes_nothing(pg_url):
    import psycopg

    store = await open_store(pg_url)
    for i in range(2):
        await store.add_delivery(f"d{i}", "issues", "opened", "{}", 1.0 + i, issue_key="o/r#7")
    async with await psycopg.AsyncConnection.connect(pg_url) as other:  # another replica, mid-claim of d0
        await other.execute("SELECT pg_advisory_xact_lock(hashtextextended('ko/r#7', 17))")
        await other.execute("UPDATE deliveries SET status = 'running', lease_owner = 'other', lease_until = 1030 "
                            "WHERE id = 'd0'")
        claiming = asyncio.create_task(store.claim_next("me", 1000.0, 30.0))  # skips d0, picks d1, waits
        await asyncio.sleep(0.5)
        assert not claiming.done()
        await other.commit()
    assert await claiming is None  # the re-check saw d0 running: d1 waits for it
    assert (await store.get("d1")).status == "pending"
    assert await store.finish("d0", 1001.0, owner="other")
    assert (await store.claim_next("me", 1002.0, 30.0)).id == "d1"
    await store.close()
