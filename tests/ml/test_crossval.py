"""Tests for bot.ml.crossval: folds never score on training rows, and both systems are reported."""

import json

import pytest

pytest.importorskip("sklearn")

from bot.core.ruleset import RuleSet
from bot.ml.crossval import fold_models, folds, model_only, run_cv
from tests.ml.conftest import synthetic_rows


def test_every_row_is_held_out_exactly_once_and_never_trained_on():
    rows = synthetic_rows(5)
    splits = folds(rows, 5)
    held = sorted(i for _, te in splits for i in te)
    assert held == list(range(len(rows)))
    for tr, te in splits:
        assert not set(tr) & set(te)


def test_folds_are_stratified_by_symptom():
    rows = synthetic_rows(4)  # 4 kinds x 4
    for _, te in folds(rows, 4):
        assert len({rows[i]["labels"][0]["symptom"] for i in te}) == 4


def test_fold_models_record_only_their_training_rows():
    rows = synthetic_rows(3)
    models = fold_models(rows, 3, calibrate=False)
    assert len(models) == 3
    assert all(m.meta["rows"] == len(rows) - len(te) for m, te in models)


def test_model_only_replaces_the_three_dimensions():
    res = {"symptom": None, "root_cause": "X", "stage": None, "env": {}}
    out = model_only(res, {"symptom": (["Crash", "CUDA Error"], 0.2), "root_cause": (["Y"], 0.9),
                           "stage": (["Inference"], 0.99)})
    assert out == {"symptom": "Crash - CUDA Error", "root_cause": "Y", "stage": "Inference", "env": {}}


@pytest.fixture(scope="module")
def cv_json(tmp_path_factory):
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert run_cv(synthetic_rows(3), 3, RuleSet.load(), as_json=True) == 0
    return json.loads(buf.getvalue())


def test_run_cv_reports_rules_and_rules_plus_classifier_per_level(cv_json):
    assert cv_json["cv"] == 3 and cv_json["rows"] == 12
    reports = cv_json["reports"]
    assert set(reports) == {"rules", "rules+classifier", "classifier"}
    for report in reports.values():
        assert {"symptom L1", "root cause L1", "stage"} <= set(report["levels"])
    # on this well-separated synthetic set the classifier alone gets every symptom L1 right
    assert reports["classifier"]["levels"]["symptom L1"]["accuracy"] == 1.0


def test_run_cv_text_output_names_both_systems(capsys):
    assert run_cv(synthetic_rows(2), 2, RuleSet.load(), as_json=False) == 0
    out = capsys.readouterr().out
    assert "rules+classifier" in out and "== rules ==" in out
    assert out.rstrip().splitlines()[-1].startswith("stage")


def test_run_cv_rejects_a_bad_k():
    with pytest.raises(ValueError, match="--cv needs"):
        run_cv(synthetic_rows(1), 1, RuleSet.load(), as_json=True)
