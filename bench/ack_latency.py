"""Webhook acknowledgement latency: signed issues.opened deliveries against our real server and a slow fake GitHub.

Usage: python bench/ack_latency.py [--count 120] [--concurrency 20] [--latency 0.3] [--rate 0] [--workers 8]

All deliveries are launched at once, with at most --concurrency requests in flight (GitHub sends each delivery as
its own request). With --concurrency equal to --count, a single Python client opening 120 connections in the same
millisecond is itself the bottleneck: a do-nothing aiohttp server measures ~65 ms p50 under that burst.

Our server and the fake GitHub each run on loopback in a child process and the sender in this one, so none of the
three competes with another for an interpreter. Each delivery's handler makes two GitHub
calls (read the issue's labels, add one), each answered after --latency seconds. Prints p50/p90/p99/max
acknowledgement latency, the status counts, and how long until every delivery was processed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from gidgethub.routing import Router

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakegithub import APP_ID, SECRET, FakeGitHub, headers, payload, rsa_pair, start_server  # noqa: E402

REPO = "Codertocat/Hello-World"


def work_router() -> Router:
    """A handler doing what triage will: read the issue's labels, then add one."""
    router = Router()

    @router.register("issues", action="opened")
    async def label(event, gh, ctx):
        number = event.data["issue"]["number"]
        url = "/repos/{owner}/{repo}/issues/{number}/labels"
        names = {"owner": "Codertocat", "repo": "Hello-World", "number": number}
        await gh.getitem(url, names)
        await gh.post(url, names, data={"labels": ["bench"]})

    return router


async def fake_github(args: argparse.Namespace, public: str, conn) -> None:
    """In its own process: the fake GitHub, until told to stop; reports its call and mint counts."""
    fake = FakeGitHub(app_id=APP_ID, public_key=public, latency=args.latency)
    await fake.start()
    for i in range(args.count):
        fake.add_issue(REPO, i + 1)
    conn.send(fake.url)
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    await fake.stop()
    conn.send((len(fake.requests), len(fake.mints), len(fake.violations)))


async def our_server(args: argparse.Namespace, private: str, api_url: str, db: str, conn) -> None:
    """In its own process: our real server, until told to stop; answers store counts on request."""
    running = await start_server(
        routers=[work_router()], app_id=APP_ID, private_key=private, github_api_url=api_url,
        database_url=f"sqlite:///{db}", workers=args.workers, queue_size=max(1000, args.count), log_level="WARNING")
    conn.send(running.url)
    loop = asyncio.get_running_loop()
    while (await loop.run_in_executor(None, conn.recv)) == "counts":
        conn.send(await running.server.store.counts())
    await running.stop()
    conn.send("stopped")


def run_async(coro_fn, *args) -> None:
    """Child process entry point."""
    asyncio.run(coro_fn(*args))


def spawn(coro_fn, *args):
    """Start coro_fn(*args, conn) in a fresh process; returns (process, our end of the pipe)."""
    conn, child_conn = multiprocessing.Pipe()
    proc = multiprocessing.get_context("spawn").Process(target=run_async, args=(coro_fn, *args, child_conn),
                                                        daemon=True)
    proc.start()
    return proc, conn


async def send_all(url: str, args: argparse.Namespace) -> tuple[list[float], dict[int, int], float]:
    """Post the deliveries; returns per-delivery latencies (s), status counts and the send start time."""
    template = payload("issues.opened")
    bodies = [json.dumps(template | {"issue": template["issue"] | {"number": i + 1}}).encode()
              for i in range(args.count)]
    sem = asyncio.Semaphore(args.concurrency)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(i: int) -> None:
            if args.rate:
                await asyncio.sleep(i / args.rate - (time.perf_counter() - t0))
            hdrs = headers("issues", bodies[i], SECRET, f"bench-{i}")
            async with sem:
                t = time.perf_counter()
                async with session.post(url + "/webhook", data=bodies[i], headers=hdrs) as resp:
                    await resp.read()
                latencies.append(time.perf_counter() - t)
                statuses[resp.status] = statuses.get(resp.status, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(args.count)))
    return latencies, statuses, t0


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=120, help="deliveries to send (default 120)")
    parser.add_argument("--concurrency", type=int, default=20, help="deliveries in flight at once (default 20)")
    parser.add_argument("--latency", type=float, default=0.3, help="fake GitHub seconds per call (default 0.3)")
    parser.add_argument("--rate", type=float, default=0, help="deliveries per second; 0 = all at once (default)")
    parser.add_argument("--workers", type=int, default=8, help="server worker tasks (default 8)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for processing")
    args = parser.parse_args()

    private, public = rsa_pair()
    with tempfile.TemporaryDirectory() as tmp:
        fake_proc, fake = spawn(fake_github, args, public)
        server_proc, conn = spawn(our_server, args, private, fake.recv(), f"{tmp}/bench.sqlite3")
        url = conn.recv()
        latencies, statuses, t0 = asyncio.run(send_all(url, args))
        acked = time.perf_counter() - t0
        while time.perf_counter() - t0 < args.timeout:
            conn.send("counts")
            counts = conn.recv()
            if counts.get("done", 0) + counts.get("failed", 0) >= args.count:
                break
            time.sleep(0.02)
        processed = time.perf_counter() - t0
        conn.send("stop")
        conn.recv()
        fake.send("stop")
        calls, mints, violations = fake.recv()
        server_proc.join(10)
        fake_proc.join(10)

    ms = [x * 1000 for x in latencies]
    print(f"deliveries: {args.count}  concurrency: {args.concurrency}  rate: {args.rate or 'all at once'}/s  "
          f"fake GitHub latency: {args.latency * 1000:.0f} ms  workers: {args.workers}")
    print(f"ack latency ms: p50 {percentile(ms, 50):.1f}  p90 {percentile(ms, 90):.1f}  "
          f"p99 {percentile(ms, 99):.1f}  max {max(ms):.1f}  mean {statistics.mean(ms):.1f}")
    print(f"statuses: {dict(sorted(statuses.items()))}  all acknowledged after {acked:.2f} s")
    print(f"processed: {counts}  all processed after {processed:.2f} s  GitHub calls: {calls} "
          f"(tokens minted: {mints}, schema violations: {violations})")
    ok = percentile(ms, 99) < 50 and statuses.get(202) == args.count and counts.get("done") == args.count
    print("target p99 < 50 ms, all 202, all done:", "MET" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
