"""Rule examples as tests: each `fires` example must fire its rule, each `not` example must not (semgrep-style)."""

from __future__ import annotations

from bot.core.rules.scan import Scan


def issue(example: str | dict) -> tuple[str, str]:
    """(title, body) of an example: a string is a body."""
    return ("", example) if isinstance(example, str) else (example.get("title", ""), example.get("body", ""))


def fired(title: str, body: str, ruleset) -> set[str]:
    """The ids of every rule that fires on the issue, decided as triage decides it (rules only)."""
    from bot.core.triage import triage

    decision = triage(title, body, ruleset)
    scan = Scan(decision.facts, ruleset)
    scan.chosen = {d: p.name for d in ("symptom", "stage", "root_cause") if (p := getattr(decision, d)) is not None}
    out = {e.rule for d in ("symptom", "stage", "root_cause") for e in _evidence(decision, d)}
    out.update(ruleset.fix_index.fixes[i].rule.id for i, _, _ in ruleset.fix_index.scored(scan))
    out.update(c.rule.id for c in ruleset.checks if c.holds(scan))
    return out


def _evidence(decision, dim: str) -> list:
    """The evidence a dimension's decision kept."""
    pred = getattr(decision, dim)
    return pred.evidence if pred is not None else []


def failures(ruleset, rules=None) -> list[str]:
    """One line per example that does not behave as stated: `<file>: <rule id>: fires|not #k`."""
    out = []
    for c in rules if rules is not None else [*ruleset.fixes, *ruleset.checks]:
        ex = c.rule.examples
        for expect, cases in ((True, ex.fires), (False, ex.not_)):
            for k, case in enumerate(cases, 1):
                if (c.rule.id in fired(*issue(case), ruleset)) != expect:
                    out.append(f"{c.file}: {c.rule.id}: {'fires' if expect else 'not'} example #{k} "
                               f"{'did not fire' if expect else 'fired'}")
    return out


def count(ruleset) -> tuple[int, int]:
    """(rules, examples) that `failures` runs."""
    rules = [*ruleset.fixes, *ruleset.checks]
    return len(rules), sum(len(c.rule.examples.fires) + len(c.rule.examples.not_) for c in rules)
