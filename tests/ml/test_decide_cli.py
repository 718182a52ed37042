"""`firstmile train --records` writes the decision model; `firstmile eval --cv K` and `--by-repo` print held-out
likely accuracy, calibration and applied precision/coverage (synthetic issues and records of our own)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("sklearn")

from bot.__main__ import main
from tests.ml.conftest import synthetic_rows

REPOS = ["QwenLM/Qwen2.5", "meta-llama/llama3", "deepseek-ai/DeepSeek-V3"]


@pytest.fixture(autouse=True)
def _two_inner_folds(monkeypatch):
    """Two inner folds instead of five keep these end-to-end fits quick."""
    import bot.ml.decide_train

    monkeypatch.setattr(bot.ml.decide_train, "INNER", 2)


def _rows() -> list[dict]:
    rows = synthetic_rows(3)
    for i, r in enumerate(rows):
        r |= {"id": f"syn-{i}", "repo": REPOS[i % 3]}
    return rows


def _records(rows: list[dict]) -> list[dict]:
    out = [r["labels"][0] | {"repo": r["repo"], "dev_id": r["id"]} for r in rows]
    return out + [r["labels"][0] | {"repo": REPOS[i % 3], "dev_id": None} for i, r in enumerate(rows * 2)]


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def test_train_with_records_writes_a_decision_model_that_triage_serves(tmp_path, capsys):
    rows = _rows()
    data, records = _write(tmp_path / "issues.jsonl", rows), _write(tmp_path / "records.jsonl", _records(rows))
    out = tmp_path / "model"
    assert main(["train", "--data", data, "--records", records, "--out", str(out)]) == 0
    doc = json.loads((out / "decide.json").read_text(encoding="utf-8"))
    assert doc["format_version"] == 1 and set(doc["theta"]) == {"text", "rules"}
    assert sum(r[4] for r in doc["records"]) == len(_records(rows))
    assert all(0 < t <= 1.01 for t in doc["thresholds"]["text"]["root_cause"])
    assert "decision model" in capsys.readouterr().out


@pytest.mark.parametrize("how", [["--cv", "2"], ["--by-repo"]])
def test_eval_held_out_prints_likely_calibration_and_applied_figures(tmp_path, capsys, how):
    rows = _rows()
    data = _write(tmp_path / "issues.jsonl", rows)
    _write(tmp_path / "records.jsonl", _records(rows))  # found beside the dataset
    assert main(["eval", data, *how, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    text = report["reports"]["text"]
    assert set(text["likely"]) >= {"symptom L1", "root cause L1", "stage"}
    assert 0.0 <= text["likely"]["root cause L1"]["ece"] <= 1.0
    assert len(text["likely"]["symptom L1"]["reliability"]) == 10
    assert set(text["ece_floor"]) == set(text["likely"]) and all(0 <= v <= 0.5 for v in text["ece_floor"].values())
    assert text["likely"]["symptom L1"]["accuracy"] > 0.5  # well-separated synthetic kinds, held out
    assert {"precision", "coverage"} <= set(text["applied"]["root cause L1"])


def test_eval_held_out_without_records_exits_2(tmp_path, capsys):
    data = _write(tmp_path / "issues.jsonl", _rows())
    assert main(["eval", data, "--by-repo"]) == 2
    assert "records" in capsys.readouterr().err


def test_train_and_eval_with_written_issues_fit_and_weigh_the_written_head(tmp_path, capsys):
    from bot.core.decide.model import WRITTEN
    from bot.ml.model import Classifier

    rows = _rows()
    data, records = _write(tmp_path / "issues.jsonl", rows), _write(tmp_path / "records.jsonl", _records(rows))
    written = _write(tmp_path / "written.jsonl", synthetic_rows(2))
    out = tmp_path / "model"
    assert main(["train", "--data", data, "--records", records, "--written", written, "--out", str(out)]) == 0
    assert WRITTEN in Classifier.load(out).models
    doc = json.loads((out / "decide.json").read_text(encoding="utf-8"))
    assert doc["theta"]["text"]["root_cause"]["written"] != 0.0  # fitted, not left at its default
    assert "--written written.jsonl" in doc["meta"]["created_by"]
    capsys.readouterr()
    assert main(["eval", data, "--cv", "2", "--json", "--written", written]) == 0
    assert json.loads(capsys.readouterr().out)["written"] == len(synthetic_rows(2))
