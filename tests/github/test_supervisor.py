"""Tests for bot.github.supervisor: restart with bounded backoff, states, and stopping the child."""

from __future__ import annotations

import asyncio
import signal
import sys

from bot.github.supervisor import WorkerSupervisor

EXITS = [sys.executable, "-c", "import sys; sys.exit(3)"]
WAITS_FOR_EOF = [sys.executable, "-c", "import sys; sys.stdin.buffer.read()"]


async def test_a_dying_child_is_restarted_with_a_doubling_bounded_backoff():
    changes: list[tuple[str, int]] = []
    delays: list[float] = []

    def changed(state: str, restarts: int) -> None:
        changes.append((state, restarts))
        if state == "restarting":
            delays.append(sup.delay)

    sup = WorkerSupervisor(EXITS, backoff=0.05, max_backoff=0.2, on_change=changed)
    await sup.start()
    for _ in range(200):
        if sup.restarts >= 4:
            break
        await asyncio.sleep(0.05)
    await sup.stop(5)
    assert sup.restarts >= 4
    assert changes[0] == ("starting", 0) and changes[-1][0] == "stopped"
    assert ("restarting", 1) in changes and ("ok", 1) in changes  # died, reported, started again
    assert delays[:4] == [0.05, 0.1, 0.2, 0.2]


async def test_stop_terminates_a_running_child_and_no_restart_follows():
    sup = WorkerSupervisor([sys.executable, "-c", "import time; time.sleep(60)"])
    await sup.start()
    assert sup.state == "ok"
    proc = sup.proc
    await sup.stop(5)
    assert proc.returncode == -signal.SIGTERM
    assert (sup.state, sup.restarts) == ("stopped", 0)


async def test_the_child_sees_eof_on_stdin_only_when_the_supervisor_lets_go():
    sup = WorkerSupervisor(WAITS_FOR_EOF)
    await sup.start()
    await asyncio.sleep(0.3)
    assert sup.proc.returncode is None  # the pipe stays open while we live
    sup.proc.stdin.close()  # what our death would do
    assert await asyncio.wait_for(sup.proc.wait(), 5) == 0
    await sup.stop(1)
