"""The work queue: N workers claim stored deliveries from the database, oldest first, one at a time per issue.

The database is the queue. A worker claims a delivery with a lease (`Store.claim_next`) that a heartbeat renews
while it runs: any number of processes or replicas can serve one database, and the work of one that dies is taken
over when its lease runs out. An issue's deliveries run one at a time, wherever; an installation holds at most
`per_installation` claims, so a flooded or rate-limited one waits without taking every worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.store import Delivery, Store

log = logging.getLogger(__name__)

Processor = Callable[[Delivery], Awaitable[None]]


class Queue(Protocol):
    """What the server needs from a queue."""

    def submit(self, delivery_id: str) -> bool:
        """Say that a delivery was stored (a worker wakes to claim it); False if it must wait for a poll."""

    def depth(self) -> int:
        """Deliveries running here."""

    async def start(self) -> None:
        """Recover what the store still holds and start serving."""

    async def stop(self, drain_seconds: float) -> None:
        """Let work finish for at most drain_seconds, then give the rest back to the store."""


def issue_key(data: dict | None) -> tuple[str, int] | None:
    """(repo full name lowercased, issue number) of a payload, or None when it is not about one issue."""
    try:
        repo = data["repository"]["full_name"]
        number = (data.get("issue") or data.get("pull_request"))["number"]
        return (str(repo).lower(), int(number))
    except (KeyError, TypeError, ValueError):
        return None


def claim_keys(data: dict | None) -> tuple[str | None, int | None]:
    """What a delivery is stored with for claims: its issue as `owner/repo#N`, and its installation id."""
    key = issue_key(data)
    inst = (data or {}).get("installation")
    installation = inst.get("id") if isinstance(inst, dict) and isinstance(inst.get("id"), int) else None
    return (f"{key[0]}#{key[1]}" if key else None), installation


def replica_id() -> str:
    """This process's name on claims: host, pid and a random suffix (a restarted process is a new owner)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class WorkQueue:
    """Workers that claim deliveries from the store; `submit` only wakes one, the store is the source of truth."""

    STORE_BACKOFF = 0.5
    """Seconds a worker waits after the store failed, so a database outage is not a busy loop."""

    def __init__(self, store: Store, process: Processor, *, size: int, workers: int,
                 on_depth: Callable[[int], None] = lambda _n: None, poll_seconds: float = 0.0,
                 max_attempts: int = 3, retry_seconds: float = 300.0, lease_seconds: float = 30.0,
                 per_installation: int = 0, owner: str | None = None):
        self.store, self.process, self.size, self.workers = store, process, size, workers
        self.poll_seconds = poll_seconds or 1.0
        """How often an idle worker looks in the store for deliveries nobody told it about (another process's,
        another replica's, a replay, a lease that ran out)."""
        self.max_attempts, self.retry_seconds = max_attempts, retry_seconds
        """A failed delivery runs again `retry_seconds` after it failed, until it has run `max_attempts` times."""
        self.lease_seconds, self.per_installation = lease_seconds, per_installation
        self.owner = owner or replica_id()
        self._wake: asyncio.Queue[None] = asyncio.Queue(maxsize=max(1, size))
        self._running: set[str] = set()
        self._tasks: list[asyncio.Task] = []
        self._helpers: list[asyncio.Task] = []
        self._idle = 0
        self._stopping = False
        self._on_depth = on_depth
        self.claim_while_draining = getattr(store, "dialect", "sqlite") == "sqlite"
        """Draining, keep taking work while there is some (one server per SQLite file); on PostgreSQL only finish
        what runs: the other replicas take the rest at once."""
        self.lost = 0
        """Claims this process lost to another (its lease ran out while it ran): logged, counted."""

    def depth(self) -> int:
        """Deliveries running in this process."""
        return len(self._running)

    def submit(self, delivery_id: str) -> bool:
        """Wake one idle worker to claim the stored delivery; False if none was woken (a busy one claims it next)."""
        try:
            self._wake.put_nowait(None)
        except asyncio.QueueFull:
            return False
        return True

    async def start(self) -> None:
        """Give back what a dead predecessor held (SQLite), requeue failures due again, start workers and helpers."""
        recovered = await self.store.recover() + await self.store.requeue_failed(self.max_attempts, time.time())
        if recovered:
            log.info("recovered %d open deliveries from the store", recovered)
        self._tasks = [asyncio.create_task(self._worker(), name=f"worker-{i}") for i in range(self.workers)]
        self._helpers = [asyncio.create_task(self._retry(), name="retrier"),
                         asyncio.create_task(self._heartbeat(), name="heartbeat")]

    async def stop(self, drain_seconds: float) -> None:
        """Drain for at most drain_seconds (see claim_while_draining), then cancel: unfinished claims go back."""
        self._stopping = True
        for _ in range(self.workers):
            self.submit("")  # idle workers wake and see that we stop
        _done, pending = await asyncio.wait(self._tasks, timeout=drain_seconds) if self._tasks else (set(), set())
        for task in pending:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for task in self._helpers:
            task.cancel()
        await asyncio.gather(*self._helpers, return_exceptions=True)
        if pending:
            log.warning("shutdown: %d deliveries given back to the store for another replica or the next start",
                        len(pending))

    async def _worker(self) -> None:
        """Claim and run deliveries; when there is none, wait to be woken or for the next poll (stopping: return)."""
        while True:
            if self._stopping and not self.claim_while_draining:
                return
            try:
                delivery = await self.store.claim_next(self.owner, time.time(), self.lease_seconds,
                                                       self.per_installation)
            except Exception:  # noqa: BLE001 - e.g. a locked or unreachable database: the rows wait there
                log.exception("could not claim a delivery from the store; trying again shortly")
                await asyncio.sleep(self.STORE_BACKOFF)
                continue
            if delivery is None:
                if self._stopping:
                    return
                await self._wait()
                continue
            if self._idle:
                self.submit("")  # there was one: maybe more; an idle colleague looks too
            await self._run(delivery)

    async def _wait(self) -> None:
        """Until submit() wakes this worker or it is time to poll: with k idle workers each waits k poll intervals,
        so an idle process looks about once per poll_seconds, not k times."""
        self._idle += 1
        try:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.get(), timeout=self.poll_seconds * self._idle)
        finally:
            self._idle -= 1

    async def _run(self, delivery: Delivery) -> None:
        """Process one claimed delivery and record the outcome; a cancelled one goes back to the store."""
        self._running.add(delivery.id)
        self._on_depth(self.depth())
        try:
            await self.process(delivery)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await asyncio.shield(self.store.release(delivery.id, owner=self.owner))
            raise
        except Exception as exc:  # noqa: BLE001 - a handler failure is recorded, never lost or fatal
            log.exception("delivery %s (%s) failed", delivery.id, delivery.event)
            await self._finish(delivery, f"{type(exc).__name__}: {exc}"[:2000])
        else:
            await self._finish(delivery, None)
        finally:
            self._running.discard(delivery.id)
            self._on_depth(self.depth())

    async def _finish(self, delivery: Delivery, error: str | None) -> None:
        """Record the outcome while we hold the claim; a store failure leaves the claim to expire and be retaken."""
        try:
            if not await self.store.finish(delivery.id, time.time(), error=error, owner=self.owner):
                self.lost += 1
                log.warning("delivery %s: our claim had expired and was taken over; outcome not recorded",
                            delivery.id)
        except Exception:  # noqa: BLE001 - the row stays claimed; its lease expires and it runs again
            log.exception("delivery %s: the store failed; it stays open for a later run", delivery.id)
            await asyncio.sleep(self.STORE_BACKOFF)

    async def _heartbeat(self) -> None:
        """Renew the leases of what runs here every third of a lease."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            ids = list(self._running)
            try:
                kept = await self.store.renew(self.owner, ids, time.time() + self.lease_seconds)
            except Exception:  # noqa: BLE001 - the next beat tries again, well within the lease
                log.exception("could not renew %d claims", len(ids))
                continue
            if lost := (set(ids) - set(kept)) & self._running:
                log.warning("claims lost to another replica (lease ran out): %s", sorted(lost))

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
                for _ in range(min(n, self.workers)):
                    self.submit("")
