"""The backfill's tables on both backends: decisions, digests, checkpoints, page ETags, the report's rows."""

from __future__ import annotations


import pytest

from bot.backfill.store import IssueRow, open_backfill_store
from bot.store import IssueState, open_store

def row(number: int, symptom: str | None = "Crash", digest: str = "d") -> IssueRow:
    """A stored decision."""
    d = {"symptom": symptom, "root_cause": None, "stage": "Inference", "env": {"torch": "2.1.0"}, "errors": []}
    return IssueRow("Org/Repo", number, "open", f"t{number}", f"https://github.com/Org/Repo/issues/{number}",
                    "2024-02-03T00:00:00Z", "2024-02-03T00:00:00Z", digest, symptom, None, "Inference",
                    {"env": d["env"], "errors": [], "missing": []}, d)


async def test_decisions_checkpoints_and_etags_round_trip(store_url):
    store = await open_backfill_store(store_url)
    try:
        await store.save_issues([row(1), row(2, "Hang")])
        await store.save_issues([row(2, "Hang", digest="e")])  # replaced, not duplicated
        assert await store.known("Org/Repo", [1, 2, 3]) == {1: ("d", "none"), 2: ("e", "none")}
        await store.mark_applied("Org/Repo", 1, "labels")
        await store.touch_issues("Org/Repo", [(2, "closed", "2025-01-01T00:00:00Z")])
        assert (await store.known("Org/Repo", [1]))[1] == ("d", "labels")
        assert await store.checkpoint("Org/Repo", "state=open") is None
        await store.finish_page("Org/Repo", "state=open", "/p1", 'W/"a"', "/p2", "none", now=5.0)
        await store.finish_page("Org/Repo", "state=open", "/p2", 'W/"b"', None, "labels", now=6.0)
        cp = await store.checkpoint("Org/Repo", "state=open")
        assert (cp.next_url, cp.pages, cp.finished_at) == (None, 2, 6.0)
        assert await store.page("Org/Repo", "/p1") == ('W/"a"', "/p2", "none")
        await store.finish_page("Org/Repo", "state=open", "/p1", 'W/"c"', "/p2", "none", now=7.0)
        assert await store.page("Org/Repo", "/p1") == ('W/"c"', "/p2", "none")
        await store.restart("Org/Repo", "state=open")
        assert (await store.checkpoint("Org/Repo", "state=open")).pages == 0
        assert await store.count("org/repo") == 2
    finally:
        await store.close()


async def test_report_rows_add_the_issues_only_the_webhook_path_triaged(store_url):
    server = await open_store(store_url)
    await server.save_issue_state(IssueState("Org/Repo", 9, decision={"symptom": "Hang", "env": {"vllm": "0.6.1"}}),
                                  1.0)
    await server.save_issue_state(IssueState("Org/Repo", 1, decision={"symptom": "Hang"}), 1.0)
    await server.close()
    store = await open_backfill_store(store_url)
    try:
        await store.save_issues([row(1)])
        rows = await store.report_rows("org/repo")
    finally:
        await store.close()
    assert [(r["number"], r["symptom"], r["env"]) for r in rows] == [(1, "Crash", {"torch": "2.1.0"}),
                                                                      (9, "Hang", {"vllm": "0.6.1"})]


def test_db_copy_moves_the_backfill_tables_to_postgresql(tmp_path, pg_cluster, capsys):
    import asyncio

    from bot.__main__ import main

    source = f"sqlite:///{tmp_path}/bf.sqlite3"
    pg_cluster.psql("CREATE DATABASE bf_copy")
    target = pg_cluster.url("bf_copy")

    async def fill() -> None:
        store = await open_backfill_store(source)
        await store.save_issues([row(1), row(2, "Hang")])
        await store.finish_page("Org/Repo", "state=open", "/p1", 'W/"a"', None, "none", now=5.0)
        await store.close()

    async def rows(url: str) -> tuple:
        store = await open_backfill_store(url)
        try:
            return (await store.report_rows("Org/Repo"), await store.checkpoint("Org/Repo", "state=open"),
                    await store.page("Org/Repo", "/p1"))
        finally:
            await store.close()

    asyncio.run(fill())
    assert main(["db", "copy", source, target]) == 0
    assert "backfill_issues\t2 read\t2 written" in capsys.readouterr().out.splitlines()
    assert asyncio.run(rows(target)) == asyncio.run(rows(source))


async def test_installations_and_sealed_tokens_round_trip(store_url):
    store = await open_backfill_store(store_url)
    try:
        assert await store.installation("1", "Org/Repo") is None
        await store.remember_installation("1", "Org/Repo", 7, now=5.0)
        await store.remember_installation("1", "org/repo", 9, now=6.0)  # the same repository, any case
        assert await store.installation("1", "ORG/REPO") == 9
        assert await store.installation("2", "Org/Repo") is None  # another App's installations are its own
        assert await store.sealed_token("1", 9) is None
        await store.keep_token("1", 9, "c2VhbGVk", 1_800_000_000.0)
        await store.keep_token("1", 9, "bmV3ZXI=", 1_800_003_600.0)  # a new mint replaces the old token
        assert await store.sealed_token("1", 9) == ("bmV3ZXI=", 1_800_003_600.0)
        assert await store.sealed_token("2", 9) is None
        await store.drop_token("1", 9)
        assert await store.sealed_token("1", 9) is None
    finally:
        await store.close()
