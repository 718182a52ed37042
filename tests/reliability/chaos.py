"""A seeded fault hook for the fake GitHub that fails a given share of calls with a mix of faults, counting them."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

from aiohttp import web

from tests.fakegithub import Fault

SLOW = 1.0
"""Seconds a `slow` answer takes: set the client timeout below it."""


def fault_mix() -> list[Fault]:
    """The faults GitHub really produces: 502, 500, secondary rate limit, too slow, reset, and acted-then-failed."""
    return [Fault("status", 502), Fault("status", 500), Fault("secondary", retry_after=0), Fault("slow", delay=SLOW),
            Fault("drop"), Fault("late", status=502)]


class Chaos:
    """`fake.fault = Chaos(0.3)`: each call fails with probability `rate`, with a fault drawn from the mix."""

    def __init__(self, rate: float, seed: int = 8, faults: list[Fault] | None = None, skip_paths: tuple = ("/app",)):
        self.rate, self.rng, self.faults = rate, random.Random(seed), faults or fault_mix()
        self.skip_paths = skip_paths
        self.injected: Counter[str] = Counter()
        self.calls = 0

    def __call__(self, request: web.Request) -> Fault | None:
        if request.path in self.skip_paths:
            return None
        self.calls += 1
        if self.rng.random() >= self.rate:
            return None
        fault = self.rng.choice(self.faults)
        self.injected[f"{fault.kind}{fault.status if fault.kind in ('status', 'late') else ''}"] += 1
        return fault


async def wait_processed(store, total: int, timeout: float = 90.0) -> dict[str, int]:
    """Poll the store until `total` deliveries are done or failed; returns the counts."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        counts = await store.counts()
        if counts.get("done", 0) + counts.get("failed", 0) >= total or loop.time() > end:
            return counts
        await asyncio.sleep(0.05)
