"""Tests for bot.ml.model: predictions per dimension, and safe JSON + npz model files."""

import json

import pytest

pytest.importorskip("sklearn")

import numpy as np  # noqa: E402

from bot.core.extract import extract
from bot.ml.model import FORMAT_VERSION, Classifier


def test_predicts_a_path_and_probability_for_every_dimension(model):
    out = model.predict(extract("CUDA out of memory on my A100",
                                "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 1 GiB"))
    assert set(out) == {"symptom", "root_cause", "stage"}
    assert out["symptom"][0][0] == "Crash"
    assert out["root_cause"][0][0] == "Hardware and Resource Limitations"
    assert out["stage"][0] == ["Inference"]
    assert all(0.0 < p <= 1.0 for _, p in out.values())


def test_chinese_prose_alone_is_enough(model):
    out = model.predict(extract("输出问题", "模型一直重复输出同样的内容"))
    assert out["symptom"][0][0] == "Incorrect Functionality"


def test_deeper_levels_are_kept_only_while_the_joint_probability_is_high(model):
    facts = extract("LoRA finetune hangs", "deepspeed 微调训练卡住")
    deep = model.predict(facts)["symptom"]
    model_strict = Classifier(model.vocab, model.models, model.meta, min_deep=1.01)
    shallow = model_strict.predict(facts)["symptom"]
    assert len(deep[0]) == 2 and len(shallow[0]) == 1
    assert shallow[1] >= deep[1]


def test_save_and_load_round_trip_without_pickle(model, tmp_path):
    model.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "weights.npz"]
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as npz:
        assert all(npz[k].dtype != object for k in npz.files)
    loaded = Classifier.load(tmp_path)
    facts = extract("model keeps repeating", "the same words again and again")
    got, want = loaded.predict(facts), model.predict(facts)
    assert {k: v[0] for k, v in got.items()} == {k: v[0] for k, v in want.items()}
    assert all(np.isclose(got[k][1], want[k][1], atol=1e-4) for k in got)


def test_metadata_names_the_training_data_and_versions(model, tmp_path):
    model.save(tmp_path)
    doc = json.loads((tmp_path / "model.json").read_text())
    assert doc["format_version"] == FORMAT_VERSION
    meta = doc["meta"]
    assert len(meta["data_sha256"]) == 64 and meta["created_by"] == "pytest"
    assert meta["sklearn_version"] and meta["rows"] == 24


def test_load_refuses_another_format_version(model, tmp_path):
    model.save(tmp_path)
    doc = json.loads((tmp_path / "model.json").read_text())
    doc["format_version"] = FORMAT_VERSION + 1
    (tmp_path / "model.json").write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="model format"):
        Classifier.load(tmp_path)


def test_model_files_hold_no_term_seen_in_only_one_issue(rows, tmp_path):
    from bot.ml.train import train

    once = rows + [{"title": "zebraquux", "body": "a one-off word", "labels": rows[0]["labels"]}]
    train(once, created_by="pytest").save(tmp_path)
    assert "zebraquux" not in (tmp_path / "model.json").read_text()


def test_an_empty_or_huge_issue_still_gets_an_answer(model):
    for title, body in (("", ""), ("x" * 10, "显存不足 " * 200_000)):
        out = model.predict(extract(title, body))
        assert set(out) == {"symptom", "root_cause", "stage"}
        assert all(path and 0.0 < p <= 1.0 for path, p in out.values())


def test_level_probas_match_each_linear_model_alone(model):
    f = extract("CUDA out of memory", "CUDA out of memory when loading the model on two GPUs")
    idx, vals = model.vectorize(f)
    probas = model.level_probas(idx, vals)
    assert probas.keys() == model.models.keys()
    for level, linear in model.models.items():
        assert np.allclose(linear.proba(idx, vals), probas[level], rtol=0, atol=1e-12)
