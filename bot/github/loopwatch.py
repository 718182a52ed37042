"""How late this process's event loop wakes and how long garbage collection stops it: what delays an ack here."""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

TICK_SECONDS = 0.01


class LoopWatch:
    """A task timing short sleeps (late: the loop was busy or waited for a CPU) and a gc callback timing collections."""

    def __init__(self, lag: Any, gc_pause: Any, every: float = TICK_SECONDS):
        self.lag, self.gc_pause, self.every = lag, gc_pause, every
        self.task: asyncio.Task | None = None
        self.gc_started = 0.0

    def start(self) -> None:
        """Start the ticker on the running loop and the gc timer."""
        self.task = asyncio.get_running_loop().create_task(self._tick(), name="loopwatch")
        gc.callbacks.append(self._on_gc)

    async def stop(self) -> None:
        """Stop both."""
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    async def _tick(self) -> None:
        """Sleep `every` s, observe how much later than that it woke, forever."""
        while True:
            started = time.perf_counter()
            await asyncio.sleep(self.every)
            self.lag.observe(max(0.0, time.perf_counter() - started - self.every))

    def _on_gc(self, phase: str, _info: dict) -> None:
        """gc's callback: time from "start" to "stop" of one collection. A collection may start deep in a recursion
        (a deeply nested JSON body being refused): at the limit the pause goes unmeasured, and nothing is raised."""
        try:
            if phase == "start":
                self.gc_started = time.perf_counter()
            else:
                self.gc_pause.observe(time.perf_counter() - self.gc_started)
        except RecursionError:
            pass
