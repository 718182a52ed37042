"""Tests for `firstmile deliveries failed|replay` against a real SQLite store."""

from __future__ import annotations

from bot.__main__ import main
from bot.store import open_store


def _store_with_failures(tmp_path):
    """A store with one done, one pending and two failed deliveries (one out of attempts)."""
    url = f"sqlite:///{tmp_path}/bot.db"
    store = open_store(url)
    for i, name in enumerate(["ok", "waiting", "flaky", "dead"]):
        store.add_delivery(name, "issues", "opened", "{}", float(i))
    store.claim("ok", 10.0)
    store.finish("ok", 11.0)
    for t in (20.0, 30.0, 40.0):  # three runs, as the retrier gives them
        store.requeue_failed(3, t)
        store.claim("dead", t)
        store.finish("dead", t + 1, error="GitHubUnavailable:\n  timeout @someone <b>")
    store.claim("flaky", 10.0)
    store.finish("flaky", 12.0, error="GitHubUnavailable: POST /labels: 502 after 5 attempts")
    return url, store


def test_failed_lists_newest_first_on_one_line_each(tmp_path, capsys):
    url, _ = _store_with_failures(tmp_path)
    assert main(["deliveries", "failed", "--database-url", url]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "dead\tissues.opened\t3\tGitHubUnavailable: timeout @someone <b>",
        "flaky\tissues.opened\t1\tGitHubUnavailable: POST /labels: 502 after 5 attempts",
    ]
    assert err.strip() == "2 failed"


def test_replay_requeues_every_failed_delivery_with_fresh_attempts(tmp_path, capsys):
    url, store = _store_with_failures(tmp_path)
    assert main(["deliveries", "replay", "--database-url", url]) == 0
    assert capsys.readouterr().err.strip() == "2 failed deliveries queued again"
    got = {d: (store.get(d).status, store.get(d).attempts) for d in ("ok", "waiting", "flaky", "dead")}
    assert got == {"ok": ("done", 1), "waiting": ("pending", 0), "flaky": ("pending", 0), "dead": ("pending", 0)}
    assert store.open_count() == 3 and store.failed(10) == []


def test_a_missing_database_is_one_line_and_exit_1(tmp_path, capsys):
    assert main(["deliveries", "replay", "--database-url", f"sqlite:///{tmp_path}/none.db"]) == 1
    assert capsys.readouterr().err.strip() == f"cannot replay deliveries: no database at {tmp_path}/none.db"
