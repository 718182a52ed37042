"""Scale-out: several `firstmile serve` replicas on one PostgreSQL database, one SIGKILLed every --kill-every s.

Usage:
  python bench/scaleout.py [--replicas 3] [--rate 300] [--duration 60] [--latency 0.2] [--kill-every 15]
  python bench/scaleout.py --compare        # the run above, then 1 replica on PostgreSQL, then 1 on SQLite

The fake GitHub (bench/ingest.py's, in its own process) answers each call after --latency s. The sender plays the
load balancer: delivery i goes to replica i mod R at i/rate s; a replica that refuses the connection (it is down)
is skipped for the next one, as a load balancer's health check would. Every --kill-every s one replica (in turn)
gets SIGKILL and is restarted at once on its port; its claims are taken over after LEASE_SECONDS. The database is
a temp cluster of Debian's PostgreSQL (tests/pgcluster.py), durable (fsync and synchronous commit on) unless
--fast-pg.

Prints per run: acknowledged, lost (acknowledged but never labelled, or its delivery not done: a delivery is marked
done only once its handler finished, comment included when the core wants one), duplicated comments, ack p50/p99,
drain rate (deliveries done per second, from the first send to the last done), store operation p50/p99 (from the
replicas' firstmile_store_seconds histograms, scraped before each kill and at the end), store operations per
delivery by kind, PostgreSQL transactions per delivery, kills.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import issue_payload, paced, percentile, spawn_fake  # noqa: E402

from tests import pgcluster  # noqa: E402
from tests.fakegithub import APP_ID, SECRET, headers, rsa_pair  # noqa: E402
from tests.reliability.test_crash_subprocess import wait_healthy  # noqa: E402

BUCKET = re.compile(r'^firstmile_store_seconds_bucket\{le="([^"]+)",op="([^"]+)"\} ([0-9.e+]+)$', re.M)
WEB_SERIES = re.compile(r'^(firstmile_loop_lag_seconds_bucket\{le="[^"]+"\}|firstmile_gc_seconds_(?:sum|count)|'
                        r'firstmile_store_pool\{stat="[^"]+"\}) ([0-9.e+-]+)$', re.M)
CLK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int, children: bool = False) -> tuple[float, float]:
    """(CPU seconds, seconds waiting for a CPU while runnable) of a live process (its main thread's wait); with
    `children`, plus the CPU of its children it has reaped (the postmaster: every backend that ended); (0, 0) if
    it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        wait = int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0, 0.0
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / CLK, wait


def postgres_cpu(cluster) -> float:
    """CPU seconds of the whole PostgreSQL server so far: the postmaster with its reaped backends, and the live
    processes under it."""
    pid = int(Path(cluster.directory, "postmaster.pid").read_text().split()[0])
    try:
        kids = [int(k) for k in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        kids = []
    return cpu_seconds(pid, children=True)[0] + sum(cpu_seconds(k)[0] for k in kids)


class Replica:
    """One replica on fixed ports, restartable: one `firstmile serve` process (--shape all), or a `serve --role web`
    process and a `serve --role worker` process (--shape split); `urls[0]` takes the webhooks."""

    def __init__(self, index: int, env: dict[str, str], log: Path, shape: str = "all"):
        self.index, self.log = index, log
        self.roles = ["all"] if shape == "all" else ["web", "worker"]
        self.envs = [env | {"PORT": str(pgcluster.free_port()), "PGAPPNAME": f"firstmile-{role}"}
                     for role in self.roles]
        self.urls = [f"http://127.0.0.1:{e['PORT']}" for e in self.envs]
        self.url = self.urls[0]
        self.procs: list[subprocess.Popen] = []
        self.cpu: dict[str, list[float]] = {}
        """role -> [CPU seconds, seconds runnable but waiting for a CPU] of its processes that are gone."""

    def account(self) -> None:
        """Add the CPU figures of the running processes to `cpu` (before they die or stop)."""
        for role, proc in zip(self.roles, self.procs):
            got = cpu_seconds(proc.pid)
            mine = self.cpu.setdefault(role, [0.0, 0.0])
            mine[0], mine[1] = mine[0] + got[0], mine[1] + got[1]

    def start(self) -> None:
        """Start the server process(es)."""
        with open(self.log, "ab") as out:
            self.procs = [subprocess.Popen([sys.executable, "-m", "bot", "serve", *(["--role", role] if role != "all"
                                                                             else [])], env=env, stdout=out,
                                           stderr=out) for role, env in zip(self.roles, self.envs)]

    def kill(self) -> None:
        """SIGKILL every process of the replica (the host or pod is gone) and reap them."""
        self.account()
        for proc in self.procs:
            proc.send_signal(signal.SIGKILL)
        for proc in self.procs:
            proc.wait(10)

    def stop(self) -> None:
        """SIGTERM (drain) and wait."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            proc.wait(30)


async def wait_ready(replica: Replica, timeout: float = 60) -> None:
    """Until /healthz of each of its processes answers 200."""
    for url, proc in zip(replica.urls, replica.procs):
        await wait_healthy(url, proc, timeout)


async def metrics_texts(replica: Replica) -> dict[str, str]:
    """role -> the /metrics text of each of the replica's processes that answers."""
    out: dict[str, str] = {}
    for role, url in zip(replica.roles, replica.urls):
        try:
            async with aiohttp.ClientSession() as http, http.get(url + "/metrics",
                                                                 timeout=aiohttp.ClientTimeout(total=5)) as resp:
                out[role] = await resp.text()
        except (aiohttp.ClientError, asyncio.TimeoutError):
            continue
    return out


async def scrape(replica: Replica) -> dict[tuple[str, float], float]:
    """The replica's store-operation histograms summed over its processes: (op, bucket bound) -> cumulative count;
    empty for a process that is down."""
    out: dict[tuple[str, float], float] = {}
    for text in (await metrics_texts(replica)).values():
        for le, op, n in BUCKET.findall(text):
            out[(op, float(le))] = out.get((op, float(le)), 0.0) + float(n)
    return out


async def scrape_roles(replica: Replica) -> dict[str, dict[str, float]]:
    """Per role of the replica's processes: loop-lag buckets, gc pauses and pool figures (series -> value); a
    process that is down is left out."""
    return {role: {name: float(value) for name, value in WEB_SERIES.findall(text)}
            for role, text in (await metrics_texts(replica)).items()}


def role_profile(scrapes: list[dict[str, dict[str, float]]], role: str) -> dict[str, float]:
    """Summed over one role's processes' scrapes: loop lag p99 (bucket bound, ms), gc pauses (count, total ms),
    pool checkouts, how many had to wait and their mean wait (ms)."""
    total: dict[str, float] = {}
    for scrape in scrapes:
        for name, value in scrape.get(role, {}).items():
            total[name] = total.get(name, 0.0) + value
    lag = sorted((float(k.split('"')[1]), v) for k, v in total.items() if k.startswith("firstmile_loop_lag"))
    count = lag[-1][1] if lag else 0.0
    p99 = next((le for le, n in lag if n >= 0.99 * count), 0.0) if count else 0.0
    pool = lambda stat: total.get(f'firstmile_store_pool{{stat="{stat}"}}', 0.0)  # noqa: E731
    gcs, gc_sum = total.get("firstmile_gc_seconds_count", 0.0), total.get("firstmile_gc_seconds_sum", 0.0)
    return {"lag_p99": p99 * 1000, "lag_ticks": count, "gc": gcs, "gc_ms": gc_sum * 1000,
            "pool_num": pool("requests_num"), "pool_queued": pool("requests_queued"),
            "pool_wait_ms": pool("requests_wait_ms") / max(pool("requests_queued"), 1)}


def sample_waits(url: str, stop, waits: dict[tuple[str, str], int], every: float = 0.02) -> None:
    """In a thread: every `every` s, count what each active firstmile backend of PostgreSQL is doing (its wait
    event, or CPU when it waits for none), by role (application name), until `stop` is set."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.is_set():
            for app, kind, event in conn.execute(
                    "SELECT application_name, wait_event_type, wait_event FROM pg_stat_activity WHERE state = "
                    "'active' AND application_name LIKE 'firstmile-%%'"):
                key = (app.removeprefix("firstmile-"), f"{kind}:{event}" if kind else "CPU")
                waits[key] = waits.get(key, 0) + 1
            stop.wait(every)


def op_percentiles(histograms: list[dict], only: str | None = None) -> tuple[float, float, int]:
    """p50 and p99 (the bucket bound reached, seconds) over every op (or `only` that one) of every scraped histogram,
    and the count."""
    totals: dict[float, float] = {}
    for h in histograms:
        for (op, le), n in h.items():
            if only is None or op == only:
                totals[le] = totals.get(le, 0.0) + n
    if not totals:
        return 0.0, 0.0, 0
    count = totals[max(totals)]
    bound = lambda q: next(le for le in sorted(totals) if totals[le] >= q * count)  # noqa: E731
    return bound(0.5), bound(0.99), int(count)


async def loop_lag(lags: list[float], until: float, every: float = 0.01) -> None:
    """How late this (the sender's) event loop wakes from a short sleep: the part of the measured ack latency that is
    the sender waiting for CPU, not the replica answering."""
    while time.monotonic() < until:
        t = time.perf_counter()
        await asyncio.sleep(every)
        lags.append(time.perf_counter() - t - every)


async def send_all(replicas: list[Replica], count: int, rate: float) -> tuple[list[float], set[int], float, int]:
    """Open loop at `rate`/s, round robin over the replicas, skipping one that is down; (ack seconds, acked issue
    numbers, the first send's time, connection refusals)."""
    latencies: list[float] = []
    acked: set[int] = set()
    refused = 0
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(n: int) -> None:
            nonlocal refused
            body = issue_payload(n)
            hdrs = headers("issues", body, SECRET, f"scale-{n}")
            for k in range(len(replicas) * 3):
                replica = replicas[(n + k) % len(replicas)]
                t = time.perf_counter()
                try:
                    async with session.post(replica.url + "/webhook", data=body, headers=hdrs) as resp:
                        await resp.read()
                except aiohttp.ClientConnectionError:
                    refused += 1
                    await asyncio.sleep(0.01 * (k // len(replicas)))
                    continue
                latencies.append(time.perf_counter() - t)
                if resp.status in (200, 202):  # 200: a duplicate (an earlier try was stored before a cut)
                    acked.add(n)
                return

        start = time.time()
        await paced(count, rate, one)
    return latencies, acked, start, refused


async def killer(replicas: list[Replica], every: float, until: float, histograms: list[dict],
                 web: list[dict]) -> int:
    """Every `every` s until `until` (monotonic), SIGKILL the next replica and restart it; how many kills."""
    kills = 0
    while time.monotonic() + every < until:
        await asyncio.sleep(every)
        victim = replicas[kills % len(replicas)]
        histograms.append(await scrape(victim))  # its figures die with it
        web.append(await scrape_roles(victim))
        victim.kill()
        kills += 1
        victim.start()
    return kills


def op_counts(histograms: list[dict]) -> dict[str, int]:
    """How many store operations of each kind the scraped histograms counted."""
    out: dict[str, int] = {}
    for h in histograms:
        for (op, le), n in h.items():
            if le == float("inf"):
                out[op] = out.get(op, 0) + int(n)
    return out


def transactions(cluster, db: str) -> int:
    """Transactions PostgreSQL counted in the run's database (each is at least one round trip; a write is one
    commit, one WAL flush)."""
    return int(cluster.psql(f"SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '{db}'"))


def done_count(url: str) -> int:
    """Deliveries done, read from PostgreSQL."""
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT COUNT(*) FROM deliveries WHERE status = 'done'").fetchone()[0]


def run(args, replicas_n: int, backend: str, kill_every: float) -> dict:
    """One scenario; its figures."""
    count = int(args.rate * args.duration)
    private, public = rsa_pair()
    cluster = pgcluster.start(durable=not args.fast_pg) if backend == "postgres" else None
    with tempfile.TemporaryDirectory() as tmp:
        if cluster is not None:
            db = f"scale{os.getpid()}"
            cluster.psql(f"CREATE DATABASE {db}")
            database_url = cluster.url(db)
        else:
            database_url = f"sqlite:///{tmp}/scale.sqlite3"
        fake_proc, fake, api_url = spawn_fake(count, args.latency, public)
        env = os.environ | {"APP_ID": APP_ID, "PRIVATE_KEY": private, "WEBHOOK_SECRET": SECRET,
                            "GITHUB_API_URL": api_url, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING",
                            "WORKERS": str(args.workers), "LEASE_SECONDS": str(args.lease),
                            "INSTALLATION_CONCURRENCY": "0", "QUEUE_SIZE": "1000"}
        replicas = [Replica(i, env, Path(tmp) / f"replica{i}.log", args.shape) for i in range(replicas_n)]
        for r in replicas:
            r.start()

        async def scenario() -> tuple:
            await asyncio.gather(*(wait_ready(r) for r in replicas))
            histograms: list[dict] = []
            until = time.monotonic() + args.duration
            kill = (asyncio.create_task(killer(replicas, kill_every, until, histograms, web_scrapes)) if kill_every
                    else None)
            lags: list[float] = []
            lagging = asyncio.create_task(loop_lag(lags, until))
            latencies, acked, start, refused = await send_all(replicas, count, args.rate)
            await lagging
            kills = await kill if kill else 0
            await asyncio.gather(*(wait_ready(r) for r in replicas))
            end = time.monotonic() + args.timeout
            while time.monotonic() < end:
                if _done(backend, database_url) >= len(acked):
                    break
                await asyncio.sleep(0.25)
            finished = time.time()
            histograms += [await scrape(r) for r in replicas]
            web_scrapes.extend([await scrape_roles(r) for r in replicas])
            return latencies, acked, start, refused, kills, finished, histograms, lags

        web_scrapes: list[dict] = []
        waits: dict[tuple[str, str], int] = {}
        stop_sampling = threading.Event()
        sampler = (threading.Thread(target=sample_waits, args=(database_url, stop_sampling, waits), daemon=True)
                   if args.profile and cluster is not None else None)
        if sampler is not None:
            sampler.start()
        cpu_before = time.process_time()
        try:
            latencies, acked, start, refused, kills, finished, histograms, lags = asyncio.run(scenario())
            done_ids = _done_ids(backend, database_url)
            done = len(done_ids)
        finally:
            stop_sampling.set()
            sender_cpu = time.process_time() - cpu_before
            fake_cpu = cpu_seconds(fake_proc.pid)[0]
            for r in replicas:
                r.account()
                r.stop()
            xacts = transactions(cluster, db) if cluster is not None else 0
            pg_cpu = postgres_cpu(cluster) if cluster is not None else 0.0
            fake.send("stop")
            labelled, comments, _violations = fake.recv()
            fake_proc.join(10)
            if cluster is not None:
                cluster.stop()
    ms = [x * 1000 for x in latencies]
    p50, p99, ops = op_percentiles(histograms)
    return {"backend": backend, "replicas": replicas_n, "count": count, "acked": len(acked), "done": done,
            "lost": sum(1 for n in acked if n not in labelled or f"scale-{n}" not in done_ids),
            "duplicated": sum(1 for k in comments.values() if k > 1), "ack_p50": percentile(ms, 50),
            "ack_p99": percentile(ms, 99), "drain": done / max(finished - start, 1e-9), "op_p50": p50 * 1000,
            "op_p99": p99 * 1000, "ops": ops, "kills": kills, "refused": refused,
            "per_op": op_counts(histograms), "xacts": xacts,
            "insert_p99": op_percentiles(histograms, "add_delivery")[1] * 1000,
            "lag_p99": percentile([x * 1000 for x in lags], 99), "roles": {role: role_profile(web_scrapes, role) for role in replicas[0].roles}, "waits": waits,
            "cpu": {"sender": sender_cpu, "fake GitHub": fake_cpu, "PostgreSQL": pg_cpu,
                    **{role: sum(r.cpu.get(role, [0, 0])[0] for r in replicas) for role in replicas[0].roles}},
            "runq": {role: sum(r.cpu.get(role, [0, 0])[1] for r in replicas) for role in replicas[0].roles},
            "span": finished - start}


def _done_ids(backend: str, url: str) -> set[str]:
    """The ids of the deliveries done in the run's database."""
    sql = "SELECT id FROM deliveries WHERE status = 'done'"
    if backend == "postgres":
        import psycopg

        with psycopg.connect(url) as conn:
            return {r[0] for r in conn.execute(sql)}
    import sqlite3

    with sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True, timeout=10) as conn:
        return {r[0] for r in conn.execute(sql)}


def _done(backend: str, url: str) -> int:
    """Deliveries done in the run's database."""
    if backend == "postgres":
        return done_count(url)
    import sqlite3

    with sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True, timeout=10) as conn:
        return conn.execute("SELECT COUNT(*) FROM deliveries WHERE status = 'done'").fetchone()[0]


def show(r: dict) -> None:
    """One result line."""
    print(f"{r['backend']:8} replicas {r['replicas']}  kills {r['kills']}  sent {r['count']}  acked {r['acked']}  "
          f"done {r['done']}  lost {r['lost']}  duplicated comments {r['duplicated']}  "
          f"ack ms p50 {r['ack_p50']:.1f} p99 {r['ack_p99']:.1f}  drain {r['drain']:.1f}/s  "
          f"store op ms p50 <= {r['op_p50']:g} p99 <= {r['op_p99']:g} ({r['ops']} ops)  "
          f"refused connections {r['refused']}", flush=True)
    per = max(r["done"], 1)
    kinds = ", ".join(f"{op} {n / per:.2f}" for op, n in sorted(r["per_op"].items(), key=lambda kv: -kv[1]))
    print(f"  ack's own insert (add_delivery) p99 <= {r['insert_p99']:g} ms; sender's event loop late by "
          f"p99 {r['lag_p99']:.1f} ms", flush=True)
    print(f"  store ops per delivery {sum(r['per_op'].values()) / per:.2f} ({kinds})"
          + (f"; PostgreSQL transactions per delivery {r['xacts'] / per:.2f}" if r["xacts"] else ""), flush=True)
    for role, w in r["roles"].items():
        print(f"  {role} processes: loop late p99 <= {w['lag_p99']:g} ms ({w['lag_ticks']:.0f} ticks); "
              f"gc {w['gc']:.0f} pauses, {w['gc_ms']:.0f} ms in all"
              + (f"; pool checkouts {w['pool_num']:.0f}, {w['pool_queued']:.0f} waited (mean "
                 f"{w['pool_wait_ms']:.1f} ms)" if w["pool_num"] else ""), flush=True)
    cpu = ", ".join(f"{k} {v * 1000 / per:.1f}" for k, v in r["cpu"].items())
    print(f"  CPU ms per delivery done: {cpu}; total {sum(r['cpu'].values()):.0f} s of "
          f"{2 * r['span']:.0f} s (2 cores x run); replica processes runnable but waiting for a CPU: "
          + ", ".join(f"{k} {v:.1f} s" for k, v in r["runq"].items()), flush=True)
    for role in sorted({k[0] for k in r["waits"]}):
        seen = {k[1]: n for k, n in r["waits"].items() if k[0] == role}
        top = ", ".join(f"{k} {n / sum(seen.values()):.0%}"
                        for k, n in sorted(seen.items(), key=lambda kv: -kv[1])[:6])
        print(f"  PostgreSQL backends of {role} when active ({sum(seen.values())} samples): {top}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the scenario(s) and print the figures against the targets."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--replicas", type=int, default=3)
    p.add_argument("--rate", type=float, default=300, help="deliveries per second, open loop")
    p.add_argument("--duration", type=float, default=60, help="seconds of sending")
    p.add_argument("--latency", type=float, default=0.2, help="fake GitHub seconds per call")
    p.add_argument("--workers", type=int, default=32, help="WORKERS per replica")
    p.add_argument("--kill-every", type=float, default=15, help="SIGKILL one replica this often (0: never)")
    p.add_argument("--lease", type=float, default=5, help="LEASE_SECONDS")
    p.add_argument("--timeout", type=float, default=1200, help="seconds to wait for the backlog to drain")
    p.add_argument("--fast-pg", action="store_true", help="PostgreSQL without fsync or synchronous commit")
    p.add_argument("--shape", choices=("all", "split"), default="all",
                   help="a replica is one `serve` process (all), or `serve --role web` + `serve --role worker`")
    p.add_argument("--profile", action="store_true",
                   help="also sample what PostgreSQL's backends wait for, every 20 ms, by role (costs some CPU)")
    p.add_argument("--compare", action="store_true", help="also 1 replica on PostgreSQL and 1 on SQLite, no kills")
    args = p.parse_args(argv)
    print(f"rate {args.rate:g}/s for {args.duration:g} s, fake GitHub {args.latency * 1000:.0f} ms, "
          f"{args.workers} workers per replica, shape {args.shape}, lease {args.lease:g} s, cpus {os.cpu_count()}, "
          f"PostgreSQL "
          f"{'fsync off' if args.fast_pg else 'durable'}", flush=True)
    main_run = run(args, args.replicas, "postgres", args.kill_every)
    show(main_run)
    runs = [main_run]
    if args.compare:
        for backend in ("postgres", "sqlite"):
            runs.append(run(args, 1, backend, 0))
            show(runs[-1])
    ok = main_run["lost"] == 0 and main_run["duplicated"] == 0 and main_run["done"] >= main_run["acked"]
    print(f"targets: 0 lost, 0 duplicated, every acked done: {'MET' if ok else 'NOT MET'}; "
          f"ack p99 <= 25 ms: {'MET' if main_run['ack_p99'] <= 25 else 'NOT MET'} ({main_run['ack_p99']:.1f}); "
          f"PostgreSQL op p99 <= 5 ms: {'MET' if main_run['op_p99'] <= 5 else 'NOT MET'} "
          f"(<= {main_run['op_p99']:g})", end="")
    if args.compare:
        ratio = main_run["drain"] / max(runs[1]["drain"], 1e-9)
        print(f"; drain {args.replicas} replicas / 1: {ratio:.2f}x (target >= 2.5x): "
              f"{'MET' if ratio >= 2.5 else 'NOT MET'}")
    else:
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
