"""Every shipped fix and check fires on each of its `fires` examples and on none of its `not` examples."""

import pytest

from bot.core.rules.examples import failures
from tests.core.rules_dir import RULESET


@pytest.mark.parametrize("rule", [*RULESET.fixes, *RULESET.checks], ids=lambda c: c.rule.id)
def test_rule_examples(rule):
    assert failures(RULESET, [rule]) == []
