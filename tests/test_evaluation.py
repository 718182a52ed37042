"""Tests for bot.evaluation: level matching, abstention, multi-record gold, env scores and confusions."""

import pytest

from bot.evaluation import format_table, score


def gold(*records, env=None):
    return {"labels": [dict(zip(("symptom", "root_cause", "stage"), r)) for r in records], "env": env or {}}


def result(symptom=None, cause=None, stage=None, env=None):
    return {"symptom": symptom, "root_cause": cause, "stage": stage, "env": env or {}}


OOM = ("Crash - CUDA Error - Out of Memory", "Hardware and Resource Limitations - GPU Memory Insufficiency", "Inference")


def test_a_level_is_right_when_its_first_k_levels_match():
    rep = score([gold(OOM)], [result("Crash - CUDA Error - Device Error", OOM[1], "Inference")])["levels"]
    assert rep["symptom L1"]["accuracy"] == 1 and rep["symptom L2"]["accuracy"] == 1
    assert rep["symptom L3"]["accuracy"] == 0 and rep["symptom L3"]["precision"] == 0
    assert rep["root cause L2"]["accuracy"] == 1 and rep["stage"]["accuracy"] == 1


def test_abstention_is_wrong_for_accuracy_and_left_out_of_precision():
    rows = [gold(OOM), gold(OOM)]
    rep = score(rows, [result("Crash", None, "Inference"), result(OOM[0], None, None)])["levels"]
    assert rep["symptom L1"] == {"n": 2, "answered": 2, "correct": 2, "accuracy": 1, "precision": 1, "coverage": 1}
    assert rep["symptom L2"]["accuracy"] == 0.5 and rep["symptom L2"]["precision"] == 1
    assert rep["symptom L2"]["coverage"] == 0.5
    assert rep["root cause L1"]["coverage"] == 0 and rep["root cause L1"]["precision"] == 0
    assert rep["stage"]["accuracy"] == 0.5


def test_any_gold_record_counts():
    hang = ("Hang - Generation Process Stuck", "Distributed and Parallel Computing Issues", "Inference")
    rep = score([gold(OOM, hang)], [result("Hang", "Distributed and Parallel Computing Issues")])["levels"]
    assert rep["symptom L1"]["accuracy"] == 1 and rep["root cause L1"]["accuracy"] == 1


def test_env_scores_and_confusion_matrices():
    rows = [gold(OOM, env={"torch": "2.1.0", "gpu": "A100"}), gold(OOM)]
    res = [result("Crash", env={"torch": "2.1", "gpu": "V100"}), result("Hang")]
    rep = score(rows, res)
    assert rep["env"]["torch"]["tp"] == 1 and rep["env"]["gpu"]["fp"] == 1
    assert rep["confusion"]["symptom"] == {"Crash": {"Crash": 1, "Hang": 1}}
    assert rep["confusion"]["root_cause"] == {"Hardware and Resource Limitations": {"(none)": 2}}


def test_format_table_lists_every_level_env_field_and_matrix():
    text = format_table(score([gold(OOM, env={"torch": "2.1.0"})], [result(*OOM, env={"torch": "2.1"})]))
    for row in ("symptom L1", "symptom L3", "root cause L2", "stage", "torch", "all", "confusion, symptom L1",
                "confusion, root cause L1"):
        assert row in text


def test_mismatched_lengths_are_an_error():
    with pytest.raises(ValueError):
        score([gold(OOM)], [])


def test_read_labelled_hashes_the_bytes_and_names_a_bad_line(tmp_path):
    import hashlib

    import pytest

    from bot.evaluation import read_labelled

    good = tmp_path / "a.jsonl"
    good.write_text('{"title": "t", "body": "b", "labels": []}\n\n', encoding="utf-8")
    rows, sha = read_labelled([str(good)])
    assert rows == [{"title": "t", "body": "b", "labels": []}]
    assert sha == hashlib.sha256(good.read_bytes()).hexdigest()
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"labels": []}\n{"title": 1}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"b.jsonl: line 2: expected an object with a 'labels' list"):
        read_labelled([str(good), str(bad)])
    with pytest.raises(ValueError, match="cannot read"):
        read_labelled([str(tmp_path / "missing.jsonl")])
