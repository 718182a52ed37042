"""Tests for the overrides table of bot.store and `firstmile overrides export`."""

from __future__ import annotations

from bot.store import SQLiteStore


def _record(dimension: str, after: str, bot: str | None = None) -> dict:
    """A minimal override record as the commands handler stores it."""
    return {"dimension": dimension, "login": "maint", "after": [after], "path": after.split(" - "),
            "bot_path": bot.split(" - ") if bot else None, "bot_confidence": 0.6 if bot else None}


def test_overrides_are_kept_per_issue_oldest_first(tmp_path):
    url = f"sqlite:///{tmp_path}/o.db"
    store = SQLiteStore(url)
    store.add_override("o/r", 1, "symptom", _record("symptom", "Hang"), "t", "b", 1.0)
    store.add_override("o/r", 2, "stage", _record("stage", "Inference"), "t2", "b2", 2.0)
    store.add_override("o/r", 1, "root_cause", _record("root_cause", "Env"), "t", "b", 3.0)
    store.close()
    store = SQLiteStore(url)
    got = store.overrides("o/r", 1)
    assert [(o["dimension"], o["after"]) for o in got] == [("symptom", ["Hang"]), ("root_cause", ["Env"])]
    assert store.overrides("o/r", 3) == [] and store.overrides("x/y", 1) == []
    rows = list(store.export_overrides())
    assert [(r["repo"], r["number"], r["dimension"], r["at"]) for r in rows] == [
        ("o/r", 1, "symptom", 1.0), ("o/r", 2, "stage", 2.0), ("o/r", 1, "root_cause", 3.0)]
    assert rows[1]["title"] == "t2" and rows[1]["body"] == "b2" and rows[1]["record"]["after"] == ["Inference"]


def test_command_runs_are_remembered_per_comment_version():
    store = SQLiteStore("sqlite:///:memory:")
    assert store.command_seen("o/r", 7, "2026-01-01T00:00:00Z") is False
    store.mark_command("o/r", 7, "2026-01-01T00:00:00Z", 1.0)
    store.mark_command("o/r", 7, "2026-01-01T00:00:00Z", 2.0)  # twice is fine
    assert store.command_seen("o/r", 7, "2026-01-01T00:00:00Z") is True
    assert store.command_seen("o/r", 7, "2026-01-01T00:05:00Z") is False  # an edit is a new version
    assert store.command_seen("x/y", 7, "2026-01-01T00:00:00Z") is False
