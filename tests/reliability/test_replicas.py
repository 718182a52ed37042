"""Two replicas on one real PostgreSQL database (~30 s): any replica acknowledges; one is SIGKILLed mid-work and its
claims are taken over; each acknowledged delivery is handled, and each issue gets exactly one comment, even when
the two replicas receive deliveries of the same issue at the same instant."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time

import aiohttp
import pytest

from bot.core.render import MARKER
from tests.fakegithub import APP_ID, SECRET, headers, payload
from tests.pgcluster import free_port
from tests.reliability.test_crash_subprocess import serve, wait_healthy
from tests.reliability.test_faults import ISSUES, REPO, opened

pytest.importorskip("bot.github.triage", reason="needs the triage router")

COUNT = 120
LEASE = 2.0


def edited(number: int) -> dict:
    """An issues.edited delivery for issue `number` with its ISSUES text."""
    title, body = ISSUES[number % len(ISSUES)]
    issue = payload("issues.edited")["issue"] | {"number": number, "title": title, "body": body}
    return payload("issues.edited", issue=issue)


def slow_setup(fake_github, app_keys, pg_cluster, db: str, count: int) -> dict[str, str]:
    """A new database, issues 1..count on a fake GitHub slow enough that work piles up (so a kill interrupts some),
    and the environment of a server on them."""
    pg_cluster.psql(f"CREATE DATABASE {db}")
    for n in range(1, count + 1):
        title, body = ISSUES[n % len(ISSUES)]
        fake_github.add_issue(REPO, n, title=title, body=body)
    fake_github.latency = 0.3
    return os.environ | {"APP_ID": APP_ID, "PRIVATE_KEY": app_keys[0], "WEBHOOK_SECRET": SECRET,
                         "GITHUB_API_URL": fake_github.url, "DATABASE_URL": pg_cluster.url(db), "LOG_LEVEL": "WARNING",
                         "WORKERS": "8", "GITHUB_TIMEOUT": "5", "GITHUB_RETRY_SECONDS": "30",
                         "LEASE_SECONDS": str(LEASE), "INSTALLATION_CONCURRENCY": "0"}


def rows(cluster, db: str) -> dict[str, tuple[str, int, str]]:
    """delivery id -> (status, attempts, lease owner), read with psql."""
    out = cluster.psql("SELECT id, status, attempts, COALESCE(lease_owner, '') FROM deliveries", db)
    return {r[0]: (r[1], int(r[2]), r[3]) for r in (line.split("|") for line in out.splitlines() if line)}


async def test_a_replica_killed_mid_work_loses_nothing_and_no_issue_gets_two_comments(
        fake_github, app_keys, tmp_path, pg_cluster):
    db = f"replicas{os.getpid()}"
    base = slow_setup(fake_github, app_keys, pg_cluster, db, COUNT)
    envs = [base | {"PORT": str(free_port())} for _ in range(2)]
    urls = [f"http://127.0.0.1:{env['PORT']}" for env in envs]
    procs = [serve(env, tmp_path / f"replica{i}.log") for i, env in enumerate(envs)]
    acked: list[str] = []
    try:
        await asyncio.gather(*(wait_healthy(url, proc) for url, proc in zip(urls, procs)))
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=50)) as http:
            async def send(url: str, data: dict, delivery: str) -> None:
                body = json.dumps(data).encode()
                async with http.post(url + "/webhook", data=body, headers=headers("issues", body, SECRET,
                                                                                   delivery)) as resp:
                    if resp.status == 202:
                        acked.append(delivery)

            # each issue: `opened` to one replica and `edited` to the other, at the same instant
            await asyncio.gather(*(send(urls[n % 2], opened(n), f"o-{n}") for n in range(1, COUNT + 1)),
                                 *(send(urls[(n + 1) % 2], edited(n), f"e-{n}") for n in range(1, COUNT + 1)))
        victim = procs[0]
        for _ in range(100):  # kill replica 0 while it holds claims
            held = [d for d, (s, _, owner) in rows(pg_cluster, db).items()
                    if s == "running" and f":{victim.pid}:" in owner]
            if len(held) >= 3:
                break
            await asyncio.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        interrupted = set(held)
        assert interrupted, "the kill should interrupt work"
        fake_github.latency = 0.05
        end = time.monotonic() + 90
        while time.monotonic() < end:  # the survivor takes the dead replica's claims once their lease runs out
            after = rows(pg_cluster, db)
            if all(s == "done" for s, _, _ in after.values()):
                break
            await asyncio.sleep(0.2)
        async with aiohttp.ClientSession() as http, http.get(urls[1] + "/healthz") as resp:
            health = await resp.json()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(20)

    assert len(acked) == 2 * COUNT and set(after) == set(acked)
    assert {s for s, _, _ in after.values()} == {"done"}
    survivor = f":{procs[1].pid}:"
    for d in interrupted:
        assert after[d][1] == 2 and survivor in after[d][2], (d, after[d])  # run again, once, by the survivor
    assert sum(a for _, a, _ in after.values()) == 2 * COUNT + len(interrupted)  # nothing else ran twice
    for n in range(1, COUNT + 1):
        ours = [c for c in fake_github.comments(REPO, n) if c.login == fake_github.bot_login]
        assert len(ours) == 1 and ours[0].body.startswith(MARKER), (n, len(ours))
        assert fake_github.repos[REPO.lower()].issues[n].labels, n
    assert health["database"] == health["database"] | {"backend": "postgres", "ok": True}
