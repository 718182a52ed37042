"""One rule language for evidence, fixes, checks and asks: COND compiled once per RuleSet, matched on a per-issue Scan.

Public API: `compile_cond(mapping, ruleset=None)` -> a node; `Scan(facts, ruleset).holds(node)` -> bool. While
loading, `compiler.cond(cond_of(mapping))` with the Compiler RuleSet.load passes pools the patterns with the rest.
"""

from __future__ import annotations

from bot.core.rules.compile import Compiler, Hit, Node
from bot.core.rules.load import cond_of
from bot.core.rules.scan import Scan


def compile_cond(mapping: dict, ruleset=None) -> Node:
    """A COND mapping compiled (ValueError says what is wrong), with the RuleSet's fragments and regex cache if given;
    compiled after loading, its patterns get a pool of their own."""
    return (ruleset.compiler if ruleset is not None else Compiler().freeze()).cond(cond_of(mapping))


__all__ = ["Hit", "Node", "Scan", "compile_cond"]
