"""Related-issues index at scale: index update per new issue, lookup p50/p99 and memory with N issues (one core).

python bench/related_speed.py [--n 100000] [--queries 1000] [--db PATH] [--no-freeze]

The N issues are our eval texts (eval/related/*.jsonl) with their tokens varied: each synthetic issue takes a real
issue's record and swaps a third of its words for words drawn from a Zipf-distributed vocabulary of 200,000, with
its own error fingerprints, so the index has a realistic spread of rare and common terms. Queries are the eval's
real duplicate texts, extracted and triaged as the bot does; the printed update time is the index write alone
(extraction and triage run anyway) and, separately, the record building from extracted facts. Before the lookups,
what the bench built in memory is frozen out of garbage collection (`gc.freeze()`), as the server freezes what its
start-up built; `--no-freeze` leaves it to the collector. The collections that ran during the lookups are printed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.extract import extract  # noqa: E402
from bot.core.related import Doc, make_doc, rank  # noqa: E402
from bot.related_index import RelatedIndex  # noqa: E402

EVAL = Path(__file__).resolve().parent.parent / "eval" / "related"


def rss_mb() -> float:
    """Current resident set size in MB (from /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def texts() -> list[dict]:
    """Every distinct issue text of the eval files."""
    out, seen = [], set()
    for p in sorted(EVAL.glob("*.jsonl")):
        for line in p.read_text(encoding="utf-8").splitlines():
            o = json.loads(line)
            for t in ([o["dup"], o["orig"]] if o.get("kind") == "pair" else [o]):
                if (t.get("title"), t.get("body")) not in seen:
                    seen.add((t.get("title"), t.get("body")))
                    out.append(t)
    return out


def pct(xs: list[float], p: float) -> float:
    """The p-th percentile."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


def main() -> None:
    """Build, insert, query, print."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--db", default=None)
    ap.add_argument("--no-freeze", action="store_true", help="leave the bench's own objects to the collector")
    a = ap.parse_args()
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass
    rng = random.Random(7)
    base_texts = texts()
    t0 = time.perf_counter()
    facts = [extract(t.get("title") or "", t.get("body") or "") for t in base_texts]
    t1 = time.perf_counter()
    base = [make_doc(i, f) for i, f in enumerate(facts)]
    t2 = time.perf_counter()
    print(f"{len(base)} real texts: extraction {1000 * (t1 - t0) / len(base):.2f} ms/issue, "
          f"record from facts {1000 * (t2 - t1) / len(base):.2f} ms/issue")
    vocab = [f"w{i:x}" for i in range(200_000)]
    weights = [1 / (i + 1) ** 1.05 for i in range(len(vocab))]
    pool = rng.choices(vocab, weights, k=3_000_000)
    pos = 0
    rss0 = rss_mb()
    path = a.db or os.path.join(tempfile.mkdtemp(), "related.sqlite3")
    idx = RelatedIndex.open(path)
    idx.conn.execute("BEGIN")
    times: list[float] = []
    for i in range(a.n):
        b = base[i % len(base)]
        cols = {}
        for k, v in b.cols.items():
            toks = v.split()
            for j in range(0, len(toks), 3):
                toks[j] = pool[pos % len(pool)]
                pos += 1
            cols[k] = " ".join(toks)
        cols["err"] += f" fp_{rng.getrandbits(64):016x} fn_{rng.getrandbits(48):012x}"
        d = Doc(number=i + 1, state=b.state, title=b.title, cols=cols, fps=b.fps, near=b.near, errors=b.errors,
                lines=b.lines, models=b.models, env=b.env, symptom=b.symptom, cause=b.cause)
        s = time.perf_counter()
        idx.upsert("bench/repo", d)
        times.append(time.perf_counter() - s)
        if (i + 1) % 10_000 == 0:
            idx.conn.execute("COMMIT")
            idx.conn.execute("BEGIN")
    idx.conn.execute("COMMIT")
    print(f"indexed {a.n} issues: update mean {1000 * sum(times) / len(times):.3f} ms (batched commits), "
          f"p99 {1000 * pct(times, 99):.3f} ms")
    single: list[float] = []
    single_cpu: list[float] = []
    for i in range(500):  # one issue at a time, each in its own transaction, as the webhook path does
        b = base[i % len(base)]
        d = Doc(number=a.n + 1 + i, state=b.state, title=b.title, cols=b.cols, fps=b.fps, near=b.near,
                errors=b.errors, lines=b.lines, models=b.models, env=b.env)
        s, sc = time.perf_counter(), time.process_time()
        idx.upsert("bench/repo", d)
        single.append(time.perf_counter() - s)
        single_cpu.append(time.process_time() - sc)
    print(f"update per new issue (own commit, WAL): wall p50 {1000 * pct(single, 50):.3f} ms, "
          f"p99 {1000 * pct(single, 99):.3f} ms, mean {1000 * sum(single) / len(single):.3f} ms; "
          f"CPU p50 {1000 * pct(single_cpu, 50):.3f} ms, p99 {1000 * pct(single_cpu, 99):.3f} ms")
    qs = [base[rng.randrange(len(base))] for _ in range(a.queries)]
    lat: list[float] = []
    cpu: list[float] = []
    cpu_lookup: list[float] = []
    if not a.no_freeze:
        gc.collect()
        gc.freeze()
    pauses: list[tuple[int, float]] = []
    started: list[float] = []

    def on_gc(phase: str, info: dict) -> None:
        """Time each collection that runs during the lookups."""
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            pauses.append((info["generation"], time.perf_counter() - started[0]))

    gc.callbacks.append(on_gc)
    for q in qs:
        q = Doc(number=-1, title=q.title, cols=q.cols, fps=q.fps, near=q.near, errors=q.errors, lines=q.lines,
                models=q.models, env=q.env, symptom=q.symptom, cause=q.cause)
        s, sc = time.perf_counter(), time.process_time()
        cands, idf = idx.lookup("bench/repo", q)
        cl = time.process_time()
        rank(q, cands, idf=idf)
        lat.append(time.perf_counter() - s)
        cpu.append(time.process_time() - sc)
        cpu_lookup.append(cl - sc)
    gc.callbacks.remove(on_gc)
    print(f"lookup + rank over {idx.count()} issues: wall p50 {1000 * pct(lat, 50):.2f} ms, "
          f"p99 {1000 * pct(lat, 99):.2f} ms, max {1000 * max(lat):.2f} ms; "
          f"CPU p50 {1000 * pct(cpu, 50):.2f} ms, p99 {1000 * pct(cpu, 99):.2f} ms")
    print(f"  of which the index lookup (SQLite FTS5 + records): CPU p50 {1000 * pct(cpu_lookup, 50):.2f} ms, "
          f"p99 {1000 * pct(cpu_lookup, 99):.2f} ms; the ranking: CPU p50 "
          f"{1000 * pct([x - y for x, y in zip(cpu, cpu_lookup)], 50):.2f} ms, "
          f"p99 {1000 * pct([x - y for x, y in zip(cpu, cpu_lookup)], 99):.2f} ms")
    full = [t for g, t in pauses if g == 2]
    print(f"  garbage collection during the lookups ({'no freeze' if a.no_freeze else 'after gc.freeze()'}): "
          f"{len(pauses)} collections, {1000 * sum(t for _, t in pauses):.1f} ms in all; {len(full)} full, "
          f"longest {1000 * max((t for _, t in pauses), default=0.0):.2f} ms")
    print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores "
          "(wall percentiles include waiting for a core)")
    size = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
    print(f"memory: RSS {rss_mb():.0f} MB now, {rss_mb() - rss0:.0f} MB more than before the index "
          f"(peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB); "
          f"index on disk {size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
