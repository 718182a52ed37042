"""Progress of a backfill: a tqdm bar on a terminal (issues, issues/s, ETA, rate-limit waits), plain lines otherwise."""

from __future__ import annotations

import os
import sys
import time
from typing import IO, Any

PLAIN_EVERY = 5.0
"""Seconds between plain progress lines."""


class Progress:
    """One line of progress per repository: `start`, `advance`, `waiting`, `close`."""

    def __init__(self, out: IO[str] | None = None, *, bar: bool | None = None, clock=time.monotonic):
        self.out = out or sys.stdout
        self.bar = _terminal(self.out) if bar is None else bar
        self.clock = clock
        self._tqdm: Any = None
        self.repo = ""
        self.done = self.total = self.waits = 0
        self._started = self._last = 0.0

    def start(self, repo: str) -> None:
        """A repository's listing begins."""
        self.close()
        self.repo, self.done, self.total, self._started = repo, 0, 0, self.clock()
        self._last = self._started
        if self.bar:
            from tqdm import tqdm

            self._tqdm = tqdm(desc=repo, unit="issue", file=self.out, dynamic_ncols=True, total=None)

    def estimate(self, total: int) -> None:
        """The number of issues expected (from the list's last page), for the ETA."""
        self.total = max(total, self.done)
        if self._tqdm is not None:
            self._tqdm.total = self.total
            self._tqdm.refresh()

    def advance(self, n: int) -> None:
        """n more issues handled (triaged, or seen unchanged)."""
        self.done += n
        if self._tqdm is not None:
            self._tqdm.update(n)
            self._tqdm.set_postfix(waits=self.waits, refresh=False)
        elif self.clock() - self._last >= PLAIN_EVERY:
            self.line()

    def waiting(self, seconds: float, reason: str) -> None:
        """A rate-limit wait starts: shown on the bar, or as its own line."""
        self.waits += 1
        message = f"{self.repo}: {reason}; waiting {seconds:.0f} s (rate-limit wait {self.waits})"
        if self._tqdm is not None:
            self._tqdm.set_postfix(waits=self.waits)
            self._tqdm.write(message, file=self.out)
        else:
            print(message, file=self.out, flush=True)

    def line(self) -> None:
        """One plain progress line: issues done, rate, ETA, waits."""
        now = self.clock()
        self._last = now
        elapsed = max(now - self._started, 1e-9)
        rate = self.done / elapsed
        eta = f", ETA {max(self.total - self.done, 0) / rate:.0f} s" if self.total and rate > 0 else ""
        total = f"/{self.total}" if self.total else ""
        print(f"{self.repo}: {self.done}{total} issues, {rate:.1f} issues/s{eta}, {self.waits} rate-limit waits",
              file=self.out, flush=True)

    def close(self) -> None:
        """The repository is done (or interrupted)."""
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None
        elif self.repo:
            self.line()
        self.repo = ""


def _terminal(out: IO[str]) -> bool:
    """Whether `out` is a terminal with a width (a pty without one would show an empty bar)."""
    try:
        return out.isatty() and os.get_terminal_size(out.fileno()).columns > 0
    except (OSError, ValueError, AttributeError):
        return False
