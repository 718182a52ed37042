"""Crash safety (subprocesses, ~25 s): kill -9 `firstmile serve` with 500 deliveries queued; restart; each runs once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from bot.core.render import MARKER
from tests.fakegithub import APP_ID, SECRET, headers
from tests.reliability.test_faults import ISSUES, REPO, opened

pytest.importorskip("bot.github.triage", reason="needs the triage router (engineer H)")

COUNT = 500


def free_port() -> int:
    """A free loopback TCP port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env: dict[str, str], log_path) -> subprocess.Popen:
    """Start `firstmile serve` as a real process."""
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env, stdout=log, stderr=log)


async def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Poll /healthz until the server answers."""
    end = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < end:
            assert proc.poll() is None, "firstmile serve exited"
            try:
                async with http.get(url + "/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError("firstmile serve did not become healthy")


def children(pid: int) -> list[int]:
    """The child processes of pid (the worker process, in two-process mode)."""
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def alive(pid: int) -> bool:
    """Whether pid runs (a zombie waiting to be reaped does not count)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def rows(db: str) -> dict[str, tuple[str, int]]:
    """delivery id -> (status, attempts), read from the file while (or after) the server runs."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, status, attempts FROM deliveries")}


@pytest.mark.parametrize("worker", ["thread", "process", "inline"])
async def test_kill_9_with_500_queued_then_restart_processes_each_acknowledged_delivery_once(
        fake_github, app_keys, tmp_path, worker):
    for n in range(1, COUNT + 1):
        title, body = ISSUES[n % len(ISSUES)]
        fake_github.add_issue(REPO, n, title=title, body=body)
    fake_github.latency = 0.5  # the work piles up behind a slow GitHub
    port, db = free_port(), str(tmp_path / "crash.sqlite3")
    env = os.environ | {"APP_ID": APP_ID, "PRIVATE_KEY": app_keys[0], "WEBHOOK_SECRET": SECRET, "PORT": str(port),
                        "GITHUB_API_URL": fake_github.url, "DATABASE_URL": f"sqlite:///{db}", "LOG_LEVEL": "WARNING",
                        "WORKERS": "8", "GITHUB_TIMEOUT": "5", "GITHUB_RETRY_SECONDS": "30",
                        "WORKER": worker}
    url = f"http://127.0.0.1:{port}"
    proc = serve(env, tmp_path / "serve.log")
    try:
        await wait_healthy(url, proc)
        acked = []
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=50)) as http:
            async def send(n: int) -> None:
                body = json.dumps(opened(n)).encode()
                async with http.post(url + "/webhook", data=body, headers=headers("issues", body, SECRET,
                                                                                   f"crash-{n}")) as resp:
                    if resp.status == 202:
                        acked.append(f"crash-{n}")

            await asyncio.gather(*(send(n) for n in range(1, COUNT + 1)))
        for _ in range(100):  # kill while work is under way (a separate worker process takes a moment to start)
            if sum(s == "running" for s, _ in rows(db).values()) >= 4:
                break
            await asyncio.sleep(0.1)
        orphans = children(proc.pid)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert len(orphans) == (1 if worker == "process" else 0)
    for _ in range(100):  # the worker dies with the web process (its stdin pipe closes; PDEATHSIG on Linux)
        if not any(alive(pid) for pid in orphans):
            break
        await asyncio.sleep(0.1)
    assert not any(alive(pid) for pid in orphans)
    before = rows(db)
    assert len(acked) == COUNT and set(before) == set(acked)
    pending_before = sum(s == "pending" for s, _ in before.values())
    assert pending_before > COUNT * 0.8  # the kill really left work queued
    assert any(s == "running" for s, _ in before.values())

    fake_github.latency = 0.0
    proc = serve(env, tmp_path / "serve.log")
    try:
        await wait_healthy(url, proc)
        end = time.monotonic() + 120
        while time.monotonic() < end:
            after = rows(db)
            if all(s in ("done", "failed") for s, _ in after.values()):
                break
            await asyncio.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)

    assert {s for s, _ in after.values()} == {"done"}
    for delivery_id, (status, attempts) in after.items():
        # Finished before the kill: never run again. Queued: run once. Interrupted mid-run: run again, once.
        expected = {"done": 1, "pending": 1, "running": 2}[before[delivery_id][0]]
        assert attempts == expected, (delivery_id, before[delivery_id], attempts)
    for n in range(1, COUNT + 1):
        issue = fake_github.repos[REPO.lower()].issues[n]
        ours = [c for c in fake_github.comments(REPO, n) if c.login == fake_github.bot_login]
        assert len(ours) == 1 and ours[0].body.startswith(MARKER), n
        assert issue.labels, n
    log = (tmp_path / "serve.log").read_text()
    leaked = [x for x in (SECRET, *app_keys[0].splitlines()[1:-1], *fake_github.tokens) if x in log]
    assert leaked == [] and "eyJ" not in log
