"""Tests for bot.github.workqueue: per-issue serialisation, overflow kept in the store, recovery, failure records."""

from __future__ import annotations

import asyncio
import json
import sqlite3

from bot.github.workqueue import WorkQueue, claim_keys
from bot.store import Delivery, SQLiteStore


def _payload(repo: str = "o/r", number: int = 1) -> str:
    return json.dumps({"action": "opened", "repository": {"full_name": repo}, "issue": {"number": number}})


async def _add(store, delivery_id: str, payload: str, at: float) -> None:
    """Store a delivery as the web side does: with its issue and installation."""
    issue, installation = claim_keys(json.loads(payload))
    await store.add_delivery(delivery_id, "issues", "opened", payload, at, issue_key=issue,
                             installation_id=installation)


async def _store(*rows: tuple[str, str]) -> SQLiteStore:
    """An in-memory store holding these (delivery id, payload) rows, pending."""
    store = SQLiteStore("sqlite:///:memory:")
    for i, (delivery_id, payload) in enumerate(rows):
        await _add(store, delivery_id, payload, float(i))
    return store


async def test_same_issue_runs_one_at_a_time_other_issues_in_parallel():
    store = await _store(("a1", _payload(number=1)), ("a2", _payload(number=1)), ("b1", _payload(number=2)))
    running: set[str] = set()
    overlaps: list[set[str]] = []
    order: list[str] = []

    async def process(d: Delivery) -> None:
        running.add(d.id)
        overlaps.append(set(running))
        await asyncio.sleep(0.05)
        order.append(d.id)
        running.discard(d.id)

    queue = WorkQueue(store, process, size=10, workers=3)
    await queue.start()
    await queue.stop(drain_seconds=2)
    assert not any({"a1", "a2"} <= s for s in overlaps)
    assert any({"a1", "b1"} <= s for s in overlaps)
    assert order.index("a1") < order.index("a2")
    assert await store.counts() == {"done": 3}


async def test_a_full_queue_leaves_rows_pending_and_picks_them_up_later():
    store = await _store()
    seen: list[str] = []

    async def process(d: Delivery) -> None:
        await asyncio.sleep(0.01)
        seen.append(d.id)

    queue = WorkQueue(store, process, size=2, workers=1)
    await queue.start()
    accepted = []
    for i in range(6):
        await _add(store, f"d{i}", _payload(number=i), float(i))
        accepted.append(queue.submit(f"d{i}"))
    assert accepted.count(False) >= 3
    for _ in range(100):
        if len(seen) == 6:
            break
        await asyncio.sleep(0.01)
    await queue.stop(drain_seconds=1)
    assert sorted(seen) == [f"d{i}" for i in range(6)]
    assert await store.counts() == {"done": 6}


async def test_start_recovers_pending_and_interrupted_rows():
    store = await _store(("p", _payload(number=1)), ("r", _payload(number=2)), ("x", _payload(number=3)))
    await store.claim("r", 1.0)  # was running when the process died
    await store.claim("x", 1.0)
    await store.finish("x", 2.0)
    seen: list[str] = []

    async def process(d: Delivery) -> None:
        seen.append(d.id)

    queue = WorkQueue(store, process, size=10, workers=2)
    await queue.start()
    await queue.stop(drain_seconds=1)
    assert sorted(seen) == ["p", "r"]
    assert (await store.get("r")).attempts == 2


async def test_failures_are_recorded_with_the_error():
    store = await _store(("f", _payload()))

    async def process(d: Delivery) -> None:
        raise KeyError("labels")

    queue = WorkQueue(store, process, size=10, workers=1)
    await queue.start()
    await queue.stop(drain_seconds=1)
    row = await store.get("f")
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "KeyError: 'labels'")


async def test_stop_after_drain_returns_running_work_to_pending():
    store = await _store(("slow", _payload(number=1)), ("next", _payload(number=2)))
    started = asyncio.Event()

    async def process(d: Delivery) -> None:
        started.set()
        await asyncio.sleep(10)

    queue = WorkQueue(store, process, size=10, workers=1)
    await queue.start()
    await started.wait()
    await queue.stop(drain_seconds=0.05)
    assert await store.counts() == {"pending": 2}
    assert (await store.get("slow")).attempts == 1


async def test_polling_picks_up_rows_another_process_stored(tmp_path):
    url = f"sqlite:///{tmp_path}/shared.sqlite3"
    web, worker = SQLiteStore(url), SQLiteStore(url)  # two connections, as the web and worker processes hold
    seen: list[str] = []

    async def process(d: Delivery) -> None:
        seen.append(d.id)

    queue = WorkQueue(worker, process, size=10, workers=2, poll_seconds=0.01)
    await queue.start()
    for i in range(5):
        await _add(web, f"w{i}", _payload(number=i), float(i))  # never submitted to the queue
    for _ in range(200):
        if len(seen) == 5:
            break
        await asyncio.sleep(0.01)
    await queue.stop(drain_seconds=1)
    assert sorted(seen) == [f"w{i}" for i in range(5)]
    assert await web.counts() == {"done": 5}


class _LockedStore(SQLiteStore):
    """The real SQLite store whose database is locked for the first few claims and for recording some outcomes
    (another writer held it too long)."""

    def __init__(self, url: str, *, claim_fails: int, finish_fails: set[str]):
        super().__init__(url)
        self.claim_fails, self.finish_fails = claim_fails, set(finish_fails)

    async def claim_next(self, *args, **kwargs):
        if self.claim_fails > 0:
            self.claim_fails -= 1
            raise sqlite3.OperationalError("database is locked")
        return await super().claim_next(*args, **kwargs)

    async def finish(self, delivery_id: str, *args, **kwargs):
        if delivery_id in self.finish_fails:
            self.finish_fails.discard(delivery_id)
            raise sqlite3.OperationalError("database is locked")
        return await super().finish(delivery_id, *args, **kwargs)


async def test_a_locked_database_delays_deliveries_but_loses_none_and_keeps_every_worker(caplog, monkeypatch):
    monkeypatch.setattr(WorkQueue, "STORE_BACKOFF", 0.01)
    store = _LockedStore("sqlite:///:memory:", claim_fails=3, finish_fails={"d1", "d4"})
    seen: list[str] = []

    async def process(d: Delivery) -> None:
        seen.append(d.id)

    # a short lease: a delivery whose outcome could not be recorded is claimed again once it runs out
    queue = WorkQueue(store, process, size=10, workers=2, poll_seconds=0.01, lease_seconds=0.2)
    await queue.start()  # the first claims fail: nothing runs yet, the workers try again
    for i in range(6):  # stored by the web side while the database is flaky
        await _add(store, f"d{i}", _payload(number=i), float(i))
    for _ in range(300):
        if await store.counts() == {"done": 6}:
            break
        await asyncio.sleep(0.01)
    await queue.stop(drain_seconds=1)
    assert await store.counts() == {"done": 6} and sorted(set(seen)) == [f"d{i}" for i in range(6)]
    assert sorted(seen) == sorted([f"d{i}" for i in range(6)] + ["d1", "d4"])  # those two ran again
    assert store.claim_fails == 0 and not store.finish_fails
    assert "could not claim a delivery" in caplog.text and "the store failed" in caplog.text


async def test_a_flooded_installation_waits_at_its_cap_while_another_runs_at_once():
    store = SQLiteStore("sqlite:///:memory:")
    for i in range(8):
        await store.add_delivery(f"flood{i}", "issues", "opened", "{}", float(i), issue_key=f"big/r#{i}",
                                 installation_id=1)
    await store.add_delivery("small", "issues", "opened", "{}", 100.0, issue_key="small/r#1", installation_id=2)
    started: list[str] = []
    release = asyncio.Event()

    async def process(d: Delivery) -> None:
        started.append(d.id)
        if d.id.startswith("flood"):
            await release.wait()  # rate limited: its handlers sit waiting

    queue = WorkQueue(store, process, size=10, workers=4, poll_seconds=0.01, per_installation=2)
    await queue.start()
    for _ in range(100):
        if "small" in started:
            break
        await asyncio.sleep(0.01)
    assert sorted(started) == ["flood0", "flood1", "small"]  # two flood claims, then the cap; the other ran
    release.set()
    await queue.stop(drain_seconds=2)
    assert await store.counts() == {"done": 9}
