"""Every known fix and compatibility check implies a root cause in the taxonomy: what the decision model counts."""

from __future__ import annotations

from types import SimpleNamespace as NS

from bot.cli.triage import load_ruleset
from bot.core.decide.space import spaces_from_taxonomy
from bot.ml.implied import implied_causes

CUDA = "Environment Compatibility Issues - CUDA Version Compatibility"
MEM = "Hardware and Resource Limitations - GPU Memory Insufficiency"


def test_a_check_implies_its_own_cause_else_the_cause_of_the_fix_it_names():
    fixes = [NS(id="old-driver", cause=CUDA)]
    checks = [NS(id="old-driver-check", cause=None, fix="old-driver"), NS(id="too-big", cause=MEM, fix=None),
              NS(id="stated", cause=MEM, fix="old-driver")]
    assert implied_causes(fixes, checks) == {"old-driver": CUDA, "old-driver-check": CUDA, "too-big": MEM,
                                             "stated": MEM}


def test_every_shipped_fix_and_check_implies_a_cause_of_the_taxonomy():
    rs = load_ruleset(None)
    space = spaces_from_taxonomy(rs.taxonomy)["root_cause"]
    got = implied_causes(rs.fixes, rs.checks)
    ids = [getattr(r, "rule", r).id for r in (*rs.fixes, *rs.checks)]
    assert sorted(got) == sorted(ids)
    assert [c for c in got.values() if not len(space.index(c))] == []
    assert got["weights-exceed-gpus"] == MEM and got["toolkit-newer-than-driver"] == CUDA
    assert got["python-too-old-for-torch"].endswith("Dependency Library Compatibility")
