"""`firstmile triage [FILE|-]` and `--batch`: triage issues given as JSON and print Decision.to_json()."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from bot.cli._inputs import InputError, fail, parse_issue, read_text, source_name


def register(subparsers) -> None:
    """Add the `triage` subcommand."""
    p = subparsers.add_parser("triage", help="triage an issue given as JSON {title, body[, repo]}")
    p.add_argument("file", nargs="?", default="-", metavar="FILE", help="a JSON object, or - for stdin (default)")
    p.add_argument("--batch", metavar="FILE", help="JSON Lines in, one result line out per input line, in order")
    p.add_argument("--explain", action="store_true", help="print why, as text: every rule that fired, each level's "
                   "support against its thresholds, each fix alternative with its score, why each item is asked")
    add_common(p)
    p.set_defaults(func=run)


def add_common(p) -> None:
    """The options triage and eval share."""
    p.add_argument("--rules", metavar="DIR", type=Path, default=None, help="use another rules directory")
    p.add_argument("--rules-only", action="store_true", help="do not use the learned classifier")


def load_ruleset(rules_dir: Path | None):
    """The RuleSet, or None after printing the rules error (`rules/<file>: rule <id>: <reason>`)."""
    from bot.core.rulefile import RulesError
    from bot.core.ruleset import RuleSet

    try:
        return RuleSet.load(rules_dir)
    except RulesError as exc:
        print(str(exc), file=sys.stderr)
        return None


def load_classifier(rules_only: bool):
    """The shipped classifier when the ml extra is installed and not --rules-only; else None."""
    if rules_only:
        return None
    try:
        from bot.ml import load_default
    except ImportError:
        return None
    return load_default()


def load_decider(ruleset):
    """The shipped decision model (numpy is a core dependency); None only when numpy is missing."""
    try:
        from bot.ml import load_decider as load
    except ImportError:
        return None
    return load(ruleset.taxonomy)


def iter_batch(text: str, name: str) -> Iterator[dict | None]:
    """Each line's issue (None for a blank line, which gets a blank output line)."""
    for n, line in enumerate(text.splitlines(), 1):
        yield parse_issue(line, f"{name}: line {n}") if line.strip() else None


def run(args) -> int:
    """Triage one issue or a batch; exit 2 with a one-line error on bad input."""
    from bot.core.triage import triage

    try:
        if args.batch is not None:
            issues = list(iter_batch(read_text(args.batch), source_name(args.batch)))
        else:
            issues = [parse_issue(read_text(args.file), f"{source_name(args.file)}: line 1")]
    except InputError as exc:
        return fail("triage", exc)
    ruleset = load_ruleset(args.rules)
    if ruleset is None:
        return 1
    classifier = load_classifier(args.rules_only)
    decider = load_decider(ruleset)
    out = sys.stdout  # a reader that goes away (`| head`) ends us quietly in bot.__main__
    for issue in issues:
        if issue is None:
            out.write("\n")
            continue
        if getattr(args, "explain", False):
            from bot.cli.explain import render, trace

            out.write(render(trace(issue.get("title") or "", issue.get("body") or "", ruleset, classifier, decider)))
            continue
        decision = triage(issue.get("title") or "", issue.get("body") or "", ruleset, classifier=classifier,
                          decider=decider, repo=issue.get("repo") if isinstance(issue.get("repo"), str) else None)
        out.write(json.dumps(decision.to_json(), ensure_ascii=False) + "\n")
    out.flush()
    return 0
