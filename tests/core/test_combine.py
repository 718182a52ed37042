"""Tests for bot.core.combine: the rules decide when sure, the classifier fills abstentions and breaks weak calls."""

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.combine import KEYS, RULES_SURE, combine, combine_one, settled
from bot.core.ruleset import RuleSet
from bot.core.types import Evidence, Prediction

CRASH = ["Crash"]
OOM = ["Crash", "CUDA Error"]
LOADING = ["Loading Failure", "Model Loading Error"]


def rule(path, conf):
    return Prediction(path=path, confidence=conf, evidence=[Evidence(rule="r1", node=path[-1], weight=1.0)])


@pytest.mark.parametrize(
    "rule_pred, model, expected_path, expected_by",
    [
        (None, None, None, None),  # nothing from either side
        (rule(CRASH, 0.9), None, CRASH, "rules"),  # no model: rules untouched
        (None, (LOADING, 0.7), LOADING, "model"),  # rules abstain, model sure: fill
        (None, (LOADING, 0.2), None, None),  # rules abstain, model unsure: still abstain
        (rule(CRASH, 0.9), (OOM, 0.8), OOM, "model"),  # model deepens an agreeing path
        (rule(CRASH, 0.9), (OOM, 0.4), CRASH, "rules"),  # too unsure to deepen
        (rule(OOM, 0.9), (CRASH, 0.9), OOM, "rules"),  # model shallower: rules keep their depth
        (rule(["Crash", "Process Killed"], 0.9), (OOM, 0.9), ["Crash", "Process Killed"], "rules"),  # same L1, other L2
        (rule(CRASH, 0.9), (LOADING, 0.95), CRASH, "rules"),  # rules sure: never overridden
        (rule(CRASH, 0.4), (LOADING, 0.8), LOADING, "model"),  # rules unsure, model much surer: tie broken
        (rule(CRASH, 0.45), (LOADING, 0.55), CRASH, "rules"),  # model not enough surer than the rules
        (rule(CRASH, 0.55), (LOADING, 0.95), CRASH, "rules"),  # rules cleared their thresholds: kept
    ],
)
def test_combine_one_policy(rule_pred, model, expected_path, expected_by):
    out = combine_one(rule_pred, model)
    if expected_path is None:
        assert out is None
    else:
        assert out.path == expected_path
        assert out.decided_by == expected_by


def test_deepened_prediction_keeps_rule_evidence_and_adds_the_classifier():
    out = combine_one(rule(CRASH, 0.9), (OOM, 0.8))
    assert [e.rule for e in out.evidence] == ["r1", "classifier"]
    assert out.confidence == 0.8


def test_combine_covers_every_dimension_and_tolerates_missing_keys():
    rules = {"symptom": rule(CRASH, 0.9), "root_cause": None}
    model = {"root_cause": (["Hardware and Resource Limitations"], 0.7), "stage": (["Inference"], 0.95)}
    out = combine(rules, model)
    assert set(out) == {"symptom", "root_cause", "stage"}
    assert out["symptom"].decided_by == "rules"
    assert out["root_cause"] is None  # the model never fills a cause by default
    assert combine(rules, model, fill_min=0.3)["root_cause"].path == ["Hardware and Resource Limitations"]
    assert out["stage"].decided_by == "model"


def test_thresholds_are_arguments():
    rules = {"symptom": None}
    model = {"symptom": (CRASH, 0.25)}
    assert combine(rules, model)["symptom"] is None
    assert combine(rules, model, fill_min=0.2)["symptom"].path == CRASH


def test_none_model_returns_the_rules():
    rules = {"symptom": rule(CRASH, 0.9), "root_cause": None, "stage": rule(["Inference"], 0.5)}
    assert combine(rules, None) == rules


def test_core_combine_does_not_import_sklearn_or_bot_ml():
    import bot.core.combine as mod

    src = open(mod.__file__, encoding="utf-8").read()
    assert "sklearn" not in src and "bot.ml" not in src


def test_the_model_never_fills_or_breaks_a_root_cause_by_default():
    model = {"symptom": (CRASH, 0.4), "root_cause": (["Hardware and Resource Limitations"], 0.99)}
    out = combine({}, model)
    assert out["symptom"].path == CRASH and out["root_cause"] is None
    weak = {"root_cause": rule(["Data and Computation Issues"], 0.3)}
    assert combine(weak, model)["root_cause"].path == ["Data and Computation Issues"]
    assert combine({}, model, fill_min=0.3)["root_cause"] is not None  # an explicit threshold applies to every dimension
    deep = {"root_cause": (["Hardware and Resource Limitations", "GPU Memory Insufficiency"], 0.9)}
    sure = {"root_cause": rule(["Hardware and Resource Limitations"], 0.9)}
    assert combine(sure, deep)["root_cause"].path == deep["root_cause"][0]  # deepening an agreeing cause still works


@functools.cache
def _taxonomy():
    return RuleSet.load().taxonomy


def _leaves(taxonomy, dim):
    """Every leaf path of a dimension."""
    return [list(n.path) for n in taxonomy.dimension_nodes(dim) if not taxonomy.named_children(dim, tuple(n.path))]


def _paths(taxonomy, dim):
    return [list(n.path) for n in taxonomy.dimension_nodes(dim)]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_settled_rules_are_what_combine_returns_whatever_the_model_says(data):
    tx = _taxonomy()
    rules = {k: rule(data.draw(st.sampled_from(_leaves(tx, k))), data.draw(st.floats(RULES_SURE, 1.0)))
             for k in KEYS}
    if data.draw(st.booleans()):
        rules["root_cause"] = None  # an abstained cause: the model may not fill it
    model = {k: (data.draw(st.sampled_from(_paths(tx, k))), data.draw(st.floats(0.0, 1.0))) for k in KEYS}
    assert settled(rules, tx)
    assert combine(rules, model) == rules


def test_not_settled_when_a_dimension_is_open_unsure_or_above_a_leaf():
    tx = _taxonomy()
    leaf = {"symptom": rule(["Crash", "CUDA Error", "Out of Memory"], 0.9),
            "root_cause": rule(["Hardware and Resource Limitations", "GPU Memory Insufficiency"], 0.9),
            "stage": rule(["Inference"], 0.9)}
    assert settled(leaf, tx)
    assert not settled(leaf | {"stage": None}, tx)
    assert settled(leaf | {"root_cause": None}, tx)  # the model never fills a cause
    unsure = rule(["Crash", "CUDA Error", "Out of Memory"], RULES_SURE - 0.01)
    assert not settled(leaf | {"symptom": unsure}, tx)
    assert not settled(leaf | {"symptom": rule(["Crash", "CUDA Error"], 0.9)}, tx)  # the model could deepen it
