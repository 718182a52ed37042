"""`firstmile triage [FILE|-]` and `--batch`: triage issues given as JSON and print Decision.to_json()."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path


class InputError(ValueError):
    """Bad input; the message names the line."""


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


def _read(path: str) -> str:
    """The text of FILE, or stdin for "-"."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None


def parse_issue(text: str, where: str) -> dict:
    """One issue object with string title and body; InputError names `where` on anything else."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not JSON: {exc.msg}") from None
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object with 'title' and 'body'")
    for key in ("title", "body"):
        if not isinstance(obj.get(key, ""), (str, type(None))):
            raise InputError(f"{where}: '{key}' must be a string")
    if "title" not in obj and "body" not in obj:
        raise InputError(f"{where}: expected 'title' and 'body'")
    return obj


def iter_batch(text: str, name: str) -> Iterator[dict | None]:
    """Each line's issue (None for a blank line, which gets a blank output line)."""
    for n, line in enumerate(text.splitlines(), 1):
        yield parse_issue(line, f"{name}: line {n}") if line.strip() else None


def run(args) -> int:
    """Triage one issue or a batch; exit 2 with a one-line error on bad input."""
    from bot.core.triage import triage

    try:
        if args.batch is not None:
            text, name = _read(args.batch), ("stdin" if args.batch == "-" else args.batch)
            issues = list(iter_batch(text, name))
        else:
            name = "stdin" if args.file == "-" else args.file
            issues = [parse_issue(_read(args.file), f"{name}: line 1")]
    except InputError as exc:
        print(f"firstmile triage: {exc}", file=sys.stderr)
        return 2
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

            out.write(render(trace(issue.get("title") or "", issue.get("body") or "", ruleset, classifier)))
            continue
        decision = triage(issue.get("title") or "", issue.get("body") or "", ruleset, classifier=classifier,
                          decider=decider, repo=issue.get("repo") if isinstance(issue.get("repo"), str) else None)
        out.write(json.dumps(decision.to_json(), ensure_ascii=False) + "\n")
    out.flush()
    return 0
