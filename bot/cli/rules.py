"""`firstmile rules check [DIR]` validates every rules file; `firstmile rules test [DIR]` runs every rule's examples."""

from __future__ import annotations

import sys
from pathlib import Path


def register(subparsers) -> None:
    """Add the `rules` subcommand and its `check` action."""
    p = subparsers.add_parser("rules", help="work with the rules files")
    actions = p.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    check = actions.add_parser("check", help="validate the rules (default: the shipped rules/)")
    check.add_argument("dir", nargs="?", type=Path, default=None, metavar="DIR")
    check.set_defaults(func=run_check)
    test = actions.add_parser("test", help="run every rule's examples (fires / not)")
    test.add_argument("dir", nargs="?", type=Path, default=None, metavar="DIR")
    test.set_defaults(func=run_test)


def run_test(args) -> int:
    """Print each example that does not behave as its rule says, and exit 1 if there is any."""
    from bot.core.rulefile import RulesError
    from bot.core.rules.examples import count, failures
    from bot.core.ruleset import RuleSet

    try:
        ruleset = RuleSet.load(args.dir)
    except RulesError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    bad = failures(ruleset)
    for line in bad:
        print(line)
    rules, examples = count(ruleset)
    print(f"{'FAILED' if bad else 'ok'}: {examples - len(bad)} of {examples} examples of {rules} rules behave as stated")
    return 1 if bad else 0


def run_check(args) -> int:
    """Print a summary of what loaded, or the `rules/<file>: rule <id>: <reason>` error and exit 1."""
    from bot.core.rulefile import RulesError
    from bot.core.ruleset import RuleSet

    if args.dir is not None and not args.dir.is_dir():
        print(f"firstmile rules check: {args.dir}: not a directory", file=sys.stderr)
        return 2
    try:
        ruleset = RuleSet.load(args.dir)
    except RulesError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"ok: {ruleset.directory}")
    for name, count in ruleset.summary().items():
        print(f"  {name}: {count}")
    return 0
