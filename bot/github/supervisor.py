"""Keep the worker process running beside the web process: a plain subprocess, restarted with a bounded backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)


class WorkerSupervisor:
    """Start `argv`, restart it when it dies (backoff doubling from `backoff` to `max_backoff`), stop it on request.

    The child's stdin is a pipe that only this process holds: when we die, even by kill -9, the child reads EOF.
    `state` is "starting", "ok", "restarting" or "stopped"; `on_change(state, restarts)` is called on each change;
    `delay` is the wait before the next restart.
    """

    def __init__(self, argv: Sequence[str], env: dict[str, str] | None = None, *, backoff: float = 1.0,
                 max_backoff: float = 30.0, stable_seconds: float = 60.0,
                 on_change: Callable[[str, int], None] = lambda _s, _n: None):
        self.argv, self.env = list(argv), env
        self.backoff, self.max_backoff, self.stable_seconds = backoff, max_backoff, stable_seconds
        self.on_change = on_change
        self.state, self.restarts, self.delay = "stopped", 0, backoff
        self.proc: asyncio.subprocess.Process | None = None
        self._task: asyncio.Task | None = None
        self._stopping = False

    def _set(self, state: str) -> None:
        """Record a state change and report it."""
        self.state = state
        self.on_change(state, self.restarts)

    async def start(self) -> None:
        """Start the child and the task that watches it."""
        self._stopping = False
        self._set("starting")
        await self._spawn()
        self._task = asyncio.create_task(self._watch(), name="worker-supervisor")

    async def _spawn(self) -> None:
        """Start one child process."""
        self.proc = await asyncio.create_subprocess_exec(*self.argv, env=self.env, stdin=asyncio.subprocess.PIPE)
        self._set("ok")
        log.info("worker process %d started", self.proc.pid)

    async def _watch(self) -> None:
        """Wait for the child to exit; unless we are stopping, restart it after the current backoff."""
        loop = asyncio.get_running_loop()
        while True:
            assert self.proc is not None
            started = loop.time()
            code = await self.proc.wait()
            if self._stopping:
                return
            if loop.time() - started >= self.stable_seconds:  # it had been running fine: start the backoff afresh
                self.delay = self.backoff
            self.restarts += 1
            self._set("restarting")
            log.error("worker process %d exited with code %s; restarting it in %.1f s (restart %d)",
                      self.proc.pid, code, self.delay, self.restarts)
            await asyncio.sleep(self.delay)
            self.delay = min(self.delay * 2, self.max_backoff)
            try:
                await self._spawn()
            except OSError:
                log.exception("cannot start the worker process")
                self.proc = await asyncio.create_subprocess_exec("true")  # an exited stand-in: retry after backoff

    async def stop(self, timeout: float) -> None:
        """SIGTERM the child (it drains), wait up to `timeout` seconds, then SIGKILL it."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        proc = self.proc
        if proc is not None and proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), timeout)
            except asyncio.TimeoutError:
                log.warning("worker process %d did not stop within %.0f s; killing it", proc.pid, timeout)
                proc.kill()
                await proc.wait()
        if proc is not None and proc.stdin is not None:
            proc.stdin.close()
        self._set("stopped")
