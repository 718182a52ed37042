"""The root cause each known fix or compatibility check implies, by id: a fix states its own `cause:` (rules/fixes),
a check its own or, when it names a `fix:`, that fix's (rules/checks.yml)."""

from __future__ import annotations


def implied_causes(fixes=(), checks=()) -> dict[str, str]:
    """Id -> implied cause for every fix and every check."""
    out = {f.id: f.cause for f in (getattr(f, "rule", f) for f in fixes)}  # RuleSet's compiled rules carry the rule
    for c in (getattr(c, "rule", c) for c in checks):
        out[c.id] = c.cause or out[c.fix]
    return out
