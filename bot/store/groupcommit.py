"""Group commit: concurrent calls of one store write share one statement, one round trip and one commit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class GroupCommit(Generic[T]):
    """Calls that arrive while a batch is in flight wait and go together in the next one (at most `limit`).

    `run(items)` writes a batch and returns one result per item, in order. A lone call goes out at once (no timer,
    no added wait). A batch that fails is tried again one item at a time, so one bad row fails only its own call.
    """

    def __init__(self, run: Callable[[list[T]], Awaitable[list[Any]]], limit: int = 64):
        self.run, self.limit = run, limit
        self.waiting: list[tuple[T, asyncio.Future]] = []
        self.task: asyncio.Task | None = None
        self.batches = 0
        """Batches written (round trips), for counting."""

    async def __call__(self, item: T) -> Any:
        """Queue the item for the next batch and wait for its result."""
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((item, future))
        if self.task is None:
            self.task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        """Write batches until nothing waits."""
        try:
            while self.waiting:
                batch, self.waiting = self.waiting[:self.limit], self.waiting[self.limit:]
                await self._write(batch)
        finally:
            self.task = None

    async def _write(self, batch: list[tuple[T, asyncio.Future]]) -> None:
        """One batch; on failure, each item alone (a lone item's failure is its caller's)."""
        self.batches += 1
        try:
            results = await self.run([item for item, _ in batch])
        except Exception as exc:  # noqa: BLE001 - handed to the callers
            if len(batch) > 1:
                for one in batch:
                    await self._write([one])
                return
            results, error = None, exc
        else:
            error = None
        for i, (_, future) in enumerate(batch):
            if future.done():  # its caller was cancelled; the write happened or not, as a lone call's would
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(results[i])
