"""Store operation latency, one client, per backend: what each call of the delivery path costs on its own.

Usage:
  python bench/store_ops.py [--count 2000] [--concurrency 8] [--fast-pg]

Runs the operations one delivery's handling makes (add_delivery at the ack; claim_next, issue_state,
save_issue_state, label_event, finish in the worker) `--count` times, from `--concurrency` coroutines at once,
against SQLite (a temp file) and a temp PostgreSQL cluster (tests/pgcluster.py; durable unless --fast-pg). Prints
p50/p99/max per operation and over all of them (wall time as the caller sees it, on this machine's load), and this
client's CPU per delivery path (what a worker process spends in the driver for them).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import percentile  # noqa: E402

from bot.store import IssueState, open_store  # noqa: E402
from tests import pgcluster  # noqa: E402


async def exercise(url: str, count: int, concurrency: int) -> dict[str, list[float]]:
    """Time every operation of `count` deliveries' paths; op -> seconds, and "cpu" -> [client CPU seconds]."""
    store = await open_store(url)
    times: dict[str, list[float]] = {}
    numbers = itertools.count(1)

    async def timed(op: str, coro):
        t = time.perf_counter()
        result = await coro
        times.setdefault(op, []).append(time.perf_counter() - t)
        return result

    async def one_path() -> None:
        while (n := next(numbers)) <= count:
            await timed("add_delivery", store.add_delivery(f"d{n}", "issues", "opened", "{}" * 200, time.time(),
                                                           issue_key=f"o/r#{n}", installation_id=n % 5))
            d = await timed("claim_next", store.claim_next("bench", time.time(), 30.0, 16))
            if d is None:
                continue
            state = await timed("issue_state", store.issue_state("o/r", n)) or IssueState("o/r", n)
            state.bot_applied, state.comment_id = ["symptom: oom"], n
            await timed("save_issue_state", store.save_issue_state(state, time.time()))
            await timed("label_event", store.label_event("o/r", n, "bug", added=True, by_bot=False))
            await timed("finish", store.finish(d.id, time.time(), owner="bench"))

    cpu = time.process_time()
    try:
        await asyncio.gather(*(one_path() for _ in range(concurrency)))
    finally:
        await store.close()
    return times | {"cpu": [time.process_time() - cpu]}


def show(name: str, times: dict[str, list[float]]) -> None:
    """One line per operation, one over all, and the client's CPU per path."""
    cpu = times.pop("cpu")[0]
    every = [x for v in times.values() for x in v]
    for op, values in [*sorted(times.items()), ("all", every)]:
        ms = [x * 1000 for x in values]
        print(f"{name:9} {op:17} n {len(ms):6}  p50 {percentile(ms, 50):6.2f}  p99 {percentile(ms, 99):6.2f}  "
              f"max {max(ms):7.2f} ms")
    print(f"{name:9} client CPU per path {cpu * 1000 / max(len(times.get('finish', [])), 1):.3f} ms")


def main(argv: list[str] | None = None) -> int:
    """Measure both backends."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--fast-pg", action="store_true", help="PostgreSQL without fsync or synchronous commit")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        show("sqlite", asyncio.run(exercise(f"sqlite:///{tmp}/ops.sqlite3", args.count, args.concurrency)))
    cluster = pgcluster.start(durable=not args.fast_pg)
    try:
        cluster.psql("CREATE DATABASE ops")
        show("postgres", asyncio.run(exercise(cluster.url("ops"), args.count, args.concurrency)))
    finally:
        cluster.stop()
    print(f"PostgreSQL {'fsync off' if args.fast_pg else 'durable (fsync, synchronous commit)'}; "
          f"{args.concurrency} concurrent paths")
    return 0


if __name__ == "__main__":
    sys.exit(main())
