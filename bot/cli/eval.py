"""`firstmile eval DATASET.jsonl`: score triage against labelled issues (likely accuracy, calibration, applied
precision and coverage, env), in-sample or held out (`--cv K`, `--by-repo`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.cli._inputs import fail
from bot.cli.triage import add_common, load_classifier, load_decider, load_ruleset


def register(subparsers) -> None:
    """Add the `eval` subcommand."""
    p = subparsers.add_parser("eval", help="score triage on labelled issues (JSON Lines with 'labels')")
    p.add_argument("dataset", metavar="DATASET.jsonl")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    p.add_argument("--cv", type=int, metavar="K", default=None,
                   help="K-fold cross-validation: every fold refits the classifier, the decision model's weights, "
                        "thresholds and priors without the held-out issues (needs the ml extra)")
    p.add_argument("--by-repo", action="store_true",
                   help="leave one repository family out (Qwen, Llama, DeepSeek): fit on the others, score it")
    p.add_argument("--records", metavar="RECORDS.jsonl", default=None,
                   help="labelled failures for the priors (default: records.jsonl beside DATASET)")
    p.add_argument("--train-extra", action="append", default=[], metavar="FILE.jsonl",
                   help="more labelled issues added to every split's training data (never scored)")
    p.add_argument("--written", action="extend", nargs="+", default=[], metavar="FILE.jsonl",
                   help="labelled issues we wrote (eval/fresh odd batches): every split fits the text classifier's "
                        "cause head of written issues on them (never scored)")
    add_common(p)
    p.set_defaults(func=run)


def _records(args) -> list[dict] | None:
    """The records for held-out priors, or None after an error message."""
    path = Path(args.records) if args.records else Path(args.dataset).with_name("records.jsonl")
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as exc:
        print(f"firstmile eval: --cv/--by-repo need the records for the priors ({path}): {exc}", file=sys.stderr)
        return None


def run(args) -> int:
    """Triage every row and print the scores (exit 2 on bad input or a missing ml extra for --cv/--by-repo)."""
    from bot.core.triage import triage
    from bot.evaluation import format_decision_table, format_reliability, format_table, read_labelled, score, \
        score_likely

    try:
        rows, _ = read_labelled([args.dataset])
        extra = read_labelled(args.train_extra)[0] if args.train_extra else []
        written = read_labelled(args.written)[0] if args.written else []
    except ValueError as exc:
        return fail("eval", exc)
    ruleset = load_ruleset(args.rules)
    if ruleset is None:
        return 1
    if args.cv is not None or args.by_repo:
        try:
            from bot.ml.decide_cv import run as run_cv
        except ImportError:
            print("firstmile eval: --cv needs the ml extra (pip install 'firstmile[ml]')", file=sys.stderr)
            return 2
        if args.cv is not None and not 2 <= args.cv <= len(rows):
            print(f"firstmile eval: --cv needs 2 <= K <= {len(rows)} labelled rows, got {args.cv}", file=sys.stderr)
            return 2
        records = _records(args)
        if records is None:
            return 2
        return run_cv(rows, ruleset, records, k=args.cv, by_repo=args.by_repo, extra=extra, as_json=args.json,
                      written=written)
    classifier = load_classifier(args.rules_only)
    decider = load_decider(ruleset)
    results = [
        triage(r.get("title") or "", r.get("body") or "", ruleset, classifier=classifier, decider=decider,
               repo=r.get("repo")).to_json() for r in rows
    ]
    report = score(rows, results)
    report["likely"] = score_likely(rows, results)
    report["classifier"] = classifier is not None
    if args.json:
        print(json.dumps(report, sort_keys=True))
    else:
        mode = "rules + classifier" if classifier is not None else "rules only"
        print(f"{args.dataset}: decision model, {mode}")
        print("note: the shipped model may have been fitted on this file; use --cv K or --by-repo for held-out figures")
        print(format_decision_table(report, report["likely"]))
        print(format_reliability(report["likely"]))
        print()
        print(format_table(report))
    sys.stdout.flush()
    return 0
