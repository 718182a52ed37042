"""`firstmile eval DATASET.jsonl`: score triage against labelled issues (accuracy, precision, coverage, env)."""

from __future__ import annotations

import json
import sys

from bot.cli._inputs import fail
from bot.cli.triage import add_common, load_classifier, load_ruleset


def register(subparsers) -> None:
    """Add the `eval` subcommand."""
    p = subparsers.add_parser("eval", help="score triage on labelled issues (JSON Lines with 'labels')")
    p.add_argument("dataset", metavar="DATASET.jsonl")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.add_argument("--cv", type=int, metavar="K", default=None,
                   help="K-fold cross-validation of rules vs rules + classifier (needs the ml extra)")
    add_common(p)
    p.set_defaults(func=run)


def run(args) -> int:
    """Triage every row and print the scores (exit 2 on bad input or a missing ml extra for --cv)."""
    from bot.core.triage import triage
    from bot.evaluation import format_table, read_labelled, score

    try:
        rows, _ = read_labelled([args.dataset])
    except ValueError as exc:
        return fail("eval", exc)
    ruleset = load_ruleset(args.rules)
    if ruleset is None:
        return 1
    if args.cv is not None:
        try:
            from bot.ml.crossval import run_cv
        except ImportError:
            print("firstmile eval: --cv needs the ml extra (pip install 'firstmile[ml]')", file=sys.stderr)
            return 2
        try:
            return run_cv(rows, args.cv, ruleset, args.json)
        except ValueError as exc:
            print(f"firstmile eval: {exc}", file=sys.stderr)
            return 2
    classifier = load_classifier(args.rules_only)
    results = [
        triage(r.get("title") or "", r.get("body") or "", ruleset, classifier=classifier).to_json() for r in rows
    ]
    report = score(rows, results)
    report["classifier"] = classifier is not None
    if args.json:
        print(json.dumps(report, sort_keys=True))
    else:
        mode = "rules + classifier" if classifier is not None else "rules only"
        print(f"{args.dataset}: {mode}")
        if classifier is not None:
            print("note: the shipped classifier may have been trained on this file; use --rules-only or --cv K")
        print(format_table(report))
    sys.stdout.flush()
    return 0
