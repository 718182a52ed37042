"""Typed views of what the store keeps for the shell: override records as StoredOverride, not raw dicts."""

from __future__ import annotations

from typing import Any

from bot.core.commands.plan import OverrideRecord, StoredOverride


async def overrides(ctx: Any, repo: str, number: int) -> list[StoredOverride]:
    """An issue's override records, oldest first."""
    return [StoredOverride.model_validate(r) for r in await ctx.store.overrides(repo, number)]


async def add_override(ctx: Any, repo: str, number: int, record: OverrideRecord, comment_id: int,
                       bot_decision: dict, issue: dict, at: float) -> None:
    """Store a human's override with the comment that made it and the bot's decision at the time."""
    stored = StoredOverride(**record.model_dump(), comment_id=comment_id, bot_decision=bot_decision)
    await ctx.store.add_override(repo, number, record.dimension, stored.model_dump(mode="json"),
                                 str(issue.get("title") or ""), str(issue.get("body") or ""), at)
