"""The Store contract, run against every backend: the durable queue and its claims, issue memory, overrides, dedupe,
retries."""

from __future__ import annotations

import asyncio

from bot.store import IssueState, open_store


def _record(dimension: str, after: str) -> dict:
    """A minimal override record as the commands handler stores it."""
    return {"dimension": dimension, "login": "maint", "after": [after], "path": after.split(" - ")}


async def test_duplicate_delivery_ids_are_refused(store):
    assert await store.add_delivery("d", "issues", "opened", "{}", 1.0) is True
    assert await store.add_delivery("d", "issues", "edited", "{}", 2.0) is False
    got = await store.get("d")
    assert (got.action, got.status, got.attempts, got.received_at) == ("opened", "pending", 0, 1.0)
    assert await store.get("nope") is None


async def test_deliveries_added_together_each_get_their_own_answer(store):
    assert await store.add_delivery("old", "issues", "opened", "{}", 0.5) is True
    names = ["a", "b", "old", "c", "a", "d"]
    got = await asyncio.gather(*(store.add_delivery(n, "issues", "opened", f'{{"n": "{n}"}}', 1.0 + i)
                                 for i, n in enumerate(names)))
    # a repeated id is new exactly once, whatever batch it falls in; which of two concurrent adds of it wins is the
    # database's order of commits (PostgreSQL runs them on separate pooled connections), not the order of the calls
    assert [got[i] for i in (1, 2, 3, 5)] == [True, False, True, True] and sorted((got[0], got[4])) == [False, True]
    assert (await store.get("a")).payload == '{"n": "a"}' and (await store.get("old")).payload == "{}"
    assert await store.open_ids(10) == ["old", "a", "b", "c", "d"]


async def test_outcomes_recorded_together_each_honour_their_claim(store):
    for name in ("x", "y", "z"):
        await store.add_delivery(name, "issues", "opened", "{}", 1.0)
    for _ in range(3):
        assert await store.claim_next("me", 2.0, 30.0) is not None
    await store.release("z", owner="me")
    got = await asyncio.gather(store.finish("x", 3.0, owner="me"), store.finish("y", 3.0, error="E", owner="me"),
                               store.finish("z", 3.0, owner="me"), store.finish("x", 3.0, owner="other"))
    assert got == [True, True, False, False]
    assert [(await store.get(n)).status for n in ("x", "y", "z")] == ["done", "failed", "pending"]
    assert (await store.get("y")).last_error == "E"


async def test_claim_finish_and_release(store):
    await store.add_delivery("d", "issues", "opened", "{}", 1.0)
    claimed = await store.claim("d", 2.0)
    assert (claimed.status, claimed.attempts, claimed.payload) == ("running", 1, "{}")
    assert await store.claim("d", 2.0) is None
    await store.release("d")
    assert (await store.get("d")).status == "pending"
    await store.claim("d", 3.0)
    await store.finish("d", 4.0, error="boom")
    got = await store.get("d")
    assert (got.status, got.attempts, got.last_error) == ("failed", 2, "boom")
    assert await store.claim("d", 5.0) is None


async def test_open_ids_are_oldest_first_and_reset_running(store):
    for i, t in enumerate([3.0, 1.0, 2.0]):
        await store.add_delivery(f"d{i}", "issues", None, "{}", t)
    await store.claim("d0", 4.0)
    await store.claim("d2", 4.0)
    await store.finish("d2", 5.0)
    assert await store.open_ids(10) == ["d1", "d0"]
    assert await store.open_ids(1) == ["d1"]
    assert await store.open_count() == 2
    assert await store.reset_running() == 1
    assert await store.counts() == {"pending": 2, "done": 1}


async def test_requeue_failed_only_with_attempts_left_and_after_the_wait(store):
    await store.add_delivery("twice", "issues", "opened", "{}", 1.0)
    for at in (10.0, 11.0):
        assert await store.claim("twice", at) is not None
        await store.finish("twice", at, error="boom")
        if at == 10.0:
            assert await store.requeue_failed(2, at) == 1
    assert (await store.get("twice")).attempts == 2
    assert await store.requeue_failed(2, 20.0) == 0  # both attempts used: it stays failed
    await store.add_delivery("once", "issues", "opened", "{}", 1.0)
    await store.claim("once", 30.0)
    await store.finish("once", 30.0, error="boom")
    assert await store.requeue_failed(2, 25.0) == 0  # failed too recently
    assert await store.requeue_failed(2, 30.0) == 1
    assert (await store.get("once")).status == "pending" and (await store.get("twice")).status == "failed"


async def test_failed_lists_newest_first_and_replay_resets_attempts(store):
    for i, name in enumerate(["a", "b", "c"]):
        await store.add_delivery(name, "issues", "opened", "{}", float(i))
        await store.claim(name, 10.0 + i)
        await store.finish(name, 10.0 + i, error=None if name == "b" else f"{name} broke")
    assert [(d.id, d.last_error) for d in await store.failed(10)] == [("c", "c broke"), ("a", "a broke")]
    assert [d.id for d in await store.failed(1)] == ["c"]
    assert await store.replay_failed() == 2
    assert await store.failed(10) == []
    assert {d: ((g := await store.get(d)).status, g.attempts) for d in "abc"} == {
        "a": ("pending", 0), "b": ("done", 1), "c": ("pending", 0)}


async def test_rows_survive_reopening(store_url):
    first = await open_store(store_url)
    await first.add_delivery("d", "issues", "opened", '{"a": 1}', 1.0)
    await first.save_issue_state(IssueState("o/r", 1, comment_id=5), 1.0)
    await first.close()
    second = await open_store(store_url)
    try:
        assert (await second.get("d")).payload == '{"a": 1}'
        assert await second.add_delivery("d", "issues", "opened", "{}", 2.0) is False
        assert (await second.issue_state("o/r", 1)).comment_id == 5
        assert await second.healthy() is True
    finally:
        await second.close()


async def test_a_closed_store_is_unhealthy(store_url):
    s = await open_store(store_url)
    await s.close()
    assert await s.healthy() is False


async def test_issue_state_round_trips_with_large_ids_and_unicode(store):
    assert await store.issue_state("o/r", 1) is None
    state = IssueState("o/r", 1, comment_id=2**40, comment_body="hi 中文", bot_applied=["a"],
                       comments=[{"id": 3, "body": "x"}], decision={"symptom": "Crash"})
    await store.save_issue_state(state, 1.0)
    assert await store.issue_state("o/r", 1) == state
    state.comment_id, state.decision = 0, None
    await store.save_issue_state(state, 2.0)  # replaced, not added
    assert await store.issue_state("o/r", 1) == state
    assert await store.issue_state("o/r", 2) is None


async def test_label_provenance_follows_the_latest_action_case_insensitively(store):
    await store.label_event("o/r", 1, "bug", added=True, by_bot=True)
    await store.label_event("o/r", 1, "BUG", added=False, by_bot=False)  # a human removed the bot's label
    got = await store.issue_state("o/r", 1)
    assert (got.bot_applied, got.human_removed, got.human_added) == ([], ["BUG"], [])
    await store.label_event("o/r", 1, "bug", added=True, by_bot=False)  # and put it back
    got = await store.issue_state("o/r", 1)
    assert (got.human_removed, got.human_added) == ([], ["bug"])
    await store.record_human_labels("o/r", 1, added=["x"], removed=["bug"])
    got = await store.issue_state("o/r", 1)
    assert (got.human_added, got.human_removed) == (["x"], ["bug"])


async def test_label_events_keep_the_rest_of_the_state(store):
    await store.save_issue_state(IssueState("o/r", 1, comment_id=9, comments=[{"id": 1, "body": "b"}]), 5.0)
    await store.label_event("o/r", 1, "a", added=True, by_bot=False)
    got = await store.issue_state("o/r", 1)
    assert (got.comment_id, got.comments, got.human_added) == (9, [{"id": 1, "body": "b"}], ["a"])


async def test_comment_versions_are_seen_once(store):
    assert not await store.comment_seen("o/r", 5, "t1")
    assert await store.mark_comment("o/r", 5, "t1", 1.0) is True
    assert await store.comment_seen("o/r", 5, "t1") and not await store.comment_seen("o/r", 5, "t2")
    assert await store.mark_comment("o/r", 5, "t1", 2.0) is False


async def test_a_comment_version_has_one_record(store):
    """Commands and re-triage share the one "comment version handled" record (0300 dropped command_runs)."""
    assert not hasattr(store, "command_seen") and not hasattr(store, "mark_command")
    await store.mark_comment("o/r", 7, "2026-01-01T00:00:00Z", 1.0)
    assert await store.comment_seen("o/r", 7, "2026-01-01T00:00:00Z")
    assert not await store.comment_seen("o/r", 7, "2026-01-01T00:05:00Z")  # an edit is a new version
    assert not await store.comment_seen("x/y", 7, "2026-01-01T00:00:00Z")


async def test_retries_are_recorded_in_order(store):
    await store.add_retry("o/r", 1, "d1", "issues.opened", "GitHubBroken: 502", 1.0)
    await store.add_retry("o/r", None, None, "issue_comment.created", "x" * 5000, 2.0)
    first, second = await store.retries()
    assert (first["repo"], first["number"], first["delivery_id"], first["event"]) == ("o/r", 1, "d1", "issues.opened")
    assert second["number"] is None and len(second["error"]) == 2000


async def test_overrides_are_kept_per_issue_oldest_first(store):
    await store.add_override("o/r", 1, "symptom", _record("symptom", "Hang"), "t", "b", 1.0)
    await store.add_override("o/r", 2, "stage", _record("stage", "Inference"), "t2", "b2 中文", 2.0)
    await store.add_override("o/r", 1, "root_cause", _record("root_cause", "Env"), "t", "b", 3.0)
    got = await store.overrides("o/r", 1)
    assert [(o["dimension"], o["after"]) for o in got] == [("symptom", ["Hang"]), ("root_cause", ["Env"])]
    assert await store.overrides("o/r", 3) == [] and await store.overrides("x/y", 1) == []
    rows = await store.export_overrides()
    assert [(r["repo"], r["number"], r["dimension"], r["at"]) for r in rows] == [
        ("o/r", 1, "symptom", 1.0), ("o/r", 2, "stage", 2.0), ("o/r", 1, "root_cause", 3.0)]
    assert rows[1]["title"] == "t2" and rows[1]["body"] == "b2 中文" and rows[1]["record"]["after"] == ["Inference"]
    mine = await store.repo_overrides("o/r")
    assert [(r["repo"], r["number"], r["dimension"], r["record"]["after"]) for r in mine] == [
        ("o/r", 1, "symptom", ["Hang"]), ("o/r", 2, "stage", ["Inference"]), ("o/r", 1, "root_cause", ["Env"])]
    assert await store.repo_overrides("x/y") == [] and await store.repo_overrides("O/R") == []


async def test_migrations_are_recorded_and_reopening_applies_none(store_url):
    first = await open_store(store_url)
    assert first.migrated[:3] == ["0001_deliveries", "0002_overrides", "0003_issue_state"]
    await first.close()
    second = await open_store(store_url)
    assert second.migrated == []
    await second.close()


async def _add(store, delivery_id: str, at: float, issue: str | None = None, installation: int | None = None):
    """One pending delivery of an issue and an installation."""
    assert await store.add_delivery(delivery_id, "issues", "opened", "{}", at, issue_key=issue,
                                    installation_id=installation)


async def test_claim_next_takes_the_oldest_and_never_two_of_one_issue(store):
    await _add(store, "a1", 1.0, "o/r#1", 7)
    await _add(store, "a2", 2.0, "o/r#1", 7)
    await _add(store, "b1", 3.0, "o/r#2", 7)
    await _add(store, "x", 4.0)  # no issue (an installation event): never serialised
    first = await store.claim_next("r1", 10.0, 30.0)
    assert (first.id, first.status, first.attempts) == ("a1", "running", 1)
    assert (await store.claim_next("r2", 10.0, 30.0)).id == "b1"  # a2 waits for a1: same issue
    assert (await store.claim_next("r2", 10.0, 30.0)).id == "x"
    assert await store.claim_next("r2", 10.0, 30.0) is None
    assert await store.finish("a1", 11.0, owner="r1") is True
    assert (await store.claim_next("r2", 11.0, 30.0)).id == "a2"


async def test_an_installation_over_its_cap_waits_while_others_run(store):
    for i in range(4):
        await _add(store, f"flood{i}", float(i), f"big/r#{i}", 1)
    await _add(store, "small", 10.0, "small/r#1", 2)
    got = [(await store.claim_next("r", 20.0, 30.0, per_installation=2)).id for _ in range(3)]
    assert got == ["flood0", "flood1", "small"]  # the flood's backlog waits; the other installation does not
    assert await store.claim_next("r", 20.0, 30.0, per_installation=2) is None
    await store.finish("flood0", 21.0, owner="r")
    assert (await store.claim_next("r", 21.0, 30.0, per_installation=2)).id == "flood2"
    stats = await store.queue_stats(25.0)
    assert (stats.pending, stats.running, stats.oldest_pending_seconds, stats.oldest_claim_seconds) == (1, 3, 22.0, 5.0)


async def test_an_expired_lease_is_taken_over_and_the_old_owner_can_no_longer_finish(store):
    await _add(store, "d", 1.0, "o/r#1", 1)
    await _add(store, "later", 2.0, "o/r#1", 1)
    assert (await store.claim_next("dead", 10.0, 5.0)).id == "d"
    assert await store.renew("dead", ["d", "unknown"], 16.0) == ["d"]  # alive until 16
    assert await store.claim_next("alive", 15.0, 5.0) is None
    taken = await store.claim_next("alive", 16.5, 5.0)  # the lease ran out: the replica is gone
    assert (taken.id, taken.attempts) == ("d", 2)  # the same delivery first, before the issue's next one
    assert await store.renew("dead", ["d"], 30.0) == []
    assert await store.finish("d", 17.0, owner="dead") is False
    await store.release("d", owner="dead")  # not its claim any more: nothing happens
    assert (await store.get("d")).status == "running"
    assert await store.finish("d", 17.0, owner="alive") is True
    assert (await store.get("d")).status == "done"


async def test_release_by_owner_returns_the_claim(store):
    await _add(store, "d", 1.0, "o/r#1")
    await store.claim_next("me", 10.0, 30.0)
    await store.release("d", owner="me")
    got = await store.get("d")
    assert (got.status, got.attempts) == ("pending", 1)
    assert (await store.claim_next("other", 10.0, 30.0)).id == "d"


async def test_replicas_claiming_at_once_never_run_one_issue_twice(store_url):
    replicas = [await open_store(store_url) for _ in range(3)]
    try:
        for i in range(30):
            await _add(replicas[0], f"d{i}", float(i), f"o/r#{i % 4}", 1)
        held: dict[str, str] = {}
        claimed: list[str] = []

        async def worker(store, name: str) -> None:
            while (d := await store.claim_next(name, 100.0, 60.0)) is not None:
                issue = f"o/r#{int(d.id[1:]) % 4}"
                assert issue not in held, (issue, held)
                held[issue] = d.id
                claimed.append(d.id)
                await asyncio.sleep(0.005)
                del held[issue]
                assert await store.finish(d.id, 100.0, owner=name)

        await asyncio.gather(*(worker(s, f"r{i}-{w}") for i, s in enumerate(replicas) for w in range(3)))
        assert sorted(claimed) == sorted(f"d{i}" for i in range(30))  # each exactly once
        assert await replicas[1].counts() == {"done": 30}
    finally:
        for s in replicas:
            await s.close()
