"""Webhook ingestion under load: `firstmile serve` (real routers) against the fake GitHub, fed signed deliveries.

Usage:
  python bench/ingest.py [--rate 300] [--duration 60] [--latency 0.2] [--workers 32]
  python bench/ingest.py --count 2000 --concurrency 32 --latency 0     # closed loop, as fast as it goes

Three processes share the machine: `python -m bot serve` (our server, exactly as deployed, with the triage and
command routers), the fake GitHub (answers each call after --latency seconds, records when each issue got its
labels) and this sender. Open loop (--rate): delivery i is sent at i/rate seconds whatever happened before, as
GitHub does. Each delivery is an issues.opened for its own issue, with a body cycling through a few realistic ones.

Prints: ack latency p50/p90/p99/max, acks per second, end-to-end time from sending to labels applied (p50/p99,
and until the last issue was labelled), lost deliveries (acknowledged, but their row in the server's store is not
`done`: handling them did not finish; a delivery handled without a comment is not lost, the bot stays silent when it
has nothing useful to say), duplicated (more than one bot comment) issues, delivery rows by status, and the server's
RSS (peak, and samples over time).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakegithub import APP_ID, SECRET, FakeGitHub, headers, payload, rsa_pair  # noqa: E402

REPO = "Codertocat/Hello-World"
BODIES = [
    ("CUDA out of memory when loading a 7B model", "Traceback (most recent call last):\n  File \"run.py\", line 3, in "
     "<module>\ntorch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n\ntorch 2.1.0+cu121\n"
     "vllm 0.4.0\nGPU: NVIDIA A10 24GB"),
    ("ImportError with flash_attn", "ImportError: flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol:"
     " _ZN3c104cuda9SetDeviceEi\n\ntorch==2.3.0\nflash-attn==2.5.8\ntransformers==4.41.0"),
    ("Garbage output after LoRA fine-tuning", "After fine-tuning with peft 0.10.0 the model repeats the same token."
     "\ntransformers 4.40.0, torch 2.2.1, 2x A100"),
    ("Server hangs with tensor parallel", "vllm serve hangs forever with --tensor-parallel-size 2, no error.\n"
     "vllm 0.5.1, NCCL 2.20.5, driver 535.104.05, CUDA 12.2"),
]


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def issue_payload(n: int) -> bytes:
    """The issues.opened delivery for issue n."""
    title, body = BODIES[n % len(BODIES)]
    data = payload("issues.opened")
    data["issue"] = data["issue"] | {"number": n, "title": title, "body": body, "labels": []}
    return json.dumps(data).encode()


async def run_fake(count: int, latency: float, public: str, conn) -> None:
    """In its own process: the fake GitHub with `count` issues; reports label times and comment counts at the end."""
    fake = FakeGitHub(app_id=APP_ID, public_key=public, latency=latency)
    labelled: dict[int, float] = {}
    original = fake.post_issue_labels

    async def post_issue_labels(request):
        response = await original(request)
        labelled.setdefault(int(request.match_info["issue_number"]), time.time())
        return response

    fake.post_issue_labels = post_issue_labels
    await fake.start()
    for n in range(1, count + 1):
        title, body = BODIES[n % len(BODIES)]
        fake.add_issue(REPO, n, title=title, body=body)
    conn.send(fake.url)
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # "stop"
    comments = {n: sum(1 for c in fake.comments(REPO, n) if c.login == fake.bot_login) for n in range(1, count + 1)}
    conn.send((labelled, comments, len(fake.violations)))
    await fake.stop()


def spawn_fake(count: int, latency: float, public: str):
    """Start the fake GitHub process; returns (process, pipe, url)."""
    ours, theirs = multiprocessing.Pipe()
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=_fake_main, args=(count, latency, public, theirs), daemon=True)
    proc.start()
    return proc, ours, ours.recv()


def _fake_main(count: int, latency: float, public: str, conn) -> None:
    """Child entry point for the fake GitHub."""
    asyncio.run(run_fake(count, latency, public, conn))


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(private: str, api_url: str, db: str, workers: int, log: Path,
                worker: str = "thread") -> tuple[subprocess.Popen, str]:
    """Start `python -m bot serve` and wait until it accepts connections; returns (process, url)."""
    port = free_port()
    env = os.environ | {"WORKER": worker, "APP_ID": APP_ID, "PRIVATE_KEY": private, "WEBHOOK_SECRET": SECRET,
                        "PORT": str(port), "GITHUB_API_URL": api_url, "DATABASE_URL": f"sqlite:///{db}", "LOG_LEVEL": "WARNING",
                        "WORKERS": str(workers), "QUEUE_SIZE": "1000"}
    with open(log, "ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return proc, url
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"firstmile serve exited; see {log}")
            time.sleep(0.1)
    raise SystemExit("firstmile serve did not start")


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """A memory field of /proc/<pid>/status in MB (VmRSS now, VmHWM peak), summed with its child processes."""
    total = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                total += int(line.split()[1]) / 1024
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(rss_mb(int(c), field) for c in children)


def processes(pid: int) -> dict[int, tuple[str, float, float, float]]:
    """pid -> (command, RSS MB, peak RSS MB, PSS MB) for the server process and its children (the worker)."""
    out = {}
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        status = Path(f"/proc/{pid}/status").read_text()
        field = lambda name: int(status.split(name + ":")[1].split()[0]) / 1024  # noqa: E731
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        pss = int(rollup.split("\nPss:")[1].split()[0]) / 1024
        out[pid] = ("worker" if "--worker-of" in cmd else "web", field("VmRSS"), field("VmHWM"), pss)
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            out |= processes(int(child))
    except (OSError, IndexError):
        pass
    return out


def counts(db: str) -> dict[str, int]:
    """Delivery rows by status, read from the server's database file."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        return dict(conn.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status").fetchall())


def done_ids(db: str) -> set[str]:
    """The ids of the deliveries the server finished handling, read from its database file."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        return {r[0] for r in conn.execute("SELECT id FROM deliveries WHERE status = 'done'")}


def lost(acked: set[int], done: set[str], prefix: str = "bench-") -> list[int]:
    """Acknowledged deliveries the store does not hold as done (handled), whatever GitHub got from them."""
    return sorted(n for n in acked if f"{prefix}{n}" not in done)


async def paced(count: int, rate: float, one) -> None:
    """Start one(1) .. one(count) at `rate` per second from now, each as its own task, and wait for all."""
    t0, tasks = time.perf_counter(), []
    for n in range(1, count + 1):
        delay = (n - 1) / rate - (time.perf_counter() - t0)
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)


async def send(url: str, count: int, rate: float, concurrency: int, on_sent=None):
    """Send deliveries 1..count (open loop at `rate`/s, or closed loop with `concurrency` in flight)."""
    latencies: list[float] = []
    sent_at: dict[int, float] = {}
    statuses: dict[int, int] = {}
    acked: set[int] = set()
    sem = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(n: int) -> None:
            body = issue_payload(n)
            hdrs = headers("issues", body, SECRET, f"bench-{n}")
            async with sem:
                t, sent_at[n] = time.perf_counter(), time.time()
                async with session.post(url + "/webhook", data=body, headers=hdrs) as resp:
                    await resp.read()
                latencies.append(time.perf_counter() - t)
                statuses[resp.status] = statuses.get(resp.status, 0) + 1
                if resp.status in (200, 202):
                    acked.add(n)
                if on_sent:
                    on_sent(len(latencies))

        t0 = time.perf_counter()
        if rate:
            await paced(count, rate, one)
        else:
            pending = iter(range(1, count + 1))

            async def loop() -> None:
                for n in pending:
                    await one(n)

            await asyncio.gather(*(loop() for _ in range(concurrency)))
        elapsed = time.perf_counter() - t0
    return latencies, sent_at, statuses, elapsed, acked


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rate", type=float, default=300, help="deliveries per second, open loop (0: closed loop)")
    p.add_argument("--duration", type=float, default=60, help="seconds of sending at --rate (default 60)")
    p.add_argument("--count", type=int, help="deliveries to send (default rate x duration)")
    p.add_argument("--concurrency", type=int, default=256, help="connections in flight at most (default 256)")
    p.add_argument("--latency", type=float, default=0.2, help="fake GitHub seconds per call (default 0.2)")
    p.add_argument("--workers", type=int, default=32, help="server WORKERS (default 32)")
    p.add_argument("--timeout", type=float, default=900, help="seconds to wait for processing after sending")
    p.add_argument("--worker", choices=("thread", "process", "inline"), default="thread",
                   help="serve with WORKER=... (default thread, the server's default)")
    args = p.parse_args(argv)
    count = args.count or int(args.rate * args.duration)

    private, public = rsa_pair()
    with tempfile.TemporaryDirectory() as tmp:
        fake_proc, fake, api_url = spawn_fake(count, args.latency, public)
        db = f"{tmp}/ingest.sqlite3"
        server, url = start_serve(private, api_url, db, args.workers, Path(tmp) / "serve.log", args.worker)
        rss_samples: list[tuple[int, float]] = []

        def sample(n_sent: int) -> None:
            if n_sent % max(1, count // 10) == 0:
                rss_samples.append((n_sent, rss_mb(server.pid)))

        latencies, sent_at, statuses, elapsed, acked = asyncio.run(send(url, count, args.rate, args.concurrency,
                                                                        sample))
        t_sent, step, processed_rss = time.time(), max(1, count // 10), []
        while time.time() - t_sent < args.timeout:
            c = counts(db)
            finished = c.get("done", 0) + c.get("failed", 0)
            if finished >= step * (len(processed_rss) + 1):
                processed_rss.append((finished, rss_mb(server.pid)))
            if finished >= len(acked):
                break
            time.sleep(0.2)
        handled = done_ids(db)
        peak = rss_mb(server.pid, "VmHWM")
        procs = processes(server.pid)
        final_rss = rss_mb(server.pid)
        server.terminate()
        server.wait(30)
        fake.send("stop")
        labelled, comments, violations = fake.recv()
        fake_proc.join(10)
        log_tail = (Path(tmp) / "serve.log").read_text()[-2000:]

    ms = [x * 1000 for x in latencies]
    e2e = [labelled[n] - sent_at[n] for n in labelled if n in sent_at]
    span = max(max(labelled.values(), default=0) - min(sent_at.values()), 1e-9)
    missing = lost(acked, handled)
    dup = [n for n, k in comments.items() if k > 1]
    print(f"deliveries: {count}  mode: {f'open loop {args.rate:g}/s' if args.rate else 'closed loop'}  "
          f"in flight max: {args.concurrency}  fake GitHub latency: {args.latency * 1000:.0f} ms  "
          f"workers: {args.workers}  WORKER={args.worker}  cpus: {os.cpu_count()}")
    print(f"ack ms: p50 {percentile(ms, 50):.1f}  p90 {percentile(ms, 90):.1f}  p99 {percentile(ms, 99):.1f}  "
          f"max {max(ms):.1f}   acks/s: {len(ms) / elapsed:.0f}  statuses: {dict(sorted(statuses.items()))}")
    print(f"labels applied, s after sending: p50 {percentile(e2e, 50):.2f}  p99 {percentile(e2e, 99):.2f}  "
          f"max {max(e2e, default=0):.2f}   labelled/s overall: {len(labelled) / span:.0f}")
    print(f"rows: {c}  acknowledged: {len(acked)}  lost (acknowledged, not done): {len(missing)}  "
          f"labelled: {len(labelled)}  commented: {sum(1 for k in comments.values() if k)}  "
          f"duplicated comments: {len(dup)}  schema violations: {violations}")
    print(f"server RSS MB (all its processes): peak {peak:.1f}  end {final_rss:.1f}  while sending (sent:MB): "
          + " ".join(f"{n}:{m:.0f}" for n, m in rss_samples))
    print("per process (RSS MB now / peak, PSS MB now): " + "  ".join(
        f"{name} {rss:.1f} / {hwm:.1f}, PSS {pss:.1f}" for name, rss, hwm, pss in procs.values())
        + f"   total PSS {sum(p[3] for p in procs.values()):.1f}")
    print("server RSS MB after processing (processed:MB): " + " ".join(f"{n}:{m:.1f}" for n, m in processed_rss))
    if len(processed_rss) >= 2:
        first, last = processed_rss[0], processed_rss[-1]
        print(f"RSS growth from {first[0]} to {last[0]} processed: {(last[1] / first[1] - 1) * 100:+.1f}%")
    if missing or dup:
        print("server log tail:\n" + log_tail)
    ok = percentile(ms, 99) < 25 and not missing and not dup and len(acked) == count and peak < 150
    print("targets (ack p99 < 25 ms, none lost or duplicated, RSS < 150 MB):", "MET" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
