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
