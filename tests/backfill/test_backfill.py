"""`firstmile backfill` against the fake GitHub: paging, no writes, 304 re-runs, resuming, rate limits, --apply."""

from __future__ import annotations

import asyncio
import io
import sqlite3

import pytest

from bot.backfill.pacing import RequestCapReached, RunStats
from bot.backfill.progress import Progress
from bot.backfill.runner import Options, list_query
from bot.backfill.session import SetupError, run
from bot.backfill.store import SQLiteBackfillStore
from bot.settings import load_settings
from bot.store import SQLiteStore
from tests.backfill.corpus import issue
from tests.fakegithub import APP_ID, Fault, schedule

REPO = "Codertocat/Hello-World"
LIST = "/repos/Codertocat/Hello-World/issues"
DAY = 86400.0


@pytest.fixture
def settings(fake_github, app_keys, tmp_path):
    """Settings pointing at the fake and a fresh SQLite file."""
    return load_settings(app_id=APP_ID, private_key=app_keys[0], github_api_url=fake_github.url,
                         database_url=f"sqlite:///{tmp_path}/firstmile.sqlite3", github_retry_seconds=5,
                         github_backoff_seconds=0.01)


def fill(fake, n: int, *, prs: int = 0, closed_every: int = 0, repo: str = REPO, start: float = 1.7e9) -> None:
    """n synthetic issues (every k-th closed), then `prs` pull requests, one day apart."""
    for i in range(n):
        text = issue(i)
        fake.add_issue(repo, i + 1, text["title"], text["body"], login=f"user{i % 7}",
                       state="closed" if closed_every and i % closed_every == 0 else "open",
                       created_at=start + i * DAY)
    for j in range(prs):
        fake.add_issue(repo, n + j + 1, "Fix a typo", "A pull request", pull_request=True,
                       created_at=start + (j * 3 + 1) * DAY)


def lists(fake) -> list:
    """The list-issues requests the fake answered."""
    return [r for r in fake.requests if r.method == "GET" and r.path == LIST]


def rows(settings) -> list[tuple]:
    """(number, state, symptom) of every stored decision."""
    with sqlite3.connect(settings.database_url.removeprefix("sqlite:///")) as conn:
        return conn.execute("SELECT number, state, symptom FROM backfill_issues ORDER BY number").fetchall()


async def test_pages_through_every_issue_skips_pull_requests_and_writes_nothing(fake_github, settings):
    fill(fake_github, 230, prs=12, closed_every=10)
    seen = []
    runner, stats = await run(settings, [REPO], options=Options(state="all"), progress=Progress(io.StringIO()),
                              on_decision=[lambda repo, i, d, _: seen.append((repo, i["number"], d["symptom"]))])
    assert runner.totals.listed == 242 and runner.totals.pull_requests == 12
    assert runner.totals.triaged == 230 and len(seen) == 230
    assert len(lists(fake_github)) == 3  # 242 items, 100 a page
    assert stats.writes == 0 and {r.method for r in fake_github.requests} <= {"GET", "POST"}
    assert [r.path for r in fake_github.requests if r.method == "POST"] == ["/app/installations/1/access_tokens"]
    stored = rows(settings)
    assert [n for n, _, _ in stored] == list(range(1, 231))
    assert sum(1 for _, state, _ in stored if state == "closed") == 23
    assert any(symptom and symptom.startswith("Crash") for _, _, symptom in stored)


async def test_open_is_the_default_and_since_filters_on_updates(fake_github, settings):
    fill(fake_github, 30, closed_every=3)
    runner, _ = await run(settings, [REPO], progress=Progress(io.StringIO()))
    assert runner.totals.triaged == 20
    fake_github.repos[REPO.lower()].issues[30].updated_at = 1.7e9 + 600 * DAY
    runner, _ = await run(settings, [REPO], options=Options(state="all", since="2025-01-01T00:00:00Z"),
                          progress=Progress(io.StringIO()))
    assert runner.totals.listed == 1 and runner.totals.triaged == 0  # its text did not change: not triaged again
    assert lists(fake_github)[-1].status == 200


async def test_a_rerun_with_nothing_changed_costs_only_304s(fake_github, settings):
    fill(fake_github, 250, prs=3)
    await run(settings, [REPO], progress=Progress(io.StringIO()))
    before = len(fake_github.requests)
    runner, _ = await run(settings, [REPO], progress=Progress(io.StringIO()))
    again = [r for r in fake_github.requests[before:] if r.path == LIST]
    assert [r.status for r in again] == [304, 304, 304]
    assert runner.totals.triaged == 0 and runner.totals.pages_unchanged == 3
    fake_github.repos[REPO.lower()].issues[120].body = "Now it segfaults: Segmentation fault (core dumped)"
    fake_github.touch(fake_github.repos[REPO.lower()].issues[120])
    before = len(fake_github.requests)
    runner, _ = await run(settings, [REPO], progress=Progress(io.StringIO()))
    assert [r.status for r in fake_github.requests[before:] if r.path == LIST] == [304, 200, 304]
    assert runner.totals.triaged == 1 and runner.totals.unchanged == 99


async def test_a_stopped_run_resumes_and_triages_no_issue_twice(fake_github, settings):
    fill(fake_github, 450)
    seen: list[int] = []
    hook = [lambda repo, i, d, _: seen.append(i["number"])]
    with pytest.raises(RequestCapReached):
        await run(settings, [REPO], progress=Progress(io.StringIO()), max_requests=4, on_decision=hook)
    first = len(seen)
    assert 0 < first < 450
    runner, _ = await run(settings, [REPO], progress=Progress(io.StringIO()), on_decision=hook)
    assert sorted(seen) == list(range(1, 451)) and runner.totals.triaged == 450 - first
    forced, _ = await run(settings, [REPO], options=Options(force=True), progress=Progress(io.StringIO()))
    assert forced.totals.triaged == 450


async def test_a_cancelled_run_continues_from_its_checkpoint(fake_github, settings):
    fill(fake_github, 300)
    fake_github.latency = 0.05
    seen: list[int] = []
    probe, query = SQLiteBackfillStore(settings.database_url), list_query(Options())
    task = asyncio.ensure_future(run(settings, [REPO], progress=Progress(io.StringIO()),
                                     on_decision=[lambda repo, i, d, _: seen.append(i["number"])]))
    while (cp := await probe.checkpoint(REPO, query)) is None or cp.pages < 1:  # a page is done and stored
        assert not task.done()
        await asyncio.sleep(0.01)
    task.cancel()  # what Ctrl-C does to asyncio.run's task
    with pytest.raises(asyncio.CancelledError):
        await task
    done = (await probe.checkpoint(REPO, query)).pages * Options().per_page  # issues the checkpoint holds
    await probe.close()
    fake_github.latency = 0.0
    await run(settings, [REPO], progress=Progress(io.StringIO()),
              on_decision=[lambda repo, i, d, _: seen.append(i["number"])])
    # a page in flight at the cancel may be triaged again; a page the checkpoint holds never is
    assert sorted(set(seen)) == list(range(1, 301)) and done >= 100
    assert [n for n in range(1, done + 1) if seen.count(n) != 1] == []


async def test_a_spent_rate_limit_is_waited_out_and_said(fake_github, settings):
    fill(fake_github, 500)
    # 20 list pages at 3 requests a window: waits however fast triage runs (unless a page of 25 took a third of
    # a second), so the count does not depend on the machine's speed
    fake_github.rate_limit, fake_github.rate_window = 3, 1.0
    out = io.StringIO()
    runner, stats = await run(settings, [REPO], progress=Progress(out), options=Options(per_page=25))
    assert runner.totals.triaged == 500
    assert stats.waits >= 2 and "rate limit" in out.getvalue() and "waiting" in out.getvalue()
    assert all(r.status in (200, 201) for r in fake_github.requests)  # waited before the budget ran out: no 403


async def test_secondary_limits_and_retry_after_are_honoured(fake_github, settings):
    fill(fake_github, 150)
    fake_github.fault = schedule(Fault("secondary", retry_after=1), Fault("primary", retry_after=1),
                                 match=lambda r: r.path == LIST)
    runner, stats = await run(settings, [REPO], progress=Progress(io.StringIO()))
    assert runner.totals.triaged == 150 and stats.waits == 2
    assert [r.status for r in lists(fake_github)] == [403, 403, 200, 200]


async def test_all_finds_every_repository_of_every_installation(fake_github, settings):
    fill(fake_github, 5)
    fake_github.add_repo("other-org/models", installation_id=2)
    fill(fake_github, 3, repo="other-org/models")
    runner, _ = await run(settings, [], every=True, progress=Progress(io.StringIO()))
    assert runner.totals.repos == [REPO, "other-org/models"] and runner.totals.triaged == 8


async def test_a_repository_without_the_app_is_one_clear_error(fake_github, settings):
    with pytest.raises(SetupError, match="not installed"):
        await run(settings, ["nobody/nothing"], progress=Progress(io.StringIO()))


async def test_apply_labels_never_readds_what_a_human_removed_and_posts_no_comment(fake_github, settings):
    fill(fake_github, 10)
    store = SQLiteStore(settings.database_url)
    await store.label_event(REPO, 1, "symptom: oom", added=False, by_bot=False)  # a maintainer took it off before
    await store.close()
    runner, stats = await run(settings, [REPO], options=Options(apply="labels"), progress=Progress(io.StringIO()))
    issues = fake_github.repos[REPO.lower()].issues
    # labels.levels defaults to the deepest sure level per dimension: the bot still labels issue 1 (its stage),
    # never the removed symptom again
    assert "symptom: oom" not in issues[1].labels and "stage: inference" in issues[1].labels
    assert "symptom: oom" in issues[9].labels  # the same template, no human removal
    assert not any(fake_github.comments(REPO, n) for n in issues)
    assert stats.writes > 0 and runner.totals.applied >= 5


async def test_apply_comments_posts_one_sticky_comment_on_open_issues_only(fake_github, settings):
    fill(fake_github, 10, closed_every=5)
    await run(settings, [REPO], options=Options(state="all", apply="comments"), progress=Progress(io.StringIO()))
    issues = fake_github.repos[REPO.lower()].issues
    commented = {n for n in issues if fake_github.comments(REPO, n)}
    assert commented and all(issues[n].state == "open" for n in commented)
    assert any(issues[n].labels for n in issues if issues[n].state == "closed")
    await run(settings, [REPO], options=Options(state="all", apply="comments", force=True),
              progress=Progress(io.StringIO()))
    assert all(len(fake_github.comments(REPO, n)) <= 1 for n in issues)


async def test_a_default_run_then_apply_acts_on_the_stored_issues(fake_github, settings):
    fill(fake_github, 6)
    await run(settings, [REPO], progress=Progress(io.StringIO()))
    runner, stats = await run(settings, [REPO], options=Options(apply="labels"), progress=Progress(io.StringIO()))
    assert runner.totals.triaged == 0 and stats.writes > 0
    assert any(i.labels for i in fake_github.repos[REPO.lower()].issues.values())


async def test_plain_progress_lines_when_not_a_terminal(fake_github, settings):
    fill(fake_github, 120)
    out = io.StringIO()
    await run(settings, [REPO], progress=Progress(out, clock=iter(range(0, 10**6, 10)).__next__))
    assert f"{REPO}: 120/200 issues" in out.getvalue() and "issues/s" in out.getvalue()


def test_stats_count_writes_but_not_token_mints():
    stats = RunStats(methods={"GET": 5, "TOKEN": 1, "POST": 2, "DELETE": 1})
    assert stats.writes == 3


async def test_a_hook_may_add_related_links_that_the_report_clusters(fake_github, settings):
    fill(fake_github, 12)

    def related(repo, issue, data, decision):
        assert decision is not None and decision.to_json()["symptom"] == data["symptom"]
        n = issue["number"]
        return {"related": [{"number": n + 1, "score": 0.9, "reasons": []}]} if n in (1, 2, 7) else None

    await run(settings, [REPO], progress=Progress(io.StringIO()), on_decision=[related], index=False)
    from bot.backfill.store import open_backfill_store
    from bot.report.aggregate import aggregate

    store = await open_backfill_store(settings.database_url)
    tables = aggregate(await store.report_rows(REPO), repo=REPO)
    await store.close()
    assert tables["clusters"] == {"available": True, "groups": [{"size": 3, "issues": [1, 2, 3]},
                                                                {"size": 2, "issues": [7, 8]}]}


def test_the_bar_shows_issues_rate_eta_and_waits():
    out = io.StringIO()
    bar = Progress(out, bar=True)
    bar.start(REPO)
    bar.estimate(300)
    bar.advance(100)
    bar.waiting(42, "rate limit spent")
    bar.advance(100)
    bar.close()
    text = out.getvalue()
    assert "200/300" in text and "issue/s" in text and "waits=1" in text and "<" in text  # tqdm's ETA
    assert "rate limit spent; waiting 42 s" in text


async def test_a_backfill_on_postgresql_resumes_and_reports(fake_github, app_keys, pg_cluster):
    pg_cluster.psql("CREATE DATABASE backfill_run")
    settings = load_settings(app_id=APP_ID, private_key=app_keys[0], github_api_url=fake_github.url,
                             database_url=pg_cluster.url("backfill_run"))
    fill(fake_github, 150)
    with pytest.raises(RequestCapReached):
        await run(settings, [REPO], progress=Progress(io.StringIO()), max_requests=3)
    runner, _ = await run(settings, [REPO], progress=Progress(io.StringIO()))
    assert runner.totals.triaged == 50
    from bot.backfill.store import open_backfill_store
    from bot.report.aggregate import aggregate

    store = await open_backfill_store(settings.database_url)
    tables = aggregate(await store.report_rows(REPO), repo=REPO)
    await store.close()
    assert tables["issues"] == 150 and sum(tables["stage"].values()) == 150
