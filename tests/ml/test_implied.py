"""Every known fix and compatibility check implies a root cause in the taxonomy: what the decision model counts."""

from __future__ import annotations

from types import SimpleNamespace as NS

from bot.cli.triage import load_ruleset
from bot.core.decide.space import spaces_from_taxonomy
from bot.ml.implied import GPU_MEM, implied_causes


def test_a_check_named_after_a_fix_implies_the_fix_cause_and_unknown_checks_imply_nothing():
    fixes = [NS(id="old-driver", cause=["Environment Compatibility Issues", "CUDA Version Compatibility"]),
             NS(id="no-cause", cause=None)]
    checks = [NS(id="old-driver-check"), NS(id="no-cause-check"), NS(id="mystery"), NS(id="weights-exceed-gpus"),
              NS(id="python-too-new-for-torch-9")]
    got = implied_causes(fixes, checks)
    assert got["old-driver-check"] == got["old-driver"] == \
        "Environment Compatibility Issues - CUDA Version Compatibility"
    assert "no-cause" not in got and "no-cause-check" not in got and "mystery" not in got
    assert got["weights-exceed-gpus"] == GPU_MEM
    assert got["python-too-new-for-torch-9"].endswith("Dependency Library Compatibility")


def test_every_shipped_fix_and_check_implies_a_cause_of_the_taxonomy():
    rs = load_ruleset(None)
    space = spaces_from_taxonomy(rs.taxonomy)["root_cause"]
    got = implied_causes(rs.fixes, rs.checks)
    ids = [getattr(r, "rule", r).id for r in (*rs.fixes, *rs.checks)]
    assert [i for i in ids if i not in got] == []
    assert [c for c in got.values() if not len(space.index(c))] == []
