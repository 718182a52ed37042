"""The backfill's hook into the related-issue index, against a stand-in for bot.github.related's `relate`."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass

from bot.backfill.related import index_hook


@dataclass
class _Related:
    number: int
    score: float
    reasons: tuple


async def test_the_hook_indexes_and_returns_the_links_to_store(monkeypatch):
    calls = []

    async def relate(ctx, repo, issue, decision):
        calls.append((ctx.settings, repo, issue["number"], decision))
        return types.SimpleNamespace(shown=[_Related(7, 0.91, (("error", "fp1"),))])

    monkeypatch.setitem(sys.modules, "bot.github.related", types.SimpleNamespace(relate=relate))
    import bot.github

    monkeypatch.setattr(bot.github, "related", sys.modules["bot.github.related"], raising=False)
    hook = index_hook("settings")
    assert await hook("o/r", {"number": 3}, {}, "decision") == {
        "related": [{"number": 7, "score": 0.91, "reasons": [["error", "fp1"]]}]}
    assert calls == [("settings", "o/r", 3, "decision")]
    assert await hook("o/r", {"number": 4}, {}, None) is None  # --apply: the webhook path indexes it


def test_no_index_in_this_build_means_no_hook(monkeypatch):
    import bot.github

    monkeypatch.setitem(sys.modules, "bot.github.related", None)
    monkeypatch.delattr(bot.github, "related", raising=False)  # a build with the index may have imported it already
    assert index_hook("settings") is None


async def test_a_failing_index_never_stops_the_backfill(monkeypatch):
    async def relate(ctx, repo, issue, decision):
        raise RuntimeError("no FTS5 here")

    monkeypatch.setitem(sys.modules, "bot.github.related", types.SimpleNamespace(relate=relate))
    import bot.github

    monkeypatch.setattr(bot.github, "related", sys.modules["bot.github.related"], raising=False)
    assert await index_hook("settings")("o/r", {"number": 1}, {}, "decision") is None
