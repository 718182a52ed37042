"""Tests for `firstmile overrides export` (the overrides table itself: tests/store/test_contract.py)."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.__main__ import main
from bot.cli.overrides import export_rows
from bot.store import open_store


def _record(dimension: str, after: str, bot: str | None = None) -> dict:
    """A minimal override record as the commands handler stores it."""
    return {"dimension": dimension, "login": "maint", "after": [after], "path": after.split(" - "),
            "bot_path": bot.split(" - ") if bot else None, "bot_confidence": 0.6 if bot else None}


def _row(number: int, dimension: str, path, bot: dict | None = None, title: str = "t", at: float = 0.0) -> dict:
    """One exported store row with a record as the commands handler writes it."""
    record = {"dimension": dimension, "path": path, "bot_path": None,
              "bot_decision": {d: [p.split(" - "), 0.5] for d, p in (bot or {}).items()}}
    return {"repo": "o/r", "number": number, "dimension": dimension, "record": record, "title": title,
            "body": "b", "at": at}


BOT = {"symptom": "Crash - CUDA Error - Out of Memory", "root_cause": "Hardware and Resource Limitations",
       "stage": "Inference"}


def test_export_takes_the_humans_choice_per_dimension_else_the_bots():
    rows = [_row(1, "symptom", ["Hang"], BOT, title="old"), _row(1, "stage", ["Fine-tuning"], BOT, title="new"),
            _row(1, "symptom", ["Slow"], BOT, title="new")]
    [item] = export_rows(rows)
    assert item == {"id": "o/r#1", "source": "https://github.com/o/r/issues/1", "repo": "o/r", "title": "new",
                    "body": "b", "labels": [{"symptom": "Slow", "root_cause": BOT["root_cause"],
                                             "stage": "Fine-tuning"}]}


def test_export_prefers_the_bots_latest_decision_to_its_first_one():
    latest = {("o/r", 1): {"symptom": "Hang", "root_cause": "Distributed and Parallel Computing Issues",
                           "stage": "Fine-tuning"}, ("o/r", 2): None}
    rows = [_row(1, "symptom", ["Hang"], BOT), _row(2, "symptom", ["Hang"], BOT)]
    one, two = export_rows(rows, latest)
    assert one["labels"] == [latest[("o/r", 1)]]
    assert two["labels"] == [{"symptom": "Hang", "root_cause": BOT["root_cause"], "stage": "Inference"}]  # no state


def test_export_skips_unknown_dimensions_and_needs_info_only_issues():
    rows = [_row(1, "symptom", None, BOT),  # removed without a replacement: no symptom to train on
            _row(2, "needs_info", None, BOT),
            _row(3, "root_cause", ["Environment Compatibility Issues"], {"symptom": "Hang"})]
    assert list(export_rows(rows)) == ["o/r#1: no symptom", "o/r#3: no stage"]


def test_cli_writes_json_lines_the_trainer_reads(tmp_path, capsys):
    url = f"sqlite:///{tmp_path}/x.db"
    row = _row(4, "symptom", ["Hang"], BOT)

    async def fill() -> None:
        store = await open_store(url)
        await store.add_override("o/r", 4, "symptom", row["record"], "Title", "Body with 中文", 1.0)
        await store.add_override("o/r", 5, "symptom", _row(5, "symptom", None, BOT)["record"], "T", "B", 2.0)
        await store.close()

    asyncio.run(fill())
    out = tmp_path / "o.jsonl"
    assert main(["overrides", "export", "--database-url", url, "-o", str(out)]) == 0
    [line] = out.read_text(encoding="utf-8").splitlines()
    item = json.loads(line)
    assert (item["title"], item["body"], item["labels"][0]["symptom"]) == ("Title", "Body with 中文", "Hang")
    train = pytest.importorskip("bot.ml.train")
    assert train.level_targets(item["labels"][0])["symptom_l1"] == "Hang"
    assert "1 issues written, 1 skipped" in capsys.readouterr().err


def test_cli_refuses_a_missing_database(tmp_path, capsys):
    assert main(["overrides", "export", "--database-url", f"sqlite:///{tmp_path}/none.db"]) == 1
    assert "no database" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()
