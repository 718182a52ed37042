"""The in-process work queue: stored delivery ids served by N workers, one at a time per (repo, issue)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Protocol

from bot.store import Delivery, Store

log = logging.getLogger(__name__)

Processor = Callable[[Delivery], Awaitable[None]]


class Queue(Protocol):
    """What the server needs from a queue; a Redis job queue (arq) could implement the same."""

    def submit(self, delivery_id: str) -> bool:
        """Offer a stored pending delivery for processing; False when full (it stays pending in the store)."""

    def depth(self) -> int:
        """Deliveries waiting or running."""

    async def start(self) -> None:
        """Recover what the store still holds and start serving."""

    async def stop(self, drain_seconds: float) -> None:
        """Let work finish for at most drain_seconds, then leave the rest pending in the store."""


def serial_key(delivery: Delivery) -> Hashable:
    """Deliveries with the same key run one at a time: the (repo, issue number), else the delivery itself."""
    try:
        data = json.loads(delivery.payload)
        repo = data["repository"]["full_name"]
        number = (data.get("issue") or data.get("pull_request"))["number"]
        return (str(repo).lower(), int(number))
    except (ValueError, KeyError, TypeError):
        return delivery.id


class WorkQueue:
    """Bounded asyncio queue of delivery ids; the store is the source of truth, the queue only a window on it."""

    STORE_BACKOFF = 0.5
    """Seconds a worker waits after the store failed around a delivery, so a database outage is not a busy loop."""

    def __init__(self, store: Store, process: Processor, *, size: int, workers: int,
                 on_depth: Callable[[int], None] = lambda _n: None, poll_seconds: float = 0.0,
                 max_attempts: int = 3, retry_seconds: float = 300.0):
        self.store, self.process, self.size, self.workers = store, process, size, workers
        self.poll_seconds = poll_seconds
        """When > 0, look in the store this often for deliveries another process (the web server) stored."""
        self.max_attempts, self.retry_seconds = max_attempts, retry_seconds
        """A failed delivery runs again `retry_seconds` after it failed, until it has run `max_attempts` times."""
        self._retrier: asyncio.Task | None = None
        self._queue: asyncio.Queue[str] = asyncio.Queue(maxsize=size)
        self._known: set[str] = set()
        self._backlog = False
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}
        self._tasks: list[asyncio.Task] = []
        self._poller: asyncio.Task | None = None
        self._on_depth = on_depth

    def depth(self) -> int:
        """Deliveries queued or running in this process."""
        return len(self._known)

    def submit(self, delivery_id: str) -> bool:
        """Queue a stored pending delivery; when full, remember to refill from the store later."""
        if delivery_id in self._known:
            return True
        if self._queue.full():
            self._backlog = True
            return False
        self._queue.put_nowait(delivery_id)
        self._known.add(delivery_id)
        self._on_depth(self.depth())
        return True

    async def refill(self) -> None:
        """Pull the oldest open deliveries from the store into the free slots (a store error is logged and retried)."""
        free = self.size - self._queue.qsize()
        if free <= 0:
            return
        try:
            ids = await self.store.open_ids(free + len(self._known))
        except Exception:  # noqa: BLE001 - e.g. a locked or unreachable database: the rows wait there
            log.exception("could not read open deliveries from the store; trying again later")
            self._backlog = True
            return
        self._backlog = len(ids) >= free + len(self._known)
        for delivery_id in ids:
            if not self.submit(delivery_id):
                break

    async def start(self) -> None:
        """Return interrupted work to pending, queue what the store holds, and start the workers."""
        recovered = await self.store.reset_running() + await self.store.requeue_failed(self.max_attempts, time.time())
        await self.refill()
        if recovered or self._known:
            log.info("recovered %d open deliveries from the store", len(self._known))
        self._tasks = [asyncio.create_task(self._worker(), name=f"worker-{i}") for i in range(self.workers)]
        if self.poll_seconds > 0:
            self._poller = asyncio.create_task(self._poll(), name="poller")
        self._retrier = asyncio.create_task(self._retry(), name="retrier")

    async def stop(self, drain_seconds: float) -> None:
        """Drain for at most drain_seconds, then cancel; unfinished deliveries stay pending in the store."""
        for task in (self._poller, self._retrier):
            if task is not None:
                task.cancel()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._queue.join(), timeout=drain_seconds)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        left = self.depth()
        if left:
            log.warning("shutdown: %d deliveries left pending in the store for the next start", left)

    async def _poll(self) -> None:
        """Refill from the store every poll_seconds (deliveries stored by another process are never submitted here)."""
        while True:
            await asyncio.sleep(self.poll_seconds)
            if self._queue.qsize() < self.size // 2:
                await self.refill()

    async def _retry(self) -> None:
        """Every `retry_seconds`, give failed deliveries with attempts left another run."""
        while True:
            await asyncio.sleep(self.retry_seconds)
            try:
                n = await self.store.requeue_failed(self.max_attempts, time.time() - self.retry_seconds)
            except Exception:  # noqa: BLE001 - the next round tries again
                log.exception("could not requeue failed deliveries; trying again in %.0f s", self.retry_seconds)
                continue
            if n:
                log.warning("retrying %d failed deliveries", n)
                await self.refill()

    async def _worker(self) -> None:
        """Take ids one by one; run each under its issue's lock."""
        while True:
            delivery_id = await self._queue.get()
            try:
                await self._run(delivery_id)
            except Exception:  # noqa: BLE001 - the store failed around the handler: the row stays open there
                log.exception("delivery %s: the store failed; it stays open for a later run", delivery_id)
                self._backlog = True
                await asyncio.sleep(self.STORE_BACKOFF)
            finally:
                self._known.discard(delivery_id)
                self._queue.task_done()
                self._on_depth(self.depth())
                if self._backlog:
                    await self.refill()

    async def _run(self, delivery_id: str) -> None:
        """Claim, process and record one delivery; a cancelled one goes back to pending."""
        delivery = await self.store.get(delivery_id)
        if delivery is None or delivery.status not in ("pending", "running"):
            return
        key = serial_key(delivery)
        async with self._lock(key):
            delivery = await self.store.claim(delivery_id, time.time())
            if delivery is None:
                return
            try:
                await self.process(delivery)
            except asyncio.CancelledError:
                await self.store.release(delivery_id)
                raise
            except Exception as exc:  # noqa: BLE001 - a handler failure is recorded, never lost or fatal
                log.exception("delivery %s (%s) failed", delivery_id, delivery.event)
                await self.store.finish(delivery_id, time.time(), error=f"{type(exc).__name__}: {exc}"[:2000])
            else:
                await self.store.finish(delivery_id, time.time())

    @contextlib.asynccontextmanager
    async def _lock(self, key: Hashable):
        """A per-key lock that is forgotten once nobody holds or waits for it."""
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
