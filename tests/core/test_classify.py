"""Tests for bot.core.classify: support propagates up the tree, and each level abstains below its thresholds."""

import pytest

from bot.core.classify import decide, support
from bot.core.evidence import Settings
from bot.core.rulefile import rules_dir
from bot.core.taxonomy import load_taxonomy
from bot.core.types import Evidence


@pytest.fixture(scope="module")
def tax():
    return load_taxonomy(rules_dir() / "taxonomy.yml")


def ev(node, weight, rule="r"):
    return Evidence(rule=rule, node=node, weight=weight)


SETTINGS = Settings(min_score=[2, 3, 3], min_confidence=[0.5, 0.5, 0.5], smoothing=1.0)


def test_support_adds_weights_to_every_ancestor():
    s = support([ev("Crash - CUDA Error - Out of Memory", 4), ev("Crash", 1)], {"Hang": 0.5})
    assert s == {"Crash": 5, "Crash - CUDA Error": 4, "Crash - CUDA Error - Out of Memory": 4, "Hang": 0.5}


def test_strong_evidence_gives_the_full_path_with_its_explanation(tax):
    pred, confs = decide("symptom", [ev("Crash - CUDA Error - Out of Memory", 6, "oom")], tax, SETTINGS)
    assert pred.name == "Crash - CUDA Error - Out of Memory"
    assert confs == [pytest.approx(6 / 7, abs=1e-3)] * 3 and pred.confidence == min(confs)
    assert [e.rule for e in pred.evidence] == ["oom"]


def test_weak_leaf_evidence_stops_at_the_level_it_supports(tax):
    pred, _ = decide("symptom", [ev("Crash", 3), ev("Crash - CUDA Error - Out of Memory", 2)], tax, SETTINGS)
    assert pred.path == ["Crash"]


def test_conflicting_leaves_abstain_below_the_common_parent(tax):
    evidence = [ev("Crash - CUDA Error - Out of Memory", 4), ev("Crash - CUDA Error - Device Error", 4)]
    pred, _ = decide("symptom", evidence, tax, SETTINGS)
    assert pred.path == ["Crash", "CUDA Error"]


def test_conflicting_top_levels_abstain_entirely(tax):
    pred, confs = decide("symptom", [ev("Hang", 3), ev("Crash", 3)], tax, SETTINGS)
    assert pred is None and confs == []


def test_no_evidence_is_no_prediction_and_priors_count(tax):
    assert decide("stage", [], tax, Settings(min_score=[1], min_confidence=[0.5]))[0] is None
    s = Settings(min_score=[1], min_confidence=[0.5], smoothing=0.5, prior={"Inference": 1.5})
    assert decide("stage", [], tax, s)[0].name == "Inference"
    assert decide("stage", [ev("Fine-tuning", 3)], tax, s)[0].name == "Fine-tuning"


def test_negative_weights_lower_support(tax):
    pred, _ = decide("symptom", [ev("Hang", 3), ev("Hang", -2)], tax, SETTINGS)
    assert pred is None


def test_unrelated_evidence_is_not_part_of_the_explanation(tax):
    pred, _ = decide("symptom", [ev("Hang", 5, "h"), ev("Crash", 0.5, "c")], tax, SETTINGS)
    assert [e.rule for e in pred.evidence] == ["h"]
