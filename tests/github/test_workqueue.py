"""Tests for bot.github.workqueue: per-issue serialisation, overflow kept in the store, recovery, failure records."""

from __future__ import annotations

import asyncio
import json
import sqlite3

from bot.github.workqueue import WorkQueue, serial_key
from bot.store import Delivery, SQLiteStore


def _payload(repo: str = "o/r", number: int = 1) -> str:
    return json.dumps({"action": "opened", "repository": {"full_name": repo}, "issue": {"number": number}})


async def _store(*rows: tuple[str, str]) -> SQLiteStore:
    """An in-memory store holding these (delivery id, payload) rows, pending."""
    store = SQLiteStore("sqlite:///:memory:")
    for i, (delivery_id, payload) in enumerate(rows):
        await store.add_delivery(delivery_id, "issues", "opened", payload, float(i))
    return store


def test_serial_key_is_repo_and_issue():
    d = Delivery("d", "issues", "opened", _payload("Octo/Repo", 5), 0.0, "pending", 0)
    assert serial_key(d) == ("octo/repo", 5)
    assert serial_key(Delivery("x", "installation", None, "{}", 0.0, "pending", 0)) == "x"


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
        await store.add_delivery(f"d{i}", "issues", "opened", _payload(number=i), float(i))
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
        await web.add_delivery(f"w{i}", "issues", "opened", _payload(number=i), float(i))  # never submitted to the queue
    for _ in range(200):
        if len(seen) == 5:
            break
        await asyncio.sleep(0.01)
    await queue.stop(drain_seconds=1)
    assert sorted(seen) == [f"w{i}" for i in range(5)]
    assert await web.counts() == {"done": 5}


class _LockedStore(SQLiteStore):
    """The real SQLite store whose database is locked for the first few reads (another writer held it too long)."""

    def __init__(self, url: str, *, open_ids_fails: int, get_fails: set[str]):
        super().__init__(url)
        self.open_ids_fails, self.get_fails = open_ids_fails, set(get_fails)

    async def open_ids(self, limit: int) -> list[str]:
        if self.open_ids_fails > 0:
            self.open_ids_fails -= 1
            raise sqlite3.OperationalError("database is locked")
        return await super().open_ids(limit)

    async def get(self, delivery_id: str):
        if delivery_id in self.get_fails:
            self.get_fails.discard(delivery_id)
            raise sqlite3.OperationalError("database is locked")
        return await super().get(delivery_id)


async def test_a_locked_database_delays_deliveries_but_loses_none_and_keeps_every_worker(caplog, monkeypatch):
    monkeypatch.setattr(WorkQueue, "STORE_BACKOFF", 0.01)
    store = _LockedStore("sqlite:///:memory:", open_ids_fails=3, get_fails={"d1", "d4"})
    seen: list[str] = []

    async def process(d: Delivery) -> None:
        seen.append(d.id)

    queue = WorkQueue(store, process, size=10, workers=2, poll_seconds=0.01)
    await queue.start()  # the first read fails: nothing queued yet, the poller tries again
    for i in range(6):  # stored by the web side while the database is flaky
        await store.add_delivery(f"d{i}", "issues", "opened", _payload(number=i), float(i))
    for _ in range(300):
        if await store.counts() == {"done": 6}:
            break
        await asyncio.sleep(0.01)
    await queue.stop(drain_seconds=1)
    assert await store.counts() == {"done": 6} and sorted(seen) == [f"d{i}" for i in range(6)]
    assert store.open_ids_fails == 0 and not store.get_fails
    assert "could not read open deliveries" in caplog.text and "the store failed" in caplog.text
