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


DIMENSIONS = ("symptom", "stage", "root_cause")


def issue(example: str | dict) -> tuple[str, str]:
    """(title, body) of an example: a string is a body."""
    return ("", example) if isinstance(example, str) else (example.get("title", ""), example.get("body", ""))


def every_rule(ruleset) -> list[tuple[str, object]]:
    """(where, rule model) for every rule with examples: evidence by dimension, then fixes, checks and asks."""
    out = [(f"evidence/{d}", r) for d in DIMENSIONS for r, _, _ in ruleset.evidence[d].rules]
    out += [(c.file, c.rule) for c in [*ruleset.fixes, *ruleset.checks]]
    return out + [("asks.yml", r) for r in (ruleset.requirements.rules if ruleset.requirements is not None else [])]


def failures(ruleset, rules: list[tuple[str, object]] | None = None) -> list[str]:
    """One line per example that does not behave as stated: `<where>: <rule id>: fires|not example #k ...`."""
    from bot.cli.explain import fired

    out = []
    for where, rule in rules if rules is not None else every_rule(ruleset):
        for expect, cases in ((True, rule.examples.fires), (False, rule.examples.not_)):
            for k, case in enumerate(cases, 1):
                if (rule.id in fired(*issue(case), ruleset)) != expect:
                    out.append(f"{where}: {rule.id}: {'fires' if expect else 'not'} example #{k} "
                               f"{'did not fire' if expect else 'fired'}")
        out += _strike_failures(where, rule, ruleset)
    return out


def _strike_failures(where: str, rule, ruleset) -> list[str]:
    """One line per strike example where the fix is not shown, or shown with its text kept (`fires`) or cut (`not`)."""
    from bot.core.triage import triage

    out = []
    for n, st in enumerate(getattr(rule, "strike", ()), 1):
        for expect, cases in ((True, st.examples.fires), (False, st.examples.not_)):
            for k, case in enumerate(cases, 1):
                d = triage(*issue(case), ruleset)
                shown = [f.title for f in d.fixes if f.id == rule.id] if hasattr(rule, "title") else \
                    [w.message for w in d.warnings if w.id == (rule.fix or rule.id)]
                probe = st.text.split("{")[0] or st.text  # a check's message is shown filled in
                if not shown or (probe not in shown[0]) != expect:
                    why = "fix not shown" if not shown else "text kept" if expect else "text struck"
                    out.append(f"{where}: {rule.id}: strike #{n} {'fires' if expect else 'not'} example #{k}: {why}")
    return out


def count(ruleset) -> tuple[int, int]:
    """(rules, examples) that `failures` runs."""
    rules = [r for _, r in every_rule(ruleset)]
    strikes = [st for r in rules for st in getattr(r, "strike", ())]
    return len(rules), sum(len(r.examples.fires) + len(r.examples.not_) for r in [*rules, *strikes])
