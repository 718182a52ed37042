"""The decision model's fit: each row's out-of-fold distribution comes from weights that never saw its label, and
the priors' records keep their repository."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("scipy")

from bot.core.decide.model import feature_names
from bot.ml.decide_train import fit_theta, oof_distributions, record_rows

NAMES = feature_names("stage", False)  # prior, rule1, ruled, text1 over two classes


def _data(n: int = 40):
    rng = np.random.default_rng(3)
    xs, golds = [], []
    for i in range(n):
        gold = i % 2
        x = rng.normal(size=(2, len(NAMES)))
        x[gold, 1] += 2.0  # the rule feature points at the gold class
        xs.append(x)
        golds.append(np.array([gold]))
    return xs, golds


def test_a_rows_out_of_fold_distribution_ignores_its_own_label():
    xs, golds = _data()
    fold_of = {i: i % 4 for i in range(len(xs))}
    before = oof_distributions(xs, golds, NAMES, fold_of, 4)
    flipped = list(golds)
    flipped[0] = np.array([1 - int(golds[0][0])])
    after = oof_distributions(xs, flipped, NAMES, fold_of, 4)
    assert after[0] == pytest.approx(before[0])  # row 0's own label never reached its weights
    assert after[1] != pytest.approx(before[1])  # but it did reach the other folds' weights
    assert before[0].sum() == pytest.approx(1.0) and before[0][0] > before[0][1]  # the rule points at class 0
    assert fit_theta(xs, golds, NAMES)["rule1"] > 1.0


def test_record_rows_keep_the_repository_and_leave_out_held_out_issues():
    base = {"symptom": "Crash - Other Crashes", "root_cause": "Model Corruption Issues - Other File Corruptions",
            "stage": "Inference"}
    rows = record_rows([base | {"repo": "QwenLM/Qwen2.5", "dev_id": None}] * 2
                       + [base | {"repo": "QwenLM/Qwen", "dev_id": "dev-1"}], exclude_dev={"dev-1"})
    assert rows == [[base["symptom"], base["root_cause"], "Inference", "qwen", 2, "qwenlm/qwen2.5"]]


def test_the_causes_level_one_likelihood_counts_twice_in_its_fit():
    from bot.core.decide.space import spaces_from_taxonomy
    from bot.core.ruleset import RuleSet

    cause = spaces_from_taxonomy(RuleSet.load().taxonomy)["root_cause"]
    names = feature_names("root_cause", True)
    rng = np.random.default_rng(5)
    of = cause.prefix_of[0]
    xs, golds = [], []
    for i in range(60):
        gold = i % cause.size
        x = np.zeros((cause.size, len(names)))
        x[:, names.index("rule1")] = (of == of[gold]) * 1.0  # right at level 1
        x[rng.integers(cause.size), names.index("rule2")] = 1.0  # a leaf at random
        xs.append(x)
        golds.append(np.array([gold]))
    plain, twice = fit_theta(xs, golds, names), fit_theta(xs, golds, names, space=cause)
    assert twice["rule1"] > plain["rule1"]  # the level-1 feature gains weight when level 1 counts twice
    stage_space = spaces_from_taxonomy(RuleSet.load().taxonomy)["stage"]
    stage_xs = [np.zeros((stage_space.size, len(NAMES))) for _ in range(4)]
    stage_golds = [np.array([i % 2]) for i in range(4)]
    assert fit_theta(stage_xs, stage_golds, NAMES, space=stage_space) == fit_theta(stage_xs, stage_golds, NAMES)


def test_the_written_column_reads_its_head_and_its_weight_is_pulled_harder_to_zero():
    from bot.core.decide.model import WRITTEN, features
    from bot.core.decide.space import spaces_from_taxonomy
    from bot.core.ruleset import RuleSet

    cause = spaces_from_taxonomy(RuleSet.load().taxonomy)["root_cause"]
    names = feature_names("root_cause", True)
    assert names.index("written") == len(names) - 2 and "written" not in feature_names("symptom", False)
    top = cause.prefixes[0][0]
    x = features(cause, np.zeros(cause.size), [], {WRITTEN: {top: 0.9}}, [])
    col = x[:, names.index("written")]
    assert np.allclose(col[cause.under[top]], np.log(0.9)) and np.allclose(np.delete(col, cause.under[top]), np.log(1e-3))
    assert not x[:, names.index("text1")].any()  # the real issues' head said nothing
    # the same informative column, named text1 or written: the written weight stays nearer its default 0
    rng = np.random.default_rng(7)
    xs, golds = [], []
    for i in range(60):
        gold = i % cause.size
        m = rng.normal(size=(cause.size, len(names))) * 0.1
        m[gold, names.index("written")] += 1.0
        m[gold, names.index("text1")] += 1.0
        xs.append(m)
        golds.append(np.array([gold]))
    th = fit_theta(xs, golds, names)
    # both start at their defaults (0 and 0.6); under one penalty they would end 0.6 apart
    assert th["written"] > 0.05 and th["text1"] - th["written"] > 0.6 + 4 * th["written"]
