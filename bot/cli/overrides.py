"""`firstmile overrides export`: the humans' corrections as JSON Lines in the labelled-issues format, for training."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterable, Iterator, Mapping

from bot.cli._options import actions, add_database_url


def register(subparsers) -> None:
    """Add the `overrides` subcommand and its `export` action."""
    overrides = actions(subparsers, "overrides", "work with the label corrections maintainers made by command")
    export = overrides.add_parser("export", help="write one JSON line per corrected issue: id, source, repo, title, "
                                                 "body, labels [{symptom, root_cause, stage}]")
    add_database_url(export)
    export.add_argument("-o", "--output", metavar="FILE", default="-", help="the output file (default: stdout)")
    export.add_argument("--duplicates", action="store_true",
                        help="write the maintainers' /duplicate and /not-duplicate verdicts instead, one per line: "
                             "repo, number, title, body, verdict, other, login, at")
    export.set_defaults(func=run_export)


def export_rows(rows: Iterable[dict], latest: Mapping[tuple[str, int], dict | None] | None = None
                ) -> Iterator[dict | str]:
    """One labelled issue per corrected issue: the human's choice per dimension, else the bot's.

    The bot's is its latest decision (`latest`, the issue's stored state: the other dimensions re-decided given the
    human's, as its comment last showed them), or its original one from the override records when no state is
    kept. Yields a skip reason (a str) for an issue whose labels are not all known, e.g. a label removed without a
    replacement, so that no row trains on a guess.
    """
    from bot.core.taxonomy import DIMENSIONS, SEP  # here: the web process imports the CLI, never the core

    issues: dict[tuple[str, int], list[dict]] = {}
    for row in rows:
        issues.setdefault((row["repo"], row["number"]), []).append(row)
    for (repo, number), group in issues.items():
        human: dict[str, str | None] = {}
        for row in group:
            if row["dimension"] in DIMENSIONS:
                path = row["record"].get("path")
                human[row["dimension"]] = SEP.join(path) if path else None
        if not human:
            continue
        bot = (latest or {}).get((repo, number)) or _bot_decision(group)
        labels = {d: human[d] if d in human else bot.get(d) for d in DIMENSIONS}
        name = f"{repo}#{number}"
        if any(v is None for v in labels.values()):
            yield f"{name}: no {', '.join(d for d, v in labels.items() if v is None)}"
            continue
        last = group[-1]
        yield {"id": name, "source": f"https://github.com/{repo}/issues/{number}", "repo": repo,
               "title": last["title"], "body": last["body"], "labels": [labels]} | _verdicts(group)


def _verdicts(group: list[dict]) -> dict:
    """The issue's latest /duplicate and /not-duplicate verdicts, as extra keys of its exported line."""
    out: dict = {}
    for row in group:
        if row["dimension"] == "duplicate_of":
            rec = row["record"]
            if rec.get("duplicate_of") is not None:
                out["duplicate_of"] = rec["duplicate_of"]
            if rec.get("not_duplicate_of") is not None:
                out.setdefault("not_duplicate_of", []).append(rec["not_duplicate_of"])
    return out


def duplicate_rows(rows: Iterable[dict]) -> Iterator[dict]:
    """One line per maintainer verdict on a pair of issues (what `firstmile eval-related` pairs can be built from)."""
    for row in rows:
        if row["dimension"] != "duplicate_of":
            continue
        rec = row["record"]
        verdict, other = (("duplicate", rec["duplicate_of"]) if rec.get("duplicate_of") is not None
                          else ("not-duplicate", rec.get("not_duplicate_of")))
        yield {"repo": row["repo"], "number": row["number"], "title": row["title"], "body": row["body"],
               "verdict": verdict, "other": other, "login": rec.get("login"), "at": rec.get("at")}


def _bot_decision(group: list[dict]) -> dict[str, str]:
    """The bot's own path per dimension, from the records of one issue (the earliest record that states it)."""
    from bot.core.taxonomy import SEP

    out: dict[str, str] = {}
    for row in group:
        record = row["record"]
        for dim, got in (record.get("bot_decision") or {}).items():
            if got and got[0]:
                out.setdefault(dim, SEP.join(got[0]))
        if record.get("bot_path"):
            out.setdefault(row["dimension"], SEP.join(record["bot_path"]))
    return out


def run_export(args) -> int:
    """Write the JSON Lines; skipped issues are counted on stderr."""
    from bot.settings import load_settings
    from bot.store import open_existing

    async def read() -> tuple[list[dict], dict]:
        """The override rows and each issue's latest decision."""
        store = await open_existing(args.database_url or load_settings().database_url)
        try:
            rows = await store.export_overrides()
            latest = {}
            for key in {(row["repo"], row["number"]) for row in rows}:
                state = await store.issue_state(*key)
                latest[key] = state.decision if state else None
            return rows, latest
        finally:
            await store.close()

    try:
        rows, latest = asyncio.run(read())
    except Exception as exc:  # noqa: BLE001 - a CLI: one line, not a traceback
        print(f"cannot read overrides: {exc}", file=sys.stderr)
        return 1
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    written = skipped = 0
    try:
        if args.duplicates:
            n = 0
            for item in duplicate_rows(rows):
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
                n += 1
            print(f"{n} verdicts written", file=sys.stderr)
            return 0
        for item in export_rows(rows, latest):
            if isinstance(item, str):
                skipped += 1
                print(f"skipped {item}", file=sys.stderr)
            else:
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
                written += 1
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"{written} issues written, {skipped} skipped", file=sys.stderr)
    return 0
