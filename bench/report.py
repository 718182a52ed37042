"""Report benchmark: N stored decisions (default 100,000) to one HTML page; the time and the page's size.

    python bench/report.py                       # 100,000 decisions
    python bench/report.py --decisions 20000 --screenshot docs/report.png

The decisions are real triage decisions of tests/backfill/corpus.py's templated issues (--seed-issues of them),
stored again under N issue numbers with creation dates spread over three years. Timed: reading the store,
aggregating, rendering and writing the file, in-process, and the same through the real `firstmile report` command
(its Python start-up included).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.backfill.store import IssueRow, open_backfill_store  # noqa: E402
from bot.backfill.summary import decision_json, summarize  # noqa: E402
from bot.core.triage import triage  # noqa: E402
from bot.github.triage import load_rules  # noqa: E402
from bot.report.aggregate import aggregate  # noqa: E402
from bot.report.render import render  # noqa: E402
from tests.backfill.corpus import issue  # noqa: E402

REPO = "bench-org/llm"


async def fill(url: str, n: int, seed_issues: int) -> None:
    """Store n decisions made from seed_issues real triages."""
    ruleset, classifier = load_rules()
    decisions = [decision_json(triage(t["title"], t["body"], ruleset, classifier=classifier))
                 for t in map(issue, range(seed_issues))]
    rnd = random.Random(3)
    store = await open_backfill_store(url)
    batch = []
    for number in range(1, n + 1):
        d = decisions[rnd.randrange(len(decisions))]
        created = f"{2023 + rnd.randrange(3)}-{1 + rnd.randrange(12):02d}-{1 + rnd.randrange(28):02d}T08:00:00Z"
        batch.append(IssueRow(REPO, number, rnd.choice(["open", "closed"]), f"Issue {number}",
                              f"https://github.com/{REPO}/issues/{number}", created, created, f"d{number}",
                              d["symptom"], d["root_cause"], d["stage"], summarize(d), d))
        if len(batch) == 5000:
            await store.save_issues(batch)
            batch = []
    await store.save_issues(batch)
    await store.close()


async def in_process(url: str, out: Path) -> tuple[float, float, int, int]:
    """Read, aggregate, render, write; (wall seconds, CPU seconds, bytes, issues)."""
    started, cpu = time.perf_counter(), time.process_time()
    store = await open_backfill_store(url)
    rows = await store.report_rows(REPO)
    await store.close()
    tables = aggregate(rows, repo=REPO)
    html = render(tables)
    out.write_text(html, encoding="utf-8")
    return time.perf_counter() - started, time.process_time() - cpu, len(html.encode()), tables["issues"]


def screenshot(html: Path, png: Path) -> None:
    """A full-page screenshot in Debian's headless Chromium."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            profile, executable_path="/usr/bin/chromium", headless=True, viewport={"width": 1280, "height": 900},
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page()
        page.goto(html.as_uri())
        page.screenshot(path=str(png), full_page=True)
        browser.close()


def main() -> None:
    """Fill a store, time the report three times in-process and once through the CLI."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--decisions", type=int, default=100_000)
    p.add_argument("--seed-issues", type=int, default=400)
    p.add_argument("--screenshot", metavar="PNG", help="also save a screenshot of the page")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/report.sqlite3"
        started = time.perf_counter()
        asyncio.run(fill(url, args.decisions, args.seed_issues))
        print(f"stored {args.decisions} decisions in {time.perf_counter() - started:.1f} s")
        out = Path(tmp) / "report.html"
        for k in range(3):
            seconds, cpu, size, issues = asyncio.run(in_process(url, out))
            print(f"in-process run {k + 1}: {issues} issues -> {seconds:.2f} s wall, {cpu:.2f} s CPU, "
                  f"HTML {size / 1e6:.3f} MB")
        started, before = time.perf_counter(), os.times()
        env = dict(os.environ, DATABASE_URL=url)
        subprocess.run([sys.executable, "-m", "bot", "report", REPO, "-o", str(out)], check=True, env=env,
                       cwd=ROOT, capture_output=True)
        after = os.times()
        cpu = after.children_user + after.children_system - before.children_user - before.children_system
        print(f"firstmile report (CLI, start-up included): {time.perf_counter() - started:.2f} s wall, {cpu:.2f} s "
              f"CPU, HTML {out.stat().st_size / 1e6:.3f} MB")
        if args.screenshot:
            screenshot(out, Path(args.screenshot))
            print(f"screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
