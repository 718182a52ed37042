"""Every shipped evidence rule, fix and check fires on each of its `fires` examples and on none of its `not` examples."""

import pytest

from bot.cli.rules import every_rule, failures
from tests.core.rules_dir import RULESET


@pytest.mark.parametrize("where, rule", every_rule(RULESET), ids=lambda x: getattr(x, "id", None))
def test_rule_examples(where, rule):
    assert failures(RULESET, [(where, rule)]) == []
