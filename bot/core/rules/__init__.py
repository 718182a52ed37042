"""One rule language for evidence, fixes, checks and asks: COND compiled once per RuleSet, matched on a per-issue Scan.

Public API: `compile_cond(mapping, ruleset=None)` -> a node; `Scan(facts, ruleset).holds(node)` -> bool.
"""

from __future__ import annotations

from bot.core.rules.compile import Compiler, Hit, Node
from bot.core.rules.load import cond_of
from bot.core.rules.scan import Scan


def compile_cond(mapping: dict, ruleset=None) -> Node:
    """A COND mapping compiled (ValueError says what is wrong); with a RuleSet, its fragments and regex cache are used.

    Compile while loading (before the RuleSet's compiler is frozen) to have the patterns pooled; afterwards each
    pattern searches on its own, with the same result.
    """
    compiler = ruleset.compiler if ruleset is not None else Compiler().freeze()
    return compiler.cond(cond_of(mapping))


__all__ = ["Hit", "Node", "Scan", "compile_cond"]
