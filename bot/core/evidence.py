"""Evidence rules (rules/evidence/*.yml): the rules that fire on a scanned issue, as Evidence for one dimension."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.rules.compile import Node, gates
from bot.core.rules.schema import EvidenceRule, Settings
from bot.core.types import Evidence

__all__ = ["EvidenceRules", "Settings", "collect", "resolved"]


@dataclass(frozen=True)
class EvidenceRules:
    """One dimension's compiled rules, keyed by a pattern each needs so that an issue tries only those that can fire."""

    rules: tuple[tuple[EvidenceRule, Node, Node | None], ...]
    gated: dict
    always: tuple[int, ...]
    evidence: tuple[Evidence, ...] = ()
    """Each rule's Evidence (rule, node, weight) as collect gives it, made once."""

    @classmethod
    def of(cls, rules: list[tuple[EvidenceRule, Node, Node | None]]) -> EvidenceRules:
        """Index the rules by their gates."""
        gated: dict = {}
        always = []
        for i, (_, when, _) in enumerate(rules):
            g = gates(when)
            for pool, ids in g or ():
                for pid in ids:
                    gated.setdefault(pool, {}).setdefault(pid, []).append(i)
            if g is None:
                always.append(i)
        return cls(tuple(rules), {p: (frozenset(t), t) for p, t in gated.items()}, tuple(always),
                   tuple(Evidence(rule=r.id, node=r.node, weight=r.weight) for r, _, _ in rules))

    def __len__(self) -> int:
        return len(self.rules)


def collect(scan, rules: EvidenceRules) -> list[Evidence]:
    """Every rule that fires on the scanned issue, in rule order; spans are left for `resolved` (see Scan.fired)."""
    todo = set(rules.always)
    for pool, (keys, table) in rules.gated.items():
        for pid in scan.found(pool) & keys:  # only the patterns these rules are gated on
            todo.update(table[pid])
    out = []
    for i in sorted(todo):
        rule, when, unless = rules.rules[i]
        hit = when.hit(scan)
        if hit is not None and (unless is None or unless.hit(scan) is None):
            scan.fired[rule.id] = hit
            out.append(rules.evidence[i])
    return out


def resolved(scan, ev: Evidence) -> Evidence:
    """The evidence with the span and snippet of the text its rule fired on."""
    hit = scan.fired.get(ev.rule)
    if hit is None:
        return ev
    hit = scan.resolve(hit)
    return Evidence(rule=ev.rule, node=ev.node, weight=ev.weight, span=hit.span, text=hit.text)
