"""Tests for bot.core.decide: priors, the log-linear decision, likely/candidates, repo corrections."""

from __future__ import annotations

import numpy as np
import pytest

from bot.core.decide import Decider
from bot.core.decide.priors import Priors, Record, family_of
from bot.core.decide.repo import repo_counts
from bot.core.decide.space import spaces_from_taxonomy
from bot.core.triage import triage
from bot.core.types import Evidence

DEP = "Environment Compatibility Issues - Dependency Library Compatibility"
QUANT = "Data and Computation Issues - Quantization Compatibility Issues"
CONF = "Configuration and Parameter Setting Errors - Inference Configuration Error"
OOM = "Crash - CUDA Error - Out of Memory"
GPU = "Hardware and Resource Limitations - GPU Memory Insufficiency"
GARBLED = ("Garbled output from Qwen2.5-7B-Instruct",
           "I serve the model and the answers are garbled: random characters and repeated words.")


@pytest.fixture(scope="module")
def rs():
    from bot.core.ruleset import RuleSet

    return RuleSet.load()


@pytest.fixture(scope="module")
def spaces(rs):
    return spaces_from_taxonomy(rs.taxonomy)


@pytest.fixture(scope="module")
def shipped(rs):
    from bot.ml import load_decider

    return load_decider(rs.taxonomy)


def test_the_classes_are_the_taxonomy_leaves_and_level_marginals_add_up(spaces):
    cause = spaces["root_cause"]
    assert DEP in cause.leaves and "Environment Compatibility Issues" not in cause.leaves
    p = np.full(cause.size, 1 / cause.size)
    for marg in cause.level_marginals(p):
        assert marg.sum() == pytest.approx(1.0)
    assert len(cause.index("Environment Compatibility Issues")) == 4  # its leaves, the odd double-space one too
    assert len(cause.index("No Such Node")) == 0


def test_priors_follow_the_records_and_back_off_to_the_general_context(spaces):
    records = [Record(OOM, GPU, "Inference", "qwen")] * 6 + [Record(OOM, DEP, "Inference", "llama")] * 2
    pri = Priors(spaces, records)
    cause, sym = spaces["root_cause"], spaces["symptom"]
    s, t = sym.leaves.index(OOM), spaces["stage"].leaves.index("Inference")
    qwen, llama = pri.cause[pri.family("QwenLM/Qwen2.5"), t, s], pri.cause[pri.family("meta-llama/llama3"), t, s]
    assert qwen.sum() == pytest.approx(1.0) and llama.sum() == pytest.approx(1.0)
    assert qwen[cause.leaves.index(GPU)] > llama[cause.leaves.index(GPU)]  # the family shifts it
    assert llama[cause.leaves.index(GPU)] > llama[cause.leaves.index(DEP)] * 0.5  # but backs off to all OOMs
    other = pri.cause[pri.family("vllm-project/vllm"), t, s]
    assert other.argmax() == cause.leaves.index(GPU)  # an unknown family gets the pooled distribution
    assert family_of("deepseek-ai/DeepSeek-V3") == "deepseek" and family_of(None) == "other"


def _rules_only(decider, dim, prior, evidence, ruled=None):
    """The distribution triage() computes for one dimension without the text classifier."""
    return decider.score(dim, decider.features(dim, prior, evidence, None, ruled=ruled), "rules")


def test_evidence_is_a_likelihood_feature_and_likely_levels_are_marginals(rs):
    decider = Decider(rs.taxonomy)
    prior = decider.cause_prior(None, decider.symptom_prior(None), np.array([0.9, 0.1]))
    base = decider.summarise("root_cause", _rules_only(decider, "root_cause", prior, []))
    ev = [Evidence(rule="x", node=QUANT, weight=6.0)]
    moved = decider.summarise("root_cause", _rules_only(decider, "root_cause", prior, ev))
    assert moved.likely.path == QUANT.split(" - ") and moved.likely.p[0] >= moved.likely.p[1]
    assert moved.likely.p[1] > base.candidates[0].p
    assert [c.p for c in moved.candidates] == sorted((c.p for c in moved.candidates), reverse=True)
    assert decider.depth("root_cause", moved.likely, "rules") <= 2


def test_each_leaf_gets_the_evidence_and_text_probability_of_its_prefix_at_each_level(rs):
    from bot.core.decide.model import TEXT_FLOOR

    decider = Decider(rs.taxonomy)
    space = decider.spaces["symptom"]
    ev = [Evidence(rule="a", node="Crash", weight=1.5), Evidence(rule="b", node=OOM, weight=2.0),
          Evidence(rule="c", node=OOM, weight=0.5), Evidence(rule="d", node="Crash - CUDA Error", weight=-3.0),
          Evidence(rule="e", node="No Such Node", weight=9.0)]
    text = {"symptom_l1": {"Crash": 0.7, "Hang": 0.2}, "symptom_l3": {OOM: 0.4}}  # no level 2: its column stays 0
    x = decider.features("symptom", np.full(space.size, 1 / space.size), ev, text)
    for i, leaf in enumerate(space.leaves):
        parts = leaf.split(" - ")
        for k, level in enumerate(("symptom_l1", "symptom_l2", "symptom_l3")):
            mine = " - ".join(parts[: k + 1])
            w = sum(e.weight for e in ev if len(e.node.split(" - ")) > k
                    and " - ".join(e.node.split(" - ")[: k + 1]) == mine)
            assert x[i, 1 + k] == pytest.approx(np.sign(w) * np.log1p(abs(w)))
            want = np.log(max(text[level].get(mine, 0.0), TEXT_FLOOR)) if level in text else 0.0
            assert x[i, 5 + k] == pytest.approx(want)  # after the prior, 3 rule levels and `ruled`


def test_the_rules_own_decision_moves_the_symptom_but_not_the_cause(rs):
    decider = Decider(rs.taxonomy)
    prior = decider.cause_prior(None, decider.symptom_prior(None), np.array([0.9, 0.1]))
    alone = _rules_only(decider, "root_cause", prior, [])
    assert np.allclose(_rules_only(decider, "root_cause", prior, [], ruled=QUANT), alone)
    sym = decider.symptom_prior(None)
    i = decider.spaces["symptom"].leaves.index(OOM)
    assert _rules_only(decider, "symptom", sym, [], ruled=OOM)[i] > _rules_only(decider, "symptom", sym, [])[i]


def test_repo_counts_keep_each_issues_latest_correction():
    rows = [{"number": 1, "dimension": "root_cause", "record": {"path": DEP.split(" - ")}},
            {"number": 1, "dimension": "root_cause", "record": {"path": QUANT.split(" - ")}},  # changed their mind
            {"number": 2, "dimension": "root_cause", "record": {"path": QUANT.split(" - ")}},
            {"number": 3, "dimension": "symptom", "record": {"path": None}},  # "no label" counts for nothing
            {"number": 4, "dimension": "label", "record": {"path": ["x"]}}]
    assert repo_counts(rows) == {"root_cause": {QUANT: 2.0}}


def test_three_cause_corrections_in_a_repo_change_its_next_decision(rs, shipped):
    from bot.ml import load_default

    clf = load_default()
    before = triage(*GARBLED, rs, classifier=clf, decider=shipped, repo="acme/models")
    assert before.likely["root_cause"].path != CONF.split(" - ")
    after = triage(*GARBLED, rs, classifier=clf, decider=shipped, repo="acme/models",
                   repo_counts={"root_cause": {CONF: 3}})
    assert after.likely["root_cause"].path == CONF.split(" - ")
    assert after.candidates["root_cause"][0].path == CONF.split(" - ")
    assert after.candidates["root_cause"][0].p > before.candidates["root_cause"][1].p + 0.2


def test_likely_and_candidates_are_in_the_json_and_nothing_is_applied_without_a_signal(rs, shipped):
    out = triage("CUDA OOM", "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB", rs,
                 decider=shipped).to_json()
    assert out["likely"]["symptom"]["path"] == OOM and len(out["likely"]["symptom"]["p"]) == 3
    assert out["symptom"] and OOM.startswith(out["symptom"])
    assert 1 <= len(out["candidates"]["root_cause"]) <= 3 and all(0 <= c["p"] <= 1 for c in out["candidates"]["stage"])
    typo = triage("Typo in the README", "It says 'comit' instead of 'commit'.", rs, decider=shipped).to_json()
    assert typo["symptom"] is None and typo["labels"] == []  # a weak rule may give a guess, nothing to label on
    thanks = triage("Thanks", "Great work on this release.", rs, decider=shipped).to_json()
    assert thanks["likely"] == {} and thanks["candidates"] == {} and thanks["symptom"] is None


def test_a_repository_with_records_gets_its_own_cause_prior_backed_off_to_its_family(spaces):
    records = [Record(OOM, GPU, "Inference", "qwen", "qwenlm/qwen")] * 6 + \
        [Record(OOM, DEP, "Inference", "qwen", "qwenlm/qwen2.5")] * 6
    pri = Priors(spaces, records)
    cause, sym = spaces["root_cause"], spaces["symptom"]
    s, t = sym.leaves.index(OOM), spaces["stage"].leaves.index("Inference")
    old, new = pri.cause_table("QwenLM/Qwen")[t, s], pri.cause_table("QwenLM/Qwen2.5")[t, s]
    assert old[cause.leaves.index(GPU)] > old[cause.leaves.index(DEP)]
    assert new[cause.leaves.index(DEP)] > new[cause.leaves.index(GPU)]
    fam = pri.cause_table("QwenLM/Qwen3")[t, s]  # no records of its own: the family's table
    assert fam == pytest.approx(pri.cause[pri.family("qwen"), t, s])
