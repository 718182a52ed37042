"""`serve --role web` and `serve --role worker` on one real PostgreSQL database (~20 s): the web process acknowledges
with no worker anywhere; a worker process drains; a kill -9 of the worker mid-work loses nothing and doubles nothing."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import aiohttp
import pytest

from bot.core.render import MARKER
from tests.fakegithub import SECRET, headers
from tests.pgcluster import free_port
from tests.reliability.test_crash_subprocess import wait_healthy
from tests.reliability.test_faults import REPO, opened
from tests.reliability.test_replicas import rows, slow_setup

pytest.importorskip("bot.github.triage", reason="needs the triage router")

COUNT = 60


def serve(role: str, env: dict[str, str], log_path) -> subprocess.Popen:
    """Start `firstmile serve --role ROLE` as a real process."""
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "bot", "serve", "--role", role], env=env, stdout=log,
                                stderr=log)


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM and wait."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)


async def test_web_acknowledges_alone_a_worker_drains_and_a_killed_worker_loses_nothing(
        fake_github, app_keys, tmp_path, pg_cluster):
    db = f"roles{os.getpid()}"
    env = slow_setup(fake_github, app_keys, pg_cluster, db, COUNT)
    web_env, worker_env = env | {"PORT": str(free_port())}, env | {"PORT": str(free_port())}
    web_url, worker_url = (f"http://127.0.0.1:{e['PORT']}" for e in (web_env, worker_env))
    web = serve("web", web_env, tmp_path / "web.log")
    workers: list[subprocess.Popen] = []
    try:
        await wait_healthy(web_url, web)
        async with aiohttp.ClientSession() as http:
            statuses = []
            for n in range(1, COUNT + 1):
                body = json.dumps(opened(n)).encode()
                async with http.post(web_url + "/webhook", data=body,
                                     headers=headers("issues", body, SECRET, f"r-{n}")) as resp:
                    statuses.append(resp.status)
            async with http.get(web_url + "/healthz") as resp:
                web_health = await resp.json()
            await asyncio.sleep(0.5)
            alone = rows(pg_cluster, db)  # nothing handles them yet

            workers.append(serve("worker", worker_env, tmp_path / "worker1.log"))
            await wait_healthy(worker_url, workers[0])
            async with http.post(worker_url + "/webhook", data=b"{}") as resp:
                worker_webhook = resp.status  # a worker takes no webhooks
            for _ in range(200):  # kill the worker while it holds claims
                held = [d for d, (s, _, owner) in rows(pg_cluster, db).items()
                        if s == "running" and f":{workers[0].pid}:" in owner]
                if len(held) >= 3:
                    break
                await asyncio.sleep(0.05)
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(10)
            interrupted = set(held)
            fake_github.latency = 0.05
            workers.append(serve("worker", worker_env, tmp_path / "worker2.log"))
            end = time.monotonic() + 90
            while time.monotonic() < end:  # the new worker takes the dead one's claims once their lease runs out
                after = rows(pg_cluster, db)
                if all(s == "done" for s, _, _ in after.values()):
                    break
                await asyncio.sleep(0.2)
    finally:
        for proc in (web, *workers):
            stop(proc)

    assert statuses == [202] * COUNT
    assert web_health["worker"] == "separate" and web_health["status"] == "ok"
    assert {s for s, _, _ in alone.values()} == {"pending"} and len(alone) == COUNT
    assert worker_webhook in (404, 405)
    assert interrupted, "the kill should interrupt work"
    assert {s for s, _, _ in after.values()} == {"done"} and len(after) == COUNT
    second = f":{workers[1].pid}:"
    for d in interrupted:
        assert after[d][1] == 2 and second in after[d][2], (d, after[d])  # run again, once, by the new worker
    assert sum(a for _, a, _ in after.values()) == COUNT + len(interrupted)  # nothing else ran twice
    for n in range(1, COUNT + 1):
        ours = [c for c in fake_github.comments(REPO, n) if c.login == fake_github.bot_login]
        assert len(ours) == 1 and ours[0].body.startswith(MARKER), (n, len(ours))
        assert fake_github.repos[REPO.lower()].issues[n].labels, n
