"""Tests for the triage tables of bot.store: issue state, label provenance, comment dedupe, retry records."""

from __future__ import annotations

from bot.store import IssueState, SQLiteStore


def store() -> SQLiteStore:
    """A fresh in-memory store."""
    return SQLiteStore("sqlite:///:memory:")


def test_issue_state_round_trips():
    s = store()
    assert s.issue_state("o/r", 1) is None
    state = IssueState("o/r", 1, comment_id=7, comment_body="hi", bot_applied=["a"], comments=[{"id": 3, "body": "x"}],
                       decision={"symptom": "Crash"})
    s.save_issue_state(state, 1.0)
    assert s.issue_state("o/r", 1) == state
    assert s.issue_state("o/r", 2) is None


def test_label_provenance_follows_the_latest_action_case_insensitively():
    s = store()
    s.label_event("o/r", 1, "bug", added=True, by_bot=True)
    s.label_event("o/r", 1, "BUG", added=False, by_bot=False)  # a human removed the bot's label
    got = s.issue_state("o/r", 1)
    assert (got.bot_applied, got.human_removed, got.human_added) == ([], ["BUG"], [])
    s.label_event("o/r", 1, "bug", added=True, by_bot=False)  # and put it back
    got = s.issue_state("o/r", 1)
    assert (got.human_removed, got.human_added) == ([], ["bug"])
    s.record_human_labels("o/r", 1, added=["x"], removed=["bug"])
    got = s.issue_state("o/r", 1)
    assert (got.human_added, got.human_removed) == (["x"], ["bug"])


def test_label_events_keep_the_rest_of_the_state():
    s = store()
    s.save_issue_state(IssueState("o/r", 1, comment_id=9, comments=[{"id": 1, "body": "b"}]), 5.0)
    s.label_event("o/r", 1, "a", added=True, by_bot=False)
    got = s.issue_state("o/r", 1)
    assert (got.comment_id, got.comments, got.human_added) == (9, [{"id": 1, "body": "b"}], ["a"])


def test_comment_versions_are_seen_once():
    s = store()
    assert not s.comment_seen("o/r", 5, "t1")
    assert s.mark_comment("o/r", 5, "t1", 1.0) is True
    assert s.comment_seen("o/r", 5, "t1") and not s.comment_seen("o/r", 5, "t2")
    assert s.mark_comment("o/r", 5, "t1", 2.0) is False


def test_retries_are_recorded_in_order():
    s = store()
    s.add_retry("o/r", 1, "d1", "issues.opened", "GitHubBroken: 502", 1.0)
    s.add_retry("o/r", None, None, "issue_comment.created", "x" * 5000, 2.0)
    first, second = s.retries()
    assert (first["repo"], first["number"], first["delivery_id"], first["event"]) == ("o/r", 1, "d1", "issues.opened")
    assert second["number"] is None and len(second["error"]) == 2000
