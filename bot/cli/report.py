"""`firstmile report OWNER/REPO -o report.html | --json`: the failure landscape of a repository, from the store or
from labelled records (`--labels FILE.jsonl`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `report` subcommand."""
    p = subparsers.add_parser("report", help="a self-contained HTML report (or --json tables) of a repo's failures")
    p.add_argument("repo", metavar="OWNER/REPO", nargs="?",
                   help="the repository whose stored decisions to report (with --labels: only its records; default all)")
    p.add_argument("-o", "--output", metavar="FILE.html", help="write the HTML page here")
    p.add_argument("--json", action="store_true", help="print the aggregated tables as JSON")
    p.add_argument("--labels", metavar="FILE.jsonl",
                   help="labelled records (the format of the paper's records.jsonl) instead of the store")
    p.add_argument("--database-url", metavar="URL", help="the store (default: DATABASE_URL or its default)")
    p.set_defaults(func=run)


def _rows(args: argparse.Namespace) -> list[dict]:
    """The rows to aggregate: labelled records (filtered to the repo when one is given) or stored decisions."""
    if args.labels:
        from bot.report.records import read_records

        with open(args.labels, encoding="utf-8") as f:
            rows = list(read_records(f, args.labels))
        if args.repo:
            rows = [r for r in rows if str(r.get("repo") or "").casefold() == args.repo.casefold()]
        return rows
    from bot.backfill.store import open_backfill_store
    from bot.settings import load_settings
    from bot.store import open_existing

    url = args.database_url or load_settings().database_url

    async def read() -> list[dict]:
        await (await open_existing(url)).close()  # a missing SQLite file is an error, not a new empty database
        store = await open_backfill_store(url)
        try:
            return await store.report_rows(args.repo)
        finally:
            await store.close()
    return asyncio.run(read())


def run(args: argparse.Namespace) -> int:
    """Aggregate, then print JSON and/or write the page; 1 when there is nothing to report."""
    from bot.report.aggregate import aggregate
    from bot.report.records import RecordsError
    from bot.report.render import render

    if not args.labels and not args.repo:
        print("firstmile report: give OWNER/REPO (or --labels FILE.jsonl)", file=sys.stderr)
        return 2
    if not args.output and not args.json:
        print("firstmile report: give -o FILE.html and/or --json", file=sys.stderr)
        return 2
    try:
        rows = _rows(args)
    except (OSError, RecordsError, ValueError) as exc:
        print(f"firstmile report: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, RecordsError) else 1
    if not rows:
        print(f"firstmile report: nothing stored for {args.repo} (run `firstmile backfill {args.repo}` first)",
              file=sys.stderr)
        return 1
    name = args.repo or ("labelled records" if args.labels else "")
    tables = aggregate(rows, repo=name, source="labels" if args.labels else "store")
    if args.output:
        html = render(tables, generated=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(html)
        print(f"wrote {args.output}: {tables['issues']} issues, {len(html.encode()) / 1e6:.2f} MB", file=sys.stderr)
    if args.json:
        json.dump(tables, sys.stdout, ensure_ascii=False, indent=1)
        print()
    return 0
