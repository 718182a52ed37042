"""`firstmile backfill OWNER/REPO... | --all`: triage a repository's existing issues into the store, resumably."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import datetime, timezone

STATES = ("open", "closed", "all")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `backfill` subcommand."""
    p = subparsers.add_parser(
        "backfill", help="triage existing issues into the store (writes nothing to GitHub unless --apply)",
        description="Page through each repository's issues (pull requests skipped), triage every issue whose text "
                    "is new, store the decision. Interrupted runs continue where they stopped; re-runs cost only "
                    "304 answers when nothing changed.")
    p.add_argument("repos", nargs="*", metavar="OWNER/REPO")
    p.add_argument("--all", action="store_true", help="every repository of every installation of the App")
    p.add_argument("--state", choices=STATES, default="open", help="which issues (default open)")
    p.add_argument("--since", metavar="DATE", help="only issues updated at or after this date (ISO 8601)")
    p.add_argument("--apply", choices=("labels", "comments"),
                   help="labels: apply labels (never re-adding one a human removed; unsure ones as suggestions); "
                        "comments: also the sticky comment, on open issues only")
    p.add_argument("--force", action="store_true", help="triage every issue again, from the first page")
    p.add_argument("--max-requests", type=int, metavar="N", help="stop after N GitHub requests (resumable)")
    p.add_argument("--database-url", metavar="URL", help="the store (default: DATABASE_URL or its default)")
    p.set_defaults(func=run)


def since_iso(text: str) -> str:
    """An ISO 8601 date or time as GitHub's `YYYY-MM-DDTHH:MM:SSZ` (UTC)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def run(args: argparse.Namespace) -> int:
    """Validate, run, print one summary line per run; 3 when --max-requests stopped it, 130 on Ctrl-C."""
    from bot.backfill.pacing import RequestCapReached, RunStats
    from bot.backfill.progress import Progress
    from bot.backfill.runner import Options
    from bot.backfill.session import SetupError
    from bot.backfill.session import run as backfill
    from bot.settings import SettingsError, load_settings

    if bool(args.repos) == bool(args.all):
        print("firstmile backfill: give OWNER/REPO... or --all", file=sys.stderr)
        return 2
    if bad := [r for r in args.repos if r.count("/") != 1 or not all(r.split("/"))]:
        print(f"firstmile backfill: not OWNER/REPO: {bad[0]}", file=sys.stderr)
        return 2
    if args.max_requests is not None and args.max_requests < 1:
        print("firstmile backfill: --max-requests must be at least 1", file=sys.stderr)
        return 2
    try:
        since = since_iso(args.since) if args.since else None
    except ValueError:
        print(f"firstmile backfill: --since: not an ISO 8601 date: {args.since}", file=sys.stderr)
        return 2
    try:
        settings = load_settings(**({"database_url": args.database_url} if args.database_url else {}))
    except SettingsError as exc:
        print(f"firstmile: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    options = Options(state=args.state, since=since, force=args.force, apply=args.apply or "none")
    stats = RunStats(max_requests=args.max_requests)
    progress = Progress()
    holder: dict = {}
    code = 0
    try:
        holder["runner"], _ = asyncio.run(backfill(settings, args.repos, every=args.all, options=options,
                                                   progress=progress, stats=stats))
    except SetupError as exc:
        print(f"firstmile backfill: {exc}", file=sys.stderr)
        return 1
    except RequestCapReached:
        print(f"stopped after {stats.sent} requests (--max-requests); run the same command to continue",
              file=sys.stderr)
        code = 3
    except KeyboardInterrupt:
        progress.close()
        print("interrupted; run the same command to continue where it stopped", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a CLI: one line, the checkpoint is kept
        logging.getLogger("firstmile").debug("backfill failed", exc_info=True)
        print(f"firstmile backfill: {type(exc).__name__}: {exc} (run the same command to continue)", file=sys.stderr)
        return 1
    runner = holder.get("runner")
    if runner is not None:
        t = runner.totals
        ms = 1000 * t.triage_cpu / t.triaged if t.triaged else 0.0
        print(f"{', '.join(t.repos)}: {t.listed} listed ({t.pull_requests} pull requests skipped), {t.triaged} "
              f"triaged ({ms:.2f} ms CPU each), {t.unchanged} unchanged, {t.applied} acted on; {t.pages} pages "
              f"({t.pages_unchanged} unchanged, 304); {stats.sent} requests, {stats.writes} writes, "
              f"{stats.waits} rate-limit waits ({stats.waited:.0f} s)")
    return code
