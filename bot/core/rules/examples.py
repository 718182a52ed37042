"""Rule examples as tests: each `fires` example must fire its rule, each `not` example must not (semgrep-style)."""

from __future__ import annotations

from bot.core.evidence import collect
from bot.core.rules.scan import Scan

DIMENSIONS = ("symptom", "stage", "root_cause")


def issue(example: str | dict) -> tuple[str, str]:
    """(title, body) of an example: a string is a body."""
    return ("", example) if isinstance(example, str) else (example.get("title", ""), example.get("body", ""))


def fired(title: str, body: str, ruleset) -> set[str]:
    """The ids of every rule that fires on the issue, its paths decided as triage decides them (rules only)."""
    from bot.core.triage import triage

    decision = triage(title, body, ruleset)
    scan = Scan(decision.facts, ruleset)
    scan.chosen = {d: p.name for d in DIMENSIONS if (p := getattr(decision, d)) is not None}
    out = {e.rule for d in DIMENSIONS for e in collect(scan, ruleset.evidence[d])}
    out.update(ruleset.fix_index.fixes[i].rule.id for i, _, _ in ruleset.fix_index.scored(scan))
    out.update(c.rule.id for c in ruleset.checks if c.holds(scan))
    if ruleset.requirements is not None:  # asks: their conditions, on the issue as triage decided it
        scan.kind = decision.kind
        out.update(r.id for r in ruleset.requirements.fired(scan))
    return out


def every_rule(ruleset) -> list[tuple[str, object]]:
    """(where, rule model) for every rule with examples: evidence by dimension, then fixes, checks and asks."""
    out = [(f"evidence/{d}", r) for d in DIMENSIONS for r, _, _ in ruleset.evidence[d].rules]
    out += [(c.file, c.rule) for c in [*ruleset.fixes, *ruleset.checks]]
    return out + [("asks.yml", r) for r in (ruleset.requirements.rules if ruleset.requirements is not None else [])]


def failures(ruleset, rules: list[tuple[str, object]] | None = None) -> list[str]:
    """One line per example that does not behave as stated: `<where>: <rule id>: fires|not example #k ...`."""
    out = []
    for where, rule in rules if rules is not None else every_rule(ruleset):
        ex = rule.examples
        for expect, cases in ((True, ex.fires), (False, ex.not_)):
            for k, case in enumerate(cases, 1):
                if (rule.id in fired(*issue(case), ruleset)) != expect:
                    out.append(f"{where}: {rule.id}: {'fires' if expect else 'not'} example #{k} "
                               f"{'did not fire' if expect else 'fired'}")
    return out


def count(ruleset) -> tuple[int, int]:
    """(rules, examples) that `failures` runs."""
    rules = [r for _, r in every_rule(ruleset)]
    return len(rules), sum(len(r.examples.fires) + len(r.examples.not_) for r in rules)
