"""Backfill benchmark against the fake GitHub: list requests per 100 issues, writes, triage CPU per issue, the cost of
a re-run (within the installation token's life, and when it is near its end), and a run under a small rate limit.

    python bench/backfill.py                         # 10,000 issues, 100 ms per API call
    python bench/backfill.py --issues 2000 --latency 0.05
    python bench/backfill.py --texts dev.jsonl       # real issue texts (cycled, made unique) instead of templates

The issues are synthetic: tests/backfill/corpus.py's templates with versions varied by index (or --texts, cycled
with a suffix), 2 % pull requests mixed in, 10 % closed, listed with state=all.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.backfill.pacing import RunStats  # noqa: E402
from bot.backfill.progress import Progress  # noqa: E402
from bot.backfill.runner import Options  # noqa: E402
from bot.backfill.session import run  # noqa: E402
from bot.backfill.store import open_backfill_store  # noqa: E402
from bot.github.sealed import TokenSeal  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from tests.backfill.corpus import issue  # noqa: E402
from tests.fakegithub import APP_ID, FakeGitHub, rsa_pair  # noqa: E402

REPO = "bench-org/llm"
LIST = f"/repos/{REPO}/issues"


def texts(path: str | None, n: int) -> list[dict]:
    """n issue texts: templates, or the file's lines cycled with a unique suffix."""
    if not path:
        return [issue(i) for i in range(n)]
    lines = [json.loads(x) for x in Path(path).read_text().splitlines() if x.strip()]
    return [{"title": lines[i % len(lines)]["title"], "body": f"{lines[i % len(lines)]['body']}\n\n(copy {i})"}
            for i in range(n)]


async def one_run(fake: FakeGitHub, settings, label: str) -> dict:
    """One backfill of REPO; what it cost."""
    before = len(fake.requests)
    stats = RunStats()
    started = time.perf_counter()
    runner, _ = await run(settings, [REPO], options=Options(state="all"), progress=Progress(io.StringIO()),
                          stats=stats)
    wall = time.perf_counter() - started
    sent = fake.requests[before:]
    lists = [r for r in sent if r.path == LIST]
    t = runner.totals
    return {"run": label, "issues": t.triaged + t.unchanged, "triaged": t.triaged, "pull_requests": t.pull_requests,
            "list_requests": len(lists), "list_per_100": round(100 * len(lists) / t.listed, 2) if t.listed else None,
            "list_statuses": dict(Counter(r.status for r in lists)),
            "other_requests": dict(Counter(f"{r.method} {r.path.split('/')[-1]} {r.status}" for r in sent
                                           if r.path != LIST)),
            "writes": stats.writes, "errors": sum(1 for r in sent if r.status >= 400),
            "rate_limit_waits": stats.waits, "waited_s": round(stats.waited, 1),
            "triage_ms_cpu": round(1000 * t.triage_cpu / t.triaged, 3) if t.triaged else None,
            "wall_s": round(wall, 1)}


async def age_token(settings, private: str, left: float = 240.0) -> None:
    """Make the stored installation token look as an hour-old one does: `left` seconds before its expiry."""
    store = await open_backfill_store(settings.database_url)
    try:
        seal = TokenSeal(APP_ID, private)
        sealed, expires = await store.sealed_token(APP_ID, 1)
        token, soon = seal.open(1, sealed, expires), time.time() + left
        await store.keep_token(APP_ID, 1, seal.seal(1, token, soon), soon)
    finally:
        await store.close()


async def main() -> None:
    """Four runs: first, unchanged re-runs (token fresh, then near its end), a fresh database under a rate limit."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--issues", type=int, default=10_000)
    p.add_argument("--latency", type=float, default=0.1, help="seconds per fake API call (default 0.1)")
    p.add_argument("--rate-limit", type=int, default=50, help="requests per window in the third run")
    p.add_argument("--window", type=float, default=20.0, help="the rate-limit window in seconds")
    p.add_argument("--texts", help="JSON Lines of {title, body} to use instead of the templates")
    args = p.parse_args()
    private, public = rsa_pair()
    fake = FakeGitHub(app_id=APP_ID, public_key=public, latency=args.latency)
    await fake.start()
    fake.add_repo(REPO, installation_id=1)
    for i, text in enumerate(texts(args.texts, args.issues)):
        fake.add_issue(REPO, i + 1, text["title"], text["body"], login=f"user{i % 97}",
                       state="closed" if i % 10 == 0 else "open", created_at=1.6e9 + i * 3600,
                       pull_request=i % 50 == 49)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        common = {"app_id": APP_ID, "private_key": private, "github_api_url": fake.url}
        first = load_settings(**common, database_url=f"sqlite:///{tmp}/a.sqlite3")
        results.append(await one_run(fake, first, "first"))
        results.append(await one_run(fake, first, "re-run, nothing changed"))
        await age_token(first, private)
        results.append(await one_run(fake, first, "re-run, nothing changed, token 4 min from expiry"))
        fake.rate_limit, fake.rate_window = args.rate_limit, args.window
        limited = load_settings(**common, database_url=f"sqlite:///{tmp}/b.sqlite3")
        results.append(await one_run(fake, limited, f"fresh, {args.rate_limit} requests per {args.window:g} s"))
    await fake.stop()
    print(f"{args.issues} issues ({'--texts ' + args.texts if args.texts else 'templates'}), "
          f"{1000 * args.latency:.0f} ms per API call; violations of the OpenAPI description: {len(fake.violations)}")
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    asyncio.run(main())
