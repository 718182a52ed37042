"""Rate-limit pacing for long runs: wait for the reset when the budget is spent, say so, and cap the requests sent."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

RESET_MARGIN = 1.0
"""Seconds past X-RateLimit-Reset before sending again (clocks differ, and the reset is rounded to seconds)."""
SECONDARY_WAIT = 60.0
"""GitHub's advice for a secondary limit without Retry-After: wait at least a minute."""


class RequestCapReached(Exception):
    """`--max-requests` was reached: the run stops here, with its checkpoint saved."""


@dataclass
class RunStats:
    """Shared by every client of one run: requests sent, rate-limit waits and the optional cap."""

    max_requests: int | None = None
    sent: int = 0
    waits: int = 0
    waited: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    methods: dict[str, int] = field(default_factory=dict)
    on_wait: Callable[[float, str], None] | None = None
    """Told (seconds, reason) before every rate-limit wait, e.g. to show it in the progress bar."""

    @property
    def writes(self) -> int:
        """Requests that could change something on GitHub (anything but GET; the App's token mints excluded)."""
        return sum(n for m, n in self.methods.items() if m not in ("GET", "HEAD", "TOKEN"))


@dataclass
class Pacer:
    """One credential's primary rate limit as GitHub last reported it, and the waits it imposes."""

    stats: RunStats
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    remaining: int | None = None
    reset: float | None = None

    async def before(self, method: str = "GET") -> None:
        """Before a request: stop at the cap; wait for the reset when the last answer said nothing is left."""
        stats = self.stats
        if stats.max_requests is not None and stats.sent >= stats.max_requests:
            raise RequestCapReached(f"--max-requests {stats.max_requests} reached")
        if self.remaining is not None and self.remaining <= 0 and self.reset is not None:
            wait = self.reset - self.clock() + RESET_MARGIN
            if wait > 0:
                await self.wait(wait, "rate limit spent")
            self.remaining = None
        stats.sent += 1
        stats.methods[method] = stats.methods.get(method, 0) + 1

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Read X-RateLimit-Remaining / X-RateLimit-Reset from an answer."""
        self.stats.statuses[status] = self.stats.statuses.get(status, 0) + 1
        remaining, reset = headers.get("X-RateLimit-Remaining", ""), headers.get("X-RateLimit-Reset", "")
        if remaining.strip().isdigit():
            self.remaining = int(remaining)
        if reset.strip().isdigit():
            self.reset = float(reset)

    def limited(self, status: int, headers: Mapping[str, str], body: bytes) -> float | None:
        """Seconds to wait when this answer is a primary or secondary rate limit, else None."""
        if status not in (403, 429):
            return None
        retry_after = headers.get("Retry-After", "").strip()
        if retry_after.isdigit():
            return float(retry_after)
        if headers.get("X-RateLimit-Remaining") == "0" and headers.get("X-RateLimit-Reset", "").strip().isdigit():
            return max(0.0, float(headers["X-RateLimit-Reset"]) - self.clock()) + RESET_MARGIN
        if status == 429 or b"rate limit" in body.lower():
            return SECONDARY_WAIT
        return None

    async def wait(self, seconds: float, reason: str) -> None:
        """Sleep through a rate limit, and say so (log and the run's on_wait)."""
        stats = self.stats
        stats.waits += 1
        stats.waited += seconds
        until = time.strftime("%H:%M:%S", time.localtime(self.clock() + seconds))
        log.warning("%s: waiting %.0f s until %s (wait %d)", reason, seconds, until, stats.waits)
        if stats.on_wait is not None:
            stats.on_wait(seconds, reason)
        await self.sleep(seconds)
