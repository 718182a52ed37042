"""The shipped RuleSet, the comment it gives an issue, and a copy of the rules directory with one file replaced (for
broken-file tests)."""

import shutil
from pathlib import Path

from bot.core.rulefile import rules_dir
from bot.core.ruleset import RuleSet

RULESET = RuleSet.load()


def visible_comment(title: str, body: str) -> str:
    """The visible part of the comment the shipped rules give the issue."""
    from bot.core.render import visible_part
    from bot.core.triage import triage

    return visible_part(triage(title, body, RULESET).comment or "")


def broken_rules(tmp_path: Path, name: str, text: str) -> RuleSet:
    """RuleSet.load() of the shipped rules with `name` (relative to rules/) written as `text`."""
    root = tmp_path / "rules"
    if not root.exists():
        shutil.copytree(rules_dir(), root)
    (root / name).write_text(text, encoding="utf-8")
    return RuleSet.load(root)
