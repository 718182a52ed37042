"""`firstmile related --index ISSUES.jsonl [QUERY.json|-]` and `--batch`: related issues and duplicate_of, offline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.cli._inputs import InputError, fail, json_object, parse_issue, read_text, source_name
from bot.cli.triage import load_classifier, load_ruleset

REPO = "offline"
"""The repo name the offline index files its issues under."""


def register(subparsers) -> None:
    """Add the `related` subcommand."""
    p = subparsers.add_parser("related", help="rank indexed issues related to a query issue {title, body[, number]}")
    p.add_argument("file", nargs="?", default="-", metavar="QUERY.json", help="a JSON object, or - for stdin")
    p.add_argument("--index", required=True, metavar="ISSUES.jsonl",
                   help='issues to index, one {"number", "title", "body", "state"} per line')
    p.add_argument("--batch", metavar="FILE", help="JSON Lines of queries, one result line out per line, in order")
    add_options(p)
    p.set_defaults(func=run)


def add_options(p) -> None:
    """Options that related and eval-related share."""
    p.add_argument("--rules", metavar="DIR", type=Path, default=None, help="use another rules directory")
    p.add_argument("--no-classify", action="store_true",
                   help="index without triage (no symptom/cause agreement; faster)")
    p.add_argument("--segmenter", choices=("bigram", "jieba"), default="bigram",
                   help="how Chinese is cut into tokens (jieba needs the jieba package)")
    p.add_argument("--db", metavar="PATH", default=":memory:", help="keep the index in this SQLite file")


class Relater:
    """Builds index records (with the triage decision's symptom and cause) and ranks related issues."""

    def __init__(self, args):
        from bot.related_index import RelatedIndex

        self.ruleset = None if args.no_classify else load_ruleset(args.rules)
        self.classifier = None if self.ruleset is None else load_classifier(True)
        self.segmenter = _segmenter(args.segmenter)
        self.index = RelatedIndex.open(args.db)
        self._next = 10_000_000

    def doc(self, issue: dict, number: int | None = None):
        """The index record of one issue object."""
        from bot.core.related import make_doc
        from bot.core.triage import triage
        from bot.core.extract import extract

        title, body = issue.get("title") or "", issue.get("body") or ""
        if number is None:
            number = issue.get("number")
        if number is None:
            self._next += 1
            number = self._next
        symptom = cause = ""
        if self.ruleset is not None:
            d = triage(title, body, self.ruleset)
            facts = d.facts
            symptom, cause = (d.symptom.name if d.symptom else ""), (d.root_cause.name if d.root_cause else "")
        else:
            facts = extract(title, body)
        return make_doc(int(number), facts, state=str(issue.get("state") or "open"), symptom=symptom, cause=cause,
                        segmenter=self.segmenter)

    def add(self, issue: dict) -> None:
        """Index one issue (pull requests are never indexed)."""
        if issue.get("pull_request") or issue.get("is_pull_request"):
            return
        self.index.upsert(REPO, self.doc(issue))

    def query(self, issue: dict) -> dict:
        """{"related": [...], "duplicate_of": n|null} for one query issue."""
        from bot.core.related import duplicate_of, rank

        q = self.doc(issue, issue.get("number", -1))
        cands, idf = self.index.lookup(REPO, q)
        ranked = rank(q, cands, idf=idf)
        return {"related": [r.to_json() for r in ranked], "duplicate_of": duplicate_of(ranked)}


def _segmenter(name: str):
    """None for character bigrams, or jieba's search-mode cutter."""
    if name != "jieba":
        return None
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return lambda run: [w for w in jieba.cut_for_search(run) if w.strip()]


def read_jsonl(path: str, what: str) -> list[dict]:
    """The objects of a JSON Lines file (blank lines skipped); InputError names the line."""
    read = parse_issue if what == "issue" else json_object
    lines = enumerate(read_text(path).splitlines(), 1)
    return [read(line, f"{source_name(path)}: line {n}") for n, line in lines if line.strip()]


def run(args) -> int:
    """Index, then answer one query or a batch; exit 2 on bad input."""
    try:
        issues = read_jsonl(args.index, "issue")
        for n, issue in enumerate(issues, 1):
            if not isinstance(issue.get("number"), int):
                raise InputError(f"{args.index}: line {n}: 'number' must be an integer")
        if args.batch is not None:
            queries = read_jsonl(args.batch, "issue")
        else:
            queries = [parse_issue(read_text(args.file), f"{source_name(args.file)}: line 1")]
        relater = Relater(args)
    except (InputError, ImportError) as exc:
        return fail("related", exc)
    for issue in issues:
        relater.add(issue)
    out = sys.stdout
    for q in queries:
        out.write(json.dumps(relater.query(q)) + "\n")
    out.flush()
    return 0
