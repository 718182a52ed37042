"""Tests for `firstmile train`: reads JSON Lines, writes the model files, reports bad input with exit 2."""

import json

import pytest

pytest.importorskip("sklearn")

from bot.__main__ import main
from bot.ml.model import Classifier
from tests.ml.conftest import synthetic_rows


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_train_writes_a_loadable_model_with_the_data_hash(tmp_path, capsys):
    data = write_jsonl(tmp_path / "issues.jsonl", synthetic_rows(3))
    overrides = write_jsonl(tmp_path / "overrides.jsonl", synthetic_rows(1))
    out = tmp_path / "model"
    assert main(["train", "--data", str(data), "--data", str(overrides), "--out", str(out)]) == 0
    model = Classifier.load(out)
    import hashlib

    want = hashlib.sha256(data.read_bytes() + overrides.read_bytes()).hexdigest()
    assert model.meta["data_sha256"] == want
    assert model.meta["rows"] == 12  # the 4 override rows restate issues of the first file: they replace them
    assert model.meta["created_by"] == "firstmile train --data issues.jsonl --data overrides.jsonl"
    assert "trained on 12 issues" in capsys.readouterr().out


def test_bad_line_exits_2_naming_the_line(tmp_path, capsys):
    data = tmp_path / "bad.jsonl"
    data.write_text(json.dumps(synthetic_rows(1)[0]) + "\n{not json\n", encoding="utf-8")
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "m")]) == 2
    assert "bad.jsonl: line 2: not JSON" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_rows_without_labels_list_are_rejected(tmp_path, capsys):
    data = write_jsonl(tmp_path / "x.jsonl", [{"title": "t", "body": "b"}])
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "m")]) == 2
    assert "x.jsonl: line 1: expected an object with a 'labels' list" in capsys.readouterr().err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["train", "--data", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "m")]) == 2
    assert "nope.jsonl" in capsys.readouterr().err


def test_unwritable_output_exits_1(tmp_path, capsys):
    data = write_jsonl(tmp_path / "issues.jsonl", synthetic_rows(1))
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["train", "--data", str(data), "--out", str(blocker / "model")]) == 1
    assert "cannot write the model" in capsys.readouterr().err
