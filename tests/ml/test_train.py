"""Tests for bot.ml.train: label normalisation, per-level targets, metadata."""

import pytest

pytest.importorskip("sklearn")

from bot.ml.train import level_targets, norm_label, rows_sha256, train


def test_norm_label_collapses_whitespace():
    assert norm_label("Environment Compatibility Issues -  Architecture Compatibility") == \
        "Environment Compatibility Issues - Architecture Compatibility"


def test_level_targets_split_each_dimension_by_level():
    t = level_targets({"symptom": "Crash - CUDA Error - Out of Memory",
                       "root_cause": "Hardware and Resource Limitations - GPU Memory Insufficiency",
                       "stage": "Inference"})
    assert t == {"symptom_l1": "Crash", "symptom_l2": "Crash - CUDA Error",
                 "symptom_l3": "Crash - CUDA Error - Out of Memory",
                 "root_cause_l1": "Hardware and Resource Limitations",
                 "root_cause_l2": "Hardware and Resource Limitations - GPU Memory Insufficiency",
                 "stage": "Inference"}


def test_rows_sha256_depends_on_content():
    a = [{"title": "a", "labels": []}]
    assert rows_sha256(a) == rows_sha256([dict(a[0])])
    assert rows_sha256(a) != rows_sha256([{"title": "b", "labels": []}])


def test_unlabelled_rows_are_skipped_and_records_counted(rows):
    extra = [{"title": "no labels", "body": "x", "labels": []}]
    two = [dict(rows[0], title="another issue", labels=rows[0]["labels"] + rows[1]["labels"])]
    model = train(rows + extra + two, created_by="pytest", calibrate=False)
    assert model.meta["rows"] == len(rows) + 1
    assert model.meta["examples"] == len(rows) + 2


def test_calibration_picks_a_temperature_per_level(model):
    assert set(model.models) == {"symptom_l1", "symptom_l2", "symptom_l3", "root_cause_l1", "root_cause_l2", "stage"}
    assert all(m.temperature > 0 for m in model.models.values())


def test_a_later_row_for_the_same_issue_replaces_the_earlier_one():
    from bot.ml.train import latest_rows

    original = {"source": "https://github.com/o/r/issues/1", "title": "t", "labels": ["old"]}
    override = {"source": "https://github.com/o/r/issues/1", "title": "t", "labels": ["new"]}
    other = {"title": "u", "body": "b", "labels": ["x"]}
    assert latest_rows([original, other, override]) == [other, override]


def test_overrides_change_what_the_model_learns(rows):
    relabelled = dict(rows[0], source="https://github.com/o/r/issues/7")
    stage = dict(relabelled, labels=[dict(relabelled["labels"][0], stage="Fine-tuning")])
    model = train([relabelled, *rows[1:], stage], created_by="pytest", calibrate=False)
    assert model.meta["rows"] == len(rows)
    assert model.meta["firstmile_version"]


def test_temperature_ignores_held_out_rows_whose_class_the_fold_never_saw(rows):
    # one extra class with a single row: its held-out fold cannot score it, which must not flatten the model
    odd = {"title": "slow", "body": "inference is slow", "labels": [dict(rows[0]["labels"][0], symptom="Poor Performance")]}
    model = train(rows + [odd], created_by="pytest")
    assert model.models["symptom_l1"].temperature < 4.0


def test_written_issues_get_their_own_cause_head_on_the_same_vocabulary(rows, model, tmp_path):
    from bot.core.decide.model import WRITTEN
    from bot.ml.model import Classifier
    from bot.ml.train import row_facts

    # the written issues teach the opposite: OOM wording labelled as a dependency problem
    flipped = [dict(r, labels=[rows[2]["labels"][0]]) for r in rows[0::4]] + rows[1::4] + rows[2::4]
    both = train(rows, created_by="pytest", written=flipped)
    assert WRITTEN not in model.models and set(both.models) == set(model.models) | {WRITTEN}
    assert both.vocab.terms == model.vocab.terms  # the head reads the real issues' vocabulary
    oom = row_facts([rows[0]])[0]
    probas = both.text_probas(oom)
    assert probas["root_cause_l1"]["Hardware and Resource Limitations"] > 0.5  # the real issues' head as before
    assert probas[WRITTEN]["Environment Compatibility Issues"] > 0.5  # the written issues' head learned its own
    both.save(tmp_path)
    assert Classifier.load(tmp_path).text_probas(oom)[WRITTEN] == pytest.approx(probas[WRITTEN], abs=1e-3)
    assert train(rows, created_by="pytest", written=rows[0::4]).text_probas(oom)[WRITTEN] == {
        "Hardware and Resource Limitations": 1.0}  # one class written: a head of that class
